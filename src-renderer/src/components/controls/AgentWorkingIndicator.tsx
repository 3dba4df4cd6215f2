import type { ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';

/** Shown only while the background agent works, with a way to stop it. */
export function AgentWorkingIndicator(): ReactElement | null {
  const store = useStore();
  const working = useAppState((state) => state.app?.agentWorking ?? false);
  if (!working) return null;

  const cancel = async () => {
    const response = await attempt(() => store.api.agent.cancel());
    if (!response.ok) store.reportCommandError(response.error);
  };

  return (
    <div className="agent-working" data-testid="agent-working" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>Background agent</span>
      <button type="button" className="link-button" onClick={() => void cancel()} data-testid="agent-working-cancel">
        Cancel
      </button>
    </div>
  );
}
