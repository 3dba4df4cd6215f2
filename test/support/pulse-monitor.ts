/**
 * Listens to a PulseAudio source in real time (`parec --raw`, e.g. `spk.monitor`: what the null
 * speaker sink is rendering) and puts every sample on this process's performance.now() clock.
 *
 * Clock model. parec delivers the stream in chunks (about `latencyMs` each, sometimes batched);
 * each chunk is stamped when its 'data' event runs. A null sink renders in real time on the
 * system's monotonic clock (the same clock as performance.now(), measured drift below 0.03 ms over
 * seconds), so sample i "happened" at base + i / rate, where `base` is the LOWER ENVELOPE of
 * (arrival − samples so far / rate) over the chunks around it (±2 s): the earliest arrival that
 * is consistent with real-time pacing. Chunks that were batched or handled late by a busy event
 * loop only sit above the envelope, so they do not move it. The residual (arrival minus envelope)
 * is the measuring path's own delay beyond its fastest delivery; its median and p99 are reported.
 * What the envelope cannot remove is the constant part of the path (sink render → monitor →
 * parec → pipe → this event loop on its fastest delivery), which the reference player
 * calibrates (see live-latency.ts).
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { distribution, type Distribution } from './stats';
import { stopChild } from './stop-child';

/** Chunks within this distance (ms of stream) of a sample define its envelope. */
const ENVELOPE_WINDOW_MS = 2_000;
/** The first half second of a stream (start-up bursts) does not define the envelope once later chunks exist. */
const SETTLE_MS = 500;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface MonitorOptions {
  /** A PulseAudio source, e.g. `spk.monitor`. */
  readonly device: string;
  readonly sampleRate: number;
  /** parec's --latency-msec: the size of the chunks it delivers. */
  readonly latencyMs: number;
  /** Seconds of audio to keep (the store is preallocated). */
  readonly maxSeconds: number;
}

export class PulseMonitor {
  readonly sampleRate: number;
  readonly device: string;
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private readonly samples: Int16Array;
  private count = 0;
  private oddByte: number | undefined;
  /** Per chunk: arrival (performance.now()) and the sample count at its end. */
  private arrivals: number[] = [];
  private ends: number[] = [];
  private stderr = '';
  private exited = false;
  private readonly waiters = new Set<() => void>();

  constructor(options: MonitorOptions) {
    this.sampleRate = options.sampleRate;
    this.device = options.device;
    this.samples = new Int16Array(Math.ceil(options.sampleRate * options.maxSeconds));
    this.child = spawn(
      'parec',
      [`--device=${options.device}`, `--latency-msec=${options.latencyMs}`, '--raw', '--format=s16le', `--rate=${options.sampleRate}`, '--channels=1'],
      { env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk, performance.now()));
    this.child.stderr.setEncoding('utf8').on('data', (text: string) => (this.stderr = (this.stderr + text).slice(-2_000)));
    this.child.on('exit', () => {
      this.exited = true;
      this.wake();
    });
  }

  get sampleCount(): number {
    return this.count;
  }

  /**
   * Re-runs `check` whenever audio arrives until it returns a value; undefined after timeoutMs.
   * Rejects if parec exits first.
   */
  until<T>(check: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
      const first = check();
      if (first !== undefined) {
        resolve(first);
        return;
      }
      const finish = (): void => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = (): void => {
        const value = check();
        if (value !== undefined) {
          finish();
          resolve(value);
        } else if (this.exited) {
          finish();
          reject(new Error(`parec on ${this.device} exited: ${this.stderr.trim() || 'no message'}`));
        }
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        resolve(undefined);
      }, timeoutMs);
      this.waiters.add(wake);
    });
  }

  /** Resolves once `count` samples have arrived; rejects after timeoutMs. */
  async waitForSamples(count: number, timeoutMs: number): Promise<void> {
    const ok = await this.until(() => (this.count >= count ? true : undefined), timeoutMs);
    if (!ok) throw new Error(`parec on ${this.device}: ${this.count} of ${count} samples after ${timeoutMs} ms${this.stderr ? `: ${this.stderr.trim()}` : ''}`);
  }

  /** The sample at `index` (0 past the end). */
  sample(index: number): number {
    return index >= 0 && index < this.count ? this.samples[index]! : 0;
  }

  /** Envelope time of sample `index` (see the file header), performance.now() ms. */
  timeOfSample(index: number): number {
    return this.baseAround(index) + (index / this.sampleRate) * 1000;
  }

  /** Arrival time of the chunk that carried sample `index` (NaN if it has not arrived). */
  arrivalOfSample(index: number): number {
    const chunk = this.chunkOf(index);
    return chunk === -1 ? NaN : this.arrivals[chunk]!;
  }

  /** The sample index the envelope puts at time `ms` (may lie in the future). */
  sampleAtTime(ms: number): number {
    const guess = Math.max(0, Math.round(((ms - this.baseAround(this.count)) * this.sampleRate) / 1000));
    return Math.max(0, Math.round(((ms - this.baseAround(guess)) * this.sampleRate) / 1000));
  }

  /** First index ≥ from whose magnitude reaches threshold, or -1 among the samples so far. */
  findLoud(from: number, threshold: number): number {
    for (let index = Math.max(0, from); index < this.count; index++) {
      const value = this.samples[index]!;
      if (value >= threshold || value <= -threshold) return index;
    }
    return -1;
  }

  /**
   * Where sustained silence starts: the first index ≥ from after which `holdSamples` samples in a
   * row stay below threshold (the sample after the last loud one). -1 if not (yet) found.
   */
  findQuietFrom(from: number, threshold: number, holdSamples: number): number {
    let quietSince = Math.max(0, from);
    for (let index = quietSince; index < this.count; index++) {
      const value = this.samples[index]!;
      if (value >= threshold || value <= -threshold) quietSince = index + 1;
      else if (index + 1 - quietSince >= holdSamples) return quietSince;
    }
    return -1;
  }

  /** Arrival minus envelope for every chunk so far, ms: the measuring path's extra delay. */
  deliveryResidualMs(): Distribution {
    const residuals: number[] = [];
    for (let chunk = 0; chunk < this.ends.length; chunk++) residuals.push(this.arrivals[chunk]! - this.timeOfSample(this.ends[chunk]!));
    return distribution(residuals);
  }

  /** Sizes of the delivered chunks, ms (median). */
  medianChunkMs(): number {
    const sizes: number[] = [];
    for (let chunk = 1; chunk < this.ends.length; chunk++) sizes.push(((this.ends[chunk]! - this.ends[chunk - 1]!) / this.sampleRate) * 1000);
    return distribution(sizes).median;
  }

  close(): Promise<void> {
    return this.exited ? Promise.resolve() : stopChild(this.child);
  }

  private onData(chunk: Buffer, arrivedAt: number): void {
    let offset = 0;
    if (this.oddByte !== undefined && chunk.length > 0) {
      this.store((((chunk[0]! << 8) | this.oddByte) << 16) >> 16);
      this.oddByte = undefined;
      offset = 1;
    }
    const whole = (chunk.length - offset) >> 1;
    const room = Math.min(whole, this.samples.length - this.count);
    if (room > 0 && LITTLE_ENDIAN && (chunk.byteOffset + offset) % 2 === 0) {
      this.samples.set(new Int16Array(chunk.buffer, chunk.byteOffset + offset, room), this.count);
    } else {
      for (let index = 0; index < room; index++) this.samples[this.count + index] = chunk.readInt16LE(offset + index * 2);
    }
    this.count += whole; // samples past the store's end are counted, not kept
    offset += whole * 2;
    if (offset < chunk.length) this.oddByte = chunk[offset]!;
    this.arrivals.push(arrivedAt);
    this.ends.push(this.count);
    this.wake();
  }

  private store(value: number): void {
    if (this.count < this.samples.length) this.samples[this.count] = value;
    this.count++;
  }

  /** Index of the first chunk whose end is past `index`, or -1. */
  private chunkOf(index: number): number {
    let low = 0;
    let high = this.ends.length - 1;
    if (high < 0 || this.ends[high]! <= index) return -1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.ends[mid]! > index) high = mid;
      else low = mid + 1;
    }
    return low;
  }

  /** Lower envelope of (arrival − end / rate) over chunks within ±ENVELOPE_WINDOW_MS of `index`. */
  private baseAround(index: number): number {
    const window = (ENVELOPE_WINDOW_MS * this.sampleRate) / 1000;
    let base = Infinity;
    // Chunks are in stream order: start at the first chunk ending after index − window.
    let chunk = this.chunkOf(Math.max(0, index - window));
    if (chunk === -1) chunk = Math.max(0, this.ends.length - 1);
    const settled = (SETTLE_MS * this.sampleRate) / 1000;
    const skipStart = this.count > settled;
    for (; chunk < this.ends.length && this.ends[chunk]! <= index + window; chunk++) {
      if (skipStart && this.ends[chunk]! <= settled) continue;
      const offset = this.arrivals[chunk]! - (this.ends[chunk]! / this.sampleRate) * 1000;
      if (offset < base) base = offset;
    }
    if (base === Infinity && this.ends.length > 0) base = this.arrivals.at(-1)! - (this.ends.at(-1)! / this.sampleRate) * 1000;
    return base;
  }

  private wake(): void {
    for (const wake of [...this.waiters]) wake();
  }
}
