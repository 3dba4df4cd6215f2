// The value of one read-only command (devices.list, history.list, apiKey.status), loaded on
// mount and again whenever `reload()` is called or a dependency changes; errors become text.
import { useCallback, useEffect, useState, type DependencyList } from 'react';
import type { CommandError } from '../../../src-shared/ipc-contract';
import { attempt } from '../bridge/attempt';

type Response<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: CommandError };

export interface CommandValue<T> {
  readonly value: T | null;
  readonly error: string | null;
  readonly loading: boolean;
  reload(): void;
  /** Replace the value locally (e.g. with what a later command answered). */
  setValue(update: (current: T | null) => T | null): void;
}

export function useCommandValue<T>(load: () => Promise<Response<T>>, deps: DependencyList): CommandValue<T> {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    void attempt(load).then((response) => {
      if (cancelled) return;
      setLoading(false);
      if (response.ok) {
        setValue(response.value);
        setError(null);
      } else {
        setError(response.error.message);
      }
    });
    return () => {
      cancelled = true;
    };
    // `load` is a fresh closure each render; the caller's deps say when it really changes.
  }, [...deps, revision]);

  const reload = useCallback(() => setRevision((current) => current + 1), []);
  return { value, error, loading, reload, setValue };
}
