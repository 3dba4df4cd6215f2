export type Dialect = 'v1' | 'v2';
export type TurnDetection = 'server_vad' | 'semantic_vad' | 'none';
/** v2 `audio.input.noise_reduction`: near field for headsets, far field for speakers and rooms. */
export type NoiseReduction = 'near_field' | 'far_field' | 'off';
/** The setting: `auto` picks near or far field from the output device's name. */
export type NoiseReductionChoice = 'auto' | NoiseReduction;
/** v2 semantic_vad: how soon the model decides the user has finished. */
export type SemanticEagerness = 'auto' | 'low' | 'medium' | 'high';

/** server_vad's silence before a turn ends, ms: the API's own default (the allowed range is in the settings contract). */
export const DEFAULT_VAD_SILENCE_MS = 500;

/** What the output device's name says about where its sound goes: a headset's stays at the ear. */
const HEADSET_NAME_PATTERN = /head(set|phone)|earbud|earphone|airpods|\bbuds|in-ear|hands-?free/i;

/**
 * The noise reduction for a setting and the output device (its name; undefined when it cannot be
 * told, e.g. the system default). `auto`: near field when the name looks like something worn at
 * the ear (a headset's microphone is close to the mouth), far field otherwise (laptop speakers and
 * rooms, where the microphone hears the room).
 */
export function noiseReductionFor(choice: NoiseReductionChoice, outputDeviceName: string | undefined): NoiseReduction {
  if (choice !== 'auto') return choice;
  return outputDeviceName !== undefined && HEADSET_NAME_PATTERN.test(outputDeviceName) ? 'near_field' : 'far_field';
}

/** What a voice session is configured with; validated before a connection is attempted. */
export interface RealtimeSessionConfig {
  readonly dialect: Dialect;
  /** Base URL of the realtime endpoint, http(s) or ws(s). */
  readonly realtimeUrl: string;
  readonly model: string | undefined;
  readonly voice: string | undefined;
  readonly instructions: string;
  /** v2 only: user speech transcription model (so user transcripts exist). */
  readonly transcriptionModel: string;
  /** v2 only: `none` means push-to-talk with manual commit + response.create. */
  readonly turnDetection: TurnDetection;
  /** v2 only: undefined or `off` sends no noise reduction. */
  readonly noiseReduction?: NoiseReduction;
  /** v2 server_vad: silence that ends a turn (DEFAULT_VAD_SILENCE_MS when undefined). */
  readonly vadSilenceMs?: number;
  /**
   * v2 turn detection: whether the server stops its response when it hears the user start
   * (undefined = true). False with an echo canceller: the client's barge-in detector decides, so
   * a cough does not cut the assistant off. v1 ignores it.
   */
  readonly interruptResponse?: boolean;
  /** v2 semantic_vad eagerness (`auto` when undefined). */
  readonly semanticEagerness?: SemanticEagerness;
  /** v1 only: sent as x-session-id; a UUID per session when absent. */
  readonly sessionId: string | undefined;
}

export const INPUT_SAMPLE_RATE_HZ = 24_000;
export const INPUT_FRAME_SAMPLES = 480; // 20 ms at 24 kHz
