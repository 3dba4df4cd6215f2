/**
 * PCM16 little-endian helpers: float conversion, fixed-size framing and levels.
 * Byte arrays are PCM16LE regardless of the host's endianness (read and written through DataView),
 * and may start at any byte offset (Node Buffers from a pool often do).
 */

/** 20 ms at 24 kHz: the frame the realtime API's input buffer is fed with. */
export const FRAME_SAMPLES_24K_20MS = 480;
export const BYTES_PER_PCM16_SAMPLE = 2;

/**
 * Float samples in [-1, 1] to PCM16LE bytes. Values outside the range are clipped (NaN becomes 0);
 * negative values scale by 32768 and positive by 32767 so both full-scale ends are reachable.
 */
export function float32ToPcm16le(samples: Float32Array): Uint8Array {
  const bytes = new Uint8Array(samples.length * BYTES_PER_PCM16_SAMPLE);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < samples.length; index++) {
    view.setInt16(index * 2, floatToInt16(samples[index]!), true);
  }
  return bytes;
}

export function floatToInt16(value: number): number {
  if (!(value > -1)) return value <= -1 ? -32768 : 0; // also catches NaN
  if (value >= 1) return 32767;
  return Math.round(value < 0 ? value * 32768 : value * 32767);
}

/** PCM16LE bytes to floats in [-1, 1); an odd trailing byte is ignored. */
export function pcm16leToFloat32(bytes: Uint8Array): Float32Array {
  const count = bytes.byteLength >> 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Float32Array(count);
  for (let index = 0; index < count; index++) samples[index] = view.getInt16(index * 2, true) / 32768;
  return samples;
}

/** PCM16LE bytes to Int16 sample values; an odd trailing byte is ignored. */
export function pcm16leToInt16(bytes: Uint8Array): Int16Array {
  const count = bytes.byteLength >> 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const samples = new Int16Array(count);
  for (let index = 0; index < count; index++) samples[index] = view.getInt16(index * 2, true);
  return samples;
}

/**
 * Cuts a stream of PCM16LE mono bytes into frames of exactly `frameSamples` samples, carrying the
 * remainder (even a lone odd byte) into the next push. Each returned frame is a fresh array the
 * caller may keep.
 */
export class FrameSplitter {
  readonly frameBytes: number;
  private readonly pending: Uint8Array;
  private pendingBytes = 0;

  constructor(readonly frameSamples = FRAME_SAMPLES_24K_20MS) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) {
      throw new RangeError(`FrameSplitter: frameSamples must be a positive integer, got ${frameSamples}`);
    }
    this.frameBytes = frameSamples * BYTES_PER_PCM16_SAMPLE;
    this.pending = new Uint8Array(this.frameBytes);
  }

  /** Whole samples waiting for the next frame. */
  get pendingSamples(): number {
    return this.pendingBytes >> 1;
  }

  push(pcm16le: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    let offset = 0;
    if (this.pendingBytes > 0) {
      const take = Math.min(this.frameBytes - this.pendingBytes, pcm16le.byteLength);
      this.pending.set(pcm16le.subarray(0, take), this.pendingBytes);
      this.pendingBytes += take;
      offset = take;
      if (this.pendingBytes < this.frameBytes) return frames;
      frames.push(this.pending.slice());
      this.pendingBytes = 0;
    }
    while (pcm16le.byteLength - offset >= this.frameBytes) {
      frames.push(pcm16le.slice(offset, offset + this.frameBytes));
      offset += this.frameBytes;
    }
    const rest = pcm16le.byteLength - offset;
    if (rest > 0) {
      this.pending.set(pcm16le.subarray(offset), 0);
      this.pendingBytes = rest;
    }
    return frames;
  }

  /**
   * Ends the stream: returns the partial frame padded with silence to full length, or undefined
   * when nothing is pending. A lone odd byte (half a sample) is dropped.
   */
  flush(): Uint8Array | undefined {
    const wholeBytes = this.pendingBytes & ~1;
    this.pendingBytes = 0;
    if (wholeBytes === 0) return undefined;
    const frame = new Uint8Array(this.frameBytes);
    frame.set(this.pending.subarray(0, wholeBytes), 0);
    return frame;
  }
}

export interface PcmLevels {
  /** RMS relative to full scale (32768): a full-scale sine reads about -3.01 dBFS. */
  readonly rmsDbfs: number;
  /** Largest magnitude relative to 32768. */
  readonly peakDbfs: number;
}

/**
 * Levels of PCM16 audio, given as PCM16LE bytes (a Buffer works) or Int16 sample values.
 * Digital silence (or no samples) reads -Infinity for both; callers that display levels clamp.
 */
export function pcmLevels(pcm16: Uint8Array | Int16Array): PcmLevels {
  const samples = pcm16 instanceof Int16Array ? pcm16 : pcm16leToInt16(pcm16);
  if (samples.length === 0) return { rmsDbfs: -Infinity, peakDbfs: -Infinity };
  let sumSquares = 0;
  let peak = 0;
  for (let index = 0; index < samples.length; index++) {
    const value = samples[index]!;
    sumSquares += value * value;
    const magnitude = value < 0 ? -value : value;
    if (magnitude > peak) peak = magnitude;
  }
  const rms = Math.sqrt(sumSquares / samples.length);
  return { rmsDbfs: 20 * Math.log10(rms / 32768), peakDbfs: 20 * Math.log10(peak / 32768) };
}
