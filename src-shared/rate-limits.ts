/**
 * The realtime server's rate limits (`rate_limits.updated`), kept as last reported, and when one
 * is near enough its limit to warn the user. Pure TS.
 */
export interface RateLimitStatus {
  /** `requests` or `tokens` (the server may name others). */
  readonly name: string;
  readonly limit: number;
  readonly remaining: number;
  readonly resetSeconds: number;
}

/** Warn when less than this share of a limit is left. */
export const RATE_LIMIT_NEAR_FRACTION = 0.1;

export function isRateLimitNear(limit: RateLimitStatus): boolean {
  return limit.limit > 0 && limit.remaining < limit.limit * RATE_LIMIT_NEAR_FRACTION;
}

/** "tokens: 1,000 of 40,000 left, resets in 13 s" */
export function describeRateLimit(limit: RateLimitStatus): string {
  const reset = Math.max(0, Math.ceil(limit.resetSeconds));
  return `${limit.name}: ${limit.remaining.toLocaleString('en-US')} of ${limit.limit.toLocaleString('en-US')} left, resets in ${reset} s`;
}

/** One sentence about the limits that are near, or undefined when none is. */
export function nearRateLimitMessage(limits: readonly RateLimitStatus[]): string | undefined {
  const near = limits.filter(isRateLimitNear);
  if (near.length === 0) return undefined;
  return `The voice service rate limit is nearly reached (${near.map(describeRateLimit).join('; ')}). Replies may be refused until it resets.`;
}
