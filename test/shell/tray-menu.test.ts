// The tray menu as pure data: what each app state shows, and which command each item runs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppState, AppStatus, DeviceList, HotkeyStatus } from '../../src-shared/ipc-contract';
import {
  buildTrayMenu,
  statusLine,
  trayIconFor,
  trayTooltip,
  type MenuTemplateItem,
  type TrayMenuActions,
} from '../../src-main/shell/tray-menu';
import { errorProblem, makeSnapshot, TEST_SETTINGS } from './fake-app-port';

function recordingActions() {
  const log: Array<[string, unknown]> = [];
  const actions: TrayMenuActions = {
    run: (name, args) => log.push([name, args]),
    showWindow: () => log.push(['showWindow', undefined]),
    showSettings: () => log.push(['showSettings', undefined]),
    quit: () => log.push(['quit', undefined]),
  };
  return { actions, log };
}

function menuFor(snapshot: AppState, devices: DeviceList | 'none' = DEVICES, devicesLoading = false) {
  const { actions, log } = recordingActions();
  const items = buildTrayMenu({ snapshot, settings: TEST_SETTINGS, devices: devices === 'none' ? undefined : devices, devicesLoading, actions, platform: 'linux' });
  return { items, log };
}

function item(items: readonly MenuTemplateItem[], id: string): MenuTemplateItem {
  for (const candidate of items) {
    if (candidate.id === id) return candidate;
    const inner = candidate.submenu && findItem(candidate.submenu, id);
    if (inner) return inner;
  }
  assert.fail(`no menu item ${id} in ${JSON.stringify(items.map((entry) => entry.id ?? entry.type))}`);
}
function findItem(items: readonly MenuTemplateItem[], id: string): MenuTemplateItem | undefined {
  try {
    return item(items, id);
  } catch {
    return undefined;
  }
}

function device(name: string, hostApi = 'ALSA') {
  return { name, hostApi, maxInputChannels: 2, maxOutputChannels: 2, defaultSampleRate: 48_000 };
}
const DEVICES: DeviceList = {
  inputs: [device('USB Mic'), device('Built-in Mic'), device('USB Mic', 'JACK')],
  outputs: [device('Speakers'), device('Headphones & Mic')],
};

test('each status has its icon; connecting keeps the idle icon (the mic is not open yet)', () => {
  const expected: Record<AppStatus, string> = {
    idle: 'idle',
    connecting: 'idle',
    listening: 'listening',
    speaking: 'speaking',
    'agent-working': 'agent-working',
    error: 'error',
  };
  for (const [status, icon] of Object.entries(expected)) assert.equal(trayIconFor(status as AppStatus), icon, status);
});

test('the status line says what Parley is doing', () => {
  assert.equal(statusLine(makeSnapshot()), 'Parley — Idle');
  assert.equal(statusLine(makeSnapshot({ status: 'connecting', session: 'connecting' })), 'Parley — Connecting…');
  assert.equal(statusLine(makeSnapshot({ status: 'listening', session: 'live' })), 'Parley — Listening');
  assert.equal(statusLine(makeSnapshot({ status: 'speaking', session: 'live' })), 'Parley — Assistant speaking');
  assert.equal(statusLine(makeSnapshot({ status: 'agent-working', session: 'live' })), 'Parley — Agent working…');
  assert.equal(statusLine(makeSnapshot({ status: 'idle', session: 'live' })), 'Parley — Connected');
  const muted = makeSnapshot({ status: 'idle', session: 'live', talk: { mode: 'hands-free', muted: true, talking: false } });
  assert.equal(statusLine(muted), 'Parley — Connected, microphone muted');
  const { items } = menuFor(makeSnapshot({ status: 'speaking', session: 'live' }));
  assert.deepEqual(items[0], { id: 'status', label: 'Parley — Assistant speaking', enabled: false });
});

test('an error shows its problem (title and reason), shortened at a word boundary', () => {
  const message = 'The realtime server refused the key: check the key in Settings and try again in a moment please';
  const line = statusLine(makeSnapshot({ status: 'error', session: 'error', problems: [errorProblem('Key rejected', message)] }));
  assert.match(line, /^Error: Key rejected: The realtime server refused the key: check.*…$/);
  assert.ok(line.length <= 'Error: '.length + 60, line);
  assert.ok(!line.includes('please'));
  assert.equal(statusLine(makeSnapshot({ status: 'error', problems: [errorProblem('Audio', 'Mic & speaker lost')] })), 'Error: Audio: Mic & speaker lost');
  const { items } = menuFor(makeSnapshot({ status: 'error', problems: [errorProblem('Audio', 'Mic & speaker lost')] }));
  assert.equal(items[0]!.label, 'Error: Audio: Mic && speaker lost', '& is escaped so it is not taken as a mnemonic');
  assert.equal(statusLine(makeSnapshot({ status: 'error', problems: [] })), 'Error: something went wrong');
});

test('one session item: Start when stopped, Stop while connecting or live, disabled while closing', () => {
  for (const session of ['idle', 'closed', 'error'] as const) {
    const { items, log } = menuFor(makeSnapshot({ session }));
    const start = item(items, 'session');
    assert.equal(start.label, 'Start session', session);
    start.click!();
    assert.deepEqual(log, [['session.start', undefined]]);
  }
  for (const session of ['connecting', 'live'] as const) {
    const { items, log } = menuFor(makeSnapshot({ session, status: session === 'live' ? 'listening' : 'connecting' }));
    const stop = item(items, 'session');
    assert.equal(stop.label, 'Stop session', session);
    stop.click!();
    assert.deepEqual(log, [['session.stop', undefined]]);
  }
  const closing = item(menuFor(makeSnapshot({ session: 'closing' })).items, 'session');
  assert.equal(closing.label, 'Stopping…');
  assert.equal(closing.enabled, false);
  assert.equal(closing.click, undefined);
});

test('without an API key the session item leads to settings instead of starting', () => {
  const { items, log } = menuFor(makeSnapshot({ apiKeySet: false }));
  const session = item(items, 'session');
  assert.equal(session.label, 'Add an API key to start…');
  session.click!();
  assert.deepEqual(log, [['showSettings', undefined]]);
});

test('talk mode radios check the current mode and set the chosen one', () => {
  const { items, log } = menuFor(makeSnapshot({ talk: { mode: 'push-to-talk', muted: false, talking: false } }));
  const modes = item(items, 'talk-mode').submenu!;
  assert.deepEqual(
    modes.map((entry) => [entry.label, entry.type, entry.checked]),
    [
      ['Hands-free', 'radio', false],
      ['Push-to-talk', 'radio', true],
      ['Toggle', 'radio', false],
    ],
  );
  item(items, 'talk-mode-toggle').click!();
  item(items, 'talk-mode-hands-free').click!();
  assert.deepEqual(log, [
    ['talk.setMode', { mode: 'toggle' }],
    ['talk.setMode', { mode: 'hands-free' }],
  ]);
});

test('the mute checkbox shows and flips the mute state', () => {
  const unmuted = menuFor(makeSnapshot());
  assert.equal(item(unmuted.items, 'mute').checked, false);
  item(unmuted.items, 'mute').click!();
  assert.deepEqual(unmuted.log, [['talk.setMuted', { muted: true }]]);
  const muted = menuFor(makeSnapshot({ talk: { mode: 'hands-free', muted: true, talking: false } }));
  assert.equal(item(muted.items, 'mute').checked, true);
  item(muted.items, 'mute').click!();
  assert.deepEqual(muted.log, [['talk.setMuted', { muted: false }]]);
});

test('in toggle mode during a session a Talking checkbox toggles talking, showing the hotkey', () => {
  const live = makeSnapshot({ session: 'live', status: 'listening', talk: { mode: 'toggle', muted: false, talking: true } });
  const { items, log } = menuFor(live);
  const talk = item(items, 'talk');
  assert.equal(talk.checked, true);
  assert.equal(talk.accelerator, TEST_SETTINGS.hotkeys.talk);
  assert.equal(talk.registerAccelerator, false, 'the menu must not grab the key: the hotkey manager owns it');
  talk.click!();
  assert.deepEqual(log, [['talk.toggle', undefined]]);
  assert.equal(findItem(menuFor(makeSnapshot({ talk: { mode: 'hands-free', muted: false, talking: false }, session: 'live' })).items, 'talk'), undefined);
  assert.equal(findItem(menuFor(makeSnapshot({ talk: { mode: 'toggle', muted: false, talking: false } })).items, 'talk'), undefined);
});

test('device submenus: System default plus each device name once, checked from the snapshot', () => {
  const { items, log } = menuFor(makeSnapshot({ devices: { input: 'USB Mic', output: null } }));
  const inputs = item(items, 'input-device').submenu!;
  assert.deepEqual(
    inputs.map((entry) => [entry.label, entry.type, entry.checked]),
    [
      ['System default', 'radio', false],
      ['USB Mic', 'radio', true],
      ['Built-in Mic', 'radio', false],
    ],
  );
  const outputs = item(items, 'output-device').submenu!;
  assert.deepEqual(
    outputs.map((entry) => [entry.label, entry.checked]),
    [
      ['System default', true],
      ['Speakers', false],
      ['Headphones && Mic', false],
    ],
  );
  inputs[0]!.click!();
  inputs[2]!.click!();
  outputs[2]!.click!();
  assert.deepEqual(log, [
    ['devices.setInput', { name: null }],
    ['devices.setInput', { name: 'Built-in Mic' }],
    ['devices.setOutput', { name: 'Headphones & Mic' }],
  ]);
});

test('a chosen device that is not connected stays listed, checked and disabled', () => {
  const { items } = menuFor(makeSnapshot({ devices: { input: 'Old Headset', output: null } }));
  const inputs = item(items, 'input-device').submenu!;
  assert.equal(inputs[0]!.checked, false, 'System default is not what is chosen');
  assert.deepEqual(
    inputs.filter((entry) => entry.checked).map((entry) => [entry.label, entry.enabled]),
    [['Old Headset (not connected)', false]],
  );
});

test('no device list, an empty one, or one still loading each say so in a disabled item', () => {
  const unavailable = menuFor(makeSnapshot(), 'none').items;
  assert.deepEqual(item(unavailable, 'input-device').submenu, [{ id: 'input-unavailable', label: 'Audio unavailable', enabled: false }]);
  assert.deepEqual(item(unavailable, 'output-device').submenu, [{ id: 'output-unavailable', label: 'Audio unavailable', enabled: false }]);
  const empty = menuFor(makeSnapshot(), { inputs: [], outputs: [device('Speakers')] }).items;
  assert.deepEqual(item(empty, 'input-device').submenu, [{ id: 'input-none', label: 'No devices found', enabled: false }]);
  assert.equal(item(empty, 'output-device').submenu!.length, 2);
  const loading = menuFor(makeSnapshot(), 'none', true).items;
  assert.equal(item(loading, 'input-device').submenu![0]!.label, 'Looking for devices…');
});

test('hotkey problems get a line that opens settings', () => {
  const hotkeys: HotkeyStatus = {
    talk: { accelerator: 'CommandOrControl+Shift+Space', active: false, problem: 'Ctrl+Shift+Space is in use by another application' },
    holdToTalk: { accelerator: 'Alt+F8', active: true, mode: 'toggle', problem: 'Hold-to-talk needs the native key hook (…); the key toggles talking instead' },
  };
  const { items, log } = menuFor(makeSnapshot({ hotkeys }));
  assert.equal(item(items, 'hotkey-problem-0').label, '⚠ Hotkey Ctrl+Shift+Space unavailable…');
  assert.equal(item(items, 'hotkey-problem-1').label, '⚠ Hold-to-talk key Alt+F8 toggles instead…');
  item(items, 'hotkey-problem-0').click!();
  assert.deepEqual(log, [['showSettings', undefined]]);
  assert.equal(findItem(menuFor(makeSnapshot()).items, 'hotkey-problem-0'), undefined, 'no line when all is well');
  const unavailableHold: HotkeyStatus = { ...hotkeys, talk: { accelerator: '', active: false, problem: null }, holdToTalk: { ...hotkeys.holdToTalk, active: false } };
  const lines = menuFor(makeSnapshot({ hotkeys: unavailableHold })).items.filter((entry) => entry.id?.startsWith('hotkey-problem'));
  assert.deepEqual(lines.map((entry) => entry.label), ['⚠ Hold-to-talk key Alt+F8 unavailable…']);
});

test('show window, settings and quit call their actions', () => {
  const { items, log } = menuFor(makeSnapshot());
  item(items, 'show-window').click!();
  item(items, 'settings').click!();
  item(items, 'quit').click!();
  assert.deepEqual(log.map(([name]) => name), ['showWindow', 'showSettings', 'quit']);
  assert.equal(items.at(-1)!.label, 'Quit Parley');
});

test('the same input gives the same menu data (the controller relies on it to skip rebuilds)', () => {
  const snapshot = makeSnapshot({ status: 'listening', session: 'live' });
  assert.equal(JSON.stringify(menuFor(snapshot).items), JSON.stringify(menuFor(snapshot).items));
  assert.notEqual(JSON.stringify(menuFor(snapshot).items), JSON.stringify(menuFor({ ...snapshot, status: 'speaking' }).items));
});

test('the tooltip is the status line, flags hotkey problems and fits Windows\' 127 characters', () => {
  assert.equal(trayTooltip(makeSnapshot({ status: 'listening', session: 'live' }), 'linux'), 'Parley — Listening');
  const broken: HotkeyStatus = { talk: { accelerator: 'F9', active: false, problem: 'F9 is in use by another application' }, holdToTalk: { accelerator: '', active: false, mode: 'off', problem: null } };
  assert.equal(trayTooltip(makeSnapshot({ hotkeys: broken }), 'linux'), 'Parley — Idle (hotkey problem)');
  const long = makeSnapshot({ status: 'error', problems: [errorProblem('Long', 'word '.repeat(100), false)] });
  assert.ok(trayTooltip(long, 'linux').length <= 127);
});
