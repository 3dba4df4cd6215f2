/** Types for the recording electron stub (electron-stub.mjs). */
import type { EventEmitter } from 'node:events';

export interface StubWindow extends EventEmitter {
  readonly options: Record<string, any>;
  readonly loaded: { url?: string; file?: string };
  readonly visible: boolean;
  readonly closed?: boolean;
  readonly webContents: EventEmitter & {
    /** [channel, payload] for every send(). */
    readonly sent: Array<[string, any]>;
    windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
    session: {
      permissionRequestHandler: ((...args: any[]) => unknown) | undefined;
      permissionCheckHandler: ((...args: any[]) => unknown) | undefined;
      headersHandler: ((...args: any[]) => unknown) | undefined;
    };
  };
  show(): void;
  hide(): void;
  isVisible(): boolean;
  /** Emits a preventable 'close' like the close button; closes unless prevented. */
  close(): void;
}

export declare class BrowserWindow extends EventEmitter implements StubWindow {
  constructor(options?: Record<string, any>);
  readonly options: Record<string, any>;
  readonly loaded: { url?: string; file?: string };
  readonly visible: boolean;
  readonly closed?: boolean;
  readonly webContents: StubWindow['webContents'];
  show(): void;
  hide(): void;
  isVisible(): boolean;
  close(): void;
}

export declare class StubEvent {
  defaultPrevented: boolean;
  preventDefault(): void;
}

export interface StubNativeImage {
  readonly path: string;
  isEmpty(): boolean;
}

/** A menu item as the code under test passed it (plain template objects). */
export interface StubMenuItem {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  accelerator?: string;
  submenu?: StubMenuItem[];
  click?: (...args: any[]) => void;
}

export declare class Menu extends EventEmitter {
  readonly template: StubMenuItem[];
  readonly items: StubMenuItem[];
  static buildFromTemplate(template: StubMenuItem[]): Menu;
}

export declare class Tray extends EventEmitter {
  constructor(image: StubNativeImage);
  readonly image: StubNativeImage;
  readonly images: StubNativeImage[];
  readonly tooltip: string;
  readonly contextMenu: Menu | null;
  readonly contextMenus: Menu[];
  readonly destroyed: boolean;
  setImage(image: StubNativeImage): void;
  setToolTip(tooltip: string): void;
  setContextMenu(menu: Menu): void;
  destroy(): void;
  isDestroyed(): boolean;
}

export const recorded: {
  windows: StubWindow[];
  openedExternally: string[];
  ipcHandlers: Map<string, (event: { senderFrame?: { url: string } }, payload: unknown) => Promise<unknown>>;
  trays: Tray[];
  menus: Menu[];
  imagePaths: string[];
  shortcuts: Map<string, () => void>;
  shortcutAttempts: Array<{ accelerator: string; registered: boolean }>;
  loginItemSettings: Array<Record<string, unknown>>;
};

export const stubConfig: {
  takenAccelerators: Set<string>;
  invalidAccelerators: Set<string>;
  encryptionAvailable: boolean;
  storageBackend: string;
  singleInstanceLock: boolean;
  openExternalError: Error | undefined;
  online: boolean;
};

/** Sleep and wake: tests emit 'suspend' and 'resume'. */
export const powerMonitor: EventEmitter;
export const net: { isOnline(): boolean };

export const nativeImage: { createFromPath(path: string): StubNativeImage };

export const globalShortcut: {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
  unregisterAll(): void;
  isRegistered(accelerator: string): boolean;
};

export const safeStorage: {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
};

export interface StubApp extends EventEmitter {
  isPackaged: boolean;
  quitCalls: number;
  exitCodes: number[];
  quitted: boolean;
  quit(): void;
  exit(code?: number): void;
  setLoginItemSettings(settings: Record<string, unknown>): void;
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin: boolean };
  getPath(name: string): string;
  setPath(name: string, path: string): void;
  getAppPath(): string;
  getVersion(): string;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<void>;
  isReady(): boolean;
}
export const app: StubApp;

export const shell: { openExternal(url: string): Promise<void> };
export const ipcMain: {
  handle(channel: string, handler: (...args: any[]) => unknown): void;
  removeHandler(channel: string): void;
};

export function resetStub(): void;
