// The desktop app end to end: the built bundle (out/) in a real Electron, driven by Playwright,
// talking to the loopback mock realtime server. Skips, saying why, where the Electron binary was
// never downloaded (as on machines without access to Electron's download server).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { createSettingsStore, type SecretCipher } from '../../src-main/adapters/settings/settings-store';
import { startMockRealtimeServer, type ScriptedEvent } from '../support/mock-realtime-server';
import { ensureDisplay } from './virtual-display';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN_BUNDLE = join(ROOT, 'out', 'main', 'index.js');
const SCREENSHOT_DIR = join(ROOT, 'test-artifacts', 'electron');
const TEST_API_KEY = 'sk-test-electron-e2e-0123456789';
const LAUNCH_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 10_000;
const BUBBLE_TIMEOUT_MS = 15_000;
const HIDE_TIMEOUT_MS = 5_000;
/** What quitting may take, session close included (architecture: quit waits for a clean close). */
const QUIT_BUDGET_MS = 2_000;
/** How long to wait for a quit that blew the budget, to report its real duration. */
const QUIT_GIVE_UP_MS = 15_000;
const ASSISTANT_LINE = 'Hello from the mock realtime server.';

/** Dialect v2 events sent right after the app's session.update: a short spoken answer. */
const GREETING: ScriptedEvent[] = [
  { type: 'session.created', session: { id: 'sess_electron_e2e', type: 'realtime' } },
  { type: 'response.created', response: { id: 'resp_e2e', status: 'in_progress' } },
  { type: 'response.output_audio_transcript.delta', item_id: 'item_e2e', delta: ASSISTANT_LINE },
  { type: 'response.output_audio_transcript.done', item_id: 'item_e2e', transcript: ASSISTANT_LINE },
  { type: 'response.done', response: { id: 'resp_e2e', status: 'completed', output: [] } },
];

type ElectronBinary = { readonly found: true; readonly path: string } | { readonly found: false; readonly reason: string };

/** In plain Node, the electron package's main module is the binary's path; it throws when the binary was never downloaded. */
function findElectronBinary(): ElectronBinary {
  const require = createRequire(import.meta.url);
  let binary: unknown;
  try {
    binary = require('electron');
  } catch (error) {
    return { found: false, reason: `require('electron') failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (typeof binary !== 'string') return { found: false, reason: "require('electron') did not return the binary's path" };
  if (!existsSync(binary)) return { found: false, reason: `node_modules/electron points at ${binary}, which does not exist` };
  return { found: true, path: binary };
}

/** Writes the settings file the way the app's own store does, so the format always matches. */
function seedSettings(userDataDir: string, realtimeUrl: string): void {
  const noKeychain: SecretCipher = {
    isAvailable: () => false,
    encrypt: () => {
      throw new Error('the test stores no API key');
    },
    decrypt: () => {
      throw new Error('the test stores no API key');
    },
  };
  const store = createSettingsStore({ cwd: userDataDir, cipher: noKeychain, env: {} });
  store.update({ dialect: 'v2', realtimeUrl, onboardingDone: true, agentBackend: 'none' });
  assert.ok(existsSync(join(userDataDir, 'settings.json')), `the seeded settings are not at ${join(userDataDir, 'settings.json')}`);
}

function launchEnv(extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) env[name] = value;
  // Either would turn the app into something else: plain Node, or Node with the test runner's loaders.
  delete env['ELECTRON_RUN_AS_NODE'];
  delete env['NODE_OPTIONS'];
  return { ...env, ...extra };
}

function hasExited(app: ElectronApplication): boolean {
  const child = app.process();
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  try {
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`) });
  } catch {
    // A screenshot is evidence, not the test: a closed or hidden window must not mask the real failure.
  }
}

test('desktop app: isolated page, typed bridge, a live session, hide on close, quit within 2 s', { timeout: 120_000 }, async (t) => {
  const electron = findElectronBinary();
  if (!electron.found) {
    t.skip(
      `Electron binary not installed here (${electron.reason}). To run this test, get the binary with network access to ` +
        "the Electron download server: `node node_modules/electron/install.js` (what `npm install` runs), then `npm run build`.",
    );
    return;
  }
  assert.ok(existsSync(MAIN_BUNDLE), `${relative(ROOT, MAIN_BUNDLE)} is missing: run \`npm run build\` before this test`);
  // Undone last-in first-out (the app before the mock server and the display it uses), each step even if one throws.
  const cleanups: Array<() => unknown> = [];
  t.after(async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  const display = await ensureDisplay();
  if (!display.ok) {
    t.skip(display.reason);
    return;
  }
  cleanups.push(() => display.stop());

  const realtime = await startMockRealtimeServer([{ batches: [GREETING] }]);
  cleanups.push(() => realtime.close());
  const userDataDir = mkdtempSync(join(tmpdir(), 'parley-electron-e2e-'));
  cleanups.push(() => rmSync(userDataDir, { recursive: true, force: true }));
  seedSettings(userDataDir, realtime.url);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });

  const app = await _electron.launch({
    executablePath: electron.path,
    args: ['.'],
    cwd: ROOT,
    env: launchEnv({ PARLEY_USER_DATA_DIR: userDataDir, OPENAI_API_KEY: TEST_API_KEY, ...display.env }),
    timeout: LAUNCH_TIMEOUT_MS,
  });
  let appOutput = '';
  const keepOutput = (chunk: Buffer) => {
    appOutput = (appOutput + chunk.toString('utf8')).slice(-4_000);
  };
  app.process().stdout?.on('data', keepOutput);
  app.process().stderr?.on('data', keepOutput);
  cleanups.push(async () => {
    if (hasExited(app)) return;
    await Promise.race([app.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 3_000))]);
    if (!hasExited(app)) app.process().kill('SIGKILL');
  });
  const withOutput = (message: string) => `${message}\n--- app output (tail) ---\n${appOutput || '(none)'}`;

  const page = await app.firstWindow({ timeout: LAUNCH_TIMEOUT_MS });
  await page.waitForLoadState('domcontentloaded');
  await screenshot(page, '01-launched');

  await t.test('the page runs context-isolated and sandboxed, without Node', async () => {
    // getLastWebPreferences is real but missing from electron.d.ts; 'missing' below means Electron dropped it.
    const preferences = await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as { getLastWebPreferences?: () => Record<string, unknown> } | undefined;
      if (typeof contents?.getLastWebPreferences !== 'function') return 'missing';
      const preferences = contents.getLastWebPreferences();
      return { contextIsolation: preferences['contextIsolation'], sandbox: preferences['sandbox'], nodeIntegration: preferences['nodeIntegration'] };
    });
    assert.deepEqual(preferences, { contextIsolation: true, sandbox: true, nodeIntegration: false });
    const pageGlobals = await page.evaluate(() => ({
      require: typeof (window as any).require,
      process: typeof process,
      module: typeof (window as any).module,
      Buffer: typeof (window as any).Buffer,
    }));
    assert.deepEqual(pageGlobals, { require: 'undefined', process: 'undefined', module: 'undefined', Buffer: 'undefined' });
  });

  await t.test('window.parley is the typed bridge: version and session.start, never ipcRenderer', async () => {
    const bridge = await page.evaluate(() => {
      const parley = (window as any).parley;
      const values: unknown[] = parley ? Object.values(parley) : [];
      return {
        type: typeof parley,
        version: typeof parley?.version,
        sessionStart: typeof parley?.session?.start,
        on: typeof parley?.on,
        frozen: parley ? Object.isFrozen(parley) : false,
        ipcRendererOnBridge: parley ? 'ipcRenderer' in parley : false,
        ipcRendererInGroups: values.some((group) => typeof group === 'object' && group !== null && 'ipcRenderer' in group),
        ipcRendererOnWindow: typeof (window as any).ipcRenderer,
      };
    });
    assert.deepEqual(bridge, {
      type: 'object',
      version: 'string',
      sessionStart: 'function',
      on: 'function',
      frozen: true,
      ipcRendererOnBridge: false,
      ipcRendererInGroups: false,
      ipcRendererOnWindow: 'undefined',
    });
  });

  await t.test('session-toggle opens a session on the mock server and its answer shows in a bubble', async () => {
    await page.click('[data-testid="session-toggle"]');
    try {
      await realtime.waitForConnections(1, CONNECT_TIMEOUT_MS);
    } catch (error) {
      await screenshot(page, '02-no-connection');
      throw new Error(withOutput(`the app did not connect to the mock realtime server: ${(error as Error).message}`));
    }
    const { handshake } = realtime.connections[0]!;
    assert.equal(handshake.path, '/v1/realtime');
    assert.equal(handshake.headers['authorization'], `Bearer ${TEST_API_KEY}`);
    await realtime.waitForFrame(0, (frame) => frame?.type === 'session.update', CONNECT_TIMEOUT_MS);
    const bubble = page.locator('[data-testid="bubble"]', { hasText: ASSISTANT_LINE }).first();
    try {
      await bubble.waitFor({ state: 'visible', timeout: BUBBLE_TIMEOUT_MS });
    } catch (error) {
      await screenshot(page, '02-no-bubble');
      throw new Error(withOutput(`no bubble with "${ASSISTANT_LINE}": ${(error as Error).message}`));
    }
    await screenshot(page, '02-bubble');
  });

  await t.test('closing the window hides it; the app keeps running', async () => {
    await app.evaluate(({ BrowserWindow }) => {
      BrowserWindow.getAllWindows()[0]?.close();
    });
    await waitUntil(
      async () => hasExited(app) || (await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.isVisible())) === false,
      HIDE_TIMEOUT_MS,
      'the window is hidden',
    );
    assert.equal(hasExited(app), false, withOutput('the app quit when its window was closed'));
    const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((window) => ({ visible: window.isVisible(), destroyed: window.isDestroyed() })));
    assert.deepEqual(windows, [{ visible: false, destroyed: false }]);
  });

  await t.test(`quitting (electronApp.close) finishes within ${QUIT_BUDGET_MS} ms and closes the session cleanly`, async () => {
    const started = performance.now();
    const closed = await Promise.race([app.close().then(() => true), new Promise<false>((resolve) => setTimeout(() => resolve(false), QUIT_GIVE_UP_MS))]);
    const elapsedMs = Math.round(performance.now() - started);
    assert.ok(closed, withOutput(`electronApp.close() had not finished after ${QUIT_GIVE_UP_MS} ms`));
    assert.ok(elapsedMs < QUIT_BUDGET_MS, withOutput(`electronApp.close() took ${elapsedMs} ms; the budget is ${QUIT_BUDGET_MS} ms`));
    if (realtime.connections.length > 0) {
      await realtime.waitForClose(0, 1_000);
      // 1006 means the socket died without a close frame: the app exited before closing its session.
      assert.notEqual(realtime.connections[0]!.closeCode, 1006, 'the realtime socket was dropped, not closed');
    }
  });
});
