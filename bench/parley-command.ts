/**
 * The compiled `parley` command (out/cli/parley.mjs, built by scripts/build-cli.mjs) as the
 * benchmarks run it: building it, starting it on plain node against a loopback server, waiting
 * for it. Shared by bench:cli (cli-start.ts: start-up and memory) and bench:events
 * (events-bench.ts: the command beside the other clients on the same event stream).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPO_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const COMMAND_BUNDLE = join(REPO_DIR, 'out', 'cli', 'parley.mjs');
export const COMMAND_SOURCE_ENTRY = join(REPO_DIR, 'src-main', 'headless', 'main.ts');
/** Not a secret: the loopback servers here accept any key. */
export const BENCH_API_KEY = 'bench-key';

/** One way to run the command: node's argv before the command's own flags. */
export interface CommandVariant {
  readonly name: string;
  readonly args: readonly string[];
}

export const BUNDLE_VARIANT: CommandVariant = { name: 'bundle (node out/cli/parley.mjs)', args: [COMMAND_BUNDLE] };
export const TSX_VARIANT: CommandVariant = { name: 'tsx (node --import tsx main.ts)', args: ['--import', 'tsx', COMMAND_SOURCE_ENTRY] };

/**
 * Starts the command with a minimal environment (no NODE_OPTIONS, no PARLEY_* settings of the
 * caller's shell) and the bench key. `nodeFlags` go to node itself, before the script.
 */
export function startCommand(variant: CommandVariant, args: readonly string[], nodeFlags: readonly string[] = []): ChildProcess {
  return spawn(process.execPath, [...nodeFlags, ...variant.args, ...args], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], OPENAI_API_KEY: BENCH_API_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** The promise, or a rejection after `ms`; the timer is cleared either way so it never holds the process open. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** Builds out/cli (both files); returns the build's own report line. Throws when the build fails. */
export function buildCommand(): string {
  const build = spawnSync(process.execPath, [join(REPO_DIR, 'scripts', 'build-cli.mjs')], { encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the build of out/cli failed: ${build.stderr}`);
  return build.stdout;
}

/**
 * Builds the command when it is missing or older than its sources (as `npm run headless` does).
 * Returns what happened in words. A failed rebuild with a bundle still there is reported, and the
 * old bundle is measured: the sources may be mid-edit by someone else.
 */
export async function ensureCommandBuilt(): Promise<string> {
  const { cliBundleIsStale } = (await import(pathToFileURL(join(REPO_DIR, 'scripts', 'cli-bundle.mjs')).href)) as { cliBundleIsStale(): boolean };
  if (!cliBundleIsStale()) return 'out/cli/parley.mjs is up to date';
  try {
    return buildCommand().trim();
  } catch (error) {
    if (!existsSync(COMMAND_BUNDLE)) throw error;
    return `WARNING: rebuilding out/cli failed, measuring the older bundle: ${error instanceof Error ? error.message.trim() : String(error)}`;
  }
}
