// The packaging hook that makes the packaged naudiodon find the PortAudio library shipped next to
// it, wherever the app is installed (node-gyp bakes the build folder's absolute path into it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import afterPack, { readRunpath, rewriteRunpath } from '../../resources/build/after-pack.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NAUDIODON_RELEASE = join(ROOT, 'node_modules', 'naudiodon', 'build', 'Release');
const ADDON = 'naudiodon.node';
const LIBRARY = 'libportaudio.so.2';
const UNPACKED_RELEASE = ['resources', 'app.asar.unpacked', 'node_modules', 'naudiodon', 'build', 'Release'];

function skipReason(): string | undefined {
  if (process.platform !== 'linux') return 'the RUNPATH fix is for Linux builds only';
  if (!existsSync(join(NAUDIODON_RELEASE, ADDON))) return 'naudiodon is not built here (optional dependency), so there is no addon to patch';
  return undefined;
}

/** A packaged-app folder (as electron-builder lays it out) holding copies of the real addon and library. */
function fakeAppOutDir(t: TestContext, files: readonly string[] = [ADDON, LIBRARY]): { appOutDir: string; release: string } {
  const appOutDir = mkdtempSync(join(tmpdir(), 'parley-after-pack-'));
  t.after(() => rmSync(appOutDir, { recursive: true, force: true }));
  const release = join(appOutDir, ...UNPACKED_RELEASE);
  mkdirSync(release, { recursive: true });
  for (const file of files) copyFileSync(join(NAUDIODON_RELEASE, file), join(release, file));
  return { appOutDir, release };
}

test('afterPack points naudiodon at the PortAudio copy beside it, and the addon then loads that copy', { skip: skipReason() }, async (t) => {
  const built = readRunpath(readFileSync(join(NAUDIODON_RELEASE, ADDON)));
  assert.ok(built?.startsWith('/'), `node-gyp's build has an absolute RUNPATH (got ${built}); if that changed, this hook may be unnecessary`);
  const { appOutDir, release } = fakeAppOutDir(t);

  await afterPack({ appOutDir, electronPlatformName: 'linux' });

  assert.equal(readRunpath(readFileSync(join(release, ADDON))), '$ORIGIN');
  // Which libportaudio does the dynamic loader map for the packaged addon? It must be the copy beside it.
  const probe = spawnSync(
    process.execPath,
    ['-e', "require(process.argv[1]); console.log(require('fs').readFileSync('/proc/self/maps', 'utf8'))", join(release, ADDON)],
    { encoding: 'utf8' },
  );
  assert.equal(probe.status, 0, probe.stderr);
  const mapped = [...new Set(probe.stdout.split('\n').filter((line) => line.includes(LIBRARY)).map((line) => line.trim().split(/\s+/).pop()))];
  assert.deepEqual(mapped, [join(release, LIBRARY)]);
});

test('afterPack leaves macOS and Windows builds alone', { skip: skipReason() }, async (t) => {
  const { appOutDir, release } = fakeAppOutDir(t);
  const before = readFileSync(join(release, ADDON));
  for (const electronPlatformName of ['darwin', 'win32']) await afterPack({ appOutDir, electronPlatformName });
  assert.ok(readFileSync(join(release, ADDON)).equals(before));
});

test('afterPack fails the build, naming the fix, when the library is not beside the addon', { skip: skipReason() }, async (t) => {
  const { appOutDir } = fakeAppOutDir(t, [ADDON]);
  await assert.rejects(afterPack({ appOutDir, electronPlatformName: 'linux' }), /libportaudio\.so\.2 is missing next to .*electron-builder\.yml unpacks \*\*\/node_modules\/naudiodon/);
});

test('afterPack skips a package without naudiodon (the optional audio module did not build)', async (t) => {
  const appOutDir = mkdtempSync(join(tmpdir(), 'parley-after-pack-'));
  t.after(() => rmSync(appOutDir, { recursive: true, force: true }));
  await afterPack({ appOutDir, electronPlatformName: 'linux' });
});

test('rewriteRunpath refuses a value longer than the current one, and does nothing to a file without RUNPATH', { skip: skipReason() }, () => {
  const addon = readFileSync(join(NAUDIODON_RELEASE, ADDON));
  const current = readRunpath(addon)!;
  assert.throws(() => rewriteRunpath(addon, `${current}/longer`), /longer than the current/);
  const library = readFileSync(join(NAUDIODON_RELEASE, LIBRARY));
  assert.equal(readRunpath(library), undefined);
  assert.equal(rewriteRunpath(library), undefined);
  assert.ok(library.equals(readFileSync(join(NAUDIODON_RELEASE, LIBRARY))));
  assert.throws(() => readRunpath(Buffer.from('not an elf file at all, just text of some length to pass the size check')), /not an ELF file/);
});
