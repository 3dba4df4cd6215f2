// One past conversation: its Markdown export drawn as a document, saved to a file, copied, deleted.
import { useState, type ReactElement } from 'react';
import type { HistoryExport } from '../../../../src-shared/ipc-contract';
import { ConfirmDialog } from '../common/ConfirmDialog';
import { Markdown } from '../common/Markdown';

interface HistoryPreviewProps {
  readonly exported: HistoryExport | null;
  readonly loading: boolean;
  readonly error: string | null;
  readonly onExport: () => void;
  readonly onDelete: () => Promise<string | null>;
}

function download(exported: HistoryExport): void {
  const blob = new Blob([exported.markdown], { type: 'text/markdown;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = exported.fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Give the download a moment to start before the URL goes away.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function HistoryPreview({ exported, loading, error, onExport, onDelete }: HistoryPreviewProps): ReactElement {
  const [confirming, setConfirming] = useState(false);
  const [note, setNote] = useState('');
  const [actionError, setActionError] = useState<string | null>(null);

  const copy = async () => {
    if (!exported) return;
    try {
      await navigator.clipboard.writeText(exported.markdown);
      setNote('Copied to the clipboard.');
    } catch (reason) {
      setNote('');
      setActionError(`Could not copy: ${reason instanceof Error ? reason.message : String(reason)}`);
    }
  };

  const confirmDelete = async () => {
    setConfirming(false);
    const problem = await onDelete();
    setActionError(problem);
  };

  return (
    <section className="history-preview-pane" aria-label="Conversation export">
      <div className="history-toolbar">
        <button type="button" className="button" data-testid="history-export" onClick={onExport} disabled={loading}>
          {loading ? 'Exporting…' : 'Export Markdown'}
        </button>
        <button
          type="button"
          className="button button-primary"
          data-testid="history-download"
          onClick={() => {
            if (!exported) return;
            download(exported);
            setNote(`Saved as ${exported.fileName}.`);
          }}
          disabled={!exported}
        >
          Save as Markdown
        </button>
        <button type="button" className="button" data-testid="history-copy" onClick={() => void copy()} disabled={!exported}>
          Copy
        </button>
        <span className="toolbar-spacer" />
        <button type="button" className="button button-danger-ghost" data-testid="history-delete" onClick={() => setConfirming(true)}>
          Delete
        </button>
      </div>
      <p className="inline-status" role="status">
        {note}
      </p>
      {(error || actionError) && (
        <p className="field-error" role="alert">
          {error ?? actionError}
        </p>
      )}
      {exported ? (
        // Focusable so the keyboard can scroll it; the page's <h1> is "History", so "#" becomes <h2>.
        <article className="markdown-preview" data-testid="history-preview" tabIndex={0} aria-label={`Conversation ${exported.fileName}`}>
          <Markdown text={exported.markdown} headingLevelOffset={1} />
        </article>
      ) : (
        <p className="muted">{loading ? 'Exporting…' : 'Nothing to show yet.'}</p>
      )}
      <ConfirmDialog
        open={confirming}
        title="Delete this conversation?"
        confirmLabel="Delete conversation"
        danger
        onConfirm={() => void confirmDelete()}
        onClose={() => setConfirming(false)}
        testId="history-delete-dialog"
        confirmTestId="history-delete-confirm"
      >
        <p>The transcript and its handoffs are removed from this computer. This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}
