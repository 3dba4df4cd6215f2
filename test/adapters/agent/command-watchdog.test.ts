import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import { allProcesses, isGone, processEntry } from './process-table';

/**
 * The command agent's process group must not outlive Parley, even when Parley is killed with
 * SIGKILL and runs no cleanup at all. A real "fake Parley" process starts a command with a
 * grandchild; the test kills it and watches every process of that group disappear.
 *
 * Orphans are reparented to PID 1, which must reap them once they die. This machine's PID 1 is
 * not an init and never reaps, so a killed orphan would stay a zombie forever whatever Parley
 * does. The fake Parley therefore runs under a small subreaper (python3, PR_SET_CHILD_SUBREAPER)
 * that reaps orphans the way init or systemd does on a desktop.
 */

const here = dirname(fileURLToPath(import.meta.url));
const FAKE_PARLEY = join(here, 'fake-parley.ts');
const PROJECT_ROOT = join(here, '..', '..', '..');
const REAPER = [
  'import ctypes, os, subprocess, sys',
  'ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER',
  'subprocess.Popen(sys.argv[1:])',
  'while True:',
  '    try: os.wait()',
  '    except ChildProcessError: break',
].join('\n');
/** How long everything may take to disappear: the watchdog acts at once; SIGKILL follows 2 s later. */
const GONE_WITHIN_MS = 5_000;

const skipReason =
  process.platform !== 'linux'
    ? 'reads /proc: Linux only'
    : spawnSync('python3', ['-c', 'import ctypes'], { stdio: 'ignore' }).status !== 0
      ? 'python3 (the test subreaper) is not installed'
      : false;

interface Running {
  readonly parley: number;
  readonly command: number;
  readonly group: number[];
  readonly grandchild: number;
  readonly watchdog: number | undefined;
}

interface FakeParley {
  readonly reaper: ChildProcess;
  readonly running: Running;
  /** Resolves on the next line whose event is `event`. */
  nextEvent(event: string): Promise<Record<string, unknown>>;
}

async function startFakeParley(t: TestContext, commandLine: string, mode?: 'complete'): Promise<FakeParley> {
  const reaper = spawn('python3', ['-c', REAPER, process.execPath, '--import', 'tsx', FAKE_PARLEY, commandLine, ...(mode ? [mode] : [])], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: reaper.stdout! });
  const waiting = new Map<string, (message: Record<string, unknown>) => void>();
  const seen = new Map<string, Record<string, unknown>>();
  lines.on('line', (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    const event = String(message['event']);
    seen.set(event, message);
    waiting.get(event)?.(message);
  });
  const nextEvent = (event: string): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const known = seen.get(event);
      if (known) return resolve(known);
      const timer = setTimeout(() => reject(new Error(`fake Parley did not report "${event}" within 15 s`)), 15_000);
      waiting.set(event, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  const running = (await nextEvent('running')) as unknown as Running;
  // Whatever happens, nothing of this test is left running.
  t.after(() => {
    for (const pid of [running.parley, ...running.group, running.grandchild, running.watchdog ?? 0]) {
      if (pid > 0 && !isGone(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    }
    reaper.kill('SIGKILL');
  });
  return { reaper, running, nextEvent };
}

/** Waits until every pid is gone (no zombie either) and nothing is left in `group`; returns the time taken. */
async function waitUntilGone(pids: number[], group: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const left = pids.filter((pid) => !isGone(pid));
    const inGroup = allProcesses().filter((entry) => entry.group === group);
    if (left.length === 0 && inGroup.length === 0) return Date.now() - started;
    if (Date.now() - started > GONE_WITHIN_MS) {
      const described = [...new Set([...left, ...inGroup.map((entry) => entry.pid)])].map((pid) => {
        const entry = processEntry(pid);
        return entry ? `${pid} (state ${entry.state}, parent ${entry.parent}, group ${entry.group})` : `${pid}`;
      });
      assert.fail(`still present after ${GONE_WITHIN_MS} ms: ${described.join(', ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function assertAllRunning(running: Running): void {
  assert.ok(running.watchdog, 'a watchdog process guards the command');
  assert.ok(running.group.includes(running.grandchild), 'the grandchild is in the command group');
  for (const pid of [...running.group, running.watchdog]) {
    const entry = processEntry(pid);
    assert.ok(entry && entry.state !== 'Z', `${pid} should be running before the test acts`);
  }
}

describe('command agent watchdog', { skip: skipReason }, () => {
  test('SIGKILL of Parley takes the command, its grandchild and the watchdog down', async (t) => {
    const fake = await startFakeParley(t, `sh -c 'sleep 300 & echo pid=$$ grandchild=$! ready; sleep 300'`);
    const { running } = fake;
    assertAllRunning(running);
    assert.ok(running.group.length >= 2, `the group holds the command and its grandchild (${running.group.join(', ')})`);

    process.kill(running.parley, 'SIGKILL');
    const elapsed = await waitUntilGone([...running.group, running.watchdog!], running.command);

    t.diagnostic(`group and watchdog gone ${elapsed} ms after SIGKILL of Parley`);
    assert.ok(elapsed < 1_000, `SIGTERM from the watchdog should end them at once (took ${elapsed} ms)`);
  });

  test('a group that ignores SIGTERM is killed with SIGKILL after the grace period once Parley dies', async (t) => {
    // An ignored signal stays ignored across fork and exec: both sleeps ignore SIGTERM too.
    const fake = await startFakeParley(t, `sh -c 'trap "" TERM; sleep 300 & echo pid=$$ grandchild=$! ready; sleep 300'`);
    const { running } = fake;
    assertAllRunning(running);

    process.kill(running.parley, 'SIGKILL');
    const elapsed = await waitUntilGone([...running.group, running.watchdog!], running.command);

    t.diagnostic(`SIGTERM-proof group gone ${elapsed} ms after SIGKILL of Parley`);
    assert.ok(elapsed >= 1_500, `SIGKILL comes after the grace period (took ${elapsed} ms)`);
  });

  test('after a turn that completes normally nothing is left: command, grandchild or watchdog', async (t) => {
    const fake = await startFakeParley(
      t,
      `sh -c 'sleep 300 >/dev/null 2>&1 & echo pid=$$ grandchild=$! ready'`,
      'complete',
    );
    const { running } = fake;
    assert.ok(running.watchdog, 'a watchdog process guards the command');
    await fake.nextEvent('completed');

    const elapsed = await waitUntilGone([running.command, running.grandchild, running.watchdog], running.command);

    t.diagnostic(`leftovers gone ${elapsed} ms after the turn completed`);
    assert.equal(isGone(running.parley), false, 'Parley itself is still running: the backend cleaned up, not its death');
  });
});
