import { memo, type ReactElement } from 'react';
import { formatClockTime } from '../../state/format';

export const SessionDivider = memo(function SessionDivider({ at }: { readonly at: number }): ReactElement {
  return (
    <div className="session-divider" role="separator" data-testid="session-divider">
      <span>New session · {formatClockTime(at)}</span>
    </div>
  );
});
