// Which colour is whose time, for the owners a waterfall shows.
import { memo, type ReactElement } from 'react';
import { LATENCY_OWNER_LABELS, LATENCY_OWNERS, type LatencyOwner } from '../../../../src-shared/latency';

export const LatencyLegend = memo(function LatencyLegend({ owners }: { readonly owners: ReadonlySet<LatencyOwner> }): ReactElement {
  return (
    <ul className="latency-legend" aria-label="Colours" data-testid="latency-legend">
      {LATENCY_OWNERS.filter((owner) => owners.has(owner)).map((owner) => (
        <li key={owner} data-owner={owner}>
          <span className={`latency-swatch latency-owner-${owner}`} aria-hidden="true" />
          {LATENCY_OWNER_LABELS[owner]}
        </li>
      ))}
    </ul>
  );
});
