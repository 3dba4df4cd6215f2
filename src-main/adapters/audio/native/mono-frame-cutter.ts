// Turns a device's PCM16 stream (any rate, interleaved channels) into the echo canceller's unit:
// exact 10 ms frames of 24 kHz mono PCM16. Used twice in the audio host: on what the microphone
// captured and on what the speaker is handed, so both sides reach the canceller in the same form.
import { Resampler } from '../../../core/audio/resampler';
import { ECHO_CANCELLER_FRAME_SAMPLES, ECHO_CANCELLER_SAMPLE_RATE_HZ } from '../echo-canceller/echo-canceller';

export const MONO_FRAME_SAMPLE_RATE_HZ = ECHO_CANCELLER_SAMPLE_RATE_HZ;
/** 240 samples: 10 ms at 24 kHz. */
export const MONO_FRAME_SAMPLES = ECHO_CANCELLER_FRAME_SAMPLES;
export const MONO_FRAME_MS = (MONO_FRAME_SAMPLES * 1000) / MONO_FRAME_SAMPLE_RATE_HZ;
const FULL_SCALE = 32_768;
const INITIAL_SCRATCH_SAMPLES = 2_048;

export interface DeviceFormat {
  /** The device's rate, Hz. */
  readonly sampleRate: number;
  /** Interleaved channels per sample frame. */
  readonly channels: number;
}

/**
 * Downmix (mean of the channels) → band-limited resample to 24 kHz (no added delay) → exact
 * 240-sample frames. Each completed frame is passed to `onFrame` in one reused Int16Array: the
 * listener may change it in place (the canceller does) but must copy it to keep it. The only
 * allocation per push is the resampler's output array (none at 24 kHz).
 */
export class MonoFrameCutter {
  /** The frame being filled; what `onFrame` receives. */
  readonly frame = new Int16Array(MONO_FRAME_SAMPLES);
  private fill = 0;
  private mono = new Float32Array(INITIAL_SCRATCH_SAMPLES);
  private readonly resampler: Resampler | undefined;
  private readonly channels: number;
  /** 1 / (channels × 32768): averages the channels and scales to [-1, 1) in one multiply. */
  private readonly downmixScale: number;
  private inputFrames = 0;
  private emittedFrames = 0;

  constructor(
    format: DeviceFormat,
    private readonly onFrame: (frame: Int16Array) => void,
  ) {
    if (!Number.isInteger(format.sampleRate) || format.sampleRate <= 0) throw new RangeError(`MonoFrameCutter: sampleRate must be a positive integer in Hz, got ${format.sampleRate}`);
    if (!Number.isInteger(format.channels) || format.channels <= 0) throw new RangeError(`MonoFrameCutter: channels must be a positive integer, got ${format.channels}`);
    this.channels = format.channels;
    this.downmixScale = 1 / (format.channels * FULL_SCALE);
    this.resampler = format.sampleRate === MONO_FRAME_SAMPLE_RATE_HZ ? undefined : new Resampler(format.sampleRate, MONO_FRAME_SAMPLE_RATE_HZ);
  }

  /** Sample frames (one sample per channel) received since construction or reset. */
  get inputSampleFrames(): number {
    return this.inputFrames;
  }

  /** 10 ms frames handed to `onFrame` since construction or reset (the current one included while it runs). */
  get framesEmitted(): number {
    return this.emittedFrames;
  }

  /** Interleaved PCM16 in the host's byte order (PortAudio's and the playback buffer's). */
  pushInterleaved(samples: Int16Array, sampleFrames: number): void {
    const mono = this.scratch(sampleFrames);
    const channels = this.channels;
    const scale = this.downmixScale;
    for (let frame = 0, base = 0; frame < sampleFrames; frame++, base += channels) {
      let sum = 0;
      for (let channel = 0; channel < channels; channel++) sum += samples[base + channel]!;
      mono[frame] = sum * scale;
    }
    this.consume(mono, sampleFrames);
  }

  /**
   * Interleaved PCM16 little-endian bytes, as a device chunk. Device chunks hold whole sample
   * frames (their size is a multiple of the frame size); a trailing partial frame is ignored.
   */
  pushPcm16le(bytes: Uint8Array): void {
    const channels = this.channels;
    const sampleFrames = Math.floor(bytes.byteLength / (2 * channels));
    const mono = this.scratch(sampleFrames);
    const scale = this.downmixScale;
    for (let frame = 0, at = 0; frame < sampleFrames; frame++) {
      let sum = 0;
      for (let channel = 0; channel < channels; channel++, at += 2) sum += ((bytes[at]! | (bytes[at + 1]! << 8)) << 16) >> 16;
      mono[frame] = sum * scale;
    }
    this.consume(mono, sampleFrames);
  }

  /** Starts a new stream: forgets the partial frame, the resampler's history and the counts. */
  reset(): void {
    this.resampler?.reset();
    this.fill = 0;
    this.inputFrames = 0;
    this.emittedFrames = 0;
  }

  private scratch(sampleFrames: number): Float32Array {
    if (sampleFrames > this.mono.length) this.mono = new Float32Array(Math.max(sampleFrames, this.mono.length * 2));
    return this.mono;
  }

  private consume(mono: Float32Array, count: number): void {
    if (count === 0) return;
    this.inputFrames += count;
    if (this.resampler) {
      const output = this.resampler.process(mono.subarray(0, count));
      this.cut(output, output.length);
    } else {
      this.cut(mono, count);
    }
  }

  private cut(samples: Float32Array, count: number): void {
    const frame = this.frame;
    for (let index = 0; index < count; index++) {
      // × 32768 mirrors the downmix's ÷ 32768, so 24 kHz mono input comes out bit-exact.
      let value = Math.round(samples[index]! * FULL_SCALE);
      if (value > 32_767) value = 32_767;
      else if (value < -32_768) value = -32_768;
      frame[this.fill++] = value;
      if (this.fill === MONO_FRAME_SAMPLES) {
        this.fill = 0;
        this.emittedFrames++;
        this.onFrame(frame);
      }
    }
  }
}
