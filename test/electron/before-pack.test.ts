// The packaging hook that puts the target platform's echo canceller library into node_modules
// before electron-builder packs (npm installs only the build machine's), and the licence notices
// that ship with it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import beforePack, { echoCancellerPackagesFor } from '../../resources/build/before-pack.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PINNED = JSON.parse(readFileSync(join(ROOT, 'node_modules', '@livekit', 'rtc-ffi-bindings', 'package.json'), 'utf8')).version as string;
const ARCH = { x64: 1, arm64: 3, universal: 4, ia32: 0 } as const;

/** A project folder holding only the bindings' manifest (and, optionally, one platform package). */
function fakeProject(t: TestContext, installed?: { name: string; version: string }): string {
  const projectDir = mkdtempSync(join(tmpdir(), 'parley-before-pack-test-'));
  t.after(() => rmSync(projectDir, { recursive: true, force: true }));
  const bindings = join(projectDir, 'node_modules', '@livekit', 'rtc-ffi-bindings');
  mkdirSync(bindings, { recursive: true });
  writeFileSync(join(bindings, 'package.json'), JSON.stringify({ name: '@livekit/rtc-ffi-bindings', version: PINNED }));
  if (installed) {
    const folder = join(projectDir, 'node_modules', installed.name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'package.json'), JSON.stringify(installed));
  }
  return projectDir;
}

test('each target maps to the binary package the bindings publish for it', () => {
  assert.deepEqual(echoCancellerPackagesFor('linux', ARCH.x64), ['@livekit/rtc-ffi-bindings-linux-x64-gnu']);
  assert.deepEqual(echoCancellerPackagesFor('linux', ARCH.arm64), ['@livekit/rtc-ffi-bindings-linux-arm64-gnu']);
  assert.deepEqual(echoCancellerPackagesFor('win32', ARCH.x64), ['@livekit/rtc-ffi-bindings-win32-x64-msvc']);
  assert.deepEqual(echoCancellerPackagesFor('darwin', ARCH.universal), ['@livekit/rtc-ffi-bindings-darwin-arm64', '@livekit/rtc-ffi-bindings-darwin-x64']);
  assert.deepEqual(echoCancellerPackagesFor('win32', ARCH.ia32), [], 'no 32-bit Windows build exists: the app uses the gate there');
});

test('a package already installed at the pinned version is left alone; another version is replaced', async (t) => {
  const fetched: string[] = [];
  const fetch = (_dir: string, name: string, version: string) => void fetched.push(`${name}@${version}`);
  const current = fakeProject(t, { name: '@livekit/rtc-ffi-bindings-linux-x64-gnu', version: PINNED });
  await beforePack({ electronPlatformName: 'linux', arch: ARCH.x64 }, { projectDir: current, fetch });
  assert.deepEqual(fetched, []);

  const stale = fakeProject(t, { name: '@livekit/rtc-ffi-bindings-linux-x64-gnu', version: '0.0.1' });
  await beforePack({ electronPlatformName: 'linux', arch: ARCH.x64 }, { projectDir: stale, fetch });
  assert.deepEqual(fetched, [`@livekit/rtc-ffi-bindings-linux-x64-gnu@${PINNED}`]);
});

test('a package that cannot be fetched stops the build with the command that installs it', async (t) => {
  const projectDir = fakeProject(t);
  const fetch = () => {
    throw new Error('getaddrinfo ENOTFOUND registry.npmjs.org');
  };
  await assert.rejects(beforePack({ electronPlatformName: 'win32', arch: ARCH.x64 }, { projectDir, fetch }), (error: Error) => {
    assert.match(error.message, /@livekit\/rtc-ffi-bindings-win32-x64-msvc@\d+\.\d+\.\d+ for this target is not installed/);
    assert.match(error.message, /ENOTFOUND/);
    assert.match(error.message, /npm install --no-save --force @livekit\/rtc-ffi-bindings-win32-x64-msvc@/);
    return true;
  });
});

const registryUnreachable = spawnSync('npm', ['view', `@livekit/rtc-ffi-bindings-linux-arm64-gnu@${PINNED}`, 'version'], { encoding: 'utf8', timeout: 20_000 }).status === 0 ? undefined : 'the npm registry is not reachable from here';

test('building for another architecture fetches that architecture\'s library from the registry', { skip: registryUnreachable, timeout: 120_000 }, async (t) => {
  const projectDir = fakeProject(t);
  await beforePack({ electronPlatformName: 'linux', arch: ARCH.arm64 }, { projectDir });
  const folder = join(projectDir, 'node_modules', '@livekit', 'rtc-ffi-bindings-linux-arm64-gnu');
  assert.equal(JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).version, PINNED);
  assert.ok(existsSync(join(folder, 'rtc-node.linux-arm64-gnu.node')), 'the native library is there');
});

test('the licence notices the packaged app ships cover the echo canceller and WebRTC', () => {
  const folder = join(ROOT, 'resources', 'licenses');
  const notices = readFileSync(join(folder, 'THIRD-PARTY-NOTICES.md'), 'utf8');
  assert.match(readFileSync(join(folder, 'Apache-2.0.txt'), 'utf8'), /Apache License\s+Version 2\.0/);
  assert.match(readFileSync(join(folder, 'WebRTC-BSD-3-Clause.txt'), 'utf8'), /The WebRTC project authors[\s\S]*Redistribution and use in source and binary forms/);
  assert.match(notices, /@livekit\/rtc-ffi-bindings.*Apache-2\.0/);
  assert.match(notices, /WebRTC.*BSD-3-Clause/);
  const builderConfig = readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8');
  assert.match(builderConfig, /asarUnpack:[\s\S]*"\*\*\/node_modules\/@livekit\/\*\*"/);
  assert.match(builderConfig, /from: resources\/licenses\n\s+to: licenses/);
});
