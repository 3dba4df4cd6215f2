// The session history list: loaded on mount and again whenever a session closes.
import { useCallback, useEffect, useState } from 'react';
import type { HistorySummary } from '../../../../src-shared/ipc-contract';
import { attempt } from '../../bridge/attempt';
import { useAppState, useParley } from '../../hooks/store-context';

export interface HistoryList {
  readonly sessions: readonly HistorySummary[] | null;
  readonly error: string | null;
  readonly loading: boolean;
  refresh(): void;
  remove(sessionId: string): void;
}

function newestFirst(sessions: readonly HistorySummary[]): HistorySummary[] {
  return [...sessions].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt));
}

export function useHistory(): HistoryList {
  const api = useParley();
  const closedSessions = useAppState((state) => state.historyRevision);
  const [sessions, setSessions] = useState<readonly HistorySummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    void attempt(() => api.history.list()).then((response) => {
      if (cancelled) return;
      setLoading(false);
      if (response.ok) {
        setSessions(newestFirst(response.value));
        setError(null);
      } else {
        setError(response.error.message);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [api, revision, closedSessions]);

  const refresh = useCallback(() => setRevision((value) => value + 1), []);
  const remove = useCallback((sessionId: string) => {
    setSessions((current) => current?.filter((session) => session.sessionId !== sessionId) ?? null);
  }, []);
  return { sessions, error, loading, refresh, remove };
}
