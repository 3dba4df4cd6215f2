// The room check's result, as main sends it to the window (and headless prints it): Parley played
// a short sound, measured how much of it the microphone heard before the echo canceller (raw) and
// after it (cleaned), and judged whether hands-free works here. Plain data: JSON has no -Infinity,
// so a level that could not be measured is null and levels are floored at ROOM_LEVEL_FLOOR_DBFS.
import type { EchoProtection } from './echo-cancellation';

/** What the user should do: talk hands-free, wear headphones, or check the devices and retry. */
export type RoomVerdict = 'hands-free' | 'headphones' | 'inconclusive';

/** Why the verdict is what it is (one sentence each, ROOM_CHECK_SENTENCES). */
export type RoomCheckReason =
  /** The canceller runs and left the echo at the background or removed enough of it. */
  | 'echo-removed'
  /** The canceller runs but too much echo is left: it would reach the server and interrupt. */
  | 'echo-too-strong'
  /** No canceller (the gate protects) and the microphone hears the speaker only faintly. */
  | 'gate-faint-echo'
  /** No canceller and the microphone hears the speaker loudly. */
  | 'gate-loud-echo'
  /** The microphone heard nothing of the sound over a quiet background. */
  | 'not-heard'
  /** The background was too loud to tell whether the sound was heard. */
  | 'too-noisy'
  /** The microphone delivered no audio at all. */
  | 'no-microphone-audio';

export const ROOM_CHECK_SENTENCES: Record<RoomCheckReason, string> = {
  'echo-removed': 'Hands-free works on these speakers: the echo canceller removes what the microphone hears of Parley, so you can talk over it.',
  'echo-too-strong': 'Use headphones: the echo here is too strong. Turning the speaker down or moving it away from the microphone may help; run the check again after.',
  'gate-faint-echo': 'Hands-free works on these speakers, but echo cancellation is not running: to interrupt the assistant you must speak louder than it.',
  'gate-loud-echo': 'Use headphones: echo cancellation is not running and the microphone hears the speaker loudly.',
  'not-heard': 'The microphone did not hear the test sound: check that the speaker is on and the microphone is not muted.',
  'too-noisy': 'The room was too noisy to hear the test sound: try again when it is quieter, or with the speaker louder.',
  'no-microphone-audio': 'The microphone sent no sound during the check: check the microphone in Settings › Audio and try again.',
};

/** Levels below this are shown as this (digital silence reads -Infinity). */
export const ROOM_LEVEL_FLOOR_DBFS = -100;

/** The measurement behind a verdict, in dB (rounded to 0.1). */
export interface RoomCheckNumbers {
  /** RMS of the test sound as written to the speaker, over the judged stretch, dBFS. */
  readonly playedDbfs: number;
  /** What the microphone heard before the sound, without the canceller, dBFS. */
  readonly backgroundDbfs: number;
  /** The same background after the canceller (its noise suppressor lowers it), dBFS. */
  readonly cleanedBackgroundDbfs: number;
  /** The echo at the microphone without the canceller (background taken out), dBFS; null: not heard. */
  readonly echoDbfs: number | null;
  /** How loud the echo is relative to what was played (speaker-to-microphone coupling), dB; null: not heard. */
  readonly heardDb: number | null;
  /** The echo left after the canceller (background taken out), dBFS; null when not heard or hidden under the background. */
  readonly residualEchoDbfs: number | null;
  /** Echo without minus echo with the canceller, dB; when the residual hides under the background this is a lower bound. */
  readonly echoRemovedDb: number | null;
  /** True when what is left of the echo is not measurably above the cleaned background. */
  readonly residualAtBackground: boolean;
  /** From handing the sound to the speaker until the microphone heard it, ms; null: not heard. */
  readonly delayMs: number | null;
  /** How long the judged stretch was (after the canceller's convergence), ms. */
  readonly judgedMs: number;
}

export interface RoomCheckResult {
  readonly verdict: RoomVerdict;
  readonly reason: RoomCheckReason;
  /** ROOM_CHECK_SENTENCES[reason]: what the user reads. */
  readonly sentence: string;
  readonly numbers: RoomCheckNumbers;
  /** Which protection the microphone had during the check; null when the engine cannot say. */
  readonly protection: EchoProtection | null;
}

const dbText = (value: number | null, unit: 'dB' | 'dBFS'): string => (value === null ? 'not measurable' : `${value.toFixed(1)} ${unit}`);

/** The numbers as label/value rows, the same in the window and in headless output. */
export function roomCheckDetails(result: RoomCheckResult): readonly { readonly label: string; readonly value: string }[] {
  const numbers = result.numbers;
  const protection = result.protection === null ? 'unknown' : result.protection.kind === 'canceller' ? 'echo canceller' : `echo gate (${result.protection.reason})`;
  return [
    { label: 'Protection', value: protection },
    { label: 'Test sound played at', value: dbText(numbers.playedDbfs, 'dBFS') },
    { label: 'Background', value: dbText(numbers.backgroundDbfs, 'dBFS') },
    { label: 'Echo at the microphone', value: dbText(numbers.echoDbfs, 'dBFS') },
    { label: 'Heard relative to played', value: dbText(numbers.heardDb, 'dB') },
    { label: 'Echo left after cancelling', value: numbers.residualAtBackground ? `at the background (${dbText(numbers.cleanedBackgroundDbfs, 'dBFS')})` : dbText(numbers.residualEchoDbfs, 'dBFS') },
    { label: 'Echo removed', value: numbers.echoRemovedDb === null ? 'not measurable' : `${numbers.residualAtBackground ? 'at least ' : ''}${numbers.echoRemovedDb.toFixed(1)} dB` },
    { label: 'Heard after', value: numbers.delayMs === null ? 'not measurable' : `${Math.round(numbers.delayMs)} ms` },
  ];
}
