// One turn's latency: the compact bar, and the waterfall it opens. Whether it is open is this
// view's own business (nothing main needs to keep).
import { memo, useCallback, useId, useState, type ReactElement } from 'react';
import type { TurnLatency } from '../../../../src-shared/latency';
import { LatencyBar } from './LatencyBar';
import { LatencyWaterfall } from './LatencyWaterfall';

export const TurnLatencyView = memo(function TurnLatencyView({
  latency,
  initiallyExpanded = false,
}: {
  readonly latency: TurnLatency;
  readonly initiallyExpanded?: boolean;
}): ReactElement {
  const [expanded, setExpanded] = useState(initiallyExpanded);
  const id = useId();
  const toggle = useCallback(() => setExpanded((open) => !open), []);
  return (
    <div className="turn-latency" data-testid="turn-latency" data-turn-id={latency.turnId}>
      <LatencyBar latency={latency} expanded={expanded} onToggle={toggle} controls={id} />
      {expanded && <LatencyWaterfall id={id} latency={latency} />}
    </div>
  );
});
