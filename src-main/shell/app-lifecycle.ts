// How Parley lives and dies: closing the window hides it to the tray, quitting waits for the app
// to shut down cleanly (socket closed, audio process stopped, history flushed) but never longer
// than SHUTDOWN_DEADLINE_MS, a second launch shows the running window, and "start at login"
// follows the setting.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { app as defaultElectronApp, type App } from 'electron';
import type { AppPort } from '../app/app-port';
import { toDisposable, type Disposable } from '../core/util/disposable';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';

/** Quit waits this long for AppPort.shutdown(), then exits anyway. */
export const SHUTDOWN_DEADLINE_MS = 2_000;
/** Passed when the OS starts Parley at login, so it can start in the tray without a window. */
export const LOGIN_ITEM_ARG = '--hidden';
/** The XDG autostart entry's file name (Linux). */
export const AUTOSTART_FILE_NAME = 'parley.desktop';

export type ElectronAppLike = Pick<App, 'on' | 'removeListener' | 'quit' | 'exit' | 'setLoginItemSettings' | 'getLoginItemSettings' | 'isPackaged'>;

/** A window as far as the lifecycle is concerned. */
export interface LifecycleWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  removeListener(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  hide(): void;
}

export interface AppLifecycleOptions {
  readonly app: Pick<AppPort, 'shutdown' | 'settings' | 'onSettingsChange'>;
  /** Shows (creating if needed), restores and focuses the main window. */
  readonly showWindow: () => void;
  readonly electronApp?: ElectronAppLike;
  /** SHUTDOWN_DEADLINE_MS by default; tests pass a short one. */
  readonly shutdownDeadlineMs?: number;
  /**
   * True (default) when there is a tray to come back from. Without one, closing the last window
   * quits, or the app would be running with no way to reach it.
   */
  readonly hideOnClose?: boolean;
  readonly logger?: Logger;
  /** Passed to applyLoginItem (platform, paths); the electron app is shared. */
  readonly loginItem?: Omit<LoginItemOptions, 'electronApp' | 'logger'>;
}

export type ShutdownOutcome = 'done' | 'failed' | 'timed-out';

export class AppLifecycle implements Disposable {
  private readonly electronApp: ElectronAppLike;
  private readonly logger: Logger;
  private readonly deadlineMs: number;
  private readonly hideOnClose: boolean;
  private readonly cleanups: Array<() => void> = [];
  private phase: 'running' | 'shutting-down' | 'done' = 'running';
  private quitRequested = false;
  private startAtLogin: boolean;
  private disposed = false;
  /** Settles when a quit's shutdown finished (or overran) and exit was called; for tests. */
  exited: Promise<ShutdownOutcome> | undefined;

  constructor(private readonly options: AppLifecycleOptions) {
    this.electronApp = options.electronApp ?? defaultElectronApp;
    this.logger = options.logger ?? silentLogger;
    this.deadlineMs = options.shutdownDeadlineMs ?? SHUTDOWN_DEADLINE_MS;
    this.hideOnClose = options.hideOnClose ?? true;
    this.listen('before-quit', this.onBeforeQuit);
    this.listen('second-instance', this.onShowRequest);
    this.listen('activate', this.onShowRequest);
    // With no listener Electron quits when the last window closes; the tray keeps us running.
    if (this.hideOnClose) this.listen('window-all-closed', () => {});
    this.startAtLogin = options.app.settings().startAtLogin;
    this.applyLoginItem();
    const unsubscribe = options.app.onSettingsChange((settings) => {
      if (settings.startAtLogin === this.startAtLogin) return;
      this.startAtLogin = settings.startAtLogin;
      this.applyLoginItem();
    });
    this.cleanups.push(unsubscribe);
  }

  /** True once a quit has begun: windows may close for real. */
  get quitting(): boolean {
    return this.quitRequested;
  }

  /** Makes the window's close button hide it (unless quitting). */
  attachWindow(window: LifecycleWindow): Disposable {
    const onClose = (event: { preventDefault(): void }) => {
      if (this.quitRequested || !this.hideOnClose) return;
      event.preventDefault();
      window.hide();
    };
    window.on('close', onClose);
    return toDisposable(() => window.removeListener('close', onClose));
  }

  /** The tray's Quit: goes through before-quit like every other way of quitting. */
  quit(): void {
    this.quitRequested = true;
    this.electronApp.quit();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch (error) {
        this.logger.warn('lifecycle: cleanup failed', { error: errorMessage(error) });
      }
    }
  }

  private readonly onBeforeQuit = (event: { preventDefault(): void }): void => {
    this.quitRequested = true;
    if (this.phase === 'done') return;
    // Hold the quit until the app has shut down; a second quit request while we wait changes
    // nothing (the deadline already bounds it).
    event.preventDefault();
    if (this.phase === 'shutting-down') return;
    this.phase = 'shutting-down';
    this.exited = this.shutDownThenExit();
  };

  private readonly onShowRequest = (): void => {
    if (this.phase === 'running') this.options.showWindow();
  };

  private async shutDownThenExit(): Promise<ShutdownOutcome> {
    const startedAt = Date.now();
    const outcome = await settleWithin(() => this.options.app.shutdown(), this.deadlineMs);
    if (outcome.outcome === 'timed-out') {
      this.logger.warn('quit: shutdown overran its deadline; exiting anyway', { deadlineMs: this.deadlineMs });
    } else if (outcome.outcome === 'failed') {
      this.logger.warn('quit: shutdown failed; exiting anyway', { error: errorMessage(outcome.error) });
    } else {
      this.logger.info('quit: shut down cleanly', { ms: Date.now() - startedAt });
    }
    this.phase = 'done';
    // exit(), not quit(): nothing else gets a chance to hold the process open.
    this.electronApp.exit(0);
    return outcome.outcome;
  }

  private applyLoginItem(): void {
    const result = applyLoginItem(this.startAtLogin, { ...this.options.loginItem, electronApp: this.electronApp, logger: this.logger });
    if (!result.applied) this.logger.info('start at login not changed', { reason: result.reason });
  }

  private listen(event: 'before-quit' | 'second-instance' | 'activate' | 'window-all-closed', listener: (...args: any[]) => void): void {
    // Electron's App types `on` per event name; as an emitter it is the same call for all.
    const emitter = this.electronApp as unknown as Pick<NodeJS.EventEmitter, 'on' | 'removeListener'>;
    emitter.on(event, listener);
    this.cleanups.push(() => emitter.removeListener(event, listener));
  }
}

export type Settled = { readonly outcome: 'done' } | { readonly outcome: 'failed'; readonly error: unknown } | { readonly outcome: 'timed-out' };

/** Runs `work` and settles when it does or when `deadlineMs` passes, whichever comes first. */
export async function settleWithin(work: () => Promise<unknown>, deadlineMs: number): Promise<Settled> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => resolve({ outcome: 'timed-out' }), deadlineMs);
  });
  const finished = Promise.resolve()
    .then(work)
    .then(
      (): Settled => ({ outcome: 'done' }),
      (error: unknown): Settled => ({ outcome: 'failed', error }),
    );
  try {
    return await Promise.race([finished, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// Start at login
// ---------------------------------------------------------------------------------------------

export interface LoginItemOptions {
  readonly electronApp?: ElectronAppLike;
  readonly platform?: NodeJS.Platform;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly homeDir?: string;
  /** The executable the OS should start; process.execPath by default. */
  readonly execPath?: string;
  readonly logger?: Logger;
}

export type LoginItemResult = { readonly applied: true } | { readonly applied: false; readonly reason: string };

/**
 * Registers (or removes) Parley as a login item. macOS and Windows use Electron's
 * setLoginItemSettings; Electron does not support it on Linux, so there we write (or delete) an
 * XDG autostart entry. A development run never registers itself: the login item would start a
 * bare Electron.
 */
export function applyLoginItem(openAtLogin: boolean, options: LoginItemOptions = {}): LoginItemResult {
  const electronApp = options.electronApp ?? defaultElectronApp;
  const platform = options.platform ?? process.platform;
  if (!electronApp.isPackaged) return { applied: false, reason: 'only the installed app can start at login (this is a development run)' };
  try {
    if (platform === 'linux') {
      const env = options.env ?? process.env;
      const path = autostartPath(env, options.homeDir ?? homedir());
      if (openAtLogin) {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, autostartEntry(env['APPIMAGE'] || (options.execPath ?? process.execPath)));
      } else {
        rmSync(path, { force: true });
      }
    } else if (platform === 'win32') {
      electronApp.setLoginItemSettings({ openAtLogin, args: [LOGIN_ITEM_ARG] });
    } else {
      electronApp.setLoginItemSettings({ openAtLogin });
    }
    return { applied: true };
  } catch (error) {
    (options.logger ?? silentLogger).warn('start at login could not be changed', { error: errorMessage(error) });
    return { applied: false, reason: errorMessage(error) };
  }
}

/** True when the OS started Parley at login (so it can stay in the tray). */
export function launchedAtLogin(
  argv: readonly string[] = process.argv,
  electronApp: { getLoginItemSettings(): { readonly wasOpenedAtLogin?: boolean } } = defaultElectronApp,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (argv.includes(LOGIN_ITEM_ARG)) return true;
  return platform === 'darwin' && electronApp.getLoginItemSettings().wasOpenedAtLogin === true;
}

export function autostartPath(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  return join(env['XDG_CONFIG_HOME'] || join(homeDir, '.config'), 'autostart', AUTOSTART_FILE_NAME);
}

/**
 * A desktop entry. Exec follows the Desktop Entry spec: the path is quoted with \ before " ` $
 * and \, then the value is escaped as a string (\ doubled) and % doubled.
 */
export function autostartEntry(executable: string): string {
  const quoted = '"' + executable.replace(/[\\"`$]/g, (character) => '\\' + character) + '"';
  const exec = `${quoted} ${LOGIN_ITEM_ARG}`.replace(/\\/g, '\\\\').replace(/%/g, '%%');
  return ['[Desktop Entry]', 'Type=Application', 'Name=Parley', `Exec=${exec}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}
