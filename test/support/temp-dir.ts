/**
 * Temporary folders for tests, removed when the test that made them ends (or the file, when made
 * outside a test), so a run leaves nothing behind in the system's temp folder: a CI run used to
 * leave hundreds of parley-* folders.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** A new empty folder named `<prefix>XXXXXX` in the temp folder, removed after the current test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
