import type { ReactElement } from 'react';
import { useAppState, useStore } from '../../hooks/store-context';
import { CloseIcon } from '../common/icons';

/** Info notices: transient, polite, in the corner. */
export function Toasts(): ReactElement {
  const store = useStore();
  const toasts = useAppState((state) => state.toasts);
  return (
    <div className="toast-region" aria-label="Notifications">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast" role="status" data-testid="notice">
          <span>{toast.message}</span>
          <button type="button" className="icon-button" onClick={() => store.dismissToast(toast.id)} aria-label="Dismiss notification">
            <CloseIcon />
          </button>
        </div>
      ))}
    </div>
  );
}
