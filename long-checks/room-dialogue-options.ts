// Flags of the room dialogue check (room-dialogue.ts).
import { MAX_SEED, parseFlags, wholeNumber } from './check-options';

export interface RoomDialogueOptions {
  /** The room: the speaker's echo reaches the microphone this late, ms… */
  readonly echoDelayMs: number;
  /** …and this much quieter, dB. */
  readonly echoAttenuationDb: number;
  /** Length of the dialogue, minutes. */
  readonly minutes: number;
  /** How often the person talks over the assistant. */
  readonly interruptions: number;
  /** The talk controller's minimum barge-in length, ms (the app's default: 250). */
  readonly minBargeInMs: number;
  /** Varies when the person interrupts and with which line. */
  readonly seed: number;
}

export const ROOM_DIALOGUE_USAGE =
  'usage: npm run check:room -- [--delay-ms 60] [--attenuation-db 10] [--minutes 5] [--interruptions 10] [--min-barge-in-ms 250] [--seed 1]';

export function parseRoomDialogueOptions(argv: readonly string[]): RoomDialogueOptions {
  let echoDelayMs = 60;
  let echoAttenuationDb = 10;
  let minutes = 5;
  let interruptions = 10;
  let minBargeInMs = 250;
  let seed = 1;
  parseFlags(argv, ROOM_DIALOGUE_USAGE, {
    '--delay-ms': (value, name) => (echoDelayMs = wholeNumber(name, value(), 1, 500)),
    '--attenuation-db': (value, name) => (echoAttenuationDb = wholeNumber(name, value(), 0, 40)),
    '--minutes': (value, name) => (minutes = wholeNumber(name, value(), 1, 60)),
    '--interruptions': (value, name) => (interruptions = wholeNumber(name, value(), 1, 100)),
    '--min-barge-in-ms': (value, name) => (minBargeInMs = wholeNumber(name, value(), 100, 1_500)),
    '--seed': (value, name) => (seed = wholeNumber(name, value(), 0, MAX_SEED)),
  });
  // Each interruption needs a stretch of the assistant before it (see room-dialogue-plan.ts).
  if (interruptions * 20 > minutes * 60) throw new Error(`--interruptions ${interruptions} do not fit in ${minutes} minutes (at most one per 20 s); ${ROOM_DIALOGUE_USAGE}`);
  return { echoDelayMs, echoAttenuationDb, minutes, interruptions, minBargeInMs, seed };
}
