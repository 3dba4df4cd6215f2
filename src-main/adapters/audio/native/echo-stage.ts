// The echo canceller's place in the audio host: created when the microphone opens, fed both
// directions in 10 ms frames, closed when the microphone closes. It never throws into the audio
// path: a canceller that cannot start or fails while running leaves the echo gate in charge (in
// the app), and the stage says which protection is active and why.
import type { EchoCancellationSettings, EchoProtection } from '../../../../src-shared/echo-cancellation';
import {
  createEchoCanceller,
  ECHO_CANCELLER_MAX_STREAM_DELAY_MS,
  ECHO_CANCELLER_SAMPLE_RATE_HZ,
  EchoCancellerUnavailableError,
  type EchoCanceller,
  type EchoCancellerOptions,
} from '../echo-canceller/echo-canceller';

export type EchoCancellerFactory = (options: EchoCancellerOptions) => EchoCanceller;

export const TURNED_OFF_MESSAGE = 'Echo cancellation is turned off in the settings.';

export interface EchoStageOptions {
  /** Makes the canceller; tests inject one that fails. Defaults to WebRTC's (createEchoCanceller). */
  readonly createCanceller?: EchoCancellerFactory;
  /** The protection changed while the microphone was open (a failure, a new delay hint). */
  readonly onProtectionChange: (protection: EchoProtection) => void;
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
  private delayHintMs = 0;
  private readonly createCanceller: EchoCancellerFactory;

  constructor(private readonly options: EchoStageOptions) {
    this.createCanceller = options.createCanceller ?? createEchoCanceller;
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
    if (!settings.enabled) {
      this.current = { kind: 'gate', reason: 'turned-off', message: TURNED_OFF_MESSAGE };
      return this.current;
    }
    try {
      const canceller = this.createCanceller({
        sampleRateHz: ECHO_CANCELLER_SAMPLE_RATE_HZ,
        noiseSuppression: settings.noiseSuppression,
        highPassFilter: true,
        autoGainControl: settings.autoGainControl,
      });
      this.canceller = canceller;
      canceller.setStreamDelayMs(this.delayHintMs);
      this.current = { kind: 'canceller', delayHintMs: this.delayHintMs };
    } catch (error) {
      this.release();
      const message = error instanceof EchoCancellerUnavailableError ? error.message : `Echo cancellation could not start: ${describe(error)}.`;
      this.current = { kind: 'gate', reason: 'unavailable', message };
    }
    return this.current;
  }

  /** A stream (re)opened with a different latency: tell the canceller, and the app if it changed. */
  setDelayHintMs(ms: number): void {
    const hint = clampDelayHintMs(ms);
    if (hint === this.delayHintMs) return;
    this.delayHintMs = hint;
    const canceller = this.canceller;
    if (!canceller) return;
    try {
      canceller.setStreamDelayMs(hint);
    } catch (error) {
      this.fail('setStreamDelayMs', error);
      return;
    }
    this.current = { kind: 'canceller', delayHintMs: hint };
    this.options.onProtectionChange(this.current);
  }

  /** The speaker's 10 ms frame as it is handed to the device. */
  processReverse(frame: Int16Array): void {
    const canceller = this.canceller;
    if (!canceller) return;
    try {
      canceller.processReverse(frame);
    } catch (error) {
      this.fail('processReverse', error);
    }
  }

  /** The microphone's 10 ms frame: the echo is removed in place (unchanged without a canceller). */
  processCapture(frame: Int16Array): void {
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
