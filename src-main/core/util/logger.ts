import { redactSecrets } from './redact';

/**
 * The core's only way to log. Adapters decide where lines go (stderr for the headless command,
 * a file in the app). Callers never pass a secret on purpose, and every line is redacted once
 * more on its way out (redact.ts), so one quoted back by a server cannot slip through.
 */
export interface Logger {
  debug(message: string, details?: Record<string, unknown>): void;
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
  error(message: string, details?: Record<string, unknown>): void;
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };

/** A logger writing one line per message through `write` (stderr by default), at or above `level`. */
export function createLineLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const threshold = LEVEL_RANK[level];
  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, details?: Record<string, unknown>) => {
    if (LEVEL_RANK[at] < threshold) return;
    const suffix = details ? ' ' + safeStringify(details) : '';
    write(redactSecrets(`[parley] ${at}: ${message}${suffix}`));
  };
  return {
    debug: (m, d) => emit('debug', m, d),
    info: (m, d) => emit('info', m, d),
    warn: (m, d) => emit('warn', m, d),
    error: (m, d) => emit('error', m, d),
  };
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return '[unserializable details]';
  }
}
