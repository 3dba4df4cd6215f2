// The audio device list (devices.list), loaded on mount, with a reload.
import type { DeviceList } from '../../../src-shared/ipc-contract';
import { useParley } from './store-context';
import { useCommandValue } from './use-command-value';

export interface DevicesResult {
  readonly devices: DeviceList | null;
  readonly error: string | null;
  readonly loading: boolean;
  reload(): void;
}

export function useDevices(): DevicesResult {
  const api = useParley();
  const { value, error, loading, reload } = useCommandValue(() => api.devices.list(), [api]);
  return { devices: value, error, loading, reload };
}
