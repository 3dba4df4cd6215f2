// Composition root of the desktop app: the app core (plain Node, src-main/app) plus the thin
// Electron shell around it: one secure window, the IPC server, the tray, global hotkeys, the
// keychain, and a quit that tears the session down within 2 s.
import { appendFileSync, mkdirSync, statSync, truncateSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, net, powerMonitor } from 'electron';
import { EVENT_CHANNEL, type EventEnvelope, type Page } from '../src-shared/ipc-contract';
import { DisposableStore } from './core/util/disposable';
import { createLineLogger, type Logger } from './core/util/logger';
import { errorMessage } from './core/util/errors';
import type { AppController } from './app/app-controller';
import { createDesktopApp } from './app/create-desktop-app';
import { EventOutbox, withReadySignal } from './app/event-outbox';
import { AppLifecycle, launchedAtLogin } from './shell/app-lifecycle';
import { watchConnectivity } from './app/connectivity-watch';
import { HotkeyManager } from './shell/hotkey-manager';
import { registerIpcServer } from './shell/ipc-server';
import { createSafeStorageCipher } from './shell/safe-storage-cipher';
import { TrayController } from './shell/tray-controller';
import { createSecureWindow } from './shell/window-factory';

const bundleDir = dirname(fileURLToPath(import.meta.url));
const MAX_LOG_BYTES = 5 * 1024 * 1024;

// Tests (and people who want a second profile) keep their data apart; must precede the lock.
const userDataOverride = process.env['PARLEY_USER_DATA_DIR'];
if (userDataOverride) app.setPath('userData', userDataOverride);

function fileLogger(): Logger {
  const directory = join(app.getPath('userData'), 'logs');
  mkdirSync(directory, { recursive: true });
  const file = join(directory, 'parley.log');
  try {
    if (statSync(file).size > MAX_LOG_BYTES) truncateSync(file, 0);
  } catch {
    // no log yet
  }
  // Nothing secret is ever handed to a logger (see core/util/logger.ts); lines go to the file
  // and, in development, to the terminal.
  return createLineLogger(app.isPackaged ? 'info' : 'debug', (line) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} ${line}\n`);
    } catch {
      // a full disk must not take the app down
    }
    if (!app.isPackaged) process.stderr.write(line + '\n');
  });
}

function trayIconDir(): string {
  return app.isPackaged ? join(process.resourcesPath, 'tray') : join(app.getAppPath(), 'resources', 'tray');
}

/**
 * The Electron shell around the app core. Every subscription, listener and native helper it
 * creates is held by one DisposableStore and released on quit, after the core has shut down.
 */
class DesktopShell {
  private window: BrowserWindow | undefined;
  private readonly outbox = new EventOutbox((envelope: EventEnvelope) => this.deliver(envelope));
  private readonly lifecycle: AppLifecycle;
  private readonly owned: DisposableStore;

  constructor(
    private readonly core: AppController,
    private readonly logger: Logger,
  ) {
    this.owned = new DisposableStore((error) => logger.warn('quit: releasing a part of the shell failed', { error: errorMessage(error) }));
    this.owned.add(core.onEvent((envelope) => this.outbox.push(envelope)));
    this.owned.add(watchConnectivity({ power: powerMonitor, isOnline: () => net.isOnline(), session: core, logger }));
    const rendererUrl = process.env['ELECTRON_RENDERER_URL'];
    this.owned.add(registerIpcServer(withReadySignal(core.commands, this.outbox), { devOrigins: rendererUrl ? [rendererUrl] : [], logger }));
    let tray: TrayController | undefined;
    try {
      tray = new TrayController({
        app: core,
        iconDir: trayIconDir(),
        logger,
        // Devices are listed when the menu opens and on audio notices, not polled.
        deviceRefreshIntervalMs: 0,
        actions: {
          toggleWindow: () => (this.window?.isVisible() ? this.window.hide() : this.showWindow()),
          showWindow: () => this.showWindow(),
          showSettings: () => this.showPage('settings'),
          quit: () => this.lifecycle.quit(),
        },
      });
      this.owned.add(tray);
    } catch (error) {
      logger.warn('no tray on this desktop; closing the window will quit', { error: errorMessage(error) });
    }
    const lifecycleApp = {
      settings: () => core.settings(),
      onSettingsChange: (listener: Parameters<AppController['onSettingsChange']>[0]) => core.onSettingsChange(listener),
      // The core first (session and audio, bounded), then everything the shell holds.
      shutdown: async () => {
        try {
          await core.shutdown();
        } finally {
          this.owned.dispose();
        }
      },
    };
    this.lifecycle = new AppLifecycle({ app: lifecycleApp, showWindow: () => this.showWindow(), hideOnClose: tray !== undefined, logger });
    this.owned.add(this.lifecycle);
    const run = (name: 'talk.toggle' | 'talk.press' | 'talk.release') => () =>
      Promise.resolve()
        .then(() => core.commands[name](undefined))
        .catch((error: unknown) => logger.info('hotkey ignored', { command: name, reason: errorMessage(error) }));
    this.owned.add(new HotkeyManager({ app: core, logger, callbacks: { toggle: run('talk.toggle'), press: run('talk.press'), release: run('talk.release') } }));
    this.openWindow(!launchedAtLogin(process.argv));
  }

  private openWindow(show: boolean): BrowserWindow {
    const window = createSecureWindow({
      title: 'Parley',
      preloadPath: join(bundleDir, '../preload/index.cjs'),
      rendererUrl: process.env['ELECTRON_RENDERER_URL'],
      rendererFile: join(bundleDir, '../renderer/index.html'),
      showWhenReady: show,
      logger: this.logger,
    });
    // A reload or navigation is a new renderer: queue events until it says it is ready again.
    const onLoading = () => this.outbox.reset();
    window.webContents.on('did-start-loading', onLoading);
    const closeHandling = this.owned.add(this.lifecycle.attachWindow(window));
    const forget = this.owned.add(() => {
      if (!window.isDestroyed()) window.webContents.removeListener('did-start-loading', onLoading);
    });
    window.on('closed', () => {
      if (this.window === window) this.window = undefined;
      this.outbox.reset();
      closeHandling.dispose();
      forget();
    });
    this.window = window;
    return window;
  }

  private deliver(envelope: EventEnvelope): void {
    const contents = this.window?.webContents;
    if (contents && !contents.isDestroyed()) contents.send(EVENT_CHANNEL, envelope);
  }

  private showWindow(): void {
    const window = this.window ?? this.openWindow(true);
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  }

  private showPage(page: Page): void {
    this.showWindow();
    this.outbox.push({ event: 'navigate', payload: { page } });
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    const logger = fileLogger();
    const core = createDesktopApp({
      userDataDir: app.getPath('userData'),
      cipher: createSafeStorageCipher(),
      env: process.env,
      logger,
      // PARLEY_NO_AUDIO=1 starts without live audio (typed conversation only), e.g. to rule out a
      // misbehaving sound driver.
      audio: process.env['PARLEY_NO_AUDIO'] !== '1',
      // The audio process is the bundled child, run by Electron's own Node (no tsx when packaged).
      audioHost: { childPath: join(bundleDir, 'audio-host-child.js'), execArgv: [], env: { ELECTRON_RUN_AS_NODE: '1' } },
    });
    new DesktopShell(core, logger);
  });
}
