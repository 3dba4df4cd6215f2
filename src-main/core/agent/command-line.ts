/**
 * Splits a configured command line into argv without a shell, so no text (least of all the
 * prompt) is ever interpreted by one.
 *
 * Rules (POSIX-like, kept gentle for Windows paths):
 * - Whitespace outside quotes separates arguments.
 * - 'single quotes' keep everything literally.
 * - "double quotes" keep everything except `\"` and `\\`, which become `"` and `\`.
 * - Outside quotes a backslash escapes only whitespace, a quote or a backslash; any other
 *   backslash stays as it is, so `C:\tools\agent.exe` survives unquoted.
 * - Quotes join with adjacent text (`--name="a b"` is one argument); `""` is an empty argument.
 */

export class CommandLineError extends Error {
  override readonly name = 'CommandLineError';
}

export function splitCommandLine(commandLine: string): string[] {
  const argv: string[] = [];
  let current = '';
  let inArgument = false;
  let quote: '"' | "'" | undefined;
  let quoteStart = -1;

  for (let index = 0; index < commandLine.length; index++) {
    const char = commandLine[index]!;
    const next = commandLine[index + 1];
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else current += char;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && (next === '"' || next === '\\')) {
        current += next;
        index++;
      } else current += char;
      continue;
    }
    if (char === "'" || char === '"') {
      quote = char;
      quoteStart = index;
      inArgument = true;
      continue;
    }
    if (char === '\\' && next !== undefined && (isWhitespace(next) || next === '"' || next === "'" || next === '\\')) {
      current += next;
      inArgument = true;
      index++;
      continue;
    }
    if (isWhitespace(char)) {
      if (inArgument) argv.push(current);
      current = '';
      inArgument = false;
      continue;
    }
    current += char;
    inArgument = true;
  }
  if (quote !== undefined) {
    throw new CommandLineError(`the command line has an unterminated ${quote} quote (opened at character ${quoteStart + 1})`);
  }
  if (inArgument) argv.push(current);
  return argv;
}

function isWhitespace(char: string): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

export const PROMPT_PLACEHOLDER = '{prompt}';

/**
 * Puts the prompt where `{prompt}` appears (every occurrence, in any argument).
 * Returns undefined when no argument has the placeholder (the prompt then goes to stdin).
 */
export function substitutePrompt(argv: readonly string[], prompt: string): string[] | undefined {
  if (!argv.some((argument) => argument.includes(PROMPT_PLACEHOLDER))) return undefined;
  // split/join, not String.replace: the prompt may contain `$&` and friends.
  return argv.map((argument) => argument.split(PROMPT_PLACEHOLDER).join(prompt));
}
