// The ACP backend's limits, apart from the backend itself so that naming them (the headless help)
// does not load the protocol SDK's schemas at start.

/** Coding agents work for minutes; a prompt running longer than this is cancelled (30 min). */
export const DEFAULT_ACP_PROMPT_TIMEOUT_MS = 1_800_000;
