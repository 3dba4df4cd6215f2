import type { ReactElement } from 'react';
import type { SessionState } from '../../../../src-shared/session-events';
import { useAppState } from '../../hooks/store-context';
import { statusWords } from '../../state/status-words';
import { EchoProtectionIndicator } from './EchoProtectionIndicator';

/** What a screen reader hears: session changes only, not every listening/speaking flip. */
const SESSION_ANNOUNCEMENTS: Record<SessionState, string> = {
  idle: '',
  connecting: 'Connecting to the voice service',
  live: 'Voice session started',
  reconnecting: 'Connection lost; reconnecting',
  closing: 'Stopping the voice session',
  closed: 'Voice session ended',
  error: 'The voice session failed',
};

export function StatusLine(): ReactElement {
  const words = useAppState((state) => statusWords(state.app));
  const status = useAppState((state) => state.app?.status ?? 'idle');
  const session = useAppState((state) => state.app?.session);
  return (
    <div className={`status-line status-${status}`}>
      <span className="status-indicator" aria-hidden="true" />
      <span data-testid="status">{words}</span>
      <EchoProtectionIndicator />
      <span className="visually-hidden" aria-live="polite">
        {session ? SESSION_ANNOUNCEMENTS[session] : ''}
      </span>
    </div>
  );
}
