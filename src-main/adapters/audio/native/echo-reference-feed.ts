// The speaker side of the echo canceller: every chunk the output pump hands to the device
// (silence included: the device plays it) becomes 10 ms frames of 24 kHz mono for
// processReverse. Taken at the hand-over, not when audio arrives from the network, so the
// canceller sees the reference with only the device's own latency still ahead of it.
import { MonoFrameCutter, type DeviceFormat } from './mono-frame-cutter';

/** Where reference frames go (the EchoStage). */
export interface EchoReferenceTarget {
  /** Only while true is any work done: no canceller, no resampling. */
  readonly isCancelling: boolean;
  /** `filled`: silence standing in for a device underrun (not audio the device took at once). */
  processReverse(frame: Int16Array, filled: boolean): void;
  /** The reference starts a new stream (first chunk, or after a pause): any delay measured on the old one is void. */
  referenceRestarted?(): void;
}

/** A device underrun shorter than this is left alone (the canceller follows a small shift by itself). */
export const MIN_FILLED_UNDERRUN_MS = 10;
/** A longer gap is filled only this far: the canceller searches about half a second of delay anyway. */
const MAX_FILLED_GAP_MS = 1_000;

/**
 * The reference follows the wall clock, as the device does. When the pump is late (a busy event
 * loop, a loaded machine) and the device runs dry, the sound server plays silence the pump never
 * handed over; without it the reference would fall behind the echo by that much for good, and a
 * few underruns would push the delay past what the canceller can find. So the feed tracks
 * `wall time elapsed − audio handed over`: its lowest value is when the most was buffered past the
 * hand-over (`bufferedMs`: the pump's chunks in flight and naudiodon's queue; PortAudio's callback
 * waits for the queue rather than buffering ahead). Growth beyond that buffer means the device ran
 * dry for the excess, which is fed as silence. Measured here on a loaded machine: the lag sits
 * within 25 ms of its lowest 99 % of the time; without the filling the reference fell 7 % behind
 * the microphone over 4 s (93 frames a second against 100).
 */
export class EchoReferenceFeed {
  private readonly cutter: MonoFrameCutter;
  private readonly msPerSampleFrame: number;
  private readonly silence: Int16Array;
  private readonly silenceFrames: number;
  /** True after a chunk was skipped: the next one starts a new stream (no stale resampler history). */
  private interrupted = true;
  private startedAtMs = 0;
  private handedMs = 0;
  /** The lowest `elapsed − handed` seen: the device's buffer at its fullest. */
  private baselineLagMs = Infinity;
  private filledGapMs = 0;
  /** True while underrun silence goes out, so the target can tell it from a device taking a burst. */
  private filling = false;

  constructor(
    format: DeviceFormat,
    private readonly target: EchoReferenceTarget,
    /** Audio held past the hand-over when the device's queue is full, ms. */
    private readonly bufferedMs: number,
  ) {
    this.cutter = new MonoFrameCutter(format, this.forward);
    this.msPerSampleFrame = 1000 / format.sampleRate;
    this.silenceFrames = Math.ceil(format.sampleRate / 100);
    this.silence = new Int16Array(this.silenceFrames * format.channels);
  }

  /** Silence fed for underruns so far, ms (diagnostics). */
  get filledGapsMs(): number {
    return this.filledGapMs;
  }

  /** A chunk as handed to the device (interleaved PCM16 in the device's format), and when, in monotonic ms. */
  push(samples: Int16Array, sampleFrames: number, nowMs: number): void {
    if (!this.target.isCancelling) {
      this.interrupted = true;
      return;
    }
    if (this.interrupted) {
      this.cutter.reset();
      this.interrupted = false;
      this.startedAtMs = nowMs;
      this.handedMs = 0;
      this.baselineLagMs = Infinity;
      this.target.referenceRestarted?.();
    }
    const lagMs = nowMs - this.startedAtMs - this.handedMs;
    if (lagMs < this.baselineLagMs) this.baselineLagMs = lagMs;
    else {
      const underrunMs = lagMs - this.baselineLagMs - this.bufferedMs;
      if (underrunMs > MIN_FILLED_UNDERRUN_MS) this.fillGap(underrunMs);
    }
    this.cutter.pushInterleaved(samples, sampleFrames);
    this.handedMs += sampleFrames * this.msPerSampleFrame;
  }

  private fillGap(gapMs: number): void {
    this.handedMs += gapMs;
    let frames = Math.round(Math.min(gapMs, MAX_FILLED_GAP_MS) / this.msPerSampleFrame);
    this.filledGapMs += frames * this.msPerSampleFrame;
    this.filling = true;
    while (frames > 0 && this.target.isCancelling) {
      const take = Math.min(frames, this.silenceFrames);
      this.cutter.pushInterleaved(this.silence, take);
      frames -= take;
    }
    this.filling = false;
  }

  /** Bound once, so no closure is made per frame. */
  private readonly forward = (frame: Int16Array): void => {
    this.target.processReverse(frame, this.filling);
  };
}
