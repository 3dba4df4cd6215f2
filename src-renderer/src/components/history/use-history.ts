// The session history list: loaded on mount and again whenever a session closes.
import { useCallback } from 'react';
import type { HistorySummary } from '../../../../src-shared/ipc-contract';
import { useAppState, useParley } from '../../hooks/store-context';
import { useCommandValue } from '../../hooks/use-command-value';

export interface HistoryList {
  readonly sessions: readonly HistorySummary[] | null;
  readonly error: string | null;
  readonly loading: boolean;
  refresh(): void;
  remove(sessionId: string): void;
}

export function useHistory(): HistoryList {
  const api = useParley();
  const closedSessions = useAppState((state) => state.app?.historyRevision ?? 0);
  // Main lists sessions newest first.
  const { value, error, loading, reload, setValue } = useCommandValue(() => api.history.list(), [api, closedSessions]);
  const remove = useCallback(
    (sessionId: string) => setValue((current) => current?.filter((session) => session.sessionId !== sessionId) ?? null),
    [setValue],
  );
  return { sessions: value, error, loading, refresh: reload, remove };
}
