/**
 * Resident memory over a long run: sampled after a full garbage collection so that the numbers
 * show what is retained, not what is merely not yet collected. The bound is on RSS growth between
 * the first sample after warm-up and the last one.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface MemorySample {
  /** Frames sent in the whole run when sampled. */
  readonly frames: number;
  /** The dialect whose session was live when sampled, and its own frame count (none: between storms). */
  readonly dialect?: string;
  readonly dialectFrames?: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** Buffers outside the V8 heap (frames, audio). */
  readonly externalBytes: number;
}

const MEGABYTE = 1024 * 1024;

/** The gc() of --expose-gc, without requiring the flag on the command line (tsx, CI). */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  if (typeof gc !== 'function') throw new Error('memory samples: could not expose gc()');
  return gc;
}

export function sampleMemory(frames: number, gc: () => void, during?: { dialect: string; dialectFrames: number }): MemorySample {
  gc();
  const usage = process.memoryUsage();
  return { frames, ...during, rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, externalBytes: usage.external + usage.arrayBuffers };
}

export interface RssBound {
  /** Allowed growth as a share of the baseline (0.3 = 30 %). */
  readonly ratio: number;
  readonly slackBytes: number;
}

/** A failure message when the last sample exceeds baseline × (1 + ratio) + slack; undefined when within. */
export function rssBoundFailure(baseline: MemorySample | undefined, last: MemorySample | undefined, bound: RssBound): string | undefined {
  if (!baseline || !last || baseline === last) return undefined;
  const limit = baseline.rssBytes * (1 + bound.ratio) + bound.slackBytes;
  if (last.rssBytes <= limit) return undefined;
  return (
    `RSS grew from ${megabytes(baseline.rssBytes)} (after ${baseline.frames} frames) to ${megabytes(last.rssBytes)} ` +
    `(after ${last.frames} frames), above the bound of ${megabytes(limit)} (+${Math.round(bound.ratio * 100)} % + ${megabytes(bound.slackBytes)})`
  );
}

/** A failure message when the last sample's JS heap exceeds baseline × (1 + ratio) + slack; undefined when within. */
export function heapBoundFailure(baseline: MemorySample | undefined, last: MemorySample | undefined, bound: RssBound): string | undefined {
  if (!baseline || !last || baseline === last) return undefined;
  const limit = baseline.heapUsedBytes * (1 + bound.ratio) + bound.slackBytes;
  if (last.heapUsedBytes <= limit) return undefined;
  return (
    `the JS heap grew from ${megabytes(baseline.heapUsedBytes)} (after ${baseline.frames} frames) to ${megabytes(last.heapUsedBytes)} ` +
    `(after ${last.frames} frames), above the bound of ${megabytes(limit)} (+${Math.round(bound.ratio * 100)} % + ${megabytes(bound.slackBytes)})`
  );
}

export function megabytes(bytes: number): string {
  return `${(bytes / MEGABYTE).toFixed(1)} MB`;
}

export function describeSample(sample: MemorySample): string {
  const during = sample.dialect === undefined ? 'no session'.padEnd(12) : `${sample.dialect} ${String(sample.dialectFrames).padStart(9)}`;
  return `frames ${String(sample.frames).padStart(7)} (${during}): rss ${megabytes(sample.rssBytes).padStart(9)}, heap ${megabytes(sample.heapUsedBytes).padStart(9)}, external ${megabytes(sample.externalBytes).padStart(9)}`;
}
