// The tray icon: its image, tooltip and context menu follow the app's `state` events. The menu
// is rebuilt only when what it shows changed (state events can be frequent; `levels` at 20 Hz
// are ignored outright), and the device submenus are refreshed at start, on a slow timer, when
// the menu is about to open and on notices (a device may have come or gone).
import { join } from 'node:path';
import { Menu, Tray, nativeImage, type NativeImage } from 'electron';
import type { AppState, CommandArgs, DeviceList, EventEnvelope, Settings } from '../../src-shared/ipc-contract';
import type { AppPort } from '../app/app-port';
import type { Disposable } from '../core/util/disposable';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';
import { buildTrayMenu, trayIconFor, trayTooltip, type TrayCommandName, type TrayIconName, type TrayMenuActions } from './tray-menu';

/** The device list is polled this often at most by the timer (listing asks the audio host). */
export const DEVICE_REFRESH_INTERVAL_MS = 10_000;
/** Menu opens and notices refresh the device list, but not more often than this. */
export const MIN_DEVICE_REFRESH_GAP_MS = 1_000;

/** What the tray does to the window and the app; supplied by the composition root. */
export interface TrayWindowActions {
  toggleWindow(): void;
  showWindow(): void;
  /** Shows the window on the settings page. */
  showSettings(): void;
  quit(): void;
}

export interface TrayControllerOptions {
  readonly app: Pick<AppPort, 'commands' | 'snapshot' | 'settings' | 'onEvent' | 'onSettingsChange'>;
  readonly actions: TrayWindowActions;
  /** The folder holding `<icon>.png` (and `<icon>@2x.png`, which Electron picks up itself): resources/tray. */
  readonly iconDir: string;
  readonly logger?: Logger;
  readonly platform?: NodeJS.Platform;
  /** 0 turns the timer off (tests); DEVICE_REFRESH_INTERVAL_MS by default. */
  readonly deviceRefreshIntervalMs?: number;
  readonly now?: () => number;
}

type DeviceRefreshReason = 'start' | 'timer' | 'menu' | 'notice';

export class TrayController implements Disposable {
  private readonly tray: Tray;
  private readonly logger: Logger;
  private readonly platform: NodeJS.Platform;
  private readonly now: () => number;
  private readonly images = new Map<TrayIconName, NativeImage>();
  private readonly unsubscribes: Array<() => void> = [];
  private readonly menuActions: TrayMenuActions;
  private readonly timer: ReturnType<typeof setInterval> | undefined;
  private snapshot: AppState;
  private settings: Settings;
  private devices: DeviceList | undefined;
  private devicesLoaded = false;
  private deviceRequest: Promise<void> | undefined;
  private lastDeviceRefreshAt = Number.NEGATIVE_INFINITY;
  private iconName: TrayIconName;
  private tooltip = '';
  /** The last menu as data (click handlers drop out of JSON), to skip identical rebuilds. */
  private menuKey: string | undefined;
  private disposed = false;

  constructor(private readonly options: TrayControllerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.platform = options.platform ?? process.platform;
    this.now = options.now ?? Date.now;
    this.snapshot = options.app.snapshot();
    this.settings = options.app.settings();
    this.menuActions = {
      run: (name, args) => this.runCommand(name, args),
      showWindow: () => options.actions.showWindow(),
      showSettings: () => options.actions.showSettings(),
      quit: () => options.actions.quit(),
    };
    this.iconName = trayIconFor(this.snapshot.status);
    this.tray = new Tray(this.image(this.iconName));
    this.tray.on('click', () => options.actions.toggleWindow());
    // Windows and macOS say when the menu is about to open; Linux tray hosts usually do not,
    // which is what the timer is for.
    this.tray.on('right-click', () => this.refreshDevices('menu'));
    this.unsubscribes.push(
      options.app.onEvent((envelope) => this.onEvent(envelope)),
      options.app.onSettingsChange((settings) => {
        this.settings = settings;
        this.render();
      }),
    );
    this.render();
    this.refreshDevices('start');
    const interval = options.deviceRefreshIntervalMs ?? DEVICE_REFRESH_INTERVAL_MS;
    if (interval > 0) {
      this.timer = setInterval(() => this.refreshDevices('timer'), Math.max(interval, MIN_DEVICE_REFRESH_GAP_MS));
      this.timer.unref?.();
    }
  }

  /** Resolves when the device list request in flight (if any) has been applied; for tests. */
  whenDevicesSettled(): Promise<void> {
    return this.deviceRequest ?? Promise.resolve();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearInterval(this.timer);
    for (const unsubscribe of this.unsubscribes.splice(0)) {
      try {
        unsubscribe();
      } catch (error) {
        this.logger.warn('tray: unsubscribing failed', { error: errorMessage(error) });
      }
    }
    this.tray.destroy();
  }

  private onEvent(envelope: EventEnvelope): void {
    if (this.disposed) return;
    if (envelope.event === 'state') {
      this.snapshot = this.options.app.snapshot();
      this.render();
      // An audio problem or a device change may mean a device came or went.
      const { problems, devices } = envelope.payload.fields;
      if (devices || problems?.some((problem) => problem.code === 'audio_problem')) this.refreshDevices('notice');
    } else if (envelope.event === 'notice') {
      this.refreshDevices('notice');
    }
    // `levels` (20 Hz) change nothing the tray shows.
  }

  private render(): void {
    if (this.disposed) return;
    const iconName = trayIconFor(this.snapshot.status);
    if (iconName !== this.iconName) {
      this.iconName = iconName;
      this.tray.setImage(this.image(iconName));
    }
    const tooltip = trayTooltip(this.snapshot, this.platform);
    if (tooltip !== this.tooltip) {
      this.tooltip = tooltip;
      this.tray.setToolTip(tooltip);
    }
    const template = buildTrayMenu({
      snapshot: this.snapshot,
      settings: this.settings,
      devices: this.devices,
      devicesLoading: !this.devicesLoaded,
      actions: this.menuActions,
      platform: this.platform,
    });
    const menuKey = JSON.stringify(template);
    if (menuKey === this.menuKey) return;
    this.menuKey = menuKey;
    const menu = Menu.buildFromTemplate(template);
    menu.on('menu-will-show', () => this.refreshDevices('menu'));
    this.tray.setContextMenu(menu);
  }

  private refreshDevices(reason: DeviceRefreshReason): void {
    if (this.disposed || this.deviceRequest) return;
    const now = this.now();
    if ((reason === 'menu' || reason === 'notice') && now - this.lastDeviceRefreshAt < MIN_DEVICE_REFRESH_GAP_MS) return;
    this.lastDeviceRefreshAt = now;
    const list = this.options.app.commands['devices.list'];
    this.deviceRequest = Promise.resolve()
      .then(() => list(undefined))
      .then(
        (devices) => {
          this.devices = devices;
        },
        (error: unknown) => {
          // Not fatal: the submenus say "Audio unavailable" until a later refresh succeeds. Log
          // the first failure and each time a working list is lost, not every timer tick.
          const newlyFailing = !this.devicesLoaded || this.devices !== undefined;
          if (newlyFailing) this.logger.warn('tray: listing audio devices failed', { error: errorMessage(error) });
          this.devices = undefined;
        },
      )
      .finally(() => {
        this.devicesLoaded = true;
        this.deviceRequest = undefined;
        this.render();
      });
  }

  private runCommand<N extends TrayCommandName>(name: N, args: CommandArgs<N>): void {
    const handler = this.options.app.commands[name] as (args: CommandArgs<N>) => unknown;
    void Promise.resolve()
      .then(() => handler(args))
      .catch((error: unknown) => this.logger.warn('tray: command failed', { command: name, error: errorMessage(error) }))
      .finally(() => {
        // Electron flips a clicked checkbox or radio by itself; redraw from the real state so a
        // refused change does not stay shown.
        this.menuKey = undefined;
        this.render();
      });
  }

  private image(name: TrayIconName): NativeImage {
    let image = this.images.get(name);
    if (!image) {
      const path = join(this.options.iconDir, `${name}.png`);
      image = nativeImage.createFromPath(path);
      if (image.isEmpty()) this.logger.warn('tray: icon image is missing or unreadable', { path });
      this.images.set(name, image);
    }
    return image;
  }
}
