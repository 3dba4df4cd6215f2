#!/usr/bin/env node
// `npm start`: build the bundles, then launch Electron; without the Electron binary, say so
// plainly and point at the headless mode instead of failing with a stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
if (!existsSync(join(electronDir, 'path.txt'))) {
  process.stderr.write(
    [
      'parley: the Electron binary is missing, so the desktop app cannot start here.',
      '  Fix: with network access run `node node_modules/electron/install.js` (or reinstall with `npm install`).',
      '  Meanwhile the same app runs in your browser (`npm run build && npm run web`) or in a terminal (`npm run headless -- --help`).',
      '',
    ].join('\n'),
  );
  process.exit(1);
}
const bin = join(process.cwd(), 'node_modules', '.bin', process.platform === 'win32' ? 'electron-vite.cmd' : 'electron-vite');
const build = spawnSync(bin, ['build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const result = spawnSync(bin, ['preview', '--skipBuild'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
