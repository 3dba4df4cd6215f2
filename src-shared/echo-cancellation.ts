// What the app, the headless command and the window share about echo: the canceller's settings,
// which protection is active (the WebRTC canceller, or the echo gate as the fallback) and why,
// the barge-in length, the hands-free turn detection and the room check's result.

/** The canceller's settings (the high-pass filter always runs with it). */
export interface EchoCancellationSettings {
  /** Off: the echo gate protects the session instead, as before the canceller existed. */
  readonly enabled: boolean;
  readonly noiseSuppression: boolean;
  readonly autoGainControl: boolean;
}

export const DEFAULT_ECHO_CANCELLATION: EchoCancellationSettings = Object.freeze({
  enabled: true,
  noiseSuppression: true,
  autoGainControl: false,
});

/**
 * Which protection the microphone has now. `canceller`: the echo is removed from every frame, so
 * the user can talk over the assistant. `gate`: frames that are only the assistant's echo are sent
 * as silence; `reason` says why the canceller is not running (`message` in words for the user).
 */
export type EchoProtection =
  // delayHintMs: the speaker-to-microphone delay the canceller is aligned for, ms; measured from
  // the signals once the speaker has played enough (the reference is held back by most of it),
  // computed from the streams' latencies until then. instance: a new number for every canceller
  // the audio process starts (the microphone opened, new settings, a restart after the speaker
  // filled its buffer); a new one converges afresh, a change of delay keeps the same one.
  // underruns: times the speaker ran dry under this canceller; the reference is realigned after
  // each, and the canceller takes up to about a second to find the echo again.
  | { readonly kind: 'canceller'; readonly delayHintMs: number; readonly instance?: number; readonly underruns?: number }
  | { readonly kind: 'gate'; readonly reason: 'turned-off' | 'unavailable'; readonly message: string };

/** Speech must last this long over the assistant before it stops it: a cough or "mm-hm" does not. */
export const DEFAULT_MIN_BARGE_IN_MS = 250;
export const MIN_BARGE_IN_MS_RANGE = Object.freeze({ min: 100, max: 1_500 });

export function isMinBargeInMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= MIN_BARGE_IN_MS_RANGE.min && value <= MIN_BARGE_IN_MS_RANGE.max;
}

export const MIN_BARGE_IN_PROBLEM = `must be a whole number of milliseconds from ${MIN_BARGE_IN_MS_RANGE.min} to ${MIN_BARGE_IN_MS_RANGE.max}`;

/** How the server finds the end of a hands-free turn (v2): by a pause, or by what was said. */
export type HandsFreeTurnDetection = 'server_vad' | 'semantic_vad';
export const HANDS_FREE_TURN_DETECTIONS: readonly HandsFreeTurnDetection[] = ['server_vad', 'semantic_vad'];

/** One line for the status area and headless: which protection is active, and why. */
export function describeEchoProtection(protection: EchoProtection): string {
  if (protection.kind === 'canceller') return 'Echo cancellation on: you can talk over the assistant.';
  if (protection.reason === 'turned-off') return 'Echo cancellation off: the echo gate mutes the microphone while the assistant speaks louder than you.';
  return `Echo gate in use: ${protection.message}`;
}
