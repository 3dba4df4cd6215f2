// The tray controller with `electron` mapped to the recording stub: the icon follows the status,
// the menu is rebuilt only when it changes (levels events never rebuild it), devices are listed
// at start, on notices and on a slow timer, and dispose removes the tray.
import assert from 'node:assert/strict';
import { register } from 'node:module';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { DeviceList, EventEnvelope } from '../../src-shared/ipc-contract';
import type { TrayControllerOptions } from '../../src-main/shell/tray-controller';
import { initialConversationState } from '../../src-shared/conversation-reducer';
import { errorProblem, FakeAppPort } from './fake-app-port';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const { TrayController, DEVICE_REFRESH_INTERVAL_MS, MIN_DEVICE_REFRESH_GAP_MS } = await import('../../src-main/shell/tray-controller');
const { recorded, resetStub } = await import('../support/electron-stub.mjs');

const ICON_DIR = join(fileURLToPath(new URL('../../resources/tray', import.meta.url)));
const DEVICES: DeviceList = {
  inputs: [{ name: 'USB Mic', hostApi: 'ALSA', maxInputChannels: 1, maxOutputChannels: 0, defaultSampleRate: 48_000 }],
  outputs: [{ name: 'Speakers', hostApi: 'ALSA', maxInputChannels: 0, maxOutputChannels: 2, defaultSampleRate: 48_000 }],
};
const LEVELS: EventEnvelope = { event: 'levels', payload: { input: { rmsDbfs: -30, peakDbfs: -20 }, output: { rmsDbfs: -60 } } };

beforeEach(() => resetStub());

function setUp(overrides: Partial<TrayControllerOptions> = {}) {
  const app = new FakeAppPort();
  app.handle('devices.list', () => DEVICES);
  const log: string[] = [];
  let now = 0;
  const controller = new TrayController({
    app,
    iconDir: ICON_DIR,
    actions: {
      toggleWindow: () => log.push('toggleWindow'),
      showWindow: () => log.push('showWindow'),
      showSettings: () => log.push('showSettings'),
      quit: () => log.push('quit'),
    },
    platform: 'linux',
    deviceRefreshIntervalMs: 0,
    now: () => now,
    ...overrides,
  });
  const tray = recorded.trays.at(-1)!;
  return {
    app,
    log,
    controller,
    tray,
    advance: (ms: number) => (now += ms),
    iconNames: () => tray.images.map((image) => image.path.replace(/^.*\/(.+)\.png$/, '$1')),
    item: (id: string) => findItem(tray.contextMenu!.template, id),
  };
}

function findItem(items: readonly any[], id: string): any {
  for (const candidate of items) {
    if (candidate.id === id) return candidate;
    const inner = candidate.submenu ? findItem(candidate.submenu, id) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

test('the tray starts with the icon, tooltip and menu for the current state', async () => {
  const { tray, controller, app, iconNames, item } = setUp();
  assert.deepEqual(iconNames(), ['idle']);
  assert.equal(tray.image.isEmpty(), false, `resources/tray/idle.png exists under ${ICON_DIR}`);
  assert.equal(tray.tooltip, 'Parley — Idle');
  assert.equal(item('status').label, 'Parley — Idle');
  assert.equal(item('input-device').submenu[0].label, 'Looking for devices…');
  await controller.whenDevicesSettled();
  assert.deepEqual(app.callsOf('devices.list'), [undefined]);
  assert.deepEqual(
    item('input-device').submenu.map((entry: any) => entry.label),
    ['System default', 'USB Mic'],
  );
});

test('the icon follows the status; connecting keeps the idle icon', () => {
  const { app, tray, iconNames } = setUp();
  app.setSnapshot({ status: 'connecting', session: 'connecting' });
  assert.deepEqual(iconNames(), ['idle']);
  app.setSnapshot({ status: 'listening', session: 'live' });
  app.setSnapshot({ status: 'speaking' });
  app.setSnapshot({ status: 'agent-working' });
  app.setSnapshot({ status: 'error', problems: [errorProblem('Cannot reach the voice service', 'The server is unreachable.')] });
  assert.deepEqual(iconNames(), ['idle', 'listening', 'speaking', 'agent-working', 'error']);
  assert.equal(tray.tooltip, 'Error: Cannot reach the voice service: The server is unreachable.');
  assert.ok(tray.images.every((image) => !image.isEmpty()), 'every icon file exists');
});

test('levels events and repeated identical states rebuild nothing', async () => {
  const { app, tray, controller } = setUp();
  await controller.whenDevicesSettled();
  app.setSnapshot({ status: 'listening', session: 'live' });
  const menus = recorded.menus.length;
  const images = tray.images.length;
  for (let frame = 0; frame < 200; frame++) app.emit(LEVELS);
  const revision = app.currentSnapshot.revision;
  app.emit({ event: 'state', payload: { base: revision, revision: revision + 1, fields: {} } });
  app.emit({ event: 'state', payload: { base: revision + 1, revision: revision + 2, fields: {}, conversation: { fields: { ...initialConversationState, items: undefined } as never, splice: null } } });
  assert.equal(recorded.menus.length, menus);
  assert.equal(tray.images.length, images);
  assert.equal(tray.contextMenus.length, menus);
});

test('a state change that only affects the menu rebuilds the menu but keeps the icon', () => {
  const { app, tray, item } = setUp();
  const images = tray.images.length;
  const menus = recorded.menus.length;
  app.setSnapshot({ talk: { mode: 'hands-free', muted: true, talking: false } });
  assert.equal(recorded.menus.length, menus + 1);
  assert.equal(tray.images.length, images);
  assert.equal(item('mute').checked, true);
});

test('clicking the tray icon toggles the window', () => {
  const { tray, log } = setUp();
  tray.emit('click');
  tray.emit('click');
  assert.deepEqual(log, ['toggleWindow', 'toggleWindow']);
});

test('menu items run their commands; a failing command is logged and the menu redrawn', async () => {
  const warnings: string[] = [];
  const logger = { debug: () => {}, info: () => {}, warn: (message: string) => warnings.push(message), error: () => {} };
  const { app, item, log } = setUp({ logger });
  app.handle('talk.setMode', () => {
    throw new Error('the audio host is down');
  });
  const menus = recorded.menus.length;
  item('talk-mode-toggle').click();
  item('session').click();
  item('settings').click();
  item('quit').click();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(app.callsOf('talk.setMode'), [{ mode: 'toggle' }]);
  assert.deepEqual(app.callsOf('session.start'), [undefined]);
  assert.deepEqual(log, ['showSettings', 'quit']);
  assert.deepEqual(warnings, ['tray: command failed']);
  assert.ok(recorded.menus.length > menus, 'the menu is rebuilt from the real state after a click');
  assert.equal(item('talk-mode-hands-free').checked, true, 'the refused mode is not shown as chosen');
});

test('devices are listed again on a notice or an audio problem, but not more than once per second', async () => {
  const { app, controller, advance } = setUp();
  await controller.whenDevicesSettled();
  app.emit({ event: 'notice', payload: { message: 'x' } });
  await controller.whenDevicesSettled();
  assert.equal(app.callsOf('devices.list').length, 1, 'too soon after the start-up listing');
  advance(MIN_DEVICE_REFRESH_GAP_MS);
  app.emit({ event: 'notice', payload: { message: 'Headset connected' } });
  app.emit({ event: 'notice', payload: { message: 'again' } });
  await controller.whenDevicesSettled();
  assert.equal(app.callsOf('devices.list').length, 2);
});

test('the menu opening (right click) refreshes the devices, throttled', async () => {
  const { app, controller, tray, advance } = setUp();
  await controller.whenDevicesSettled();
  advance(MIN_DEVICE_REFRESH_GAP_MS);
  tray.emit('right-click');
  await controller.whenDevicesSettled();
  tray.contextMenu!.emit('menu-will-show');
  await controller.whenDevicesSettled();
  assert.equal(app.callsOf('devices.list').length, 2);
});

test('the device list is polled on a timer, no more often than every 10 s', async (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const { app, controller } = setUp({ deviceRefreshIntervalMs: DEVICE_REFRESH_INTERVAL_MS });
  t.after(() => controller.dispose());
  await controller.whenDevicesSettled();
  t.mock.timers.tick(DEVICE_REFRESH_INTERVAL_MS - 1);
  assert.equal(app.callsOf('devices.list').length, 1);
  t.mock.timers.tick(1);
  await controller.whenDevicesSettled();
  assert.equal(app.callsOf('devices.list').length, 2);
  t.mock.timers.tick(DEVICE_REFRESH_INTERVAL_MS);
  await controller.whenDevicesSettled();
  assert.equal(app.callsOf('devices.list').length, 3);
  assert.equal(DEVICE_REFRESH_INTERVAL_MS, 10_000);
});

test('when devices cannot be listed the submenus say audio is unavailable, and recover', async () => {
  const { app, controller, item, advance } = setUp();
  await controller.whenDevicesSettled();
  app.handle('devices.list', () => Promise.reject(new Error('audio host exited')));
  advance(MIN_DEVICE_REFRESH_GAP_MS);
  app.emit({ event: 'notice', payload: { message: 'Audio stopped' } });
  await controller.whenDevicesSettled();
  assert.equal(item('output-device').submenu[0].label, 'Audio unavailable');
  app.handle('devices.list', () => DEVICES);
  advance(MIN_DEVICE_REFRESH_GAP_MS);
  app.emit({ event: 'notice', payload: { message: 'Audio back' } });
  await controller.whenDevicesSettled();
  assert.equal(item('output-device').submenu[1].label, 'Speakers');
});

test('settings changes redraw the menu (the talk hotkey shown beside Talking)', () => {
  const { app, item } = setUp();
  app.setSnapshot({ session: 'live', status: 'listening', talk: { mode: 'toggle', muted: false, talking: false } });
  assert.equal(item('talk').accelerator, 'CommandOrControl+Shift+Space');
  app.changeSettings({ hotkeys: { talk: 'Alt+F9', holdToTalk: '' } });
  assert.equal(item('talk').accelerator, 'Alt+F9');
});

test('dispose destroys the tray, unsubscribes and stops the timer', async () => {
  const { app, controller, tray } = setUp({ deviceRefreshIntervalMs: DEVICE_REFRESH_INTERVAL_MS });
  await controller.whenDevicesSettled();
  controller.dispose();
  assert.equal(tray.destroyed, true);
  assert.equal(app.listenerCount, 0);
  assert.doesNotThrow(() => app.setSnapshot({ status: 'listening' }));
  controller.dispose();
});

test('a missing icon file is logged, not fatal', () => {
  const warnings: Array<[string, unknown]> = [];
  const logger = { debug: () => {}, info: () => {}, warn: (message: string, details?: unknown) => warnings.push([message, details]), error: () => {} };
  setUp({ iconDir: '/nonexistent', logger });
  assert.deepEqual(warnings, [['tray: icon image is missing or unreadable', { path: '/nonexistent/idle.png' }]]);
});
