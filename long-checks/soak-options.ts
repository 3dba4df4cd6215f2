/** Command-line options of the soak: `--turns N --seed N`. */
import { MAX_SEED, parseFlags, wholeNumber } from './check-options';
import { randomSeed } from './seeded-random';

export interface SoakOptions {
  readonly seed: number;
  readonly turns: number;
}

/** About an hour of conversation: ~10 s per turn (question, a 3–8 s answer, pauses). */
export const DEFAULT_TURNS = 360;

const USAGE = 'usage: soak-conversation [--turns N] [--seed N]';

export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  let seed: number | undefined;
  let turns = DEFAULT_TURNS;
  parseFlags(argv, USAGE, {
    '--seed': (value, name) => {
      seed = wholeNumber(name, value(), 0, MAX_SEED);
    },
    '--turns': (value, name) => {
      turns = wholeNumber(name, value(), 1, 100_000);
    },
  });
  return { seed: seed ?? randomSeed(), turns };
}
