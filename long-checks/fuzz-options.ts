/** Command-line options of the fuzz run: `--seed N --frames N --batch N --dialect v1|v2|both`. */
import type { Dialect } from '../src-main/core/protocol/session-config';
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
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const text = inline ?? argv[++index];
      if (text === undefined) throw new Error(`${name} needs a value; ${USAGE}`);
      return text;
    };
    switch (name) {
      case '--seed':
        seed = wholeNumber(name, value(), 0, 0xffff_ffff);
        break;
      case '--frames':
        frames = wholeNumber(name, value(), 1, 100_000_000);
        break;
      case '--batch':
        batch = wholeNumber(name, value(), 1, 100_000);
        break;
      case '--dialect': {
        const text = value();
        if (text !== 'v1' && text !== 'v2' && text !== 'both') throw new Error(`--dialect must be v1, v2 or both, not ${JSON.stringify(text)}; ${USAGE}`);
        dialects = text === 'both' ? ['v1', 'v2'] : [text];
        break;
      }
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`unknown option ${JSON.stringify(flag)}; ${USAGE}`);
    }
  }
  return { seed: seed ?? randomSeed(), frames, batch, dialects };
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return value;
}
