import type { ReactElement } from 'react';
import type { CommandError } from '../../../src-shared/ipc-contract';

export function StartingScreen(): ReactElement {
  return (
    <div className="startup-screen" role="status">
      <span className="spinner" aria-hidden="true" />
      <p>Starting Parley…</p>
    </div>
  );
}

export function StartupFailedScreen({ error, onRetry }: { readonly error: CommandError | null; readonly onRetry: () => void }): ReactElement {
  return (
    <div className="startup-screen">
      <div className="callout callout-error startup-error" role="alert">
        <strong>Parley's window could not talk to the app.</strong>
        <p>{error?.message ?? 'No answer came back.'}</p>
        <button type="button" className="button button-primary" onClick={onRetry} autoFocus>
          Try again
        </button>
      </div>
    </div>
  );
}
