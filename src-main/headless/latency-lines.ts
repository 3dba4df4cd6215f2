import { formatLatencyMs, LATENCY_STEP_LABELS, latencySummary, type TurnLatency } from '../../src-shared/latency';

/** Whose the step is, when it is not Parley's: "(server)", "(agent)", "(device)". */
const OWNER_SUFFIX = { parley: '', server: ' (server)', agent: ' (agent)', device: ' (device)' } as const;

/** "latency [resp_1]: 842 ms · Server response 380 ms (server) · First audio 230 ms (server) · …" */
export function latencyLine(latency: TurnLatency): string {
  const what = latency.kind === 'handoff' ? `handoff latency [${latency.turnId}]` : `latency [${latency.turnId}]`;
  const steps = latency.steps.map((step) => `${LATENCY_STEP_LABELS[step.name]} ${formatLatencyMs(step.ms)}${OWNER_SUFFIX[step.owner]}`);
  const unheard = latency.heard ? '' : ' (not heard at the speaker)';
  return [`${what}: ${formatLatencyMs(latency.totalMs)}${unheard}`, ...steps].join(' · ');
}

/** The median and p90 of a session's turns; `heard` false: no turn reached a speaker, so they end at the first audio. */
export interface LatencyTotalsSummary {
  readonly medianMs: number;
  readonly p90Ms: number;
  readonly count: number;
  readonly heard: boolean;
}

/** The session's turn latencies so far, for its closing lines. */
export function createLatencyTotals(): { onLatency(latency: TurnLatency): void; summary(): LatencyTotalsSummary | undefined; line(): string | undefined } {
  const heard: number[] = [];
  const unheard: number[] = [];
  const summary = (): LatencyTotalsSummary | undefined => {
    // Turns heard at the speaker are whole; partial ones would pull the median down, so they count
    // only when no turn was heard (no speaker, as with --output-device none).
    const totals = heard.length > 0 ? heard : unheard;
    const figures = latencySummary(totals);
    return figures ? { ...figures, heard: heard.length > 0 } : undefined;
  };
  return {
    onLatency(latency) {
      (latency.heard ? heard : unheard).push(latency.totalMs);
    },
    summary,
    line() {
      const figures = summary();
      if (!figures) return undefined;
      const turns = `${figures.count} ${figures.count === 1 ? 'turn' : 'turns'}`;
      const reach = figures.heard ? '' : ', to the first audio (no speaker)';
      return `latency over ${turns}${reach}: median ${formatLatencyMs(figures.medianMs)} · p90 ${formatLatencyMs(figures.p90Ms)}`;
    },
  };
}
