/**
 * The latency waterfall of one turn, measured by Parley from its own clocks: where the time went
 * between the end of what the user said (or the agent's request) and the first sample of the
 * answer at the speaker. Pure TS: the session emits it, the reducer keeps it on the turn, the UI
 * draws it and headless prints it.
 */

/** Whose time a step is: Parley's own work, the realtime server's, the background agent's, or the output device's. */
export type LatencyOwner = 'parley' | 'server' | 'agent' | 'device';

/**
 * The steps of a waterfall, in order. A spoken turn has the last four; a handoff has all of them.
 *  - agent_request: handoff requested → the agent's request on the wire (Parley: starting the turn, the agent process)
 *  - agent_first_token: request on the wire → the agent's first token or step (the agent)
 *  - agent_answer: first token → the agent's answer arrived (the agent)
 *  - answer_sent: answer arrived → its text sent to the voice session (Parley)
 *  - response_started: end of the user's speech (or answer sent) → the server's first response event (the server)
 *  - first_audio: response started → its first audio delta (the server)
 *  - buffering: first audio delta → its first sample handed to the sound server (Parley: the jitter buffer and its output queue)
 *  - device: handed to the sound server → heard (the sound server's and device's output latency)
 */
export type LatencyStepName =
  | 'agent_request'
  | 'agent_first_token'
  | 'agent_answer'
  | 'answer_sent'
  | 'response_started'
  | 'first_audio'
  | 'buffering'
  | 'device';

export const LATENCY_STEP_OWNERS: Readonly<Record<LatencyStepName, LatencyOwner>> = {
  agent_request: 'parley',
  agent_first_token: 'agent',
  agent_answer: 'agent',
  answer_sent: 'parley',
  response_started: 'server',
  first_audio: 'server',
  buffering: 'parley',
  device: 'device',
};

/** Short words for each step, for a bar's tooltip, the waterfall and headless. */
export const LATENCY_STEP_LABELS: Readonly<Record<LatencyStepName, string>> = {
  agent_request: 'Agent request sent',
  agent_first_token: "Agent's first token",
  agent_answer: "Agent's answer",
  answer_sent: 'Answer to the voice',
  response_started: 'Server response',
  first_audio: 'First audio',
  buffering: 'Parley buffering',
  device: 'Speaker output',
};

export interface LatencyStep {
  readonly name: LatencyStepName;
  readonly owner: LatencyOwner;
  /** Milliseconds, ≥ 0, to 0.1 ms. */
  readonly ms: number;
}

/** What marked the turn's start: the local voice detector, the server's speech_stopped, a push-to-talk release, a typed message, or a handoff. */
export type LatencyStart = 'local_vad' | 'server_vad' | 'commit' | 'text' | 'handoff';

/**
 * `heard`: the first sample was reported at the device (false: the waterfall ends earlier, at the
 * first audio delta or the response, when the speaker cannot report or nothing was played).
 */
export interface TurnLatency {
  readonly kind: 'spoken' | 'handoff';
  /** The turn: the response id (spoken) or the handoff id whose card it belongs to. */
  readonly turnId: string;
  /** The assistant item whose audio was measured, when known (the reply's bubble). */
  readonly itemId?: string;
  readonly start: LatencyStart;
  /** Epoch milliseconds of the start mark. */
  readonly startedAt: number;
  readonly steps: readonly LatencyStep[];
  /** The sum of the steps, ms. */
  readonly totalMs: number;
  readonly heard: boolean;
}

/** Median and 90th percentile of a list of totals (nearest rank); undefined for none. */
export function latencySummary(totals: readonly number[]): { readonly medianMs: number; readonly p90Ms: number; readonly count: number } | undefined {
  if (totals.length === 0) return undefined;
  const sorted = [...totals].sort((a, b) => a - b);
  const rank = (fraction: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
  return { medianMs: rank(0.5), p90Ms: rank(0.9), count: sorted.length };
}

/** The step's milliseconds as people read them: "840 ms", "1.2 s". */
export function formatLatencyMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

/** Totals the session keeps for its median and p90: the newest, so a long session stays small. */
export const MAX_SESSION_LATENCY_TOTALS = 200;

/** The owners in the order a legend lists them. */
export const LATENCY_OWNERS: readonly LatencyOwner[] = ['parley', 'server', 'agent', 'device'];

/** An owner's name, for a legend: "Parley", "Server". */
export const LATENCY_OWNER_LABELS: Readonly<Record<LatencyOwner, string>> = {
  parley: 'Parley',
  server: 'Server',
  agent: 'Agent',
  device: 'Device',
};

/** Whose time a step is, for a waterfall row: only Parley's own steps are Parley's to fix. */
export const LATENCY_OWNER_WHOSE: Readonly<Record<LatencyOwner, string>> = {
  parley: "Parley's",
  server: "the server's",
  agent: "the agent's",
  device: "the device's",
};

/** What the waterfall counts from, in words. */
export const LATENCY_START_LABELS: Readonly<Record<LatencyStart, string>> = {
  local_vad: 'you stopped speaking (Parley heard it)',
  server_vad: 'you stopped speaking (the server heard it)',
  commit: 'you released talk',
  text: 'you sent a message',
  handoff: 'the agent was asked',
};

/** One step placed on its turn's timeline: where it starts and how long it takes, in ms and as a share of the turn. */
export interface LatencyWaterfallRow {
  readonly name: LatencyStepName;
  readonly owner: LatencyOwner;
  readonly label: string;
  readonly startMs: number;
  readonly ms: number;
  /** Percent of the turn before this step (0–100). */
  readonly startPercent: number;
  /** Percent of the turn this step takes (0–100). */
  readonly widthPercent: number;
}

/**
 * The steps of a turn one after another: each starts where the one before ended. Shares are of
 * the steps' sum (the total is that sum, but a rounded total must not push a bar past 100 %).
 */
export function latencyWaterfall(latency: Pick<TurnLatency, 'steps'>): readonly LatencyWaterfallRow[] {
  const spanMs = latency.steps.reduce((sum, step) => sum + Math.max(0, step.ms), 0);
  const percent = (ms: number): number => (spanMs > 0 ? Math.round((ms / spanMs) * 1000) / 10 : 0);
  let startMs = 0;
  return latency.steps.map((step) => {
    const ms = Math.max(0, step.ms);
    const row: LatencyWaterfallRow = {
      name: step.name,
      owner: step.owner,
      label: LATENCY_STEP_LABELS[step.name],
      startMs,
      ms,
      startPercent: percent(startMs),
      widthPercent: percent(ms),
    };
    startMs += ms;
    return row;
  });
}

/** `totals` with `totalMs` added last, keeping the newest `max`. */
export function withLatencyTotal(totals: readonly number[], totalMs: number, max = MAX_SESSION_LATENCY_TOTALS): readonly number[] {
  const next = [...totals, totalMs];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** "Latency: median 820 ms · p90 1.4 s (12 turns)"; undefined before the first turn. */
export function latencySummaryText(totals: readonly number[]): string | undefined {
  const summary = latencySummary(totals);
  if (!summary) return undefined;
  const turns = `${summary.count} ${summary.count === 1 ? 'turn' : 'turns'}`;
  return `Latency: median ${formatLatencyMs(summary.medianMs)} · p90 ${formatLatencyMs(summary.p90Ms)} (${turns})`;
}
