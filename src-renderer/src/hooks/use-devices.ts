// The audio device list (devices.list), loaded on mount, with a reload.
import { useCallback, useEffect, useState } from 'react';
import type { DeviceList } from '../../../src-shared/ipc-contract';
import { attempt } from '../bridge/attempt';
import { useParley } from './store-context';

export interface DevicesResult {
  readonly devices: DeviceList | null;
  readonly error: string | null;
  readonly loading: boolean;
  reload(): void;
}

export function useDevices(): DevicesResult {
  const api = useParley();
  const [devices, setDevices] = useState<DeviceList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    void attempt(() => api.devices.list()).then((response) => {
      if (cancelled) return;
      setLoading(false);
      if (response.ok) {
        setDevices(response.value);
        setError(null);
      } else {
        setError(response.error.message);
      }
    });
    return () => {
      cancelled = true;
    };
  }, [api, revision]);

  const reload = useCallback(() => setRevision((value) => value + 1), []);
  return { devices, error, loading, reload };
}
