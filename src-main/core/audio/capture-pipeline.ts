import type { MicrophoneFrame } from './audio-io';
import { BYTES_PER_PCM16_SAMPLE, type PcmLevels } from './pcm';
import { Resampler } from './resampler';

/**
 * The microphone path from a device's native buffers to the session's 20 ms frames:
 *
 *   PCM16LE interleaved @ native rate/channels (chunks of any size, odd byte counts too)
 *     → downmix to mono (average of the channels)
 *     → band-limited resample to 24 kHz (streaming Resampler: no added delay, ~1–4 ms look-ahead)
 *     → exact 480-sample frames (leftovers carried; a frame leaves as soon as its last sample exists,
 *       so buffering adds at most one frame of latency)
 *     → [processor: ECHO CANCELLER INSERTION POINT, identity by default]
 *     → onFrame({ pcm, capturedAtMs, rmsDbfs, peakDbfs })
 *
 * Input levels for the UI meter are measured on the 24 kHz mono signal before the processor (what
 * the microphone hears) over windows of 50 ms of audio (1200 samples), i.e. about 20 reports a
 * second regardless of chunk sizes.
 *
 * Timestamps: a chunk is taken to end at the clock time it arrives. A frame's first sample sits at
 * exactly frameIndex × 20 ms of stream time (the resampler adds no delay), so its capture time is
 * the arrival time minus the audio received after it:
 *   capturedAtMs = arrivalMs − (inputSamples / nativeRate × 1000 − frameIndex × 20)
 * Computed from sample counts (no accumulated rounding), it does not depend on how the device
 * slices its buffers; it only moves with the arrival clock's own jitter, and is clamped to never
 * go backwards.
 *
 * Cost per push: no allocation except one Buffer per emitted frame, the frame's small descriptor
 * object, and the Resampler's output array for the chunk (the 24 kHz native case skips the
 * resampler). Scratch space grows only when a chunk larger than any before arrives.
 */

export interface CaptureFormat {
  /** The device's native sample rate, Hz. */
  readonly sampleRate: number;
  /** Interleaved channels in each input chunk. */
  readonly channels: number;
}

/**
 * ECHO CANCELLER INSERTION POINT. Runs on every 24 kHz mono frame before it is emitted and may
 * rewrite the 480 samples in place (a real AEC subtracts its estimate of the speaker's echo here).
 * `playbackReference` is what the speaker played for the same 20 ms, when the caller supplies
 * `CapturePipelineOptions.playbackReference`. The array is reused for the next frame: copy it to
 * keep it. Keep it under a millisecond: this runs 50 times a second on the capture path.
 */
export interface CaptureFrameProcessor {
  process(frame: Int16Array, playbackReference?: Int16Array): void;
}

/** A microphone frame plus its own levels (after the processor), for gates and detectors. */
export interface CapturedFrame extends MicrophoneFrame {
  readonly rmsDbfs: number;
  readonly peakDbfs: number;
}

export interface CapturePipelineOptions extends CaptureFormat {
  /** Milliseconds on a monotonic clock; read once per push as the chunk's arrival time. */
  readonly now: () => number;
  readonly onFrame: (frame: CapturedFrame) => void;
  /** About 20 times a second: RMS and peak of the last 50 ms of input. */
  readonly onLevel?: (levels: PcmLevels) => void;
  /** The echo-canceller stage; omitted means identity. */
  readonly processor?: CaptureFrameProcessor;
  /** The playback samples matching the frame being processed, for `processor`. */
  readonly playbackReference?: () => Int16Array | undefined;
}

export const CAPTURE_SAMPLE_RATE_HZ = 24_000;
export const CAPTURE_FRAME_MS = 20;
export const LEVEL_WINDOW_MS = 50;
const LEVEL_WINDOW_SAMPLES = (CAPTURE_SAMPLE_RATE_HZ * LEVEL_WINDOW_MS) / 1000; // 1200
const FULL_SCALE = 32768;
const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function assertFormat(format: CaptureFormat): void {
  if (!Number.isInteger(format.sampleRate) || format.sampleRate <= 0) {
    throw new RangeError(`CapturePipeline: sampleRate must be the device's native rate as a positive integer in Hz, got ${format.sampleRate}`);
  }
  if (!Number.isInteger(format.channels) || format.channels <= 0) {
    throw new RangeError(`CapturePipeline: channels must be a positive integer, got ${format.channels}`);
  }
}

/** 10·log10(meanSquare / full scale²), -Infinity for silence. */
function meanSquareToDbfs(sumSquares: number, count: number): number {
  return 10 * Math.log10(sumSquares / (count * FULL_SCALE * FULL_SCALE));
}

function peakToDbfs(peak: number): number {
  return 20 * Math.log10(peak / FULL_SCALE);
}

export class CapturePipeline {
  static readonly FRAME_SAMPLES = 480;
  static readonly FRAME_BYTES = CapturePipeline.FRAME_SAMPLES * BYTES_PER_PCM16_SAMPLE;

  private readonly now: () => number;
  private readonly onFrame: (frame: CapturedFrame) => void;
  private readonly onLevel: ((levels: PcmLevels) => void) | undefined;
  private readonly processor: CaptureFrameProcessor | undefined;
  private readonly playbackReference: (() => Int16Array | undefined) | undefined;

  // Format-dependent constants (rebuilt by reset(format)).
  private sampleRateHz = 0;
  private channelCount = 0;
  private bytesPerInputFrame = 0;
  private msPerInputSample = 0;
  /** 1 / (channels × 32768): averages the channels and scales to [-1, 1) in one multiply. */
  private downmixScale = 0;
  private resampler: Resampler | undefined;
  /** Bytes of an incomplete interleaved sample frame, completed by the next push. */
  private carry = new Uint8Array(0);
  private carryBytes = 0;

  private mono = new Float32Array(4096);
  private readonly frame = new Int16Array(CapturePipeline.FRAME_SAMPLES);
  private readonly frameBytes = new Uint8Array(this.frame.buffer);
  private frameFill = 0;
  /** Since the last reset: complete input sample frames received, frames emitted. */
  private inputSamples = 0;
  private framesEmitted = 0;
  private lastCapturedAtMs = -Infinity;

  private levelSumSquares = 0;
  private levelPeak = 0;
  private levelCount = 0;

  constructor(options: CapturePipelineOptions) {
    this.now = options.now;
    this.onFrame = options.onFrame;
    this.onLevel = options.onLevel;
    this.processor = options.processor;
    this.playbackReference = options.playbackReference;
    this.configure(options);
  }

  get format(): CaptureFormat {
    return { sampleRate: this.sampleRateHz, channels: this.channelCount };
  }

  /** Interleaved PCM16LE at the native format; any length, split anywhere. */
  push(chunk: Uint8Array): void {
    const arrivalMs = this.now();
    const length = chunk.byteLength;
    const bytesPerFrame = this.bytesPerInputFrame;
    const maxSamples = Math.floor((this.carryBytes + length) / bytesPerFrame);
    if (maxSamples > this.mono.length) this.mono = new Float32Array(Math.max(maxSamples, this.mono.length * 2));
    const mono = this.mono;
    let count = 0;
    let offset = 0;

    if (this.carryBytes > 0) {
      const take = Math.min(bytesPerFrame - this.carryBytes, length);
      for (let index = 0; index < take; index++) this.carry[this.carryBytes + index] = chunk[index]!;
      this.carryBytes += take;
      offset = take;
      if (this.carryBytes < bytesPerFrame) return;
      mono[count++] = this.downmixOne(this.carry, 0);
      this.carryBytes = 0;
    }
    while (offset + bytesPerFrame <= length) {
      mono[count++] = this.downmixOne(chunk, offset);
      offset += bytesPerFrame;
    }
    for (let index = 0; offset + index < length; index++) this.carry[index] = chunk[offset + index]!;
    this.carryBytes = length - offset;

    if (count === 0) return;
    this.inputSamples += count;
    if (this.resampler) {
      const output = this.resampler.process(mono.subarray(0, count));
      this.consume(output, output.length, arrivalMs);
    } else {
      this.consume(mono, count, arrivalMs);
    }
  }

  /**
   * Starts a new stream (device switch): drops the partial frame, the carried bytes, the
   * resampler's history and the level window. Pass the new device's format if it differs.
   */
  reset(format?: CaptureFormat): void {
    if (format && (format.sampleRate !== this.sampleRateHz || format.channels !== this.channelCount)) {
      this.configure(format);
    } else {
      this.resampler?.reset();
    }
    this.carryBytes = 0;
    this.frameFill = 0;
    this.inputSamples = 0;
    this.framesEmitted = 0;
    this.levelSumSquares = 0;
    this.levelPeak = 0;
    this.levelCount = 0;
  }

  private configure(format: CaptureFormat): void {
    assertFormat(format);
    this.sampleRateHz = format.sampleRate;
    this.channelCount = format.channels;
    this.bytesPerInputFrame = format.channels * BYTES_PER_PCM16_SAMPLE;
    this.msPerInputSample = 1000 / format.sampleRate;
    this.downmixScale = 1 / (format.channels * FULL_SCALE);
    this.resampler = format.sampleRate === CAPTURE_SAMPLE_RATE_HZ ? undefined : new Resampler(format.sampleRate, CAPTURE_SAMPLE_RATE_HZ);
    this.carry = new Uint8Array(this.bytesPerInputFrame);
    this.carryBytes = 0;
  }

  /** Mean of one interleaved sample frame's channels, as a float in [-1, 1). */
  private downmixOne(bytes: Uint8Array, offset: number): number {
    let sum = 0;
    const end = offset + this.bytesPerInputFrame;
    for (let at = offset; at < end; at += 2) sum += ((bytes[at]! | (bytes[at + 1]! << 8)) << 16) >> 16;
    return sum * this.downmixScale;
  }

  private consume(samples: Float32Array, count: number, arrivalMs: number): void {
    const frame = this.frame;
    const frameSamples = CapturePipeline.FRAME_SAMPLES;
    for (let index = 0; index < count; index++) {
      // × 32768 mirrors the downmix's ÷ 32768, so 24 kHz mono input comes out bit-exact.
      let value = Math.round(samples[index]! * FULL_SCALE);
      if (value > 32767) value = 32767;
      else if (value < -32768) value = -32768;
      frame[this.frameFill++] = value;

      this.levelSumSquares += value * value;
      const magnitude = value < 0 ? -value : value;
      if (magnitude > this.levelPeak) this.levelPeak = magnitude;
      if (++this.levelCount === LEVEL_WINDOW_SAMPLES) this.reportLevel();

      if (this.frameFill === frameSamples) this.emitFrame(arrivalMs);
    }
  }

  private reportLevel(): void {
    const levels: PcmLevels = {
      rmsDbfs: meanSquareToDbfs(this.levelSumSquares, this.levelCount),
      peakDbfs: peakToDbfs(this.levelPeak),
    };
    this.levelSumSquares = 0;
    this.levelPeak = 0;
    this.levelCount = 0;
    this.onLevel?.(levels);
  }

  private emitFrame(arrivalMs: number): void {
    const frame = this.frame;
    this.frameFill = 0;
    if (this.processor) this.processor.process(frame, this.playbackReference?.());

    const pcm = Buffer.allocUnsafe(CapturePipeline.FRAME_BYTES);
    let sumSquares = 0;
    let peak = 0;
    if (HOST_IS_LITTLE_ENDIAN) {
      pcm.set(this.frameBytes);
      for (let index = 0; index < frame.length; index++) {
        const value = frame[index]!;
        sumSquares += value * value;
        const magnitude = value < 0 ? -value : value;
        if (magnitude > peak) peak = magnitude;
      }
    } else {
      for (let index = 0; index < frame.length; index++) {
        const value = frame[index]!;
        pcm.writeInt16LE(value, index * 2);
        sumSquares += value * value;
        const magnitude = value < 0 ? -value : value;
        if (magnitude > peak) peak = magnitude;
      }
    }

    const aheadMs = this.inputSamples * this.msPerInputSample - this.framesEmitted * CAPTURE_FRAME_MS;
    let capturedAtMs = arrivalMs - aheadMs;
    if (capturedAtMs < this.lastCapturedAtMs) capturedAtMs = this.lastCapturedAtMs;
    this.lastCapturedAtMs = capturedAtMs;
    this.framesEmitted++;

    this.onFrame({
      pcm,
      capturedAtMs,
      rmsDbfs: meanSquareToDbfs(sumSquares, frame.length),
      peakDbfs: peakToDbfs(peak),
    });
  }
}
