// Where the real coding agents' platform binaries are, for the end-to-end tests that run them,
// and why a test skips when one is missing.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { findCodexBinary } from './codex-binary';

export const codex = findCodexBinary();
export const codexSkip: string | false = codex.path === undefined ? `the Codex platform binary is missing: ${codex.reason}` : false;

function codexAcpBinary(): string | undefined {
  const name = `@zed-industries/codex-acp-${process.platform}-${process.arch}/bin/codex-acp${process.platform === 'win32' ? '.exe' : ''}`;
  try {
    const path = fileURLToPath(import.meta.resolve(name));
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

export const codexAcp = codexAcpBinary();
export const acpSkip: string | false = codexAcp
  ? false
  : `the codex-acp platform binary for ${process.platform}-${process.arch} is not installed (@zed-industries/codex-acp's optional dependency)`;

/** Folders the agent writes to while it runs: removed only after the run has ended. */
export function scratch(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
