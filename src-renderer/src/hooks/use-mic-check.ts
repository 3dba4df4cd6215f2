// Opens the microphone for the level meter while `enabled` (no session needed); closes it when
// disabled or unmounted, so leaving the page never leaves the mic open.
import { useEffect, useState } from 'react';
import { attempt } from '../bridge/attempt';
import { useParley } from './store-context';

export function useMicCheck(enabled: boolean): string | null {
  const api = useParley();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!enabled) return;
    let active = true;
    void attempt(() => api.audio.micCheck({ enabled: true })).then((response) => {
      if (active) setError(response.ok ? null : response.error.message);
    });
    return () => {
      active = false;
      void attempt(() => api.audio.micCheck({ enabled: false }));
    };
  }, [api, enabled]);
  return enabled ? error : null;
}
