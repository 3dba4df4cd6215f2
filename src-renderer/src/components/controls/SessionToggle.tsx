import { useState, type ReactElement } from 'react';
import type { SessionState } from '../../../../src-shared/session-events';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';

function isRunning(session: SessionState | undefined): boolean {
  return session === 'connecting' || session === 'live' || session === 'reconnecting' || session === 'closing';
}

export function SessionToggle(): ReactElement {
  const store = useStore();
  const session = useAppState((state) => state.app?.session);
  const [pending, setPending] = useState(false);
  const running = isRunning(session);

  const onClick = async () => {
    setPending(true);
    const response = await attempt(() => (running ? store.api.session.stop() : store.api.session.start()));
    setPending(false);
    if (!response.ok) store.reportCommandError(response.error);
  };

  const label = session === 'closing' ? 'Stopping…' : running ? 'Stop' : 'Start';
  return (
    <button
      type="button"
      className={`button ${running ? 'button-danger' : 'button-primary'} session-toggle`}
      data-testid="session-toggle"
      onClick={() => void onClick()}
      disabled={session === undefined || session === 'closing' || (pending && !running)}
      aria-label={running ? 'Stop the voice session' : 'Start a voice session'}
    >
      <span className={`session-dot ${running ? 'is-live' : ''}`} aria-hidden="true" />
      {label}
    </button>
  );
}
