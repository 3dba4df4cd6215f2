import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A watchdog that stops an agent command's process group when Parley dies, however it dies
 * (crash, SIGKILL, power-user `kill -9`): Parley's own exit handlers cannot be relied on for that.
 *
 * It is a tiny separate process holding the read end of a pipe from Parley on its stdin. The
 * kernel closes Parley's end when Parley exits for any reason; the watchdog sees end-of-file and
 * signals the group: SIGTERM, then SIGKILL after a grace period. It exits by itself once the group
 * is gone (the command ended normally) or when Parley releases it.
 *
 * It runs as `process.execPath -e <source>` with ELECTRON_RUN_AS_NODE=1: under Electron the
 * executable is the app itself, and that variable makes it a plain Node, so the bundle ships no
 * extra file (electron.vite.config.ts builds only index and the audio host). If the app is ever
 * packaged with the RunAsNode fuse turned off, spawning the executable would start the app
 * instead: pass `watchdog: false` to the command backend then, or ship this source as a file.
 *
 * POSIX only: on Windows there are no process groups to signal (see createCommandBackend).
 */

/** Shown in `ps` so that a person can tell what this process is. */
export const WATCHDOG_MARKER = 'parley-agent-watchdog';
/** How often the watchdog checks that the group still exists. */
const GROUP_POLL_MS = 500;

// Plain JavaScript, run by `node -e`: argv[1] marker, [2] group id, [3] grace ms, [4] poll ms.
const WATCHDOG_SOURCE = `
const group = Number(process.argv[2]);
const graceMs = Number(process.argv[3]);
const pollMs = Number(process.argv[4]);
const alive = () => {
  try { process.kill(-group, 0); return true; } catch (error) { return error.code === 'EPERM'; }
};
const signal = (name) => { try { process.kill(-group, name); } catch {} };
let stopping = false;
const stopGroup = () => {
  if (stopping) return;
  stopping = true;
  signal('SIGTERM');
  const started = Date.now();
  setInterval(() => {
    if (!alive()) process.exit(0);
    if (Date.now() - started >= graceMs) { signal('SIGKILL'); process.exit(0); }
  }, 50);
};
process.stdin.on('data', (data) => { if (String(data).includes('release')) process.exit(0); });
process.stdin.on('end', stopGroup);
process.stdin.on('error', stopGroup);
process.stdin.on('close', stopGroup);
setInterval(() => { if (!stopping && !alive()) process.exit(0); }, pollMs);
// Terminal and session signals are for Parley, not for this guard.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => {});
`;

export interface ProcessGroupWatchdog {
  readonly pid: number | undefined;
  /** Parley stops the group itself (or it is gone): the watchdog exits without signalling. */
  release(): void;
}

/** Starts a watchdog for the process group `groupId` (the command's pid, as it leads its group). */
export function startProcessGroupWatchdog(groupId: number, graceMs: number, onError: (error: Error) => void): ProcessGroupWatchdog {
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, WATCHDOG_MARKER, String(groupId), String(graceMs), String(GROUP_POLL_MS)], {
      // Nothing of Parley's environment: NODE_OPTIONS (loaders, inspectors) would only slow it.
      env: { ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own session: a Ctrl-C or hang-up meant for Parley does not take the guard down first.
      detached: true,
      windowsHide: true,
    });
  } catch (error) {
    onError(error instanceof Error ? error : new Error(String(error)));
    return { pid: undefined, release: () => {} };
  }
  child.on('error', onError);
  child.stdin?.on('error', () => {}); // the watchdog may have exited already: EPIPE is expected
  // Neither the guard nor its pipe keeps Parley alive; when Parley exits, the pipe closes and the guard acts.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  let released = false;
  return {
    pid: child.pid,
    release(): void {
      if (released) return;
      released = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin?.end('release\n');
    },
  };
}
