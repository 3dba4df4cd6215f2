// `npm run web` as a user runs it: a real process with a private HOME (so its default data folder
// lands in a temp dir), its start-up lines, and its bridge over HTTP. Covers --help, a mistyped
// flag, where data lives, the favicon, and that a key typed into the page stays in memory only.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ApiKeyStatus } from '../../src-shared/ipc-contract';
import { cleanEnvironment, ensureRendererBuilt, spawnWeb, startWeb, type RunningWeb } from './web-process';

const KEY = 'sk-web-memory-only-0123456789abcdef';
const tempHome = () => mkdtempSync(join(tmpdir(), 'parley-web-home-'));

/** Every file under a folder, recursively. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}

test('--help prints the flags, where data lives and how the key is kept, exits 0 and creates nothing', async () => {
  const home = tempHome();
  const web = spawnWeb(['--help'], cleanEnvironment(home));
  assert.equal(await web.exited, 0, web.stderr());
  const usage = web.stdout();
  assert.match(usage, /^Usage: npm run web -- \[flags\]/);
  for (const flag of ['--port N', '--no-audio', '--user-data DIR', '--help']) assert.ok(usage.includes(flag), flag);
  assert.ok(usage.includes(join(home, '.local', 'share', 'parley-web')), 'names the data folder on this computer');
  assert.match(usage, /kept in memory for this\s+run only/);
  assert.equal(web.stderr(), '');
  assert.equal(existsSync(join(home, '.local')), false, 'asking for help does not create the data folder');
});

test('an unknown flag is named, points at --help, and exits 2 without starting', async () => {
  const web = spawnWeb(['--no-audio', '--colour'], cleanEnvironment(tempHome()));
  assert.equal(await web.exited, 2);
  assert.match(web.stderr(), /unknown flag --colour/);
  assert.match(web.stderr(), /npm run web -- --help/);
  assert.equal(web.stdout(), '', 'nothing was started');
});

describe('a running npm run web with no data folder configured', () => {
  const home = tempHome();
  let web: RunningWeb;
  before(async () => {
    ensureRendererBuilt();
    web = await startWeb(['--no-audio'], cleanEnvironment(home));
  });
  after(() => web?.stop());

  test('keeps its data under ~/.local/share/parley-web, owner-only, and prints that folder at start', () => {
    const folder = join(home, '.local', 'share', 'parley-web');
    assert.equal(web.dataFolder, folder);
    assert.equal(statSync(folder).mode & 0o777, 0o700);
    assert.ok(existsSync(join(folder, 'settings.json')), 'the settings file is in the data folder');
    assert.match(web.stdout(), /API key: enter it in the page; it is kept in memory for this run only/);
  });

  test('the page links a favicon, and the bridge serves it (behind the token like every file)', async () => {
    const html = await (await fetch(web.url)).text();
    const href = html.match(/<link rel="icon"[^>]*href="([^"]+)"/)?.[1];
    assert.ok(href, 'index.html links an icon');
    const iconUrl = new URL(href, `${web.origin}/`).href;
    const icon = await fetch(iconUrl, { headers: { cookie: web.cookie } });
    assert.equal(icon.status, 200);
    assert.equal(icon.headers.get('content-type'), 'image/svg+xml');
    assert.match(await icon.text(), /^<svg [^>]*viewBox/);
    assert.equal((await fetch(iconUrl)).status, 403, 'not without the token');
  });
});

test('XDG_DATA_HOME moves the default data folder', async () => {
  ensureRendererBuilt();
  const home = tempHome();
  const xdg = join(home, 'xdg-data');
  const web = await startWeb(['--no-audio'], cleanEnvironment(home, { XDG_DATA_HOME: xdg }));
  try {
    assert.equal(web.dataFolder, join(xdg, 'parley-web'));
    assert.ok(existsSync(join(xdg, 'parley-web', 'settings.json')));
    assert.equal(existsSync(join(home, '.local')), false);
  } finally {
    await web.stop();
  }
});

test('a key set through the bridge is kept in memory only: not on disk in any form, status memory, gone in a new process', async () => {
  ensureRendererBuilt();
  const env = cleanEnvironment(tempHome());
  const first = await startWeb(['--no-audio'], env);
  let logs: string;
  try {
    const before = await first.command<ApiKeyStatus>('apiKey.status');
    assert.deepEqual(before, { ok: true, value: { isSet: false, source: 'none', storage: 'memory' } }, 'says where a key would go before one is set');
    const set = await first.command<ApiKeyStatus>('apiKey.set', { key: KEY });
    assert.deepEqual(set, { ok: true, value: { isSet: true, source: 'memory', storage: 'memory' } });
    // A settings save rewrites the file: the key must not ride along.
    assert.equal((await first.command('settings.update', { talkMode: 'toggle' })).ok, true);

    const forms = [KEY, Buffer.from(KEY).toString('base64'), Buffer.from(KEY).toString('hex')];
    const files = filesUnder(first.dataFolder);
    assert.ok(files.some((file) => file.endsWith('settings.json')));
    for (const file of files) {
      const bytes = readFileSync(file, 'latin1');
      for (const form of forms) assert.equal(bytes.includes(form), false, `${file} holds the key`);
    }
    assert.equal(JSON.parse(readFileSync(join(first.dataFolder, 'settings.json'), 'utf8')).encryptedApiKey, null);
  } finally {
    await first.stop();
    logs = first.stdout() + first.stderr();
  }
  assert.equal(logs.includes(KEY), false, 'the key is not in the output');

  const second = await startWeb(['--no-audio'], env);
  try {
    assert.equal(second.dataFolder, first.dataFolder);
    assert.deepEqual(await second.command<ApiKeyStatus>('apiKey.status'), { ok: true, value: { isSet: false, source: 'none', storage: 'memory' } });
    const settings = await second.command<{ talkMode: string }>('settings.get');
    assert.equal(settings.ok && settings.value.talkMode, 'toggle', 'the same data folder, the settings kept, the key not');
  } finally {
    await second.stop();
  }
});
