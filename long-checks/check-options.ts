/**
 * Flag parsing shared by the long checks: `--name value` or `--name=value`, whole numbers within a
 * range, and the check's usage line in every mistake (and as the answer to `--help`).
 */

/** What one flag does with its value; `value()` reads it (after `=` or the next argument) and throws with the usage when it is missing. */
export type FlagHandler = (value: () => string, name: string) => void;

/** Seeds are unsigned 32-bit numbers (SeededRandom's state). */
export const MAX_SEED = 0xffff_ffff;

/** Hands each flag of `argv` to its handler; throws on an unknown flag, a missing value or `--help`. */
export function parseFlags(argv: readonly string[], usage: string, handlers: Readonly<Record<string, FlagHandler>>): void {
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = (): string => {
      const text = inline ?? argv[++index];
      if (text === undefined) throw new Error(`${name} needs a value; ${usage}`);
      return text;
    };
    const handler = Object.hasOwn(handlers, name) ? handlers[name] : undefined;
    if (handler) {
      handler(value, name);
      continue;
    }
    if (name === '--help' || name === '-h') throw new Error(usage);
    throw new Error(`unknown option ${JSON.stringify(flag)}; ${usage}`);
  }
}

export function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return value;
}

/** The parsed options, or undefined after writing the mistake to stderr (the check then exits 2). */
export function readOptions<Options>(parse: (argv: readonly string[]) => Options, argv: readonly string[] = process.argv.slice(2)): Options | undefined {
  try {
    return parse(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return undefined;
  }
}
