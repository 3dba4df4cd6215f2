// `npm run web`: the whole app core with the renderer in your browser instead of an Electron
// window, on 127.0.0.1 behind a random token. For machines without the Electron binary and for
// UI work; the desktop app is `npm start`. `npm run web -- --help` lists the flags.
//
// There is no OS keychain outside Electron, so a key typed into the page is kept in memory for
// this run only (never on disk); OPENAI_API_KEY works as everywhere else.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../core/util/errors';
import { defaultWebDataFolder, ensureWebDataFolder } from './web-data-folder';
import { parseWebFlags, webUsage, WebFlagError, type WebCommand } from './web-flags';

const EXIT_USAGE = 2;
/** Where this command kept its data before it moved to the user data directory. */
const OLD_DATA_FOLDER = resolve('.parley-web');
// Found from this file, not the working directory, so `npm run web` works from any folder.
const rendererDir = fileURLToPath(new URL('../../out/renderer', import.meta.url));

const defaultDataFolder = defaultWebDataFolder(process.platform, process.env, homedir());
let command: WebCommand;
try {
  command = parseWebFlags(process.argv.slice(2), process.env, defaultDataFolder);
} catch (error) {
  if (!(error instanceof WebFlagError)) throw error;
  process.stderr.write(`parley web: ${error.message}\n`);
  process.exit(EXIT_USAGE);
}
if (command.kind === 'help') {
  process.stdout.write(webUsage(defaultDataFolder));
  process.exit(0);
}
const { flags } = command;
if (!existsSync(join(rendererDir, 'index.html'))) {
  process.stderr.write('parley web: the renderer is not built yet: run `npm run build` first.\n');
  process.exit(1);
}
try {
  ensureWebDataFolder(flags.userDataDir);
} catch (error) {
  process.stderr.write(`parley web: cannot use the data folder: ${errorMessage(error)}\n`);
  process.exit(1);
}

// The app core (native audio, sockets) loads only now: --help and a mistyped flag answer at once.
const [{ createLineLogger }, { createDesktopApp }, { startWebBridge }] = await Promise.all([
  import('../core/util/logger'),
  import('../app/create-desktop-app'),
  import('./web-bridge-server'),
]);
const logger = createLineLogger((process.env['PARLEY_LOG_LEVEL'] as 'info' | undefined) ?? 'info', (line) => process.stderr.write(line + '\n'));
// keyStorage 'memory' never calls the cipher; it is here because the store's type wants one.
const noKeychain = {
  isAvailable: () => false,
  encrypt: () => {
    throw new Error('no keychain in the browser UI');
  },
  decrypt: () => {
    throw new Error('no keychain in the browser UI');
  },
};
const app = createDesktopApp({
  userDataDir: flags.userDataDir,
  cipher: noKeychain,
  keyStorage: 'memory',
  env: process.env,
  logger,
  audio: flags.audio,
});
const bridge = await startWebBridge({ app, rendererDir, port: flags.port, logger });

const dataNote = { flag: ' (from --user-data)', environment: ' (from PARLEY_USER_DATA_DIR)', default: '' }[flags.userDataFrom];
const lines = [
  'Parley is running in your browser at:',
  `  ${bridge.url}`,
  '(keep this address private: it holds the access token; Ctrl-C to quit)',
  `Data folder: ${flags.userDataDir}${dataNote}`,
  (await app.commands['apiKey.status'](undefined)).source === 'environment'
    ? 'API key: from OPENAI_API_KEY (a key entered in the page instead is kept in memory for this run only).'
    : 'API key: enter it in the page; it is kept in memory for this run only (or set OPENAI_API_KEY).',
];
if (!flags.audio) lines.push('Live audio is off (--no-audio): typed conversation only.');
if (flags.userDataFrom === 'default' && existsSync(OLD_DATA_FOLDER)) {
  lines.push(`An older data folder is at ${OLD_DATA_FOLDER}; to keep using it, pass --user-data ${OLD_DATA_FOLDER}.`);
}
process.stdout.write(lines.join('\n') + '\n');

let quitting = false;
const quit = async () => {
  if (quitting) process.exit(130);
  quitting = true;
  await app.shutdown();
  await bridge.close();
  process.exit(0);
};
process.on('SIGINT', () => void quit());
process.on('SIGTERM', () => void quit());
