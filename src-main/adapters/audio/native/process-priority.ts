// The audio process's scheduling priority, for every thread it has. On Linux a nice value belongs
// to a thread, not to the process: setPriority(0, …) changes only the calling thread, and threads
// that already exist keep theirs. libuv's threadpool is started while the process's modules load
// (the ES module loader reads files through it), before any code of ours runs, so its threads,
// which hold naudiodon's pending speaker writes, stayed at nice 0 while the main thread ran at
// -11: on a loaded 2-core machine a write's completion then waited for a CPU and the speaker ran
// dry. Threads started later (PortAudio's, the canceller's) inherit the main thread's value.
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

export interface PriorityResult {
  /** Threads now at the asked priority (the calling thread included). */
  readonly raised: number;
  /** Why the calling thread's priority could not be set (not permitted, for one); undefined when it was. */
  readonly refused?: string;
  /** Threads that exist but could not be changed (they may have ended meanwhile). */
  readonly missed: number;
}

/** Sets `nice` on the calling thread and, where the system lists them (/proc/self/task), on every other thread of the process. */
export function setProcessPriority(nice: number, taskDirectory = '/proc/self/task'): PriorityResult {
  try {
    setPriority(0, nice);
  } catch (error) {
    return { raised: 0, missed: 0, refused: error instanceof Error ? error.message : String(error) };
  }
  let threadIds: number[];
  try {
    threadIds = readdirSync(taskDirectory).map(Number).filter(Number.isInteger);
  } catch {
    // No per-thread listing (macOS, Windows): there a process's priority is the process's.
    return { raised: 1, missed: 0 };
  }
  let raised = 0;
  let missed = 0;
  for (const threadId of threadIds) {
    try {
      setPriority(threadId, nice);
      raised++;
    } catch {
      missed++;
    }
  }
  return { raised, missed };
}
