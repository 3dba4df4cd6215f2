import { close as closeFd, openSync, write as writeFd } from 'node:fs';
import { errorMessage } from '../../core/util/errors';

/** Big enough that a 10-minute stream at 24 kHz is ~110 writes; flushed by time anyway. */
const CHUNK_BYTES = 256 * 1024;
/** Reused chunks kept for the next writes; more are allocated only while the disk lags. */
const MAX_FREE_CHUNKS = 8;
/** Partial chunks are written at least this often, so the file on disk stays nearly live. */
const FLUSH_INTERVAL_MS = 500;

/**
 * Appends bytes to a file through a few reused 256 KiB chunks and positional writes. Compared
 * with a WriteStream fed one small Buffer per audio frame, this does one syscall per 256 KiB and
 * keeps no per-frame Buffers alive (they would outlive minor GCs while queued and swell RSS).
 * Errors are kept and reported by close(); writes after an error are ignored.
 */
export class ChunkedFileWriter {
  private readonly fd: number;
  private position: number;
  private current: Buffer | undefined;
  private currentLength = 0;
  private readonly freeChunks: Buffer[] = [];
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly flushTimer: NodeJS.Timeout;

  /** Opens (truncates) `path`; appended data starts at `startOffset` (room for a header). */
  constructor(
    private readonly path: string,
    startOffset: number,
  ) {
    this.fd = openSync(path, 'w');
    this.position = startOffset;
    this.flushTimer = setInterval(() => this.submitCurrent(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
  }

  get error(): Error | undefined {
    return this.failure;
  }

  append(bytes: Uint8Array): void {
    let offset = 0;
    while (offset < bytes.byteLength && !this.failure) {
      const chunk = (this.current ??= this.freeChunks.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES));
      const take = Math.min(CHUNK_BYTES - this.currentLength, bytes.byteLength - offset);
      // The common case (a whole frame fits) copies without creating a view.
      chunk.set(take === bytes.byteLength ? bytes : bytes.subarray(offset, offset + take), this.currentLength);
      this.currentLength += take;
      offset += take;
      if (this.currentLength === CHUNK_BYTES) this.submitCurrent();
    }
  }

  /** Writes `bytes` at an absolute offset (a header), outside the append stream. */
  writeAt(bytes: Uint8Array, offset: number): void {
    this.submit(Buffer.from(bytes), bytes.byteLength, offset, false);
  }

  /** Writes what is buffered, waits for every write, closes the file; rejects with the first error. */
  async close(): Promise<void> {
    clearInterval(this.flushTimer);
    this.submitCurrent();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    await new Promise<void>((resolve) => closeFd(this.fd, () => resolve()));
    if (this.failure) throw this.failure;
  }

  private submitCurrent(): void {
    const chunk = this.current;
    if (!chunk || this.currentLength === 0) return;
    const length = this.currentLength;
    this.current = undefined;
    this.currentLength = 0;
    this.submit(chunk, length, this.position, true);
    this.position += length;
  }

  private submit(buffer: Buffer, length: number, position: number, reusable: boolean): void {
    if (this.failure) return;
    this.inFlight++;
    writeFd(this.fd, buffer, 0, length, position, (error) => {
      this.inFlight--;
      if (error) this.failure ??= new Error(`could not write ${this.path}: ${errorMessage(error)}`, { cause: error });
      if (reusable && this.freeChunks.length < MAX_FREE_CHUNKS) this.freeChunks.push(buffer);
      if (this.inFlight === 0) this.drained?.();
    });
  }
}
