import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src-main/headless/main.ts', import.meta.url));
/**
 * `npm test` (scripts/run-tests.mjs) builds the `parley` command before the tests and names it
 * here, so the tests drive what users run; a test file run on its own uses the sources via tsx.
 */
const BUILT_COMMAND = process.env['PARLEY_TEST_BUILT_COMMAND'];
const COMMAND_ARGS = BUILT_COMMAND ? [BUILT_COMMAND] : ['--import', 'tsx', MAIN];

export interface HeadlessRun {
  child: ChildProcess;
  /** Resolves when the process exits. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  stdoutSoFar(): string;
}

/** Spawns the real headless command: the built bundle under `npm test`, else main.ts through tsx. */
export function runHeadlessProcess(args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 20_000): HeadlessRun {
  const child = spawn(process.execPath, [...COMMAND_ARGS, ...args, ...withoutLiveDevices(args)], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, stdoutSoFar: () => stdout };
}

export function jsonLines(stdout: string): any[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line));
}

/**
 * Tests never open live audio devices unless they name one: a side without a WAV file or a
 * device of its own gets `none` (the live-audio tests pass their devices explicitly).
 */
function withoutLiveDevices(args: string[]): string[] {
  if (args.includes('--help') || args.includes('--list-devices')) return [];
  const extra: string[] = [];
  if (!args.includes('--input-wav') && !args.includes('--input-device')) extra.push('--input-device', 'none');
  if (!args.includes('--output-wav') && !args.includes('--output-device')) extra.push('--output-device', 'none');
  return extra;
}
