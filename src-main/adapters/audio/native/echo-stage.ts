// The echo canceller's place in the audio host: created when the microphone opens, fed both
// directions in 10 ms frames, closed when the microphone closes. It never throws into the audio
// path: a canceller that cannot start or fails while running leaves the echo gate in charge (in
// the app), and the stage says which protection is active and why.
//
// It also keeps the canceller aligned. The delay from a reference frame to its echo in a captured
// frame, counted in the canceller's own calls, is measured (echo-delay-estimator.ts); when it is
// beyond where AEC3 works well the reference is held back by the excess (reference-delay-line.ts):
// on the synthetic room AEC3 alone removes 1 dB of a 700 ms echo, 62 dB once aligned. On
// PulseAudio here that delay measured 90-100 ms in every run (the room check's 430-710 ms counts
// from the write, before the hand-over), so the line stays at 0 there; what broke the canceller
// was the output filling its buffer when it opens (45 reference frames at once): see
// restartAfterBurst.
import type { EchoCancellationSettings, EchoProtection } from '../../../../src-shared/echo-cancellation';
import {
  createEchoCanceller,
  ECHO_CANCELLER_FRAME_MS,
  ECHO_CANCELLER_MAX_STREAM_DELAY_MS,
  ECHO_CANCELLER_SAMPLE_RATE_HZ,
  EchoCancellerUnavailableError,
  type EchoCanceller,
  type EchoCancellerOptions,
} from '../echo-canceller/echo-canceller';
import { ECHO_DELAY_MAX_MS, EchoDelayEstimator } from './echo-delay-estimator';
import { ReferenceDelayLine } from './reference-delay-line';

export type EchoCancellerFactory = (options: EchoCancellerOptions) => EchoCanceller;

export const TURNED_OFF_MESSAGE = 'Echo cancellation is turned off in the settings.';

/**
 * What AEC3 is left to find once the delay line holds the reference back: well inside its ~0-500 ms
 * search, and where it works best. Measured on the synthetic room (no noise suppression): with
 * 250-400 ms of true delay it removes ~62 dB within 2 s, with 20-200 ms only 30-50 dB, rising slowly.
 * So a delay of up to ALIGNED_DELAY_MS + DELAY_LINE_CHANGE_MIN_MS is left alone.
 */
export const ALIGNED_DELAY_MS = 300;
/** AEC3 re-converges after every change of the delay line: smaller moves are left to its own search. */
export const DELAY_LINE_CHANGE_MIN_MS = 30;
/**
 * More reference frames than this between two capture frames, fed faster than twice real time, is
 * a burst (call jitter is 0-2 here). Fed at about real time they are a capture stall instead,
 * which the capture frames catching up undo: no restart then.
 */
const RENDER_BURST_FRAMES = 8;

export interface EchoStageOptions {
  /** Makes the canceller; tests inject one that fails. Defaults to WebRTC's (createEchoCanceller). */
  readonly createCanceller?: EchoCancellerFactory;
  /** The protection changed while the microphone was open (a failure, a new delay hint). */
  readonly onProtectionChange: (protection: EchoProtection) => void;
  /** Monotonic clock, ms (tests drive it). Defaults to performance.now. */
  readonly now?: () => number;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The delay hint the canceller accepts: whole milliseconds within its range. */
export function clampDelayHintMs(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) return 0;
  return Math.min(Math.round(ms), ECHO_CANCELLER_MAX_STREAM_DELAY_MS);
}

export class EchoStage {
  private canceller: EchoCanceller | undefined;
  private current: EchoProtection | undefined;
  /** The delay computed from the streams' latencies: used until one is measured. */
  private delayHintMs = 0;
  private readonly estimator = new EchoDelayEstimator();
  private readonly delayLine = new ReferenceDelayLine(Math.round(ECHO_DELAY_MAX_MS / ECHO_CANCELLER_FRAME_MS));
  /** The total delay the canceller is aligned for (delay line + hint); what `delayHintMs` reports. */
  private alignedDelayMs = 0;
  /** Reference frames fed since the last capture frame: many at once is the output filling its buffer. */
  private reversesSinceCapture = 0;
  private firstReverseAtMs = 0;
  private lastReverseAtMs = 0;
  private readonly now: () => number;
  /** What the running canceller was made with: a restart makes a new one alike. */
  private cancellerOptions: EchoCancellerOptions | undefined;
  /** Cancellers started so far: each one's `instance` in the protection it reports. */
  private instances = 0;
  private readonly createCanceller: EchoCancellerFactory;

  constructor(private readonly options: EchoStageOptions) {
    this.createCanceller = options.createCanceller ?? createEchoCanceller;
    this.now = options.now ?? (() => performance.now());
  }

  /** What protects the open microphone; undefined while it is closed. */
  get protection(): EchoProtection | undefined {
    return this.current;
  }

  /** True while frames go through a working canceller (the reference is wanted only then). */
  get isCancelling(): boolean {
    return this.canceller !== undefined;
  }

  /**
   * Starts protection for a microphone that opens (or takes new settings): any previous canceller
   * is closed first. Returns what protects the microphone now; does not call onProtectionChange
   * (the caller answers with it).
   */
  open(settings: EchoCancellationSettings, delayHintMs: number): EchoProtection {
    this.close();
    this.delayHintMs = clampDelayHintMs(delayHintMs);
    this.forgetMeasuredDelay();
    this.delayLine.delayFrames = 0;
    this.alignedDelayMs = this.delayHintMs;
    this.reversesSinceCapture = 0;
    if (!settings.enabled) {
      this.current = { kind: 'gate', reason: 'turned-off', message: TURNED_OFF_MESSAGE };
      return this.current;
    }
    try {
      this.cancellerOptions = {
        sampleRateHz: ECHO_CANCELLER_SAMPLE_RATE_HZ,
        noiseSuppression: settings.noiseSuppression,
        highPassFilter: true,
        autoGainControl: settings.autoGainControl,
      };
      const canceller = this.createCanceller(this.cancellerOptions);
      this.canceller = canceller;
      canceller.setStreamDelayMs(this.delayHintMs);
      this.current = { kind: 'canceller', delayHintMs: this.alignedDelayMs, instance: ++this.instances };
    } catch (error) {
      this.release();
      const message = error instanceof EchoCancellerUnavailableError ? error.message : `Echo cancellation could not start: ${describe(error)}.`;
      this.current = { kind: 'gate', reason: 'unavailable', message };
    }
    return this.current;
  }

  /** The delay line's current length, ms (diagnostics and tests). */
  get referenceDelayMs(): number {
    return this.delayLine.delayFrames * ECHO_CANCELLER_FRAME_MS;
  }

  /**
   * A stream (re)opened with a different latency: the computed hint changes. It is what the
   * canceller is told until a delay is measured; tell the canceller, and the app if it changed.
   */
  setDelayHintMs(ms: number): void {
    const hint = clampDelayHintMs(ms);
    if (hint === this.delayHintMs) return;
    this.delayHintMs = hint;
    if (this.estimator.delayMs === undefined) this.align(hint, 0);
  }

  /**
   * The reference restarted (the output opened, or the feed resumed after a pause): the delay
   * measured so far no longer holds. Back to the computed hint until the new one is measured.
   */
  referenceRestarted(): void {
    if (!this.canceller) return;
    this.forgetMeasuredDelay();
    this.align(this.delayHintMs, 0);
  }

  /**
   * The speaker ran dry and the reference was realigned (echo-reference-feed.ts): the canceller
   * lost the echo for a moment. The app hears of it, so that echo is not taken for the user.
   */
  underrunFilled(): void {
    const current = this.current;
    if (!this.canceller || current?.kind !== 'canceller') return;
    this.current = { ...current, underruns: (current.underruns ?? 0) + 1 };
    this.options.onProtectionChange(this.current);
  }

  /**
   * The speaker's 10 ms frame as it is handed to the device: measured as fed, then delayed.
   * `filled` frames are silence standing in for a device underrun: the device did not take them
   * at once, so they never count as a burst (measured under load: an 82 ms underrun filled as 9
   * frames restarted a converged canceller, and the echo removed fell from 80 to 9-14 dB).
   */
  processReverse(frame: Int16Array, filled = false): void {
    const canceller = this.canceller;
    if (!canceller) return;
    this.estimator.addReference(frame);
    if (!filled) {
      const nowMs = this.now();
      if (this.reversesSinceCapture++ === 0) this.firstReverseAtMs = nowMs;
      this.lastReverseAtMs = nowMs;
    }
    try {
      canceller.processReverse(this.delayLine.push(frame));
    } catch (error) {
      this.fail('processReverse', error);
    }
  }

  /** The microphone's 10 ms frame: the echo is removed in place (unchanged without a canceller). */
  processCapture(frame: Int16Array): void {
    if (!this.canceller) return;
    // Before the canceller, which may be replaced (or fail) when the measured delay moves.
    if (this.reversesSinceCapture > RENDER_BURST_FRAMES && this.lastReverseAtMs - this.firstReverseAtMs < (this.reversesSinceCapture * ECHO_CANCELLER_FRAME_MS) / 2) {
      this.restartAfterBurst();
    }
    this.reversesSinceCapture = 0;
    if (this.estimator.addCapture(frame)) this.followMeasuredDelay(this.estimator.delayMs!);
    const canceller = this.canceller;
    if (!canceller) return;
    try {
      canceller.processCapture(frame);
    } catch (error) {
      this.fail('processCapture', error);
    }
  }

  /** The microphone closed: release the canceller. Idempotent; never throws. */
  close(): void {
    this.release();
    this.current = undefined;
  }

  /**
   * A new measured delay: hold the reference back by all of it but ALIGNED_DELAY_MS, unless the
   * line is already within DELAY_LINE_CHANGE_MIN_MS of that (a change costs a re-convergence).
   */
  private followMeasuredDelay(measuredMs: number): void {
    const wantedFrames = Math.max(0, Math.round((measuredMs - ALIGNED_DELAY_MS) / ECHO_CANCELLER_FRAME_MS));
    const currentFrames = this.delayLine.delayFrames;
    if (Math.abs(wantedFrames - currentFrames) * ECHO_CANCELLER_FRAME_MS > DELAY_LINE_CHANGE_MIN_MS) this.align(measuredMs, wantedFrames);
    else if (Math.abs(measuredMs - this.alignedDelayMs) > DELAY_LINE_CHANGE_MIN_MS) this.align(measuredMs, currentFrames);
  }

  /**
   * Sets the delay line and tells the canceller what remains after it; reports a change to the app.
   * The canceller is kept across a move of the line: on the synthetic room it is back to ~60 dB
   * about 2.5 s after the jump, while a fresh instance started mid-stream stayed near 45 dB.
   */
  private align(totalMs: number, lineFrames: number): void {
    const canceller = this.canceller;
    if (!canceller) return;
    const lineChanged = lineFrames !== this.delayLine.delayFrames;
    this.delayLine.delayFrames = lineFrames;
    const lineMs = this.delayLine.delayFrames * ECHO_CANCELLER_FRAME_MS;
    const remainingMs = clampDelayHintMs(totalMs - lineMs);
    const alignedMs = lineMs + remainingMs;
    if (!lineChanged && alignedMs === this.alignedDelayMs) return;
    try {
      canceller.setStreamDelayMs(remainingMs);
    } catch (error) {
      this.fail('setStreamDelayMs', error);
      return;
    }
    this.alignedDelayMs = alignedMs;
    const underruns = this.current?.kind === 'canceller' ? this.current.underruns : undefined;
    this.current = { kind: 'canceller', delayHintMs: alignedMs, instance: this.instances, ...(underruns === undefined ? {} : { underruns }) };
    this.options.onProtectionChange(this.current);
  }

  /**
   * The output just filled its buffer: a burst of reference frames between two capture frames (45
   * frames within 20 ms when a PulseAudio output opens here). AEC3 takes such a burst for call
   * jitter and misaligns: on the synthetic room with a 450 ms burst holding the start of the
   * sound it removed 8-13 dB for 2.5 s (what the failing room checks showed); a canceller made
   * fresh after the burst removed 27-35 dB in that time, and 60 dB when the burst was silence.
   */
  private restartAfterBurst(): void {
    const options = this.cancellerOptions;
    if (!options) return;
    let step = 'restart';
    try {
      this.release();
      const canceller = this.createCanceller(options);
      this.canceller = canceller;
      step = 'setStreamDelayMs';
      canceller.setStreamDelayMs(clampDelayHintMs(this.alignedDelayMs - this.referenceDelayMs));
    } catch (error) {
      this.fail(step, error);
      return;
    }
    // The parent's barge-in detector must know: this canceller has not converged yet.
    this.current = { kind: 'canceller', delayHintMs: this.alignedDelayMs, instance: ++this.instances };
    this.options.onProtectionChange(this.current);
  }

  /** Forgets the measurement and the reference history (the line's length is left to the caller). */
  private forgetMeasuredDelay(): void {
    this.estimator.reset();
    this.delayLine.reset();
  }

  private fail(step: string, error: unknown): void {
    this.release();
    this.current = {
      kind: 'gate',
      reason: 'unavailable',
      message: `Echo cancellation stopped working (${step}: ${describe(error)}); the echo gate protects the microphone instead.`,
    };
    this.options.onProtectionChange(this.current);
  }

  /** A canceller that refuses to close is dropped all the same: it is not used again. */
  private release(): void {
    const canceller = this.canceller;
    this.canceller = undefined;
    try {
      canceller?.close();
    } catch {
      // Nothing to do but stop using it; the process exiting frees what the library kept.
    }
  }
}
