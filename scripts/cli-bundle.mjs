// Where the built `parley` command lives and whether it is older than its sources. Kept apart from
// build-cli.mjs so that a fresh bundle is found without loading esbuild.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const CLI_DIR = join(PROJECT_ROOT, 'out', 'cli');
/** The command itself (package.json `bin`). */
export const CLI_ENTRY = join(CLI_DIR, 'parley.mjs');
/** The audio host process, found by the command beside itself. */
export const CLI_AUDIO_HOST_CHILD = join(CLI_DIR, 'audio-host-child.js');

/** Folders and files whose change changes the bundle (the lock file stands for node_modules). */
const SOURCES = ['src-main', 'src-shared', 'package.json', 'package-lock.json', 'scripts/build-cli.mjs'];

function newestChangeMs(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted file shows only as its folder's change
  for (const name of readdirSync(path)) newest = Math.max(newest, newestChangeMs(join(path, name)));
  return newest;
}

function changeMs(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

/** True when either bundle file is missing or a source changed after the oldest of them was built. */
export function cliBundleIsStale() {
  const builtAt = [CLI_ENTRY, CLI_AUDIO_HOST_CHILD].map(changeMs);
  if (builtAt.some((ms) => ms === undefined)) return true;
  const oldestBuildMs = Math.min(...builtAt);
  return SOURCES.some((source) => newestChangeMs(join(PROJECT_ROOT, source)) > oldestBuildMs);
}
