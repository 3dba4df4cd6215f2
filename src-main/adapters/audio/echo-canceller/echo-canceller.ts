// The acoustic echo canceller as the audio host sees it: the speaker signal goes in as the
// reference at the moment it is handed to the device, and each microphone frame comes back with
// that signal's echo removed, in place. Frames are 10 ms of 24 kHz mono PCM16. The implementation
// behind it is WebRTC's AEC3 (webrtc-apm.ts, the only file that knows the library).
import { openWebRtcApm, WEBRTC_APM_PACKAGE, type WebRtcApm } from './webrtc-apm';

export const ECHO_CANCELLER_SAMPLE_RATE_HZ = 24_000;
export const ECHO_CANCELLER_FRAME_MS = 10;
/** 240: the length of every frame passed in either direction. */
export const ECHO_CANCELLER_FRAME_SAMPLES = (ECHO_CANCELLER_SAMPLE_RATE_HZ * ECHO_CANCELLER_FRAME_MS) / 1000;
/** A delay hint beyond this is a measurement gone wrong (AEC3 searches about half a second). */
export const ECHO_CANCELLER_MAX_STREAM_DELAY_MS = 1_000;

export interface EchoCanceller {
  /** The speaker's 10 ms frame, as it is handed to the output device. */
  processReverse(frame10ms: Int16Array): void;
  /** The microphone's 10 ms frame; the echo is removed in place. */
  processCapture(frame10ms: Int16Array): void;
  /** How long after processReverse its sound reaches processCapture (output + input latency). */
  setStreamDelayMs(ms: number): void;
  /** Releases the native instance. Idempotent; a release the library refuses throws once. */
  close(): void;
}

export interface EchoCancellerOptions {
  readonly sampleRateHz: typeof ECHO_CANCELLER_SAMPLE_RATE_HZ;
  readonly noiseSuppression: boolean;
  readonly highPassFilter: boolean;
  readonly autoGainControl: boolean;
}

/**
 * The canceller cannot run here (the native library is missing for this platform, failed to load,
 * or refused to create an instance). The message is a sentence for the user; `cause` is the
 * library's own error. The caller falls back to the echo gate and says why.
 */
export class EchoCancellerUnavailableError extends Error {
  override readonly name = 'EchoCancellerUnavailableError';
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Creates an echo canceller. Throws EchoCancellerUnavailableError when the native library cannot
 * load or create one here; throws a plain Error for options it does not support.
 */
export function createEchoCanceller(options: EchoCancellerOptions): EchoCanceller {
  if (options.sampleRateHz !== ECHO_CANCELLER_SAMPLE_RATE_HZ) {
    throw new Error(`createEchoCanceller: sampleRateHz must be ${ECHO_CANCELLER_SAMPLE_RATE_HZ} (resample before the canceller); got ${String(options.sampleRateHz)}`);
  }
  let native: WebRtcApm;
  try {
    native = openWebRtcApm({ ...options, frameSamples: ECHO_CANCELLER_FRAME_SAMPLES });
  } catch (error) {
    throw new EchoCancellerUnavailableError(
      `Echo cancellation is unavailable on ${process.platform}-${process.arch}: ${WEBRTC_APM_PACKAGE} could not be loaded or started (${describe(error)}).`,
      { cause: error },
    );
  }
  return new CheckedEchoCanceller(native);
}

/** Enforces the contract before anything reaches native code, where a wrong length aborts the process. */
class CheckedEchoCanceller implements EchoCanceller {
  private closed = false;

  constructor(private readonly native: WebRtcApm) {}

  processReverse(frame10ms: Int16Array): void {
    this.checkFrame('processReverse', frame10ms);
    this.native.processReverse(frame10ms);
  }

  processCapture(frame10ms: Int16Array): void {
    this.checkFrame('processCapture', frame10ms);
    this.native.processCapture(frame10ms);
  }

  setStreamDelayMs(ms: number): void {
    this.checkOpen('setStreamDelayMs');
    if (!Number.isFinite(ms) || ms < 0 || ms > ECHO_CANCELLER_MAX_STREAM_DELAY_MS) {
      throw new RangeError(`setStreamDelayMs: expected 0 to ${ECHO_CANCELLER_MAX_STREAM_DELAY_MS} ms, got ${ms}`);
    }
    this.native.setStreamDelayMs(Math.round(ms));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.native.close();
  }

  private checkOpen(method: string): void {
    if (this.closed) throw new Error(`EchoCanceller.${method} after close(): create a new canceller`);
  }

  private checkFrame(method: string, frame: Int16Array): void {
    this.checkOpen(method);
    if (!(frame instanceof Int16Array) || frame.length !== ECHO_CANCELLER_FRAME_SAMPLES) {
      throw new RangeError(`EchoCanceller.${method} takes 10 ms frames: an Int16Array of ${ECHO_CANCELLER_FRAME_SAMPLES} samples (24 kHz mono); got ${frame instanceof Int16Array ? `${frame.length} samples` : typeof frame}`);
    }
  }
}
