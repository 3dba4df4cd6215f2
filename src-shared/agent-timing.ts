// How often a working agent's progress is spoken, and how long a permission request waits for the
// user: the settings page, the settings store and the headless flags share these bounds.

export const MS_PER_SECOND = 1_000;

/** At most one spoken progress update per this many seconds (every backend). */
export const DEFAULT_AGENT_UPDATE_INTERVAL_SECONDS = 20;
export const AGENT_UPDATE_INTERVAL_SECONDS_RANGE = Object.freeze({ min: 5, max: 600 });

/** Codex and ACP: a permission request nobody answers is denied after this many seconds. */
export const DEFAULT_AGENT_APPROVAL_TIMEOUT_SECONDS = 60;
export const AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE = Object.freeze({ min: 10, max: 600 });

function isWholeSecondsIn(value: unknown, range: { readonly min: number; readonly max: number }): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

export function isAgentUpdateIntervalSeconds(value: unknown): value is number {
  return isWholeSecondsIn(value, AGENT_UPDATE_INTERVAL_SECONDS_RANGE);
}

export function isAgentApprovalTimeoutSeconds(value: unknown): value is number {
  return isWholeSecondsIn(value, AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE);
}

/** Why a value is refused, after its label; the renderer's schema and main's store say the same. */
export const AGENT_UPDATE_INTERVAL_PROBLEM = `must be a whole number of seconds from ${AGENT_UPDATE_INTERVAL_SECONDS_RANGE.min} to ${AGENT_UPDATE_INTERVAL_SECONDS_RANGE.max}`;
export const AGENT_APPROVAL_TIMEOUT_PROBLEM = `must be a whole number of seconds from ${AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE.min} to ${AGENT_APPROVAL_TIMEOUT_SECONDS_RANGE.max}`;
