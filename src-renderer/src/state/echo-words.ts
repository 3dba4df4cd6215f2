// The echo protection in a few words for the status area; the full sentence (describeEchoProtection)
// goes in its tooltip. Pure.
import type { EchoProtection } from '../../../src-shared/echo-cancellation';

const GATE_REASON_WORDS: Record<Extract<EchoProtection, { kind: 'gate' }>['reason'], string> = {
  'turned-off': 'canceller turned off',
  unavailable: 'canceller unavailable',
};

export function echoProtectionWords(protection: EchoProtection): string {
  if (protection.kind === 'canceller') return 'Echo cancellation on';
  return `Echo gate: ${GATE_REASON_WORDS[protection.reason]}`;
}
