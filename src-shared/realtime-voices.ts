// The voices each wire dialect offers (docs: realtime-protocol.md; v2 is the OpenAI Realtime API's
// GA list), shared so the settings check in main and the voice picker in the renderer agree.
// Mirrors V1_VOICES / V2_VOICES in src-main/core/protocol (a test pins that they match); the
// default voice comes first, as the picker lists it.
import type { Dialect } from './ipc-contract';

export const REALTIME_VOICES: Readonly<Record<Dialect, readonly string[]>> = {
  v1: ['cove', 'juniper', 'maple', 'spruce', 'ember', 'vale', 'breeze', 'arbor', 'sol'],
  v2: ['marin', 'cedar', 'alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse'],
};

/** What the server uses when the voice setting is '' (empty always means this default). */
export function defaultVoice(dialect: Dialect): string {
  return REALTIME_VOICES[dialect][0]!;
}

/** How a message names a dialect: "the v2 realtime API". */
export const DIALECT_NAMES: Readonly<Record<Dialect, string>> = {
  v1: 'the v1 (quicksilver) realtime API',
  v2: 'the v2 realtime API',
};

/** True for '' (the dialect's default) and for every voice the dialect lists. */
export function isVoiceOf(dialect: Dialect, voice: string): boolean {
  return voice === '' || REALTIME_VOICES[dialect].includes(voice);
}
