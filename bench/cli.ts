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
