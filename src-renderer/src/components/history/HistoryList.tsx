import { memo, type ReactElement } from 'react';
import type { HistorySummary } from '../../../../src-shared/ipc-contract';
import { formatDateTime, formatDuration, plural } from '../../state/format';

interface HistoryListProps {
  readonly sessions: readonly HistorySummary[];
  readonly selectedId: string | null;
  readonly onSelect: (sessionId: string) => void;
}

const HistoryItem = memo(function HistoryItem({
  session,
  selected,
  onSelect,
}: {
  readonly session: HistorySummary;
  readonly selected: boolean;
  readonly onSelect: (sessionId: string) => void;
}): ReactElement {
  const duration = formatDuration(session.startedAt, session.endedAt);
  return (
    <li>
      <button
        type="button"
        className={`history-item ${selected ? 'is-selected' : ''}`}
        data-testid="history-item"
        data-session-id={session.sessionId}
        aria-current={selected ? 'true' : undefined}
        onClick={() => onSelect(session.sessionId)}
      >
        <span className="history-item-date">
          <time dateTime={session.startedAt}>{formatDateTime(session.startedAt)}</time>
          {duration && <span className="muted"> · {duration}</span>}
          {!session.endedAt && <span className="pill pill-muted">in progress</span>}
        </span>
        <span className="history-item-preview">{session.preview || 'No words were said.'}</span>
        <span className="history-item-counts">
          {plural(session.entryCount, 'message')} · {plural(session.handoffCount, 'handoff')}
        </span>
      </button>
    </li>
  );
});

export function HistoryList({ sessions, selectedId, onSelect }: HistoryListProps): ReactElement {
  return (
    <ul className="history-list" aria-label="Past conversations">
      {sessions.map((session) => (
        <HistoryItem key={session.sessionId} session={session} selected={session.sessionId === selectedId} onSelect={onSelect} />
      ))}
    </ul>
  );
}
