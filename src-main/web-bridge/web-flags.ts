// The command line of `npm run web`: its flags, and the help text that says where data lives and
// how the API key is kept.
import { resolve } from 'node:path';
import { WEB_DATA_FOLDER_ENV } from './web-data-folder';

export interface WebFlags {
  /** 0: any free port. */
  readonly port: number;
  readonly audio: boolean;
  readonly userDataDir: string;
  /** Where userDataDir came from, for the start-up message. */
  readonly userDataFrom: 'flag' | 'environment' | 'default';
}

export type WebCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly flags: WebFlags };

/** A command line we cannot run; the message names the problem and points at --help. */
export class WebFlagError extends Error {
  override readonly name = 'WebFlagError';
}

const MAX_PORT = 65_535;
const HELP_HINT = 'see `npm run web -- --help`';

export function parseWebFlags(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, defaultDataFolder: string): WebCommand {
  let port = 0;
  let audio = true;
  const fromEnvironment = env[WEB_DATA_FOLDER_ENV]?.trim();
  let userDataDir = fromEnvironment ? resolve(fromEnvironment) : defaultDataFolder;
  let userDataFrom: WebFlags['userDataFrom'] = fromEnvironment ? 'environment' : 'default';
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new WebFlagError(`${flag} needs a value; ${HELP_HINT}`);
      return next;
    };
    if (flag === '--help' || flag === '-h') return { kind: 'help' };
    if (flag === '--port') {
      const text = value();
      const parsed = Number(text);
      if (!/^\d+$/.test(text) || parsed > MAX_PORT) throw new WebFlagError(`--port must be a whole number from 0 to ${MAX_PORT}, not ${JSON.stringify(text)}`);
      port = parsed;
    } else if (flag === '--no-audio') audio = false;
    else if (flag === '--user-data') {
      userDataDir = resolve(value());
      userDataFrom = 'flag';
    } else if (flag.startsWith('-')) throw new WebFlagError(`unknown flag ${flag}; ${HELP_HINT}`);
    else throw new WebFlagError(`unexpected argument ${JSON.stringify(flag)} (npm run web takes only flags); ${HELP_HINT}`);
  }
  return { kind: 'run', flags: { port, audio, userDataDir, userDataFrom } };
}

/** The --help text; `defaultDataFolder` is this machine's default, shown as an example. */
export function webUsage(defaultDataFolder: string): string {
  return `Usage: npm run web -- [flags]

Runs Parley's app core on this computer and shows its window in your browser, at a
http://127.0.0.1 address that carries a random access token (printed at start; keep it
private). Build the page once first: npm run build. Ctrl-C stops it.

Flags:
  --port N          listen on port N (default: any free port)
  --no-audio        no microphone or speaker: typed conversation only
  --user-data DIR   keep settings and history in DIR
  -h, --help        show this help and exit

Data folder (settings.json and history/):
  --user-data DIR if given, else $${WEB_DATA_FOLDER_ENV}, else the user data directory:
    Linux    $XDG_DATA_HOME/parley-web, or ~/.local/share/parley-web
    macOS    ~/Library/Application Support/Parley (web)
    Windows  %APPDATA%\\Parley (web)
  On this computer the default is: ${defaultDataFolder}
  It is created owner-only (mode 700). The desktop app keeps its own, separate folder.

API key:
  A browser has no OS keychain, so a key you enter in the page is kept in memory for this
  run only: it is never written to disk and is forgotten when npm run web stops. To skip
  typing it every run, start npm run web with OPENAI_API_KEY set in the environment.
`;
}
