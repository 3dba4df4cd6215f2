import { memo, type ReactElement } from 'react';
import { latencySummaryText } from '../../../../src-shared/latency';
import { useAppState } from '../../hooks/store-context';

const NO_TOTALS: readonly number[] = [];

/** The session's latency as main kept it: hidden until a turn was measured. */
export function LatencyMeter(): ReactElement | null {
  const totals = useAppState((state) => state.app?.conversation.latencyTotalsMs ?? NO_TOTALS);
  return <LatencySummary totals={totals} />;
}

/** "Latency: median 820 ms · p90 1.4 s (12 turns)", from the end of what was said to the first sound of the answer. */
export const LatencySummary = memo(function LatencySummary({ totals }: { readonly totals: readonly number[] }): ReactElement | null {
  const text = latencySummaryText(totals);
  if (text === undefined) return null;
  return (
    <div className="usage-meter latency-meter" data-testid="latency-summary" title="From the end of what was said (or the agent's request) to the first sound of the answer, this session">
      {text}
    </div>
  );
});
