/**
 * bench:events client `parley-command`: the compiled `parley` command (out/cli/parley.mjs on plain
 * node, as `npm run headless` and the package's bin run it), unmodified, on the same event stream
 * as the other clients:
 *
 *   node out/cli/parley.mjs --realtime-url ws://127.0.0.1:PORT --agent none --input-device none
 *                           --output-wav TMP/answer.wav
 *
 * (readable output, as a person runs it; no devices), on the same server and stream as the others.
 *
 * It cannot measure itself, so the parent does (process-watch.ts): start at its first frame on the
 * wire; end of the stream at its stderr line "parley: The server ended the session…", which it
 * prints on the `closed` event that the server's close (after the last frame) causes, before it
 * releases the session and exits; CPU per thread from /proc at both; the whole run's CPU once it
 * has been reaped. Checked: the end line, exit code 0, and the WAV file holding exactly the
 * stream's audio (header + plan.audioBytes), so a run that lost audio is invalid, never fast.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_VARIANT, startCommand } from './parley-command';
import { ProcessWatch, type WholeProcess } from './process-watch';
import type { StreamPlan } from './events-stream';

const WAV_HEADER_BYTES = 44;
const SERVER_ENDED_LINE = /^parley: The server ended the session/m;
/** The profiler's sampling interval, µs: the same as clients/harness.ts. */
const PROFILE_INTERVAL_US = 100;

export interface CommandReport {
  readonly client: 'parley-command';
  readonly ok: boolean;
  readonly errors: string[];
  readonly notes: string[];
  readonly exitCode: number | null;
  readonly wavBytes: number | undefined;
  readonly whole: WholeProcess;
}

export interface CommandRun {
  /** ws://host of the events server. */
  readonly wsBase: string;
  readonly plan: StreamPlan;
  readonly timeoutMs: number;
  /** A V8 CPU profile of the whole process (start and exit included) is written here. */
  readonly profileOut: string | undefined;
  /** Called with the watch before the command can connect; the server marks its start on it. */
  readonly onWatch: (watch: ProcessWatch | undefined) => void;
}

export async function runCommandClient(run: CommandRun): Promise<CommandReport> {
  const folder = mkdtempSync(join(tmpdir(), 'parley-bench-command-'));
  const wavPath = join(folder, 'answer.wav');
  const errors: string[] = [];
  const notes: string[] = [];
  const nodeFlags = run.profileOut
    ? ['--cpu-prof', '--cpu-prof-dir', dirname(run.profileOut), '--cpu-prof-name', basename(run.profileOut), '--cpu-prof-interval', String(PROFILE_INTERVAL_US)]
    : [];
  if (run.profileOut) notes.push(`profiled run (node --cpu-prof at ${PROFILE_INTERVAL_US} µs, whole process): CPU numbers are inflated`);

  const watch = new ProcessWatch();
  const child = startCommand(BUNDLE_VARIANT, ['--realtime-url', run.wsBase, '--agent', 'none', '--input-device', 'none', '--output-wav', wavPath], nodeFlags);
  watch.attach(child);
  run.onWatch(watch);
  let stderr = '';
  let tail = ''; // the line may come split over two chunks
  let endSeen = false;
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    tail = (tail + text).slice(-400);
    if (!endSeen && SERVER_ENDED_LINE.test(tail)) {
      watch.markEnd();
      endSeen = true;
    }
    stderr = (stderr + text).slice(-20_000);
  });
  child.stdout!.resume(); // the finished transcript lines: read, not kept

  let timedOut = false;
  const killer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, run.timeoutMs);
  const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(killer);
  run.onWatch(undefined);
  const whole = watch.finish();

  let wavBytes: number | undefined;
  try {
    wavBytes = statSync(wavPath).size;
  } catch {
    wavBytes = undefined;
  }
  rmSync(folder, { recursive: true, force: true });

  const lastLines = () => stderr.trim().split('\n').slice(-3).join(' | ');
  if (timedOut) errors.push(`timed out after ${run.timeoutMs} ms`);
  if (!whole.start) errors.push('its first frame never reached the server');
  if (!endSeen) errors.push(`no "server ended the session" line: ${lastLines()}`);
  if (exitCode !== 0) errors.push(`exited with ${exitCode}: ${lastLines()}`);
  const wantWav = WAV_HEADER_BYTES + run.plan.audioBytes;
  if (wavBytes !== wantWav) errors.push(`WAV file of ${wavBytes ?? 'no'} bytes, expected ${wantWav} (header + the stream's audio)`);
  return { client: 'parley-command', ok: errors.length === 0, errors, notes, exitCode, wavBytes, whole };
}
