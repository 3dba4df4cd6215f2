// Hold to talk: Electron's globalShortcut only reports key presses, so press-and-release comes
// from uiohook-napi, a native keyboard hook. It is an optional dependency that needs a display
// server (X11 on Linux) or Accessibility permission (macOS), so it is loaded lazily and every way
// it can fail becomes a reason the hotkey manager shows, never a crash.
//
// Measured here (uiohook-napi 1.5.5, Linux): with no DISPLAY, `uIOhook.start()` does not throw as
// its source intends; it aborts the process (SIGABRT) or blocks the main thread forever. Even
// loading the addon without a display makes the process exit with code 1 ("Couldn't find per
// display information"). So without a DISPLAY the module is not even loaded. Under Xvfb it
// starts, sees keys sent with xdotool, can be stopped and started again, and reports X
// auto-repeat as repeated keydowns without keyups.
import { createRequire } from 'node:module';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';
import { MODIFIERS, parseAccelerator, type Modifier } from '../../src-shared/accelerator';
import { modifierKeycodes, toHookCombo, type HookCombo, type UiohookKeyTable } from './hook-keycodes';

/** The part of a uiohook keyboard event we read; the modifier flags are optional for fakes. */
export interface KeyHookEvent {
  readonly keycode: number;
  readonly ctrlKey?: boolean;
  readonly altKey?: boolean;
  readonly shiftKey?: boolean;
  readonly metaKey?: boolean;
}
export type KeyHookListener = (event: KeyHookEvent) => void;

/** The part of uiohook-napi's `uIOhook` we use; tests pass a fake. */
export interface NativeKeyHook {
  on(event: 'keydown' | 'keyup', listener: KeyHookListener): unknown;
  off(event: 'keydown' | 'keyup', listener: KeyHookListener): unknown;
  start(): void;
  stop(): void;
}

export interface UiohookModule {
  readonly uIOhook: NativeKeyHook;
  readonly UiohookKey: UiohookKeyTable;
}
/** Returns the module or throws; called on start, never at import. */
export type UiohookLoader = () => UiohookModule;

const requireFromHere = createRequire(import.meta.url);
/**
 * The real module. A plain require through createRequire rather than `import()`: the bundler
 * leaves it alone, so the native addon is resolved from node_modules at run time.
 */
export const loadUiohook: UiohookLoader = () => {
  // Typed as the real module so the compiler checks it fits UiohookModule.
  const uiohook: typeof import('uiohook-napi') = requireFromHere('uiohook-napi');
  return uiohook;
};

export type HookStartResult =
  | { readonly ok: true; /** A limitation worth telling the user, e.g. under Wayland. */ readonly warning: string | null }
  | {
      readonly ok: false;
      /** `unavailable`: the hook cannot run here; `key`: the hook runs but cannot see this key. */
      readonly kind: 'unavailable' | 'key';
      /** For `unavailable`, completes "Hold-to-talk needs the native key hook (…)"; for `key`, a sentence. */
      readonly reason: string;
    };

export interface HoldToTalkHookOptions {
  /** An Electron accelerator, e.g. "Alt+F8"; validated by start(). */
  readonly accelerator: string;
  readonly onPress: () => void;
  readonly onRelease: () => void;
  readonly load?: UiohookLoader;
  readonly platform?: NodeJS.Platform;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
}

const FLAG_OF: Record<Modifier, keyof KeyHookEvent> = { ctrl: 'ctrlKey', alt: 'altKey', shift: 'shiftKey', meta: 'metaKey' };

/**
 * Fires onPress when the combination goes down with exactly its modifiers, ignores auto-repeat
 * while it is held, and fires onRelease once when the key or one of its modifiers goes up (or
 * the hook stops while it is held, so talking never stays stuck on).
 */
export class HoldToTalkHook {
  private readonly logger: Logger;
  private hook: NativeKeyHook | undefined;
  private combo: HookCombo | undefined;
  private modifierOf: ReadonlyMap<number, Modifier> = new Map();
  /** Key codes currently down, to tell left/right modifiers apart on release. */
  private readonly down = new Set<number>();
  private held = false;
  private result: HookStartResult | undefined;

  constructor(private readonly options: HoldToTalkHookOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  get running(): boolean {
    return this.hook !== undefined;
  }

  /** Starts listening; idempotent. Never throws: failures come back as `{ok: false, reason}`. */
  start(): HookStartResult {
    if (this.result?.ok) return this.result;
    this.result = this.tryStart();
    return this.result;
  }

  stop(): void {
    const hook = this.hook;
    this.result = undefined;
    if (!hook) return;
    this.hook = undefined;
    hook.off('keydown', this.onKeyDown);
    hook.off('keyup', this.onKeyUp);
    try {
      hook.stop();
    } catch (error) {
      this.logger.warn('hold-to-talk: stopping the key hook failed', { error: errorMessage(error) });
    }
    this.down.clear();
    if (this.held) this.release();
  }

  private tryStart(): HookStartResult {
    const platform = this.options.platform ?? process.platform;
    const env = this.options.env ?? process.env;
    const blocker = keyHookBlocker(platform, env);
    if (blocker) return { ok: false, kind: 'unavailable', reason: blocker };
    let module: UiohookModule;
    try {
      module = (this.options.load ?? loadUiohook)();
    } catch (error) {
      const notInstalled = (error as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND';
      const reason = notInstalled ? 'uiohook-napi is not installed' : `uiohook-napi could not be loaded: ${errorMessage(error)}`;
      return { ok: false, kind: 'unavailable', reason };
    }
    try {
      this.combo = toHookCombo(parseAccelerator(this.options.accelerator, platform), module.UiohookKey, this.options.accelerator);
    } catch (error) {
      return { ok: false, kind: 'key', reason: errorMessage(error) };
    }
    this.modifierOf = modifierKeycodes(module.UiohookKey);
    const hook = module.uIOhook;
    hook.on('keydown', this.onKeyDown);
    hook.on('keyup', this.onKeyUp);
    try {
      hook.start();
    } catch (error) {
      hook.off('keydown', this.onKeyDown);
      hook.off('keyup', this.onKeyUp);
      return { ok: false, kind: 'unavailable', reason: startFailureReason(error) };
    }
    this.hook = hook;
    return { ok: true, warning: keyHookWarning(platform, env) };
  }

  // Arrow properties: the same function objects are passed to on() and off().
  private readonly onKeyDown = (event: KeyHookEvent): void => {
    this.down.add(event.keycode);
    const combo = this.combo;
    // While held, the key's auto-repeat keydowns (and anything else) change nothing.
    if (!combo || this.held || event.keycode !== combo.keycode) return;
    if (!MODIFIERS.every((modifier) => combo.modifiers.has(modifier) === this.isModifierDown(modifier, event))) return;
    this.held = true;
    this.call(this.options.onPress, 'onPress');
  };

  private readonly onKeyUp = (event: KeyHookEvent): void => {
    this.down.delete(event.keycode);
    const combo = this.combo;
    if (!combo || !this.held) return;
    const modifier = this.modifierOf.get(event.keycode);
    const requiredModifierReleased = modifier !== undefined && combo.modifiers.has(modifier) && !this.isModifierDown(modifier);
    if (event.keycode === combo.keycode || requiredModifierReleased) this.release();
  };

  /** The event's own flag when it has one (the hook's view survives keys pressed before start). */
  private isModifierDown(modifier: Modifier, event?: KeyHookEvent): boolean {
    const flag = event?.[FLAG_OF[modifier]];
    if (typeof flag === 'boolean') return flag;
    for (const [keycode, which] of this.modifierOf) if (which === modifier && this.down.has(keycode)) return true;
    return false;
  }

  private release(): void {
    this.held = false;
    this.call(this.options.onRelease, 'onRelease');
  }

  private call(callback: () => void, name: string): void {
    // Listeners run inside the native hook's callback: an exception must not escape into it.
    try {
      callback();
    } catch (error) {
      this.logger.warn(`hold-to-talk: ${name} threw`, { error: errorMessage(error) });
    }
  }
}

export function createHoldToTalkHook(options: HoldToTalkHookOptions): HoldToTalkHook {
  return new HoldToTalkHook(options);
}

/** Why the hook cannot even be tried here, or null. */
export function keyHookBlocker(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string | null {
  if (platform === 'linux' && !env['DISPLAY']) {
    return env['WAYLAND_DISPLAY'] ? 'no X11 display: this Wayland session has no XWayland' : 'no X11 display: DISPLAY is not set';
  }
  return null;
}

/** A limitation of a hook that did start. */
export function keyHookWarning(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string | null {
  if (platform === 'linux' && (env['WAYLAND_DISPLAY'] || env['XDG_SESSION_TYPE'] === 'wayland')) {
    return 'Under Wayland the hold-to-talk key is only seen while an X11 (XWayland) window has focus.';
  }
  return null;
}

/** uiohook-napi throws errors whose `code` is libuiohook's status name. */
function startFailureReason(error: unknown): string {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code === 'UIOHOOK_ERROR_AXAPI_DISABLED') {
    return 'macOS Accessibility permission is missing: allow Parley in System Settings → Privacy & Security → Accessibility';
  }
  if (code === 'UIOHOOK_ERROR_X_OPEN_DISPLAY') return 'the X11 display could not be opened';
  if (code.startsWith('UIOHOOK_ERROR_X_RECORD')) return 'the X server lacks the XRecord extension';
  if (code === 'UIOHOOK_ERROR_SET_WINDOWS_HOOK_EX') return 'Windows refused the low-level keyboard hook';
  return `it failed to start: ${errorMessage(error)}`;
}
