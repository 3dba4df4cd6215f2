/** Past this many characters a batch goes out at once, so one busy turn of the event loop holds little. */
export const MAX_BATCH_CHARS = 64 * 1024;

export interface BatchedWriter {
  write(text: string): void;
  /** Writes what is held now (before exit, and at a batch's end). */
  flush(): void;
}

/**
 * Joins what is written within one turn of the event loop into one write. A pipe is asynchronous
 * here: each write holds its own request until the reader takes it, so ten minutes of speech
 * streamed faster than real time as one JSON line per event (42,000 writes) swelled the command
 * by 40 MB while a slow reader caught up; in batches it holds little more than the text.
 */
export function createBatchedWriter(write: (text: string) => void): BatchedWriter {
  let parts: string[] = [];
  let chars = 0;
  let scheduled: NodeJS.Immediate | undefined;
  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (parts.length === 0) return;
    const text = parts.length === 1 ? parts[0]! : parts.join('');
    parts = [];
    chars = 0;
    write(text);
  };
  return {
    write(text) {
      if (text.length === 0) return;
      parts.push(text);
      chars += text.length;
      if (chars >= MAX_BATCH_CHARS) flush();
      else scheduled ??= setImmediate(flush);
    },
    flush,
  };
}
