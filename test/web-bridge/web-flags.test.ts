// The `npm run web` command line and its data folder, as pure functions: every platform's default
// is checked here (only Linux can be run for real on this machine; web-command.test.ts does that).
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { defaultWebDataFolder, ensureWebDataFolder } from '../../src-main/web-bridge/web-data-folder';
import { parseWebFlags, webUsage, WebFlagError } from '../../src-main/web-bridge/web-flags';

const DEFAULT = '/home/ada/.local/share/parley-web';

test('the default data folder follows each platform: XDG on Linux, Application Support on macOS, APPDATA on Windows', () => {
  assert.equal(defaultWebDataFolder('linux', {}, '/home/ada'), '/home/ada/.local/share/parley-web');
  assert.equal(defaultWebDataFolder('linux', { XDG_DATA_HOME: '/data/ada' }, '/home/ada'), '/data/ada/parley-web');
  assert.equal(defaultWebDataFolder('freebsd', {}, '/home/ada'), '/home/ada/.local/share/parley-web');
  assert.equal(defaultWebDataFolder('darwin', { XDG_DATA_HOME: '/ignored' }, '/Users/ada'), '/Users/ada/Library/Application Support/Parley (web)');
  assert.equal(defaultWebDataFolder('win32', { APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'C:\\Users\\ada'), 'C:\\Users\\ada\\AppData\\Roaming\\Parley (web)');
  assert.equal(defaultWebDataFolder('win32', {}, 'C:\\Users\\ada'), 'C:\\Users\\ada\\AppData\\Roaming\\Parley (web)');
});

test('a relative or empty XDG_DATA_HOME is ignored, as the XDG spec requires', () => {
  assert.equal(defaultWebDataFolder('linux', { XDG_DATA_HOME: 'relative/data' }, '/home/ada'), DEFAULT);
  assert.equal(defaultWebDataFolder('linux', { XDG_DATA_HOME: '  ' }, '/home/ada'), DEFAULT);
});

test('the data folder is the default unless PARLEY_USER_DATA_DIR or --user-data says otherwise (the flag wins)', () => {
  const plain = parseWebFlags([], {}, DEFAULT);
  assert.deepEqual(plain, { kind: 'run', flags: { port: 0, audio: true, userDataDir: DEFAULT, userDataFrom: 'default' } });
  const fromEnvironment = parseWebFlags([], { PARLEY_USER_DATA_DIR: '/srv/parley' }, DEFAULT);
  assert.equal(fromEnvironment.kind === 'run' && fromEnvironment.flags.userDataDir, '/srv/parley');
  assert.equal(fromEnvironment.kind === 'run' && fromEnvironment.flags.userDataFrom, 'environment');
  const fromFlag = parseWebFlags(['--user-data', 'mine', '--no-audio', '--port', '8080'], { PARLEY_USER_DATA_DIR: '/srv/parley' }, DEFAULT);
  assert.deepEqual(fromFlag, { kind: 'run', flags: { port: 8080, audio: false, userDataDir: resolve('mine'), userDataFrom: 'flag' } });
});

test('--help and -h ask for the usage, even after other flags', () => {
  assert.deepEqual(parseWebFlags(['--help'], {}, DEFAULT), { kind: 'help' });
  assert.deepEqual(parseWebFlags(['--no-audio', '-h'], {}, DEFAULT), { kind: 'help' });
});

test('a flag that cannot work is named and points at --help', () => {
  const refused = (argv: string[], pattern: RegExp) =>
    assert.throws(() => parseWebFlags(argv, {}, DEFAULT), (error: unknown) => error instanceof WebFlagError && pattern.test(error.message) && error.message.includes('--help'));
  refused(['--colour'], /unknown flag --colour/);
  refused(['--port'], /--port needs a value/);
  refused(['--port', '--no-audio'], /--port needs a value/);
  refused(['--user-data'], /--user-data needs a value/);
  refused(['stray'], /unexpected argument "stray"/);
  for (const port of ['-1', '65536', '80.5', 'http']) {
    assert.throws(() => parseWebFlags(['--port', port], {}, DEFAULT), /--port must be a whole number from 0 to 65535/);
  }
});

test('the usage names every flag, the data folder on this computer and that the key lives in memory for one run', () => {
  const usage = webUsage(DEFAULT);
  for (const flag of ['--port N', '--no-audio', '--user-data DIR', '--help']) assert.ok(usage.includes(flag), flag);
  assert.ok(usage.includes(`On this computer the default is: ${DEFAULT}`));
  assert.match(usage, /PARLEY_USER_DATA_DIR/);
  assert.match(usage, /kept in memory for this\s+run only: it is never written to disk/);
  assert.match(usage, /OPENAI_API_KEY/);
});

test('the data folder is created owner-only, parents included, and an existing file in its place is refused', () => {
  const home = mkdtempSync(join(tmpdir(), 'parley-web-home-'));
  const folder = join(home, 'deep', 'parley-web');
  ensureWebDataFolder(folder);
  assert.equal(statSync(folder).mode & 0o777, 0o700);
  ensureWebDataFolder(folder); // again: nothing to do
  const file = join(home, 'a-file');
  writeFileSync(file, '');
  assert.throws(() => ensureWebDataFolder(file), /exists but is not a folder/);
});
