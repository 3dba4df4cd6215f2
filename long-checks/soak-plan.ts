/**
 * The conversation the soak holds: which turn is spoken, typed or handed to the agent, what is
 * said and for how long, and where the network fails. Pure and seeded: a seed replays the plan.
 */
import type { SeededRandom } from './seeded-random';

export type TurnKind = 'spoken' | 'typed' | 'handoff';
/** `drop`: between turns; `drop-during-agent`: while the agent works on this turn's handoff; `silence`: the server goes silent between turns. */
export type NetworkFailure = 'drop' | 'drop-during-agent' | 'silence';

export interface TurnPlan {
  readonly index: number;
  readonly kind: TurnKind;
  /** What the user says or types. */
  readonly text: string;
  /** What the assistant answers (a handoff: its acknowledgement before the agent's answer). */
  readonly answer: string;
  /** Length of the user's speech (typing time for a typed message), real time. */
  readonly userMs: number;
  readonly answerAudioMs: number;
  readonly failure: NetworkFailure | undefined;
}

export const HANDOFF_EVERY_TURNS = 10;
export const TYPED_EVERY_TURNS = 12;
export const DROP_EVERY_TURNS = 40;
export const HANDOFF_ACKNOWLEDGEMENT = 'Let me check that with the agent.';
/** The spoken length of the agent's answer. */
export const AGENT_ANSWER_AUDIO_MS = 4_000;
const MIN_ANSWER_AUDIO_MS = 3_000;
const MAX_ANSWER_AUDIO_MS = 8_000;
const MIN_USER_MS = 1_500;
const MAX_USER_MS = 4_500;
const ACKNOWLEDGEMENT_AUDIO_MS = 1_500;
const TOPICS = ['the weather', 'my calendar', 'the build', 'a recipe', 'the train times', 'the budget', 'a birthday present', 'the meeting notes'];

export function planTurn(index: number, random: SeededRandom, turns: number): TurnPlan {
  const number = index + 1;
  const kind: TurnKind = number % HANDOFF_EVERY_TURNS === 0 ? 'handoff' : number % TYPED_EVERY_TURNS === 5 ? 'typed' : 'spoken';
  const topic = random.pick(TOPICS);
  const text =
    kind === 'typed' ? `Typed note ${number} about ${topic}.` : kind === 'handoff' ? `Please ask the agent about ${topic}, request ${number}.` : `Question ${number}: what about ${topic}?`;
  const answer = kind === 'handoff' ? HANDOFF_ACKNOWLEDGEMENT : `Answer ${number}: here is what I know about ${topic}.`;
  return {
    index,
    kind,
    text,
    answer,
    userMs: Math.round(random.between(MIN_USER_MS, MAX_USER_MS)),
    answerAudioMs: kind === 'handoff' ? ACKNOWLEDGEMENT_AUDIO_MS : Math.round(random.between(MIN_ANSWER_AUDIO_MS, MAX_ANSWER_AUDIO_MS)),
    failure: failureAt(number, turns),
  };
}

/**
 * Drops every DROP_EVERY_TURNS turns, alternating between a quiet moment and a running agent turn
 * (on a handoff turn); the server goes silent once, near the middle.
 */
function failureAt(number: number, turns: number): NetworkFailure | undefined {
  if (number === Math.floor(turns / 2) + 3) return 'silence';
  if (number % DROP_EVERY_TURNS === 20) return 'drop';
  if (number % DROP_EVERY_TURNS === 0) return 'drop-during-agent'; // a handoff turn (DROP_EVERY_TURNS is a multiple of HANDOFF_EVERY_TURNS)
  return undefined;
}
