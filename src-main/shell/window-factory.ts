// The one place that creates windows, so every window is locked down the same way.
import { BrowserWindow, shell, type WebContents } from 'electron';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';

/** The renderer needs no network, no inline scripts, no plugins and no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

export interface SecureWindowOptions {
  readonly preloadPath: string;
  /** The dev server URL, or undefined to load `rendererFile`. */
  readonly rendererUrl: string | undefined;
  readonly rendererFile: string;
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  /** False keeps the window hidden once loaded (started at login: the tray is enough). */
  readonly showWhenReady?: boolean;
  /** Where a link the system could not open is reported. */
  readonly logger?: Logger;
}

/** Links the page may hand to the system (browser, mail client); nothing else leaves the app. */
const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);

/**
 * A sandboxed, context-isolated window without Node, whose page can only be our renderer:
 * navigation elsewhere and window.open are refused (a link the page opens in a new window, such as
 * a link in an agent's answer, goes to the system browser or mail client instead),
 * permission requests are denied (audio is captured in the main process, never the page), and
 * the CSP header is added to every response in development (the packaged page carries it in a
 * meta tag).
 */
export function createSecureWindow(options: SecureWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    title: options.title,
    width: options.width ?? 960,
    height: options.height ?? 720,
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  lockDown(window.webContents, options.rendererUrl, options.logger);
  if (options.showWhenReady ?? true) window.once('ready-to-show', () => window.show());
  if (options.rendererUrl) void window.loadURL(options.rendererUrl);
  else void window.loadFile(options.rendererFile);
  return window;
}

export function lockDown(contents: WebContents, devServerUrl: string | undefined, logger: Logger = silentLogger): void {
  contents.setWindowOpenHandler(({ url }) => {
    // Never a new app window: the system opens the link, or nothing does.
    const external = externalUrl(url);
    if (external) {
      shell.openExternal(external).catch((error: unknown) => logger.warn('the system could not open a link', { protocol: new URL(external).protocol, error: errorMessage(error) }));
    }
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isOwnPage(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
  if (devServerUrl) {
    contents.session.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
    });
  }
}

/** The normalized URL when it is one the system may open, else undefined. */
function externalUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return EXTERNAL_PROTOCOLS.has(parsed.protocol) ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function isOwnPage(url: string, devServerUrl: string | undefined): boolean {
  try {
    const target = new URL(url);
    if (target.protocol === 'file:') return true;
    return devServerUrl !== undefined && target.origin === new URL(devServerUrl).origin;
  } catch {
    return false;
  }
}
