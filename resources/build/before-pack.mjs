// electron-builder beforePack hook (see electron-builder.yml).
//
// The echo canceller's native library comes in one npm package per platform
// (@livekit/rtc-ffi-bindings-<platform>), an optional dependency of @livekit/rtc-ffi-bindings.
// npm installs only the one for the machine it runs on, so building for another platform or
// architecture (a Windows installer on Linux, arm64 on x64) would ship without it and the app
// would fall back to the echo gate. Before each target is packed, this makes sure the target's
// package is in node_modules, at exactly the version the bindings pin, fetching it with
// `npm pack` (no change to package.json or the lockfile) when it is missing.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BINDINGS = '@livekit/rtc-ffi-bindings';

/** electron-builder's Arch enum (builder-util): the numbers its hooks receive. */
const ARCH_NAMES = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' };

/** The platform package names the bindings publish, by Node platform and architecture. */
const PLATFORM_PACKAGES = {
  'darwin-arm64': `${BINDINGS}-darwin-arm64`,
  'darwin-x64': `${BINDINGS}-darwin-x64`,
  'linux-arm64': `${BINDINGS}-linux-arm64-gnu`,
  'linux-x64': `${BINDINGS}-linux-x64-gnu`,
  'win32-x64': `${BINDINGS}-win32-x64-msvc`,
};

/**
 * The binary package(s) a target needs; a macOS universal build needs both architectures. An
 * empty list means the library has no build for that target (the app will use the echo gate).
 */
export function echoCancellerPackagesFor(platform, arch) {
  const archName = typeof arch === 'number' ? ARCH_NAMES[arch] : arch;
  const archs = archName === 'universal' ? ['arm64', 'x64'] : [archName];
  return archs.map((name) => PLATFORM_PACKAGES[`${platform}-${name}`]).filter((name) => name !== undefined);
}

function pinnedVersion(projectDir) {
  const bindings = JSON.parse(readFileSync(join(projectDir, 'node_modules', BINDINGS, 'package.json'), 'utf8'));
  return bindings.version;
}

/** Fetches `name@version` from the registry into node_modules without touching the lockfile. */
function fetchPackage(projectDir, name, version) {
  const scratch = mkdtempSync(join(tmpdir(), 'parley-before-pack-'));
  try {
    const tarball = execFileSync('npm', ['pack', `${name}@${version}`, '--silent', '--pack-destination', scratch], { cwd: projectDir, encoding: 'utf8' }).trim().split('\n').pop();
    const target = join(projectDir, 'node_modules', name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(scratch, tarball), '-C', target, '--strip-components=1']);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export default async function beforePack(context, options = {}) {
  const projectDir = options.projectDir ?? context.packager?.projectDir ?? process.cwd();
  const fetch = options.fetch ?? fetchPackage;
  const wanted = echoCancellerPackagesFor(context.electronPlatformName, context.arch);
  if (wanted.length === 0) {
    console.warn(`  • Parley: no echo canceller library is published for ${context.electronPlatformName}-${ARCH_NAMES[context.arch] ?? context.arch}; the app will use the echo gate there.`);
    return;
  }
  const version = pinnedVersion(projectDir);
  for (const name of wanted) {
    const manifest = join(projectDir, 'node_modules', name, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === version) continue;
    try {
      fetch(projectDir, name, version);
    } catch (error) {
      throw new Error(`Parley: the echo canceller library ${name}@${version} for this target is not installed and could not be fetched (${error.message}). Run the build online once, or install it with: npm install --no-save --force ${name}@${version}`);
    }
  }
}
