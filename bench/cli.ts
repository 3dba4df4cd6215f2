import { arch, cpus, loadavg, platform, totalmem } from 'node:os';
/** A wrong benchmark flag: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/**
 * Parses a benchmark's flags: the options, or the exit code after printing the usage (for
 * --help, answered by `parse` returning undefined) or the mistake.
 */
export function parseBenchFlags<T>(
  name: string,
  parse: (argv: readonly string[]) => T | undefined,
  usage: () => string,
): { options: T } | { exitCode: number } {
  try {
    const options = parse(process.argv.slice(2));
    if (options !== undefined) return { options };
    process.stdout.write(usage());
    return { exitCode: 0 };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n\n${usage()}`);
    return { exitCode: 2 };
  }
}

/** Walks a benchmark's arguments: `flag()` is the next flag, `value()` the argument after it. */
export class FlagReader {
  private index = -1;
  private current = '';

  constructor(private readonly argv: readonly string[]) {}

  /** The next flag, or undefined at the end. */
  next(): string | undefined {
    const flag = this.argv[++this.index];
    if (flag !== undefined) this.current = flag;
    return flag;
  }

  /** The current flag's value. */
  value(): string {
    const next = this.argv[++this.index];
    if (next === undefined) throw new UsageError(`${this.current} needs a value`);
    return next;
  }

  /** The current flag's value as a whole number from `min` to `max`. */
  integer(min: number, max = Number.MAX_SAFE_INTEGER): number {
    const raw = this.value();
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
      throw new UsageError(`${this.current} must be a whole number ${range}, not "${raw}"`);
    }
    return n;
  }
}

/** The machine a benchmark ran on, printed first and kept in its JSON. */
export interface BenchMachine {
  readonly cpu: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly memoryGb: number;
  readonly loadAverageAtStart: readonly number[];
}

export function describeMachine(): BenchMachine {
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

export function machineLine(machine: BenchMachine): string {
  return `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}, node ${machine.node}; load average ${machine.loadAverageAtStart.join(' ')}`;
}
