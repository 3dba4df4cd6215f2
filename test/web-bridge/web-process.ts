/**
 * The real `npm run web` command as a child process (the npm script runs this same file through
 * tsx), with a private HOME so its default data folder lands in a temp dir, and helpers to talk to
 * its bridge the way the page does: token page first (for the cookie), then commands.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stopChild } from '../support/stop-child';

const MAIN = fileURLToPath(new URL('../../src-main/web-bridge/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const RENDERER_DIR = fileURLToPath(new URL('../../out/renderer', import.meta.url));
const START_TIMEOUT_MS = 20_000;
/** The app closes its session, audio and history on SIGTERM; give it that long before SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** Builds the renderer when it is missing (CI builds it before the tests; a fresh checkout has not). */
export function ensureRendererBuilt(): void {
  if (existsSync(`${RENDERER_DIR}/index.html`)) return;
  const build = spawnSync(process.execPath, [`${ROOT}node_modules/electron-vite/bin/electron-vite.js`, 'build'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(build.status, 0, 'electron-vite build failed');
}

/** The environment of a user with this HOME and nothing Parley-specific set (no key, no data folder). */
export function cleanEnvironment(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined || name === 'OPENAI_API_KEY' || name === 'PARLEY_USER_DATA_DIR' || name.startsWith('XDG_')) continue;
    env[name] = value;
  }
  return { ...env, HOME: home, ...extra };
}

export interface WebProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code. */
  readonly exited: Promise<number | null>;
}

export function spawnWeb(args: readonly string[], env: Record<string, string>): WebProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export interface RunningWeb extends WebProcess {
  readonly url: string;
  readonly origin: string;
  readonly dataFolder: string;
  /** The bridge cookie, from opening the token page. */
  readonly cookie: string;
  command<T>(name: string, args?: unknown): Promise<{ ok: true; value: T } | { ok: false; error: { code: string; message: string } }>;
  stop(): Promise<void>;
}

/** Starts `npm run web`, waits for its start-up lines and opens the token page. */
export async function startWeb(args: readonly string[], env: Record<string, string>): Promise<RunningWeb> {
  const web = spawnWeb(args, env);
  const deadline = Date.now() + START_TIMEOUT_MS;
  let match: RegExpMatchArray | null = null;
  while (!(match = web.stdout().match(/(http:\/\/127\.0\.0\.1:\d+)\/\?token=\w+[\s\S]*Data folder: (.+)\n/))) {
    if (web.child.exitCode !== null) throw new Error(`npm run web exited (${web.child.exitCode}): ${web.stderr()}`);
    if (Date.now() > deadline) {
      await stopChild(web.child);
      throw new Error(`npm run web did not start within ${START_TIMEOUT_MS} ms; stdout: ${web.stdout()} stderr: ${web.stderr()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const origin = match[1]!;
  const url = web.stdout().match(/http:\/\/127\.0\.0\.1:\d+\/\?token=\w+/)![0];
  const dataFolder = match[2]!.replace(/ \(from .*\)$/, '');
  const page = await fetch(url);
  assert.equal(page.status, 200);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
  return {
    ...web,
    url,
    origin,
    dataFolder,
    cookie,
    command: async (name, args) => {
      const response = await fetch(`${origin}/api/commands/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, cookie },
        body: JSON.stringify(args === undefined ? {} : { args }),
      });
      return (await response.json()) as never;
    },
    stop: async () => {
      await stopChild(web.child, STOP_GRACE_MS);
      await web.exited;
    },
  };
}
