// A stand-in for the `electron` module, so shell adapters run in plain Node: it records what the
// code under test asked of Electron (window options, handlers) for the test to inspect. Loaded
// through test/support/electron-resolve-hook.mjs, never imported by production code.
import { EventEmitter } from 'node:events';

export const recorded = { windows: [], openedExternally: [], ipcHandlers: new Map() };

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
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

export class BrowserWindow extends EventEmitter {
  webContents = new StubWebContents();
  loaded = {};
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
  show() {}
}

export const shell = {
  async openExternal(url) {
    recorded.openedExternally.push(url);
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

export default { BrowserWindow, shell, ipcMain };
