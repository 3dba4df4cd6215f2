import { mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * The agent's fs/read_text_file and fs/write_text_file requests, kept inside the working folder.
 * Paths are resolved for real (symlinks followed, `..` folded) before the check, so neither a
 * link pointing out nor a climbing path escapes; a file that does not exist yet is judged by its
 * nearest existing folder. Anything else is refused with a FileAccessError naming the folder.
 */

/** A text file bigger than this is refused rather than read into memory (10 MB). */
export const MAX_AGENT_READ_BYTES = 10 * 1024 * 1024;

export class FileAccessError extends Error {
  override readonly name = 'FileAccessError';
}

export interface FileGuard {
  /** The working folder, symlinks resolved. */
  readonly root: string;
  /** Text of the file (from 1-based `line`, at most `limit` lines). */
  readText(path: string, line?: number | null, limit?: number | null): Promise<string>;
  /** Writes (creating the file and its folders); returns the path written, relative to the root. */
  writeText(path: string, content: string): Promise<string>;
}

export async function createFileGuard(workingFolder: string): Promise<FileGuard> {
  const root = await realpath(workingFolder);

  function assertInside(real: string, asked: string): void {
    const rel = relative(root, real);
    if (rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !isAbsolute(rel))) return;
    throw new FileAccessError(`access denied: ${asked} is outside the working folder ${root}`);
  }

  /** The real location `asked` refers to, following links through the deepest part that exists. */
  async function realLocation(asked: string): Promise<string> {
    const absolute = isAbsolute(asked) ? resolve(asked) : resolve(root, asked);
    const missing: string[] = [];
    let existing = absolute;
    for (;;) {
      try {
        const real = await realpath(existing);
        return missing.length === 0 ? real : join(real, ...missing.reverse());
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
        const parent = dirname(existing);
        if (parent === existing) return absolute;
        missing.push(basename(existing));
        existing = parent;
      }
    }
  }

  return {
    root,
    async readText(path, line, limit) {
      const real = await realLocation(path);
      assertInside(real, path);
      let info;
      try {
        info = await stat(real);
      } catch {
        throw new FileAccessError(`${path} does not exist`);
      }
      if (!info.isFile()) throw new FileAccessError(`${path} is not a file`);
      if (info.size > MAX_AGENT_READ_BYTES) throw new FileAccessError(`${path} is larger than ${MAX_AGENT_READ_BYTES} bytes`);
      const text = await readFile(real, 'utf8');
      if ((line ?? null) === null && (limit ?? null) === null) return text;
      const lines = text.split('\n');
      const start = Math.max(0, (line ?? 1) - 1);
      const end = limit === null || limit === undefined ? lines.length : start + Math.max(0, limit);
      return lines.slice(start, end).join('\n');
    },
    async writeText(path, content) {
      const real = await realLocation(path);
      assertInside(real, path);
      await mkdir(dirname(real), { recursive: true });
      await writeFile(real, content, 'utf8');
      return relative(root, real);
    },
  };
}
