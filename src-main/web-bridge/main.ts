// `npm run web`: the whole app core with the renderer in your browser instead of an Electron
// window, on 127.0.0.1 behind a random token. For machines without the Electron binary and for
// UI work; the desktop app is `npm start`.
//
// Flags: --port N (default any free port), --no-audio (typed conversation only),
// --user-data DIR (default: PARLEY_USER_DATA_DIR or ./.parley-web). There is no OS keychain
// outside Electron, so the API key comes from OPENAI_API_KEY.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLineLogger } from '../core/util/logger';
import { createDesktopApp } from '../app/create-desktop-app';
import { startWebBridge } from './web-bridge-server';

interface WebFlags {
  port: number;
  audio: boolean;
  userDataDir: string;
}

function parseFlags(argv: readonly string[], env: NodeJS.ProcessEnv): WebFlags {
  const flags: WebFlags = { port: 0, audio: true, userDataDir: env['PARLEY_USER_DATA_DIR'] ?? resolve('.parley-web') };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error('--port must be a whole number from 0 to 65535');
      flags.port = port;
    } else if (flag === '--no-audio') flags.audio = false;
    else if (flag === '--user-data') flags.userDataDir = resolve(value());
    else throw new Error(`unknown flag ${flag}; use --port N, --no-audio, --user-data DIR`);
  }
  return flags;
}

let flags: WebFlags;
try {
  flags = parseFlags(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`parley web: ${(error as Error).message}\n`);
  process.exit(2);
}
const rendererDir = resolve('out/renderer');
if (!existsSync(resolve(rendererDir, 'index.html'))) {
  process.stderr.write('parley web: the renderer is not built yet: run `npm run build` first.\n');
  process.exit(1);
}

const logger = createLineLogger((process.env['PARLEY_LOG_LEVEL'] as 'info' | undefined) ?? 'info', (line) => process.stderr.write(line + '\n'));
const noKeychain = {
  isAvailable: () => false,
  encrypt: () => {
    throw new Error('no keychain');
  },
  decrypt: () => {
    throw new Error('no keychain');
  },
};
const app = createDesktopApp({ userDataDir: flags.userDataDir, cipher: noKeychain, env: process.env, logger, audio: flags.audio });
const bridge = await startWebBridge({ app, rendererDir, port: flags.port, logger });
process.stdout.write(`Parley is running in your browser at:\n  ${bridge.url}\n(keep this address private: it holds the access token; Ctrl-C to quit)\n`);

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
