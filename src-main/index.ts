// Composition root of the desktop app. The rest of the shell (tray, hotkeys, IPC server,
// settings, the session controller) is being built under issue 4; for now the app opens one
// secure window over the renderer bundle.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { createSecureWindow } from './shell/window-factory';

const bundleDir = dirname(fileURLToPath(import.meta.url));

function openMainWindow(): BrowserWindow {
  return createSecureWindow({
    title: 'Parley',
    preloadPath: join(bundleDir, '../preload/index.cjs'),
    rendererUrl: process.env['ELECTRON_RENDERER_URL'],
    rendererFile: join(bundleDir, '../renderer/index.html'),
  });
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.whenReady().then(() => {
    openMainWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
    });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
