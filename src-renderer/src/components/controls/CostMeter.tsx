import type { ReactElement } from 'react';
import { formatUsd, noPriceText } from '../../../../src-shared/pricing';
import { useAppState } from '../../hooks/store-context';

/** "$0.42 this session · $1.80 today", and the newest turn's cost on hover; hidden until something was priced. */
export function CostMeter(): ReactElement | null {
  const cost = useAppState((state) => state.app?.cost);
  if (!cost || (cost.lastTurn === null && cost.dayUsd === 0)) return null;
  const turn = cost.lastTurn;
  const turnText = turn === null ? null : `${turn.source === 'agent' ? 'agent turn' : 'last reply'} ${turn.usd === null ? noPriceText(turn.model) : formatUsd(turn.usd)}`;
  return (
    <div className="usage-meter" data-testid="cost" title={turnText ?? undefined}>
      {formatUsd(cost.sessionUsd)} this session · {formatUsd(cost.dayUsd)} today
      {turnText && (
        <span className="cost-turn" data-testid="cost-turn">
          {' '}
          ({turnText})
        </span>
      )}
    </div>
  );
}
