// The microphone side of the audio host before the echo canceller: device chunks become 10 ms
// frames of 24 kHz mono, each stamped with the time of its last sample and measured as heard
// (the raw level, for the room check's "before" number).
import { MonoFrameCutter, MONO_FRAME_MS, type DeviceFormat } from './mono-frame-cutter';

const FULL_SCALE = 32_768;

/** A conditioned frame: reused between calls (copy to keep); may be changed in place. */
export type ConditionedFrameListener = (frame: Int16Array, capturedAtMs: number, rawRmsDbfs: number) => void;

/** RMS of PCM16 samples relative to full scale, dBFS (-Infinity for digital silence). */
export function rmsDbfs(samples: Int16Array): number {
  let sumSquares = 0;
  for (let index = 0; index < samples.length; index++) {
    const value = samples[index]!;
    sumSquares += value * value;
  }
  return 10 * Math.log10(sumSquares / (samples.length * FULL_SCALE * FULL_SCALE));
}

/**
 * Timestamps: a device chunk is taken to end at the clock time it arrives. The resampler adds no
 * delay, so frame k (counting from 1) ends at exactly k × 10 ms of stream time, and its last
 * sample was captured at the arrival time minus the audio received after it:
 *   capturedAtMs = arrivalMs − (inputSampleFrames / deviceRate × 1000 − k × 10)
 * Computed from sample counts, it does not drift with rounding; it moves only with the arrival
 * clock's jitter, and never goes backwards.
 */
export class CaptureConditioner {
  private readonly cutter: MonoFrameCutter;
  private readonly msPerInputFrame: number;
  private arrivalMs = 0;
  private lastCapturedAtMs = -Infinity;

  constructor(
    format: DeviceFormat,
    private readonly onFrame: ConditionedFrameListener,
  ) {
    this.msPerInputFrame = 1000 / format.sampleRate;
    this.cutter = new MonoFrameCutter(format, this.emit);
  }

  /** One device chunk (interleaved PCM16LE at the device's format) and its arrival time, ms. */
  push(chunk: Uint8Array, arrivalMs: number): void {
    this.arrivalMs = arrivalMs;
    this.cutter.pushPcm16le(chunk);
  }

  /** Bound once: the cutter calls it for every frame, so no closure is made per frame. */
  private readonly emit = (frame: Int16Array): void => {
    const cutter = this.cutter;
    const aheadMs = cutter.inputSampleFrames * this.msPerInputFrame - cutter.framesEmitted * MONO_FRAME_MS;
    let capturedAtMs = this.arrivalMs - aheadMs;
    if (capturedAtMs < this.lastCapturedAtMs) capturedAtMs = this.lastCapturedAtMs;
    this.lastCapturedAtMs = capturedAtMs;
    this.onFrame(frame, capturedAtMs, rmsDbfs(frame));
  };
}
