/**
 * The real Codex binary of the pinned @openai/codex devDependency, found the way its bin script
 * (node_modules/@openai/codex/bin/codex.js) finds it: the platform package's
 * vendor/<target triple>/bin/codex. Undefined (with the reason) where this platform has none.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const TARGETS: Record<string, { triple: string; pkg: string }> = {
  'linux-x64': { triple: 'x86_64-unknown-linux-musl', pkg: '@openai/codex-linux-x64' },
  'linux-arm64': { triple: 'aarch64-unknown-linux-musl', pkg: '@openai/codex-linux-arm64' },
  'darwin-x64': { triple: 'x86_64-apple-darwin', pkg: '@openai/codex-darwin-x64' },
  'darwin-arm64': { triple: 'aarch64-apple-darwin', pkg: '@openai/codex-darwin-arm64' },
  'win32-x64': { triple: 'x86_64-pc-windows-msvc', pkg: '@openai/codex-win32-x64' },
  'win32-arm64': { triple: 'aarch64-pc-windows-msvc', pkg: '@openai/codex-win32-arm64' },
};

export type CodexBinary = { readonly path: string } | { readonly path: undefined; readonly reason: string };

export function findCodexBinary(): CodexBinary {
  const target = TARGETS[`${process.platform}-${process.arch}`];
  if (!target) return { path: undefined, reason: `@openai/codex has no binary for ${process.platform}-${process.arch}` };
  let vendor: string;
  try {
    const require = createRequire(import.meta.url);
    vendor = join(dirname(require.resolve(`${target.pkg}/package.json`)), 'vendor');
  } catch {
    return { path: undefined, reason: `the platform package ${target.pkg} is not installed` };
  }
  const path = join(vendor, target.triple, 'bin', process.platform === 'win32' ? 'codex.exe' : 'codex');
  return existsSync(path) ? { path } : { path: undefined, reason: `${path} is missing` };
}
