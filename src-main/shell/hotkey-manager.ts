// The two global hotkeys: `talk` (a toggle, through Electron's globalShortcut) and `holdToTalk`
// (press and release, through the native key hook, falling back to a toggle when the hook cannot
// run). Every outcome, good or degraded, is reported to the app as a HotkeyStatus so the UI can
// say exactly why a key does nothing.
import { globalShortcut as electronGlobalShortcut } from 'electron';
import type { HotkeyBinding, Hotkeys, HotkeyStatus } from '../../src-shared/ipc-contract';
import type { AppPort } from '../app/app-port';
import type { Disposable } from '../core/util/disposable';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';
import { formatAccelerator, parseAccelerator, sameAccelerator, type ParsedAccelerator } from '../../src-shared/accelerator';
import { createHoldToTalkHook, type HookStartResult } from './hold-to-talk-hook';

/** The part of Electron's globalShortcut we use. */
export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
  unregisterAll(): void;
}

export interface HoldHook {
  start(): HookStartResult;
  stop(): void;
}
export type HoldHookFactory = (options: { accelerator: string; onPress: () => void; onRelease: () => void }) => HoldHook;

export interface HotkeyCallbacks {
  /** The talk hotkey, or the hold key's fallback, was pressed. */
  toggle(): void;
  /** The hold key went down / up. */
  press(): void;
  release(): void;
}

export interface HotkeyManagerOptions {
  readonly app: Pick<AppPort, 'settings' | 'onSettingsChange' | 'reportHotkeys'>;
  readonly callbacks: HotkeyCallbacks;
  /** Electron's globalShortcut by default. */
  readonly globalShortcut?: GlobalShortcutLike;
  /** The uiohook-backed HoldToTalkHook by default. */
  readonly createHoldHook?: HoldHookFactory;
  readonly platform?: NodeJS.Platform;
  readonly logger?: Logger;
}

type Registration = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * Registers the hotkeys from settings on construction and again whenever they change; reports
 * the resulting HotkeyStatus each time. The shell owns all of the app's global shortcuts, so
 * dispose() ends with globalShortcut.unregisterAll().
 */
export class HotkeyManager implements Disposable {
  private readonly globalShortcut: GlobalShortcutLike;
  private readonly createHoldHook: HoldHookFactory;
  private readonly platform: NodeJS.Platform;
  private readonly logger: Logger;
  private readonly registered: string[] = [];
  private hook: HoldHook | undefined;
  private applied: Hotkeys | undefined;
  private current: HotkeyStatus | undefined;
  private readonly unsubscribe: () => void;
  private disposed = false;

  constructor(private readonly options: HotkeyManagerOptions) {
    this.globalShortcut = options.globalShortcut ?? electronGlobalShortcut;
    this.platform = options.platform ?? process.platform;
    this.logger = options.logger ?? silentLogger;
    this.createHoldHook = options.createHoldHook ?? ((hookOptions) => createHoldToTalkHook({ ...hookOptions, platform: this.platform, logger: this.logger }));
    this.apply(options.app.settings().hotkeys);
    this.unsubscribe = options.app.onSettingsChange((settings) => {
      if (!this.applied || !sameHotkeys(settings.hotkeys, this.applied)) this.apply(settings.hotkeys);
    });
  }

  get status(): HotkeyStatus {
    return this.current!;
  }

  /** Registers again with the current settings (e.g. after another app released a shortcut). */
  refresh(): HotkeyStatus {
    this.apply(this.options.app.settings().hotkeys);
    return this.status;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.unsubscribe();
    this.releaseAll();
    try {
      this.globalShortcut.unregisterAll();
    } catch (error) {
      this.logger.warn('hotkeys: unregistering all shortcuts failed', { error: errorMessage(error) });
    }
  }

  private apply(hotkeys: Hotkeys): void {
    if (this.disposed) return;
    this.releaseAll();
    const talk = this.bindTalk(hotkeys.talk);
    const holdToTalk = this.bindHold(hotkeys.holdToTalk, hotkeys.talk);
    this.applied = { talk: hotkeys.talk, holdToTalk: hotkeys.holdToTalk };
    this.current = { talk, holdToTalk };
    for (const [name, binding] of Object.entries(this.current)) {
      if (binding.problem) this.logger.warn('hotkeys: ' + name, { accelerator: binding.accelerator, problem: binding.problem });
    }
    this.options.app.reportHotkeys(this.current);
  }

  private bindTalk(accelerator: string): HotkeyBinding {
    if (accelerator.trim() === '') return { accelerator, active: false, problem: null };
    const registration = this.register(accelerator, () => this.call('toggle'));
    return registration.ok ? { accelerator, active: true, problem: null } : { accelerator, active: false, problem: registration.problem };
  }

  private bindHold(accelerator: string, talkAccelerator: string): HotkeyStatus['holdToTalk'] {
    if (accelerator.trim() === '') return { accelerator, mode: 'off', active: false, problem: null };
    let parsed: ParsedAccelerator;
    try {
      parsed = parseAccelerator(accelerator, this.platform);
    } catch (error) {
      return { accelerator, mode: 'hold', active: false, problem: errorMessage(error) };
    }
    const shown = formatAccelerator(parsed, this.platform);
    if (talkAccelerator.trim() !== '' && sameAs(parsed, talkAccelerator, this.platform)) {
      return { accelerator, mode: 'hold', active: false, problem: `Hold-to-talk and the talk shortcut are both ${shown}; choose a different key for one of them` };
    }
    const hook = this.createHoldHook({ accelerator, onPress: () => this.call('press'), onRelease: () => this.call('release') });
    let started: HookStartResult;
    try {
      started = hook.start();
    } catch (error) {
      started = { ok: false, kind: 'unavailable', reason: `it failed to start: ${errorMessage(error)}` };
    }
    if (started.ok) {
      this.hook = hook;
      return { accelerator, mode: 'hold', active: true, problem: started.warning };
    }
    const why =
      started.kind === 'key'
        ? `${shown} cannot be held through the native key hook (use a letter, digit, F-key or a named key such as Space)`
        : `Hold-to-talk needs the native key hook (${started.reason})`;
    const fallback = this.register(accelerator, () => this.call('toggle'));
    if (fallback.ok) return { accelerator, mode: 'toggle', active: true, problem: `${why}; the key toggles talking instead` };
    return { accelerator, mode: 'toggle', active: false, problem: `${why}, and it cannot toggle talking either: ${fallback.problem}` };
  }

  private register(accelerator: string, callback: () => void): Registration {
    let shown: string;
    try {
      shown = formatAccelerator(parseAccelerator(accelerator, this.platform), this.platform);
    } catch (error) {
      return { ok: false, problem: errorMessage(error) };
    }
    let registered: boolean;
    try {
      registered = this.globalShortcut.register(accelerator, callback);
    } catch (error) {
      return { ok: false, problem: `"${accelerator}" is not a shortcut Electron accepts (${errorMessage(error)})` };
    }
    if (!registered) return { ok: false, problem: `${shown} is in use by another application` };
    this.registered.push(accelerator);
    return { ok: true };
  }

  /** Unregisters what this manager registered and stops the hook (releasing a held key). */
  private releaseAll(): void {
    this.hook?.stop();
    this.hook = undefined;
    for (const accelerator of this.registered.splice(0)) {
      try {
        this.globalShortcut.unregister(accelerator);
      } catch (error) {
        this.logger.warn('hotkeys: unregistering a shortcut failed', { accelerator, error: errorMessage(error) });
      }
    }
  }

  private call(name: keyof HotkeyCallbacks): void {
    try {
      this.options.callbacks[name]();
    } catch (error) {
      this.logger.warn('hotkeys: callback threw', { callback: name, error: errorMessage(error) });
    }
  }
}

function sameHotkeys(a: Hotkeys, b: Hotkeys): boolean {
  return a.talk === b.talk && a.holdToTalk === b.holdToTalk;
}

function sameAs(parsed: ParsedAccelerator, other: string, platform: NodeJS.Platform): boolean {
  try {
    return sameAccelerator(parsed, parseAccelerator(other, platform));
  } catch {
    return false;
  }
}
