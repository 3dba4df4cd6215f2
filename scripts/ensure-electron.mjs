#!/usr/bin/env node
// postinstall: fetch the Electron binary that the desktop app needs. npm does not run the
// electron package's own download script (see "allowScripts" in package.json) so that an
// offline install still succeeds; here a failed download only warns, and says what still works.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const DOWNLOAD_TIMEOUT_MS = 180_000;
const require = createRequire(import.meta.url);

function warn(lines) {
  process.stderr.write(lines.map((line) => `parley: ${line}`).join('\n') + '\n');
}

let electronDir;
try {
  electronDir = dirname(require.resolve('electron/package.json'));
} catch {
  process.exit(0); // production install without dev dependencies: nothing to fetch
}

if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  warn(['ELECTRON_SKIP_BINARY_DOWNLOAD is set: the Electron binary was not downloaded.']);
  process.exit(0);
}
if (existsSync(join(electronDir, 'path.txt'))) process.exit(0);

const child = spawn(process.execPath, [join(electronDir, 'install.js')], { cwd: electronDir, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (chunk) => {
  stderr += chunk;
});
const timer = setTimeout(() => child.kill('SIGKILL'), DOWNLOAD_TIMEOUT_MS);
child.on('close', (code) => {
  clearTimeout(timer);
  if (code === 0 && existsSync(join(electronDir, 'path.txt'))) process.exit(0);
  const firstLine = stderr.split('\n').find((line) => line.trim()) ?? `exit code ${code}`;
  warn([
    'WARNING: the Electron binary could not be downloaded, so the desktop app cannot start on this machine.',
    `  reason: ${firstLine.trim()}`,
    '  Everything else works: `npm test`, and the voice core without Electron via `npm run headless -- --help`.',
    '  To get the desktop app later, run `node node_modules/electron/install.js` with network access.',
  ]);
  process.exit(0);
});
