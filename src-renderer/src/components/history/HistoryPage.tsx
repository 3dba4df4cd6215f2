import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { HistoryExport } from '../../../../src-shared/ipc-contract';
import { attempt } from '../../bridge/attempt';
import { useParley } from '../../hooks/store-context';
import { HistoryList } from './HistoryList';
import { HistoryPreview } from './HistoryPreview';
import { useHistory } from './use-history';

export function HistoryPage(): ReactElement {
  const api = useParley();
  const history = useHistory();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [exported, setExported] = useState<HistoryExport | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  const latestRequest = useRef(0);

  const exportSession = useCallback(
    async (sessionId: string) => {
      const request = ++latestRequest.current;
      setExporting(true);
      setExportError(null);
      const response = await attempt(() => api.history.exportMarkdown({ sessionId }));
      if (request !== latestRequest.current) return; // the user picked another one meanwhile
      setExporting(false);
      if (response.ok) setExported(response.value);
      else {
        setExported(null);
        setExportError(response.error.message);
      }
    },
    [api],
  );

  const select = useCallback(
    (sessionId: string) => {
      setSelectedId(sessionId);
      setExported(null);
      void exportSession(sessionId);
    },
    [exportSession],
  );

  // The selected session vanished from the list (deleted elsewhere): clear the pane.
  useEffect(() => {
    if (selectedId && history.sessions && !history.sessions.some((session) => session.sessionId === selectedId)) {
      setSelectedId(null);
      setExported(null);
    }
  }, [history.sessions, selectedId]);

  const remove = async (): Promise<string | null> => {
    if (!selectedId) return null;
    const response = await attempt(() => api.history.delete({ sessionId: selectedId }));
    if (!response.ok) return response.error.message;
    history.remove(selectedId);
    setSelectedId(null);
    setExported(null);
    history.refresh();
    return null;
  };

  return (
    <div className="history-page">
      <aside className="history-sidebar">
        <div className="history-sidebar-header">
          <h1 className="page-title">History</h1>
          <button type="button" className="button button-ghost button-small" onClick={history.refresh} disabled={history.loading}>
            Refresh
          </button>
        </div>
        {history.error && (
          <p className="field-error" role="alert">
            Could not load the history: {history.error}
          </p>
        )}
        {history.sessions && history.sessions.length === 0 && <p className="muted history-empty">No conversations yet.</p>}
        {history.sessions && history.sessions.length > 0 && (
          <HistoryList sessions={history.sessions} selectedId={selectedId} onSelect={select} />
        )}
        {!history.sessions && history.loading && <p className="muted history-empty">Loading…</p>}
      </aside>
      <div className="history-main">
        {selectedId ? (
          <HistoryPreview
            key={selectedId}
            exported={exported}
            loading={exporting}
            error={exportError}
            onExport={() => void exportSession(selectedId)}
            onDelete={remove}
          />
        ) : (
          <div className="history-placeholder">
            <p>Choose a conversation to read it, save it as Markdown or delete it.</p>
          </div>
        )}
      </div>
    </div>
  );
}
