// Hold to talk over a fake uiohook: press when the combination goes down with exactly its
// modifiers, one press however long auto-repeat runs, release on the key or a required modifier
// going up, and every way the native hook can be missing reported as a reason. The last test
// drives the real uiohook-napi under Xvfb with xdotool when those are installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { UiohookKeyTable } from '../../src-main/shell/hook-keycodes';
import { HoldToTalkHook, type KeyHookEvent, type UiohookModule } from '../../src-main/shell/hold-to-talk-hook';

/** The key codes these tests use, as uiohook-napi defines them. */
const KEY = { Ctrl: 29, CtrlRight: 3613, Alt: 56, AltRight: 3640, Shift: 42, ShiftRight: 54, Meta: 3675, MetaRight: 3676, F8: 66, Space: 57, A: 30 };
const TABLE = KEY as unknown as UiohookKeyTable;
const WITH_DISPLAY = { DISPLAY: ':0' };

class FakeUiohook extends EventEmitter {
  starts = 0;
  stops = 0;
  startError: Error | undefined;
  start(): void {
    if (this.startError) throw this.startError;
    this.starts += 1;
  }
  stop(): void {
    this.stops += 1;
  }
  /** A key event with the modifier flags uiohook sets from its own modifier state. */
  key(type: 'keydown' | 'keyup', keycode: number, held: { ctrl?: boolean; alt?: boolean; shift?: boolean; meta?: boolean } = {}): void {
    const event: KeyHookEvent = { keycode, ctrlKey: !!held.ctrl, altKey: !!held.alt, shiftKey: !!held.shift, metaKey: !!held.meta };
    this.emit(type, event);
  }
  attachedListeners(): number {
    return this.listenerCount('keydown') + this.listenerCount('keyup');
  }
}

function setUp(accelerator = 'Alt+F8', overrides: Partial<ConstructorParameters<typeof HoldToTalkHook>[0]> = {}) {
  const fake = new FakeUiohook();
  const log: string[] = [];
  const module: UiohookModule = { uIOhook: fake, UiohookKey: TABLE };
  const hook = new HoldToTalkHook({
    accelerator,
    onPress: () => log.push('press'),
    onRelease: () => log.push('release'),
    load: () => module,
    platform: 'linux',
    env: WITH_DISPLAY,
    ...overrides,
  });
  return { fake, log, hook };
}

test('the combination going down presses; the key going up releases', () => {
  const { fake, log, hook } = setUp();
  assert.deepEqual(hook.start(), { ok: true, warning: null });
  assert.equal(fake.starts, 1);
  fake.key('keydown', KEY.Alt, { alt: true });
  assert.deepEqual(log, []);
  fake.key('keydown', KEY.F8, { alt: true });
  assert.deepEqual(log, ['press']);
  fake.key('keyup', KEY.F8, { alt: true });
  assert.deepEqual(log, ['press', 'release']);
  fake.key('keyup', KEY.Alt);
  assert.deepEqual(log, ['press', 'release'], 'the modifier going up afterwards releases nothing more');
});

test('auto-repeat keydowns while held press only once', () => {
  const { fake, log, hook } = setUp('F8');
  hook.start();
  for (let repeat = 0; repeat < 25; repeat++) fake.key('keydown', KEY.F8);
  assert.deepEqual(log, ['press']);
  fake.key('keyup', KEY.F8);
  fake.key('keydown', KEY.F8);
  assert.deepEqual(log, ['press', 'release', 'press'], 'a new press after the release counts');
});

test('letting go of a required modifier first releases, once', () => {
  const { fake, log, hook } = setUp('Ctrl+Shift+Space');
  hook.start();
  fake.key('keydown', KEY.Ctrl, { ctrl: true });
  fake.key('keydown', KEY.Shift, { ctrl: true, shift: true });
  fake.key('keydown', KEY.Space, { ctrl: true, shift: true });
  fake.key('keyup', KEY.Shift, { ctrl: true });
  assert.deepEqual(log, ['press', 'release']);
  fake.key('keydown', KEY.Space, { ctrl: true });
  fake.key('keyup', KEY.Space, { ctrl: true });
  assert.deepEqual(log, ['press', 'release'], 'Space repeating with only Ctrl held is not the combination');
});

test('the modifiers must match exactly: extra or missing ones do not press', () => {
  const { fake, log, hook } = setUp('Alt+F8');
  hook.start();
  fake.key('keydown', KEY.F8);
  fake.key('keyup', KEY.F8);
  fake.key('keydown', KEY.F8, { alt: true, ctrl: true });
  fake.key('keyup', KEY.F8, { alt: true, ctrl: true });
  assert.deepEqual(log, []);
  fake.key('keydown', KEY.F8, { alt: true });
  fake.key('keydown', KEY.Shift, { alt: true, shift: true });
  assert.deepEqual(log, ['press'], 'a modifier added while held does not release');
});

test('right-hand modifiers count, and releasing one of two held keeps talking', () => {
  const { fake, log, hook } = setUp('Alt+F8');
  hook.start();
  fake.key('keydown', KEY.Alt, { alt: true });
  fake.key('keydown', KEY.AltRight, { alt: true });
  fake.key('keydown', KEY.F8, { alt: true });
  fake.key('keyup', KEY.Alt, { alt: true });
  assert.deepEqual(log, ['press'], 'the right Alt is still down');
  fake.key('keyup', KEY.AltRight);
  assert.deepEqual(log, ['press', 'release']);
});

test('events without modifier flags fall back to the keys the hook saw go down', () => {
  const { fake, log, hook } = setUp('Ctrl+A');
  hook.start();
  fake.emit('keydown', { keycode: KEY.CtrlRight });
  fake.emit('keydown', { keycode: KEY.A });
  fake.emit('keyup', { keycode: KEY.CtrlRight });
  assert.deepEqual(log, ['press', 'release']);
  fake.emit('keydown', { keycode: KEY.A });
  assert.deepEqual(log, ['press', 'release'], 'A alone is not Ctrl+A');
});

test('stopping while held releases, stops the native hook and removes the listeners', () => {
  const { fake, log, hook } = setUp('F8');
  hook.start();
  assert.equal(fake.attachedListeners(), 2);
  fake.key('keydown', KEY.F8);
  hook.stop();
  assert.deepEqual(log, ['press', 'release']);
  assert.equal(fake.stops, 1);
  assert.equal(fake.attachedListeners(), 0);
  assert.equal(hook.running, false);
  hook.stop();
  assert.equal(fake.stops, 1, 'stop is idempotent');
  assert.deepEqual(hook.start(), { ok: true, warning: null }, 'and the hook can start again');
  assert.equal(fake.starts, 2);
});

test('a throwing callback does not escape into the native hook', () => {
  const { fake, hook } = setUp('F8', {
    onPress: () => {
      throw new Error('boom');
    },
  });
  hook.start();
  assert.doesNotThrow(() => fake.key('keydown', KEY.F8));
});

test('without an X11 display the module is not even loaded', () => {
  let loads = 0;
  const { hook } = setUp('F8', {
    env: {},
    load: () => {
      loads += 1;
      throw new Error('must not load');
    },
  });
  assert.deepEqual(hook.start(), { ok: false, kind: 'unavailable', reason: 'no X11 display: DISPLAY is not set' });
  const wayland = setUp('F8', { env: { WAYLAND_DISPLAY: 'wayland-0' } }).hook.start();
  assert.deepEqual(wayland, { ok: false, kind: 'unavailable', reason: 'no X11 display: this Wayland session has no XWayland' });
  assert.equal(loads, 0);
  assert.equal(setUp('F8', { env: {}, platform: 'win32' }).hook.start().ok, true, 'DISPLAY only matters on Linux');
});

test('under Wayland with XWayland the hook starts with a warning', () => {
  const result = setUp('F8', { env: { DISPLAY: ':0', WAYLAND_DISPLAY: 'wayland-0' } }).hook.start();
  assert.equal(result.ok, true);
  assert.match((result as { warning: string }).warning, /Wayland.*X11 \(XWayland\) window has focus/);
});

test('a missing module, a failing start and an unholdable key each give their reason', () => {
  const missing = setUp('F8', {
    load: () => {
      throw Object.assign(new Error("Cannot find module 'uiohook-napi'"), { code: 'MODULE_NOT_FOUND' });
    },
  });
  assert.deepEqual(missing.hook.start(), { ok: false, kind: 'unavailable', reason: 'uiohook-napi is not installed' });

  const broken = setUp('F8', {
    load: () => {
      throw new Error('invalid ELF header');
    },
  });
  assert.deepEqual(broken.hook.start(), { ok: false, kind: 'unavailable', reason: 'uiohook-napi could not be loaded: invalid ELF header' });

  const mac = setUp('F8', { platform: 'darwin' });
  mac.fake.startError = Object.assign(new Error('Failed to enable access for assistive devices.'), { code: 'UIOHOOK_ERROR_AXAPI_DISABLED' });
  const refused = mac.hook.start();
  assert.equal(refused.ok, false);
  assert.match((refused as { reason: string }).reason, /macOS Accessibility permission is missing/);
  assert.equal(mac.fake.attachedListeners(), 0, 'listeners are removed when start fails');
  assert.equal(mac.hook.running, false);

  const x11 = setUp('F8');
  x11.fake.startError = Object.assign(new Error('Unable to locate XRecord extension.'), { code: 'UIOHOOK_ERROR_X_RECORD_NOT_FOUND' });
  assert.deepEqual(x11.hook.start(), { ok: false, kind: 'unavailable', reason: 'the X server lacks the XRecord extension' });

  const plus = setUp('Ctrl+Plus');
  const result = plus.hook.start();
  assert.equal(result.ok, false);
  assert.equal((result as { kind: string }).kind, 'key');
  assert.equal(plus.fake.starts, 0, 'the native hook is not started for a key it cannot see');
});

// --- the real native hook -----------------------------------------------------------------------

function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}
const REAL_HOOK_SKIP =
  process.platform !== 'linux'
    ? 'the real-hook test drives X11'
    : !installed('xvfb-run') || !installed('xdotool')
      ? 'xvfb-run and xdotool are needed to drive the real key hook'
      : spawnSync(process.execPath, ['-e', "require.resolve('uiohook-napi')"], { cwd: dirname(fileURLToPath(import.meta.url)) }).status !== 0
        ? 'uiohook-napi (an optional dependency) is not installed'
        : false;

test('the real uiohook-napi under Xvfb: one press and one release for a held, auto-repeating key', { skip: REAL_HOOK_SKIP, timeout: 30_000 }, () => {
  // In a child process: a native hook failure must not take the test runner down with it.
  const child = join(dirname(fileURLToPath(import.meta.url)), 'real-key-hook-child.ts');
  const run = spawnSync('xvfb-run', ['-a', process.execPath, '--import', 'tsx', child], { encoding: 'utf8', timeout: 25_000 });
  const line = run.stdout.split('\n').find((text) => text.startsWith('{'));
  assert.ok(line, `the child printed no result (status ${run.status}): ${run.stderr.slice(-500)}`);
  const result = JSON.parse(line) as { start: unknown; events: string[]; rawF8Keydowns: number; restartEvents: string[] };
  assert.deepEqual(result.start, { ok: true, warning: null });
  assert.ok(result.rawF8Keydowns > 1, `X auto-repeated the held key (${result.rawF8Keydowns} raw keydowns)`);
  assert.deepEqual(result.events, ['press', 'release'], 'held past the auto-repeat delay, the key still pressed once');
  assert.deepEqual(result.restartEvents, ['press', 'release'], 'the hook works again after stop and start');
});
