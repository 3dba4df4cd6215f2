// A turn's latency step by step: each step a row with its label, whose time it is, where it starts
// and how long it takes, drawn as a bar on the turn's timeline.
import { memo, type ReactElement } from 'react';
import {
  formatLatencyMs,
  LATENCY_OWNER_WHOSE,
  LATENCY_START_LABELS,
  latencyWaterfall,
  type LatencyWaterfallRow,
  type TurnLatency,
} from '../../../../src-shared/latency';
import { LatencyLegend } from './LatencyLegend';

export const LatencyWaterfall = memo(function LatencyWaterfall({ id, latency }: { readonly id: string; readonly latency: TurnLatency }): ReactElement {
  const rows = latencyWaterfall(latency);
  const end = latency.heard ? 'the first sound at the speaker' : 'the first audio (the speaker did not report when it played)';
  return (
    <div className="latency-waterfall" id={id} data-testid="latency-waterfall">
      <p className="latency-span" data-testid="latency-span">
        From {LATENCY_START_LABELS[latency.start]} to {end}: {formatLatencyMs(latency.totalMs)}
      </p>
      <ol className="latency-rows" aria-label="Where the time went">
        {rows.map((row, index) => (
          // A turn's steps never reorder, so their position is their identity.
          <WaterfallRow key={index} row={row} />
        ))}
      </ol>
      <LatencyLegend owners={new Set(rows.map((row) => row.owner))} />
    </div>
  );
});

function WaterfallRow({ row }: { readonly row: LatencyWaterfallRow }): ReactElement {
  return (
    <li className="latency-row" data-testid="latency-step" data-step={row.name} data-owner={row.owner}>
      <span className="latency-row-label">{row.label}</span>
      <span className="latency-row-owner" data-testid="latency-step-owner">
        {LATENCY_OWNER_WHOSE[row.owner]}
      </span>
      <span className="latency-lane" aria-hidden="true">
        <span className={`latency-lane-bar latency-owner-${row.owner}`} style={{ left: `${row.startPercent}%`, width: `${row.widthPercent}%` }} />
      </span>
      <span className="latency-row-offset" data-testid="latency-step-offset">
        <span className="visually-hidden">from </span>+{formatLatencyMs(row.startMs)}
      </span>
      <span className="latency-row-ms" data-testid="latency-step-ms">
        <span className="visually-hidden">, taking </span>
        {formatLatencyMs(row.ms)}
      </span>
    </li>
  );
}
