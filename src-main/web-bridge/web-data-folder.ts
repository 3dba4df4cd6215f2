// Where the browser UI keeps its settings and history: the user's data directory, as each platform
// names it, never the checkout (a data folder in the working tree is one `git add .` from being
// committed, and disappears with the clone). Separate from the desktop app's folder on purpose: the
// desktop app keeps an encrypted key there that the browser UI could not read.
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';

export const WEB_DATA_FOLDER_ENV = 'PARLEY_USER_DATA_DIR';
/** Owner only: the folder holds settings and conversation history. */
export const WEB_DATA_FOLDER_MODE = 0o700;

/**
 * The default data folder for `npm run web`: Linux (and other Unix) `$XDG_DATA_HOME/parley-web`
 * or `~/.local/share/parley-web`; macOS `~/Library/Application Support/Parley (web)`; Windows
 * `%APPDATA%\Parley (web)`.
 */
export function defaultWebDataFolder(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>, home: string): string {
  if (platform === 'win32') {
    const appData = env['APPDATA']?.trim() || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, 'Parley (web)');
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', 'Parley (web)');
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env['XDG_DATA_HOME']?.trim();
  const dataHome = xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share');
  return posix.join(dataHome, 'parley-web');
}

/** Creates the folder (owner-only) when missing; throws with the path when it is not a folder. */
export function ensureWebDataFolder(path: string): void {
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) throw new Error(`the data folder ${path} exists but is not a folder`);
    return;
  }
  // Parents created here get the same mode, as the XDG spec asks for missing data folders.
  mkdirSync(path, { recursive: true, mode: WEB_DATA_FOLDER_MODE });
}
