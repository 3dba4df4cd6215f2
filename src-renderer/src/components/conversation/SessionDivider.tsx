import { memo, type ReactElement } from 'react';
import { formatClockTime } from '../../state/format';

/**
 * Where a new server session begins: "New session" when the user started one, or a quieter note
 * ("Reconnected after 2.3 s") where the same conversation went on over a new connection.
 */
export const SessionDivider = memo(function SessionDivider({ at, note }: { readonly at: number; readonly note?: string | undefined }): ReactElement {
  if (note !== undefined) {
    return (
      <div className="session-divider is-note" role="separator" data-testid="connection-note">
        <span>
          {note} · {formatClockTime(at)}
        </span>
      </div>
    );
  }
  return (
    <div className="session-divider" role="separator" data-testid="session-divider">
      <span>New session · {formatClockTime(at)}</span>
    </div>
  );
});
