import type { ReactElement } from 'react';
import { describeEchoProtection } from '../../../../src-shared/echo-cancellation';
import { useAppState } from '../../hooks/store-context';
import { echoProtectionWords } from '../../state/echo-words';

/** Which echo protection the microphone has, and why (the tooltip); hidden while no audio runs. */
export function EchoProtectionIndicator(): ReactElement | null {
  const protection = useAppState((state) => state.app?.echoProtection ?? null);
  if (!protection) return null;
  const sentence = describeEchoProtection(protection);
  return (
    <span className={`echo-protection echo-protection-${protection.kind}`} data-testid="echo-protection" data-kind={protection.kind} title={sentence}>
      {echoProtectionWords(protection)}
    </span>
  );
}
