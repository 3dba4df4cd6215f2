import type { ReactElement } from 'react';
import { inputTokens, outputTokens, type UsageTotals } from '../../../../src-shared/usage';
import { useAppState } from '../../hooks/store-context';

/** The session's token use, as main summed it from each response's usage; hidden until there is some. */
export function UsageMeter(): ReactElement | null {
  const usage = useAppState((state) => state.app?.usage);
  if (!usage || usage.responses === 0) return null;
  return (
    <div className="usage-meter" data-testid="usage" title={usageDetail(usage)}>
      {usage.total.toLocaleString('en-US')} tokens
    </div>
  );
}

function usageDetail(usage: UsageTotals): string {
  return (
    `${usage.responses} ${usage.responses === 1 ? 'reply' : 'replies'} this session\n` +
    `Input ${inputTokens(usage).toLocaleString('en-US')} (text ${usage.input.text}, audio ${usage.input.audio}, cached ${usage.input.cached})\n` +
    `Output ${outputTokens(usage).toLocaleString('en-US')} (text ${usage.output.text}, audio ${usage.output.audio})`
  );
}
