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
  /** The device ran dry and the reference was realigned: the canceller lost the echo for a moment. */
  underrunFilled?(): void;
}

/**
 * The lag's floor is read over windows this long: 20-30 pushes, more than the 80 ms in which the
 * phase of PortAudio's 256-frame callbacks against the pump's 240-frame chunks comes round, so
 * the window holds the moment the device's queue is fullest.
 */
export const LAG_WINDOW_MS = 100;
/**
 * A push this far over the floor is a stall: the floor is read again at once, over one window.
 * In steady state a push waits up to one callback for room (5.3 ms) plus the loop's latency; the
 * device runs dry only after a stall longer than its queue (20 ms).
 */
const STALL_MS = 10;
/** A rise of the floor smaller than this is left alone: window to window the floor moves 0.1-0.3 ms here. */
export const MIN_FILLED_UNDERRUN_MS = 0.75;
/** A rise seen without a stall must be seen again by the next window, this closely, to be filled. */
const UNDERRUN_AGREEMENT_MS = 0.75;
/** A longer gap is filled only this far: the canceller searches about half a second of delay anyway. */
const MAX_FILLED_GAP_MS = 1_000;

/**
 * The reference follows the device's timeline, silence included. When the pump is late (a busy
 * event loop, a loaded machine) and the device runs dry, the sound server plays silence the pump
 * never handed over; the echo then comes that much later for good, and AEC3, which aligns the
 * two streams by their sample counts, loses it (measured in the PulseAudio room: after an
 * unfilled 7 ms underrun 25-38 dB were removed for the rest of a 25 s answer, 80 dB before).
 *
 * So the feed tracks `lag = wall time elapsed − audio handed over`. It is lowest just after a
 * write into a full queue, and that floor moves only when the device's timeline does: an
 * underrun of U ms raises it by U for good (the pump writes no faster than the device plays),
 * while a late write only raises single readings. The floor of each LAG_WINDOW_MS is compared
 * with the floor before it. A stall (one reading STALL_MS over) starts a window at once, and a
 * rise it finds is fed as that much silence, to the device's sample, about 0.1 s after the pump
 * resumed; a rise without a stall must be seen by two windows in a row. Otherwise the floor is
 * followed as it is: it drifts with the device's clock against the wall clock (0.5 ms a second
 * on PulseAudio here), and falls when the sound server holds more, which only delays the audio.
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
  /** The floor of `elapsed − handed` the device's timeline is judged against (Infinity until the first window). */
  private floorMs = Infinity;
  private windowStartedAtMs = 0;
  private windowFloorMs = Infinity;
  /** The window was started by a stall: a rise it finds is filled without waiting for another. */
  private windowAfterStall = false;
  /** The rise the last window saw without a stall, waiting for the next window to agree. */
  private candidateRiseMs: number | undefined;
  private filledGapMs = 0;
  private fills = 0;
  /** True while underrun silence goes out, so the target can tell it from a device taking a burst. */
  private filling = false;

  constructor(
    format: DeviceFormat,
    private readonly target: EchoReferenceTarget,
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

  /** Underruns filled so far (diagnostics). */
  get underrunsFilled(): number {
    return this.fills;
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
      this.floorMs = Infinity;
      this.startWindow(nowMs, false);
      this.candidateRiseMs = undefined;
      this.target.referenceRestarted?.();
    }
    const lagMs = nowMs - this.startedAtMs - this.handedMs;
    if (!this.windowAfterStall && lagMs > this.floorMs + STALL_MS) {
      // The pump was stalled: this reading holds the stall; the catch-up after it shows what the device lost.
      this.startWindow(nowMs, true);
    } else {
      if (lagMs < this.windowFloorMs) this.windowFloorMs = lagMs;
      if (nowMs - this.windowStartedAtMs >= LAG_WINDOW_MS) {
        this.judgeWindow(this.windowFloorMs);
        this.startWindow(nowMs, false);
      }
    }
    this.cutter.pushInterleaved(samples, sampleFrames);
    this.handedMs += sampleFrames * this.msPerSampleFrame;
  }

  private startWindow(nowMs: number, afterStall: boolean): void {
    this.windowStartedAtMs = nowMs;
    this.windowFloorMs = Infinity;
    this.windowAfterStall = afterStall;
  }

  /** One window's floor against the one before: a rise that lasts is an underrun, filled; anything else is followed. */
  private judgeWindow(windowFloorMs: number): void {
    const riseMs = windowFloorMs - this.floorMs;
    if (!(riseMs >= MIN_FILLED_UNDERRUN_MS)) {
      this.floorMs = windowFloorMs;
      this.candidateRiseMs = undefined;
      return;
    }
    const candidate = this.candidateRiseMs;
    if (this.windowAfterStall) this.fillGap(riseMs);
    else if (candidate !== undefined && Math.abs(candidate - riseMs) <= UNDERRUN_AGREEMENT_MS) this.fillGap(Math.min(candidate, riseMs));
    else {
      this.candidateRiseMs = riseMs;
      return;
    }
    this.candidateRiseMs = undefined;
  }

  private fillGap(gapMs: number): void {
    const frames = Math.round(Math.min(gapMs, MAX_FILLED_GAP_MS) / this.msPerSampleFrame);
    // The floor rose by the whole gap, filled or not: only the part fed counts as fed.
    this.handedMs += gapMs;
    this.filledGapMs += frames * this.msPerSampleFrame;
    this.fills++;
    this.target.underrunFilled?.();
    this.filling = true;
    for (let left = frames; left > 0 && this.target.isCancelling; ) {
      const take = Math.min(left, this.silenceFrames);
      this.cutter.pushInterleaved(this.silence, take);
      left -= take;
    }
    this.filling = false;
  }

  /** Bound once, so no closure is made per frame. */
  private readonly forward = (frame: Int16Array): void => {
    this.target.processReverse(frame, this.filling);
  };
}
