// The desktop composition root (src-main/index.ts) loaded with `electron` mapped to the recording
// stub: one secure window, a handler per command, the tray, the hotkeys, events queued until the
// renderer is ready, close hides to the tray, and Quit tears down within 2 s.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { COMMAND_NAMES, EVENT_CHANNEL, commandChannel } from '../../src-shared/ipc-contract';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const stub = await import('../support/electron-stub.mjs');
const { recorded, app, resetStub, powerMonitor } = stub;

const userData = mkdtempSync(join(tmpdir(), 'parley-root-'));
resetStub();
app.isPackaged = false;
process.env['PARLEY_USER_DATA_DIR'] = userData;
process.env['PARLEY_NO_AUDIO'] = '1';
delete process.env['OPENAI_API_KEY'];
await import('../../src-main/index');
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
await settle();

const APP_PAGE = { senderFrame: { url: `file://${join(process.cwd(), 'out/renderer/index.html')}` } };
const call = (name: (typeof COMMAND_NAMES)[number], payload?: unknown) => recorded.ipcHandlers.get(commandChannel(name))!(APP_PAGE, payload) as Promise<{ ok: boolean; value?: any; error?: any }>;

test('it keeps its data in PARLEY_USER_DATA_DIR and opens one sandboxed window', () => {
  assert.equal(app.getPath('userData'), userData);
  assert.equal(recorded.windows.length, 1);
  const [window] = recorded.windows;
  assert.equal(window!.options.webPreferences.sandbox, true);
  assert.equal(window!.options.webPreferences.contextIsolation, true);
  assert.equal(window!.options.webPreferences.nodeIntegration, false);
  assert.match(window!.loaded.file ?? '', /renderer[\\/]index\.html$/);
});

test('every contract command has its IPC handler, answering through the app core', async () => {
  for (const name of COMMAND_NAMES) assert.ok(recorded.ipcHandlers.has(commandChannel(name)), name);
  const settings = await call('settings.get');
  assert.equal(settings.ok, true);
  assert.equal(settings.value.dialect, 'v2');
  const refused = await call('talk.setMode', { mode: 'yell' });
  assert.equal(refused.error.code, 'invalid_arguments');
});

test('the tray shows the idle state and the hotkeys were attempted and reported', async () => {
  assert.equal(recorded.trays.length, 1);
  assert.match(recorded.trays[0]!.image.path, /tray[\\/]idle\.png$/);
  assert.ok(recorded.shortcutAttempts.some((attempt) => attempt.accelerator === 'CommandOrControl+Shift+Space'));
  const ready = await call('app.ready');
  assert.equal(ready.value.hotkeys.talk.accelerator, 'CommandOrControl+Shift+Space');
});

test('events reach the window only after app.ready, in order; a reload queues them again', async () => {
  const [window] = recorded.windows;
  const sent = window!.webContents.sent;
  window!.webContents.emit('did-start-loading');
  const before = sent.length;
  await call('session.start'); // no key anywhere: an error event
  assert.equal(sent.length, before, 'nothing is sent to a renderer that is not ready');
  const ready = await call('app.ready');
  assert.equal(ready.value.problems[0].code, 'missing_api_key', 'the whole state, problems included, comes with ready');
  await settle();
  assert.equal(sent.length, before, 'patches from before ready are not replayed: the state already holds them');
  await call('apiKey.set', { key: 'sk-test-composition-0123456789' });
  await settle();
  const delivered = sent.slice(before);
  assert.ok(delivered.every(([channel]) => channel === EVENT_CHANNEL));
  assert.ok(delivered.some(([, envelope]) => envelope.event === 'state' && envelope.payload.base === ready.value.revision), 'the next patch follows the revision ready answered');
});

test('the tray Settings item shows the window and asks the renderer for the settings page', async () => {
  const [window] = recorded.windows;
  window!.hide();
  const menu = recorded.trays[0]!.contextMenu!;
  const settingsItem = menu.items.find((item) => item.id === 'settings');
  assert.ok(settingsItem, 'the tray menu has Settings…');
  settingsItem.click!();
  assert.equal(window!.isVisible(), true);
  await settle();
  assert.ok(window!.webContents.sent.some(([, envelope]) => envelope.event === 'navigate' && envelope.payload.page === 'settings'));
});

test('sleep and wake are watched (the session is held while asleep)', () => {
  assert.equal(powerMonitor.listenerCount('suspend'), 1);
  assert.equal(powerMonitor.listenerCount('resume'), 1);
});

test('closing the window hides it to the tray; Quit shuts the app down and exits within 2 s', async () => {
  const [window] = recorded.windows;
  window!.show();
  window!.close();
  assert.equal(window!.closed, undefined, 'not closed');
  assert.equal(window!.isVisible(), false, 'hidden');

  const started = performance.now();
  const quitItem = recorded.trays[0]!.contextMenu!.items.find((item) => item.id === 'quit');
  quitItem!.click!();
  while (app.exitCodes.length === 0 && performance.now() - started < 3_000) await settle();
  const elapsed = performance.now() - started;
  assert.deepEqual(app.exitCodes, [0]);
  assert.ok(elapsed < 2_000, `quit took ${elapsed.toFixed(0)} ms`);
  assert.equal(powerMonitor.listenerCount('suspend') + powerMonitor.listenerCount('resume'), 0, 'sleep and wake are no longer watched');
});
