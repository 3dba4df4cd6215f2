// App lifecycle with `electron` mapped to the recording stub: the close button hides to the tray,
// quitting waits for shutdown but never past the deadline (even when shutdown hangs), a second
// launch shows the window, and start-at-login follows the setting.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import type { AppLifecycleOptions } from '../../src-main/shell/app-lifecycle';
import { FakeAppPort, TEST_SETTINGS } from './fake-app-port';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const lifecycleModule = await import('../../src-main/shell/app-lifecycle');
const { AppLifecycle, SHUTDOWN_DEADLINE_MS, LOGIN_ITEM_ARG, applyLoginItem, autostartEntry, launchedAtLogin } = lifecycleModule;
const { app: electronApp, BrowserWindow, recorded, resetStub } = await import('../support/electron-stub.mjs');

beforeEach(() => resetStub());

function recordingLogger() {
  const lines: Array<[string, string]> = [];
  const at = (level: string) => (message: string) => lines.push([level, message]);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

function setUp(overrides: Partial<AppLifecycleOptions> = {}, settings = TEST_SETTINGS) {
  const app = new FakeAppPort(undefined, settings);
  const shown: string[] = [];
  const { lines, logger } = recordingLogger();
  const lifecycle = new AppLifecycle({
    app,
    showWindow: () => shown.push('show'),
    shutdownDeadlineMs: 100,
    logger,
    loginItem: { platform: 'win32' },
    ...overrides,
  });
  return { app, lifecycle, shown, lines };
}

test('the close button hides the window instead of closing it', () => {
  const { lifecycle } = setUp();
  const window = new BrowserWindow({});
  lifecycle.attachWindow(window);
  window.show();
  window.close();
  assert.equal(window.visible, false);
  assert.equal(window.closed, undefined, 'the window still exists');
});

test('once quitting, windows close for real', async () => {
  const { lifecycle } = setUp();
  const window = new BrowserWindow({});
  lifecycle.attachWindow(window);
  lifecycle.quit();
  await lifecycle.exited;
  window.close();
  assert.equal(window.closed, true);
});

test('without a tray (hideOnClose false) the close button closes', () => {
  const { lifecycle } = setUp({ hideOnClose: false });
  const window = new BrowserWindow({});
  lifecycle.attachWindow(window);
  window.close();
  assert.equal(window.closed, true);
  assert.equal(electronApp.listenerCount('window-all-closed'), 0, 'so Electron quits when the last window closes');
});

test('quit waits for a clean shutdown, then exits', async () => {
  const { app, lifecycle, lines } = setUp();
  let finishShutdown!: () => void;
  app.shutdownImpl = () => new Promise<void>((resolve) => (finishShutdown = resolve));
  electronApp.quit();
  assert.equal(electronApp.quitted, false, 'before-quit was held');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(app.shutdownCalls, 1);
  assert.deepEqual(electronApp.exitCodes, []);
  finishShutdown();
  assert.equal(await lifecycle.exited, 'done');
  assert.deepEqual(electronApp.exitCodes, [0]);
  assert.equal(lines.filter(([level]) => level === 'warn').length, 0);
});

test('a hanging shutdown cannot hold the quit past the deadline; the overrun is logged', async () => {
  const { app, lifecycle, lines } = setUp({ shutdownDeadlineMs: 150 });
  app.shutdownImpl = () => new Promise<void>(() => {});
  const startedAt = performance.now();
  electronApp.quit();
  electronApp.quit();
  assert.equal(await lifecycle.exited, 'timed-out');
  assert.equal(app.shutdownCalls, 1, 'a second quit request does not start a second shutdown');
  const elapsed = performance.now() - startedAt;
  assert.ok(elapsed >= 140 && elapsed < 1_000, `exited after ${elapsed.toFixed(0)} ms`);
  assert.deepEqual(electronApp.exitCodes, [0]);
  assert.deepEqual(lines.filter(([level]) => level === 'warn').map(([, message]) => message), ['quit: shutdown overran its deadline; exiting anyway']);
});

test('the default deadline is 2 s', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  assert.equal(SHUTDOWN_DEADLINE_MS, 2_000);
  const { app, lifecycle } = setUp({ shutdownDeadlineMs: undefined });
  app.shutdownImpl = () => new Promise<void>(() => {});
  electronApp.quit();
  await Promise.resolve();
  t.mock.timers.tick(SHUTDOWN_DEADLINE_MS - 1);
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
  assert.deepEqual(electronApp.exitCodes, [], 'not before 2 s');
  t.mock.timers.tick(1);
  assert.equal(await lifecycle.exited, 'timed-out');
  assert.deepEqual(electronApp.exitCodes, [0]);
});

test('a failing (or throwing) shutdown still exits', async () => {
  const { app, lifecycle, lines } = setUp();
  app.shutdownImpl = () => {
    throw new Error('history flush failed');
  };
  electronApp.quit();
  assert.equal(await lifecycle.exited, 'failed');
  assert.deepEqual(electronApp.exitCodes, [0]);
  assert.ok(lines.some(([level, message]) => level === 'warn' && message.startsWith('quit: shutdown failed')));
});

test('after the shutdown, a further before-quit is let through', async () => {
  const { lifecycle } = setUp();
  electronApp.quit();
  await lifecycle.exited;
  electronApp.quit();
  assert.equal(electronApp.quitted, true);
});

test('a second launch (and the macOS dock) shows the window', () => {
  const { shown } = setUp();
  electronApp.emit('second-instance', {}, ['parley'], '/');
  electronApp.emit('activate');
  assert.deepEqual(shown, ['show', 'show']);
});

test('with a tray, closing the last window does not quit', () => {
  setUp();
  assert.equal(electronApp.listenerCount('window-all-closed'), 1);
});

test('dispose removes every app listener', () => {
  const { lifecycle, app } = setUp();
  lifecycle.dispose();
  for (const event of ['before-quit', 'second-instance', 'activate', 'window-all-closed']) assert.equal(electronApp.listenerCount(event), 0, event);
  assert.equal(app.listenerCount, 0);
});

test('start at login is applied at start and whenever the setting changes', () => {
  const { app } = setUp({}, { ...TEST_SETTINGS, startAtLogin: true });
  assert.deepEqual(recorded.loginItemSettings, [{ openAtLogin: true, args: [LOGIN_ITEM_ARG] }]);
  app.changeSettings({ talkMode: 'toggle' });
  assert.equal(recorded.loginItemSettings.length, 1, 'other settings do not touch the login item');
  app.changeSettings({ startAtLogin: false });
  assert.deepEqual(recorded.loginItemSettings.at(-1), { openAtLogin: false, args: [LOGIN_ITEM_ARG] });
});

test('macOS gets a plain login item; a development run registers nothing', () => {
  assert.deepEqual(applyLoginItem(true, { platform: 'darwin' }), { applied: true });
  assert.deepEqual(recorded.loginItemSettings, [{ openAtLogin: true }]);
  electronApp.isPackaged = false;
  const result = applyLoginItem(true, { platform: 'darwin' });
  assert.equal(result.applied, false);
  assert.equal(recorded.loginItemSettings.length, 1);
});

test('on Linux start at login writes and removes an XDG autostart entry', (t) => {
  const home = mkdtempSync(join(tmpdir(), 'parley-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const options = { platform: 'linux' as const, env: {}, homeDir: home, execPath: '/opt/Parley/parley' };
  const entry = join(home, '.config', 'autostart', 'parley.desktop');
  assert.deepEqual(applyLoginItem(true, options), { applied: true });
  assert.match(readFileSync(entry, 'utf8'), /^Exec="\/opt\/Parley\/parley" --hidden$/m);
  assert.deepEqual(recorded.loginItemSettings, [], 'Electron has no login items on Linux');
  applyLoginItem(false, options);
  assert.equal(existsSync(entry), false);
  applyLoginItem(true, { ...options, env: { XDG_CONFIG_HOME: join(home, 'xdg'), APPIMAGE: '/home/me/Parley.AppImage' } });
  assert.match(readFileSync(join(home, 'xdg', 'autostart', 'parley.desktop'), 'utf8'), /^Exec="\/home\/me\/Parley.AppImage" --hidden$/m);
});

test('the autostart Exec line quotes and escapes the path as the Desktop Entry spec says', () => {
  assert.match(autostartEntry('/opt/My "Apps"/100%/par$ley'), /^Exec="\/opt\/My \\\\"Apps\\\\"\/100%%\/par\\\\\$ley" --hidden$/m);
});

test('a login launch is recognised by its argument', () => {
  assert.equal(launchedAtLogin(['/opt/Parley/parley', LOGIN_ITEM_ARG], electronApp, 'win32'), true);
  assert.equal(launchedAtLogin(['/opt/Parley/parley'], electronApp, 'linux'), false);
});
