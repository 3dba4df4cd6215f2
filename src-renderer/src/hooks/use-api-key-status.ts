// apiKey.status, loaded on mount; `set` lets the caller store what apiKey.set/clear answered.
import { useEffect, useState } from 'react';
import type { ApiKeyStatus } from '../../../src-shared/ipc-contract';
import { attempt } from '../bridge/attempt';
import { useParley } from './store-context';

export function useApiKeyStatus(): [ApiKeyStatus | null, (status: ApiKeyStatus) => void, string | null] {
  const api = useParley();
  const [status, setStatus] = useState<ApiKeyStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    void attempt(() => api.apiKey.status()).then((response) => {
      if (cancelled) return;
      if (response.ok) setStatus(response.value);
      else setError(response.error.message);
    });
    return () => {
      cancelled = true;
    };
  }, [api]);
  return [status, setStatus, error];
}
