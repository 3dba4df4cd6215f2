// A modal confirmation on the native <dialog>: focus is trapped, the rest of the page is inert,
// and Escape closes it (the dialog's cancel event).
import { useEffect, useRef, type ReactElement, type ReactNode } from 'react';

interface ConfirmDialogProps {
  readonly open: boolean;
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onClose: () => void;
  readonly testId?: string;
  /** Defaults to `${testId}-confirm`. */
  readonly confirmTestId?: string;
  readonly danger?: boolean;
}

export function ConfirmDialog(props: ConfirmDialogProps): ReactElement {
  const { open, title, children, confirmLabel, onConfirm, onClose, testId = 'confirm-dialog', confirmTestId, danger = false } = props;
  const dialogRef = useRef<HTMLDialogElement | null>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={`${testId}-title`}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      onClose={() => {
        if (open) onClose();
      }}
    >
      <h2 id={`${testId}-title`} className="dialog-title">
        {title}
      </h2>
      <div className="dialog-body">{children}</div>
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose} data-testid={`${testId}-cancel`} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className={`button ${danger ? 'button-danger' : 'button-primary'}`}
          onClick={onConfirm}
          data-testid={confirmTestId ?? `${testId}-confirm`}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
