// What is said in the room dialogue (room-dialogue.ts): the assistant's long answers, the
// person's interruptions and when they come. Deterministic for a seed.
import { SeededRandom } from './seeded-random';

/** The first interruption comes after this much of the dialogue (the canceller has converged long before). */
export const FIRST_INTERRUPTION_MS = 20_000;
/** The last one leaves this much of the dialogue after it. */
const LAST_INTERRUPTION_BEFORE_END_MS = 15_000;
/** How far an interruption may move from its even spacing, ± ms. */
const JITTER_MS = 3_000;

/** Sentences the assistant strings into answers of about half a minute each. */
export const ASSISTANT_SENTENCES: readonly string[] = [
  'Here is what I found about your trip to the coast next week.',
  'The flight leaves at nine in the morning from gate twelve, and boarding starts forty minutes earlier.',
  'Your hotel is a short walk from the station, on the corner of the market square.',
  'The weather should be mild, around eighteen degrees, with a chance of rain in the afternoon.',
  'I also looked at restaurants near the harbour; three of them have tables free on Friday evening.',
  'The museum is closed on Mondays, but the gardens next to it stay open until sunset.',
  'If you want to rent a bicycle, the shop by the pier opens at eight and closes at six.',
  'The train back on Sunday takes about two hours and a half, with one change in the city.',
  'Your colleague sent the slides for Thursday; I put them in the shared folder with the notes.',
  'There is a ferry to the island every hour, and the last one returns at half past seven.',
];

/** What the person says over the assistant (short questions, as people interrupt). */
export const PERSON_LINES: readonly string[] = [
  'What time does the train leave tomorrow?',
  'Can you book a table for two at eight?',
  'Sorry, which gate did you say?',
  'How much does the ferry cost?',
  'Please send that to my phone.',
  'Is the museum open on Sunday?',
  'Could you check the hotel parking?',
  'What about the weather on Saturday?',
  'Remind me to pack a jacket.',
  'Never mind that, read me the slides.',
];

/** Sentences per answer: with espeak-ng at 165 words a minute, about 30 s. */
export const SENTENCES_PER_ANSWER = 6;

export interface DialoguePlan {
  /** When each interruption is due, ms from the dialogue's start, ascending. */
  readonly interruptionsAtMs: readonly number[];
  /** Which person line each interruption says (an index into PERSON_LINES). */
  readonly lineOf: readonly number[];
  /** The sentences of each answer, as indices into ASSISTANT_SENTENCES (cycled as needed). */
  answer(index: number): readonly number[];
}

export function planDialogue(options: { readonly minutes: number; readonly interruptions: number; readonly seed: number }): DialoguePlan {
  const random = new SeededRandom(options.seed);
  const durationMs = options.minutes * 60_000;
  const span = durationMs - LAST_INTERRUPTION_BEFORE_END_MS - FIRST_INTERRUPTION_MS;
  const spacing = options.interruptions > 1 ? span / (options.interruptions - 1) : 0;
  const jitter = Math.min(JITTER_MS, spacing / 4);
  const interruptionsAtMs: number[] = [];
  const lineOf: number[] = [];
  for (let index = 0; index < options.interruptions; index++) {
    const even = FIRST_INTERRUPTION_MS + index * spacing;
    interruptionsAtMs.push(Math.round(index === 0 ? even : even + random.between(-Math.round(jitter), Math.round(jitter))));
    lineOf.push(index % PERSON_LINES.length);
  }
  const offset = random.int(ASSISTANT_SENTENCES.length);
  return {
    interruptionsAtMs,
    lineOf,
    answer: (index) => Array.from({ length: SENTENCES_PER_ANSWER }, (_, sentence) => (offset + index * SENTENCES_PER_ANSWER + sentence) % ASSISTANT_SENTENCES.length),
  };
}
