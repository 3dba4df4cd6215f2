// The hotkey manager against Electron's globalShortcut (the recording stub) and a fake hold hook:
// what registers, what is reported when a key is taken, invalid or the hook is missing, and
// that settings changes and dispose leave no stale registrations.
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { register } from 'node:module';
import { beforeEach, test } from 'node:test';
import type { HookStartResult } from '../../src-main/shell/hold-to-talk-hook';
import type { HotkeyCallbacks, HoldHookFactory } from '../../src-main/shell/hotkey-manager';
import { FakeAppPort, TEST_SETTINGS } from './fake-app-port';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const { HotkeyManager } = await import('../../src-main/shell/hotkey-manager');
const { HoldToTalkHook } = await import('../../src-main/shell/hold-to-talk-hook');
const { recorded, stubConfig, resetStub } = await import('../support/electron-stub.mjs');

beforeEach(() => resetStub());

class FakeHoldHook {
  starts = 0;
  stops = 0;
  constructor(
    readonly options: Parameters<HoldHookFactory>[0],
    private readonly result: HookStartResult,
  ) {}
  start(): HookStartResult {
    this.starts += 1;
    return this.result;
  }
  stop(): void {
    this.stops += 1;
  }
}

function setUp(options: { hook?: HookStartResult; settings?: Partial<typeof TEST_SETTINGS> } = {}) {
  const app = new FakeAppPort(undefined, { ...TEST_SETTINGS, ...options.settings });
  const log: string[] = [];
  const callbacks: HotkeyCallbacks = { toggle: () => log.push('toggle'), press: () => log.push('press'), release: () => log.push('release') };
  const hooks: FakeHoldHook[] = [];
  const createHoldHook: HoldHookFactory = (hookOptions) => {
    const hook = new FakeHoldHook(hookOptions, options.hook ?? { ok: true, warning: null });
    hooks.push(hook);
    return hook;
  };
  const manager = new HotkeyManager({ app, callbacks, createHoldHook, platform: 'linux' });
  return { app, log, hooks, manager };
}

const HOOK_MISSING: HookStartResult = { ok: false, kind: 'unavailable', reason: 'no X11 display: DISPLAY is not set' };

test('both hotkeys register: talk through globalShortcut, hold through the hook', () => {
  const { app, log, hooks, manager } = setUp();
  assert.deepEqual(manager.status, {
    talk: { accelerator: 'CommandOrControl+Shift+Space', active: true, problem: null },
    holdToTalk: { accelerator: 'Alt+F8', mode: 'hold', active: true, problem: null },
  });
  assert.deepEqual(app.reportedHotkeys, [manager.status]);
  assert.deepEqual([...recorded.shortcuts.keys()], ['CommandOrControl+Shift+Space'], 'the hold key is not a global shortcut');
  assert.equal(hooks.length, 1);
  assert.equal(hooks[0]!.options.accelerator, 'Alt+F8');
  assert.equal(hooks[0]!.starts, 1);
  recorded.shortcuts.get('CommandOrControl+Shift+Space')!();
  hooks[0]!.options.onPress();
  hooks[0]!.options.onRelease();
  assert.deepEqual(log, ['toggle', 'press', 'release']);
});

test('a shortcut another application holds is reported as in use, naming it', () => {
  stubConfig.takenAccelerators.add('CommandOrControl+Shift+Space');
  const { app, manager } = setUp();
  assert.deepEqual(manager.status.talk, {
    accelerator: 'CommandOrControl+Shift+Space',
    active: false,
    problem: 'Ctrl+Shift+Space is in use by another application',
  });
  assert.equal(app.reportedHotkeys.at(-1)!.talk.active, false);
  assert.equal(manager.status.holdToTalk.active, true, 'the other hotkey is unaffected');
});

test('an invalid accelerator is reported with what is wrong, before Electron sees it', () => {
  const { manager } = setUp({ settings: { hotkeys: { talk: 'Ctrl+Spcae', holdToTalk: 'Alt+Shift' } } });
  assert.equal(manager.status.talk.active, false);
  assert.match(manager.status.talk.problem!, /unknown key "Spcae"; did you mean "Space"/);
  assert.equal(manager.status.holdToTalk.active, false);
  assert.match(manager.status.holdToTalk.problem!, /"Alt\+Shift" has only modifiers/);
  assert.deepEqual(recorded.shortcutAttempts, []);
});

test('an accelerator Electron itself refuses is reported, not thrown', () => {
  stubConfig.invalidAccelerators.add('Ctrl+F13');
  const { manager } = setUp({ settings: { hotkeys: { talk: 'Ctrl+F13', holdToTalk: '' } } });
  assert.equal(manager.status.talk.active, false);
  assert.match(manager.status.talk.problem!, /"Ctrl\+F13" is not a shortcut Electron accepts \(.*conversion failure/);
});

test('without the native hook the hold key falls back to a toggle, and says why', () => {
  const { app, log, manager } = setUp({ hook: HOOK_MISSING });
  assert.deepEqual(manager.status.holdToTalk, {
    accelerator: 'Alt+F8',
    mode: 'toggle',
    active: true,
    problem: 'Hold-to-talk needs the native key hook (no X11 display: DISPLAY is not set); the key toggles talking instead',
  });
  assert.deepEqual(app.reportedHotkeys.at(-1)!.holdToTalk.mode, 'toggle');
  recorded.shortcuts.get('Alt+F8')!();
  assert.deepEqual(log, ['toggle']);
});

test('a fallback toggle that is also taken is reported inactive with both reasons', () => {
  stubConfig.takenAccelerators.add('Alt+F8');
  const { manager } = setUp({ hook: HOOK_MISSING });
  assert.equal(manager.status.holdToTalk.active, false);
  assert.equal(manager.status.holdToTalk.mode, 'toggle');
  assert.equal(
    manager.status.holdToTalk.problem,
    'Hold-to-talk needs the native key hook (no X11 display: DISPLAY is not set), and it cannot toggle talking either: Alt+F8 is in use by another application',
  );
});

test('a key the hook cannot hold toggles instead', () => {
  const { manager } = setUp({ hook: { ok: false, kind: 'key', reason: 'cannot be held' }, settings: { hotkeys: { talk: '', holdToTalk: 'Ctrl+Plus' } } });
  assert.equal(manager.status.holdToTalk.mode, 'toggle');
  assert.equal(manager.status.holdToTalk.active, true);
  assert.match(manager.status.holdToTalk.problem!, /^Ctrl\+Plus cannot be held through the native key hook .*; the key toggles talking instead$/);
});

test("an empty accelerator is simply off, with no problem", () => {
  const { manager, hooks } = setUp({ settings: { hotkeys: { talk: '', holdToTalk: '' } } });
  assert.deepEqual(manager.status, {
    talk: { accelerator: '', active: false, problem: null },
    holdToTalk: { accelerator: '', mode: 'off', active: false, problem: null },
  });
  assert.equal(hooks.length, 0, 'no native hook runs when no hold key is set');
  assert.deepEqual(recorded.shortcutAttempts, []);
});

test('the same key for both hotkeys is refused for hold-to-talk', () => {
  const { manager, hooks } = setUp({ settings: { hotkeys: { talk: 'CommandOrControl+Shift+Space', holdToTalk: 'Control+Shift+Space' } } });
  assert.equal(manager.status.talk.active, true);
  assert.equal(manager.status.holdToTalk.active, false);
  assert.match(manager.status.holdToTalk.problem!, /both Ctrl\+Shift\+Space/);
  assert.equal(hooks.length, 0);
});

test('changed hotkeys re-register: old ones released, new ones registered and reported', () => {
  const { app, hooks, manager } = setUp();
  app.changeSettings({ hotkeys: { talk: 'Alt+F9', holdToTalk: 'Alt+F10' } });
  assert.deepEqual([...recorded.shortcuts.keys()], ['Alt+F9']);
  assert.equal(hooks[0]!.stops, 1, 'the old hook stopped');
  assert.equal(hooks[1]!.options.accelerator, 'Alt+F10');
  assert.equal(app.reportedHotkeys.length, 2);
  assert.equal(manager.status.talk.accelerator, 'Alt+F9');
  app.changeSettings({ talkMode: 'toggle' });
  assert.equal(app.reportedHotkeys.length, 2, 'other settings changing does not re-register');
  assert.equal(hooks.length, 2);
});

test('a taken shortcut freed later registers on refresh()', () => {
  stubConfig.takenAccelerators.add('CommandOrControl+Shift+Space');
  const { manager } = setUp();
  assert.equal(manager.status.talk.active, false);
  stubConfig.takenAccelerators.clear();
  assert.equal(manager.refresh().talk.active, true);
});

test('dispose unregisters everything, stops the hook and ignores later settings', () => {
  const { app, hooks, manager } = setUp();
  assert.equal(recorded.shortcuts.size, 1);
  manager.dispose();
  assert.equal(recorded.shortcuts.size, 0);
  assert.equal(hooks[0]!.stops, 1);
  app.changeSettings({ hotkeys: { talk: 'Alt+F9', holdToTalk: 'Alt+F10' } });
  assert.equal(recorded.shortcuts.size, 0);
  assert.equal(hooks.length, 1);
  assert.equal(app.listenerCount, 0);
  manager.dispose();

  const fallback = setUp({ hook: HOOK_MISSING });
  assert.deepEqual([...recorded.shortcuts.keys()], ['CommandOrControl+Shift+Space', 'Alt+F8']);
  fallback.manager.dispose();
  assert.equal(recorded.shortcuts.size, 0, 'the fallback toggle is unregistered too');
});

test('with the real HoldToTalkHook over a fake uiohook, the hold key presses and releases', () => {
  const fake = Object.assign(new EventEmitter(), { start: () => {}, stop: () => {} });
  const app = new FakeAppPort();
  const log: string[] = [];
  const manager = new HotkeyManager({
    app,
    callbacks: { toggle: () => log.push('toggle'), press: () => log.push('press'), release: () => log.push('release') },
    platform: 'linux',
    createHoldHook: (options) =>
      new HoldToTalkHook({ ...options, platform: 'linux', env: { DISPLAY: ':0' }, load: () => ({ uIOhook: fake, UiohookKey: { Alt: 56, AltRight: 3640, F8: 66, Ctrl: 29, CtrlRight: 3613, Shift: 42, ShiftRight: 54, Meta: 3675, MetaRight: 3676 } as never }) }),
  });
  assert.equal(manager.status.holdToTalk.mode, 'hold');
  fake.emit('keydown', { keycode: 66, altKey: true });
  fake.emit('keydown', { keycode: 66, altKey: true });
  fake.emit('keyup', { keycode: 66, altKey: true });
  assert.deepEqual(log, ['press', 'release']);
  manager.dispose();
  assert.equal(fake.listenerCount('keydown'), 0);
});
