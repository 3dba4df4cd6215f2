/**
 * How a conversation outlives its connection: reconnects after a drop, and renewal before the
 * provider's maximum session length. All durations in milliseconds.
 */
export interface ResilienceOptions {
  /** The provider's maximum session length (the OpenAI Realtime API: 60 minutes). */
  readonly maxSessionMs: number;
  /** From this long before the limit Parley looks for a quiet moment to open the next session. */
  readonly renewBeforeMs: number;
  /** This long before the limit it renews even if the moment is not quiet. */
  readonly forceRenewBeforeMs: number;
  /** A quiet moment: the server has said nothing for this long (and nothing plays, nobody speaks). */
  readonly renewalQuietMs: number;
  /** Reconnect attempts after a drop before the conversation ends with an error. */
  readonly maxReconnectAttempts: number;
  /** The wait before the second attempt (the first is immediate); doubles per attempt, with jitter. */
  readonly reconnectBaseDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  /** Microphone audio is dropped (and counted) while more than this waits unsent in the socket. */
  readonly maxUnsentBytes: number;
}

export const DEFAULT_MAX_SESSION_MS = 60 * 60_000;

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  maxSessionMs: DEFAULT_MAX_SESSION_MS,
  renewBeforeMs: 5 * 60_000,
  forceRenewBeforeMs: 30_000,
  renewalQuietMs: 1_000,
  maxReconnectAttempts: 6,
  reconnectBaseDelayMs: 500,
  reconnectMaxDelayMs: 15_000,
  // About 4 s of microphone audio as base64 JSON frames (64 kB/s).
  maxUnsentBytes: 256 * 1024,
};

/** How often a renewal that waits for a quiet moment looks again. */
export const QUIET_CHECK_INTERVAL_MS = 250;

/**
 * The wait before reconnect attempt `attempt` (1-based): the first is immediate, then exponential
 * from the base up to the maximum, each scaled by a random factor in [0.5, 1) so many clients
 * dropped at once do not come back in step.
 */
export function reconnectDelayMs(attempt: number, options: ResilienceOptions, random: () => number = Math.random): number {
  if (attempt <= 1) return 0;
  const exponential = Math.min(options.reconnectMaxDelayMs, options.reconnectBaseDelayMs * 2 ** (attempt - 2));
  return Math.round(exponential * (0.5 + random() / 2));
}

/**
 * The renewal window for a session confirmed at `confirmedAt`: when to start looking for a quiet
 * moment, and when to switch regardless. A short limit (a few minutes, or seconds in tests) keeps
 * the window in its second half, so a session is never renewed the moment it begins.
 */
export interface RenewalSchedule {
  /** From here a quiet moment is looked for. */
  readonly lookFrom: number;
  /** From here only a reply being produced or played delays the switch. */
  readonly forceAt: number;
  /** Here the switch happens, whatever is going on. */
  readonly deadlineAt: number;
}

export function renewalSchedule(confirmedAt: number, options: ResilienceOptions): RenewalSchedule {
  const max = options.maxSessionMs;
  const forceAt = confirmedAt + Math.max(max * 0.9, max - options.forceRenewBeforeMs);
  const lookFrom = Math.min(forceAt, confirmedAt + Math.max(max / 2, max - options.renewBeforeMs));
  // From forceAt the switch waits only for a reply to finish; at the deadline it waits for nothing.
  const deadlineAt = Math.max(forceAt, confirmedAt + max - Math.min(RENEWAL_DEADLINE_MARGIN_MS, max * 0.05));
  return { lookFrom, forceAt, deadlineAt };
}

/** The switch to a renewed session happens at the latest this long before the limit. */
export const RENEWAL_DEADLINE_MARGIN_MS = 2_000;
