/** Command-line options of the fuzz run: `--seed N --frames N --batch N --dialect v1|v2|both`. */
import type { Dialect } from '../src-main/core/protocol/session-config';
import { MAX_SEED, parseFlags, wholeNumber } from './check-options';
import { randomSeed } from './seeded-random';

export interface FuzzOptions {
  readonly seed: number;
  /** Total over all dialects, split evenly. */
  readonly frames: number;
  /** Frames sent between two drain round trips. */
  readonly batch: number;
  readonly dialects: readonly Dialect[];
}

export const DEFAULT_FRAMES = 100_000;
export const DEFAULT_BATCH_FRAMES = 200;

const USAGE = 'usage: fuzz-frames [--seed N] [--frames N] [--batch N] [--dialect v1|v2|both]';

export function parseFuzzOptions(argv: readonly string[]): FuzzOptions {
  let seed: number | undefined;
  let frames = DEFAULT_FRAMES;
  let batch = DEFAULT_BATCH_FRAMES;
  let dialects: Dialect[] = ['v1', 'v2'];
  parseFlags(argv, USAGE, {
    '--seed': (value, name) => {
      seed = wholeNumber(name, value(), 0, MAX_SEED);
    },
    '--frames': (value, name) => {
      frames = wholeNumber(name, value(), 1, 100_000_000);
    },
    '--batch': (value, name) => {
      batch = wholeNumber(name, value(), 1, 100_000);
    },
    '--dialect': (value) => {
      const text = value();
      if (text !== 'v1' && text !== 'v2' && text !== 'both') throw new Error(`--dialect must be v1, v2 or both, not ${JSON.stringify(text)}; ${USAGE}`);
      dialects = text === 'both' ? ['v1', 'v2'] : [text];
    },
  });
  return { seed: seed ?? randomSeed(), frames, batch, dialects };
}
