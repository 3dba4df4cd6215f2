// When and how long the Responses backend waits before sending a failed request again.

/** Attempts per request, the first one included. */
export const DEFAULT_AGENT_MAX_ATTEMPTS = 4;
/** The first backoff; each later one doubles. */
export const DEFAULT_AGENT_RETRY_BASE_DELAY_MS = 1_000;
/** The longest wait Parley accepts from a `retry-after` header; longer asks fail the request. */
export const DEFAULT_AGENT_MAX_RETRY_AFTER_MS = 30_000;
/** Backoff without a server hint never grows past this. */
const MAX_BACKOFF_MS = 30_000;
/** ±20 %: spreads out clients that failed together so they do not retry together. */
const JITTER_FRACTION = 0.2;

/** 429 (rate limit), 408 (request timeout), 409 (conflict, e.g. a lock) and any 5xx are worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || (status >= 500 && status <= 599);
}

/** Why the provider failed, for the retry notice: "is busy (HTTP 429)". */
export function describeRetryableStatus(status: number): string {
  if (status === 429) return `is busy (HTTP ${status})`;
  if (status === 408) return `timed out (HTTP ${status})`;
  if (status === 409) return `reported a conflict (HTTP ${status})`;
  return `had a server error (HTTP ${status})`;
}

/**
 * The server's own wait, in ms: `retry-after-ms` (OpenAI's), else `retry-after` as seconds or
 * an HTTP date. Undefined when absent or unreadable; never negative.
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  if (milliseconds !== null && milliseconds.trim() !== '') {
    const value = Number(milliseconds);
    if (Number.isFinite(value)) return Math.max(0, value);
  }
  const retryAfter = headers.get('retry-after')?.trim();
  if (!retryAfter) return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.max(0, Number(retryAfter) * 1000);
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff with jitter before attempt `failedAttempt + 1`. `random` returns [0, 1). */
export function backoffDelayMs(failedAttempt: number, baseDelayMs: number, random: () => number): number {
  const exponential = Math.min(baseDelayMs * 2 ** Math.max(0, failedAttempt - 1), MAX_BACKOFF_MS);
  const jitter = 1 - JITTER_FRACTION + 2 * JITTER_FRACTION * random();
  return Math.round(exponential * jitter);
}

/** "2 s", "0.3 s", "2 min": a wait as a person reads it. */
export function formatWait(ms: number): string {
  if (ms < 1_000) return `${(Math.max(ms, 100) / 1000).toFixed(1)} s`;
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** "The agent's provider is busy (HTTP 429); retrying in 2 s (attempt 2 of 4)." */
export function retryNotice(why: string, delayMs: number, nextAttempt: number, maxAttempts: number): string {
  return `The agent's provider ${why}; retrying in ${formatWait(delayMs)} (attempt ${nextAttempt} of ${maxAttempts}).`;
}
