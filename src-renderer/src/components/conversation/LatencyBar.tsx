// A turn's latency at a glance: one thin bar, a segment per step sized by its time and coloured by
// whose time it is, and the total. It is the button that opens the waterfall.
import { memo, type ReactElement } from 'react';
import { formatLatencyMs, LATENCY_OWNER_LABELS, latencyWaterfall, type TurnLatency } from '../../../../src-shared/latency';

interface LatencyBarProps {
  readonly latency: TurnLatency;
  readonly expanded: boolean;
  readonly onToggle: () => void;
  /** The waterfall's element id, while it is shown. */
  readonly controls?: string | undefined;
}

export const LatencyBar = memo(function LatencyBar({ latency, expanded, onToggle, controls }: LatencyBarProps): ReactElement {
  const rows = latencyWaterfall(latency);
  // The segments are drawn for the eye; a screen reader hears the same steps as words.
  const spoken = rows.map((row) => `${row.label} ${formatLatencyMs(row.ms)} (${LATENCY_OWNER_LABELS[row.owner]})`).join(', ');
  return (
    <button
      type="button"
      className="latency-bar"
      data-testid="latency-bar"
      data-kind={latency.kind}
      aria-expanded={expanded}
      aria-controls={expanded ? controls : undefined}
      title={expanded ? 'Hide where the time went' : 'Show where the time went'}
      onClick={onToggle}
    >
      <span className="latency-track" aria-hidden="true">
        {rows.map((row, index) => (
          // A turn's steps never reorder, so their position is their identity.
          <span
            key={index}
            className={`latency-segment latency-owner-${row.owner}`}
            data-testid="latency-segment"
            data-step={row.name}
            data-owner={row.owner}
            style={{ width: `${row.widthPercent}%` }}
          />
        ))}
      </span>
      <span className="visually-hidden">Latency </span>
      <span className="latency-total" data-testid="latency-total">
        {formatLatencyMs(latency.totalMs)}
      </span>
      <span className="visually-hidden">: {spoken}</span>
    </button>
  );
});
