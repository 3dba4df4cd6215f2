// A stand-in for the `electron` module, so shell adapters run in plain Node: it records what the
// code under test asked of Electron (window options, handlers, tray images and menus, shortcuts,
// login items) for the test to inspect, and `stubConfig` lets a test decide Electron's answers
// (a shortcut taken by another app, no keychain). Loaded through
// test/support/electron-resolve-hook.mjs, never imported by production code.
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const recorded = {
  windows: [],
  openedExternally: [],
  ipcHandlers: new Map(),
  trays: [],
  menus: [],
  imagePaths: [],
  /** accelerator → callback, as registered now. */
  shortcuts: new Map(),
  /** Every register attempt, in order, with its answer. */
  shortcutAttempts: [],
  loginItemSettings: [],
};

/** What Electron answers; tests change it and call resetStub() between tests. */
export const stubConfig = {
  /** What net.isOnline() answers. */
  online: true,
  /** Accelerators "another application" holds: register() returns false for them. */
  takenAccelerators: new Set(),
  /** Accelerators Electron cannot parse: register() throws for them. */
  invalidAccelerators: new Set(),
  encryptionAvailable: true,
  /** What safeStorage.getSelectedStorageBackend() answers (Linux). */
  storageBackend: 'gnome_libsecret',
  singleInstanceLock: true,
  /** When set, shell.openExternal rejects with this error (no handler for the link). */
  openExternalError: undefined,
};

class StubSession {
  permissionRequestHandler = undefined;
  permissionCheckHandler = undefined;
  headersHandler = undefined;
  webRequest = { onHeadersReceived: (handler) => (this.headersHandler = handler) };
  setPermissionRequestHandler(handler) {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler) {
    this.permissionCheckHandler = handler;
  }
}

class StubWebContents extends EventEmitter {
  windowOpenHandler = undefined;
  session = new StubSession();
  /** [channel, payload] for every send(), in order. */
  sent = [];
  send(channel, payload) {
    this.sent.push([channel, payload]);
  }
  isDestroyed() {
    return false;
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  webContents = new StubWebContents();
  loaded = {};
  visible = false;
  constructor(options) {
    super();
    this.options = options;
    recorded.windows.push(this);
  }
  async loadURL(url) {
    this.loaded = { url };
  }
  async loadFile(file) {
    this.loaded = { file };
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  isVisible() {
    return this.visible;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
  /** Like a click on the close button: emits a preventable 'close', then closes unless prevented. */
  close() {
    const event = new StubEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) {
      this.visible = false;
      this.closed = true;
      this.emit('closed');
    }
  }
}

/** Electron's Event: preventDefault() and defaultPrevented. */
export class StubEvent {
  defaultPrevented = false;
  preventDefault() {
    this.defaultPrevented = true;
  }
}

export const shell = {
  async openExternal(url) {
    recorded.openedExternally.push(url);
    if (stubConfig.openExternalError) throw stubConfig.openExternalError;
  },
};

export const ipcMain = {
  handle(channel, handler) {
    if (recorded.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    recorded.ipcHandlers.set(channel, handler);
  },
  removeHandler(channel) {
    recorded.ipcHandlers.delete(channel);
  },
};

// --- tray, menus, images ---------------------------------------------------------------------

class StubNativeImage {
  constructor(path) {
    this.path = path;
  }
  /** Like Electron: an image from a missing file is empty. */
  isEmpty() {
    return !existsSync(this.path);
  }
}

export const nativeImage = {
  createFromPath(path) {
    recorded.imagePaths.push(path);
    return new StubNativeImage(path);
  },
};

export class Menu extends EventEmitter {
  constructor(template = []) {
    super();
    this.template = template;
    this.items = template;
  }
  static buildFromTemplate(template) {
    const menu = new Menu(template);
    recorded.menus.push(menu);
    return menu;
  }
}

export class Tray extends EventEmitter {
  tooltip = '';
  contextMenu = null;
  destroyed = false;
  constructor(image) {
    super();
    this.image = image;
    /** Every image set, the first one included. */
    this.images = [image];
    /** Every context menu set. */
    this.contextMenus = [];
    recorded.trays.push(this);
  }
  setImage(image) {
    this.assertAlive();
    this.image = image;
    this.images.push(image);
  }
  setToolTip(tooltip) {
    this.assertAlive();
    this.tooltip = tooltip;
  }
  setContextMenu(menu) {
    this.assertAlive();
    this.contextMenu = menu;
    this.contextMenus.push(menu);
  }
  destroy() {
    this.destroyed = true;
  }
  isDestroyed() {
    return this.destroyed;
  }
  assertAlive() {
    if (this.destroyed) throw new Error('Object has been destroyed');
  }
}

// --- global shortcuts ------------------------------------------------------------------------

export const globalShortcut = {
  register(accelerator, callback) {
    if (stubConfig.invalidAccelerators.has(accelerator)) {
      throw new TypeError(`Error processing argument at index 0, conversion failure from ${accelerator}`);
    }
    const taken = stubConfig.takenAccelerators.has(accelerator) || recorded.shortcuts.has(accelerator);
    recorded.shortcutAttempts.push({ accelerator, registered: !taken });
    if (taken) return false;
    recorded.shortcuts.set(accelerator, callback);
    return true;
  },
  unregister(accelerator) {
    recorded.shortcuts.delete(accelerator);
  },
  unregisterAll() {
    recorded.shortcuts.clear();
  },
  isRegistered(accelerator) {
    return recorded.shortcuts.has(accelerator);
  },
};

// --- safeStorage -----------------------------------------------------------------------------

const CIPHER_PREFIX = Buffer.from('stub-cipher:');
const XOR_KEY = 0x5a;

/** A reversible fake: a prefix and XOR, so ciphertext differs from the plain text. */
export const safeStorage = {
  isEncryptionAvailable() {
    return stubConfig.encryptionAvailable;
  },
  getSelectedStorageBackend() {
    return stubConfig.storageBackend;
  },
  encryptString(plainText) {
    if (!stubConfig.encryptionAvailable) throw new Error('Error while encrypting the text provided to safeStorage.encryptString. Encryption is not available.');
    return Buffer.concat([CIPHER_PREFIX, Buffer.from(plainText, 'utf8').map((byte) => byte ^ XOR_KEY)]);
  },
  decryptString(encrypted) {
    if (!stubConfig.encryptionAvailable) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString. Decryption is not available.');
    if (!encrypted.subarray(0, CIPHER_PREFIX.length).equals(CIPHER_PREFIX)) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    return Buffer.from(encrypted.subarray(CIPHER_PREFIX.length).map((byte) => byte ^ XOR_KEY)).toString('utf8');
  },
};

// --- app -------------------------------------------------------------------------------------

class StubApp extends EventEmitter {
  isPackaged = true;
  quitCalls = 0;
  exitCodes = [];
  /** Electron's app.quit(): emits a preventable 'before-quit'; records whether it went through. */
  quit() {
    this.quitCalls += 1;
    const event = new StubEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  }
  exit(code = 0) {
    this.exitCodes.push(code);
  }
  setLoginItemSettings(settings) {
    recorded.loginItemSettings.push(settings);
  }
  getLoginItemSettings() {
    const last = recorded.loginItemSettings.at(-1);
    return { openAtLogin: last?.openAtLogin ?? false, wasOpenedAtLogin: false };
  }
  paths = new Map();
  setPath(name, path) {
    this.paths.set(name, path);
  }
  getPath(name) {
    return this.paths.get(name) ?? join(tmpdir(), 'parley-electron-stub', name);
  }
  getAppPath() {
    return process.cwd();
  }
  getVersion() {
    return '0.0.0-stub';
  }
  requestSingleInstanceLock() {
    return stubConfig.singleInstanceLock;
  }
  whenReady() {
    return Promise.resolve();
  }
  isReady() {
    return true;
  }
}

export const app = new StubApp();

/** Sleep and wake: a test emits 'suspend' / 'resume' on it. */
export const powerMonitor = new EventEmitter();

/** The network as Electron sees it; `stubConfig.online` answers isOnline(). */
export const net = {
  isOnline: () => stubConfig.online,
};

/** Clears what was recorded and restores Electron's default answers (keeps the ipc handlers). */
export function resetStub() {
  recorded.windows.length = 0;
  recorded.openedExternally.length = 0;
  recorded.trays.length = 0;
  recorded.menus.length = 0;
  recorded.imagePaths.length = 0;
  recorded.shortcuts.clear();
  recorded.shortcutAttempts.length = 0;
  recorded.loginItemSettings.length = 0;
  stubConfig.takenAccelerators.clear();
  stubConfig.invalidAccelerators.clear();
  stubConfig.encryptionAvailable = true;
  stubConfig.storageBackend = 'gnome_libsecret';
  stubConfig.singleInstanceLock = true;
  stubConfig.openExternalError = undefined;
  stubConfig.online = true;
  powerMonitor.removeAllListeners();
  app.removeAllListeners();
  app.isPackaged = true;
  app.quitCalls = 0;
  app.exitCodes = [];
  app.quitted = false;
}

export default { BrowserWindow, shell, ipcMain, Tray, Menu, nativeImage, globalShortcut, safeStorage, app, powerMonitor, net };
