// apiKey.status, loaded on mount; `set` lets the caller store what apiKey.set/clear answered.
import type { ApiKeyStatus } from '../../../src-shared/ipc-contract';
import { useParley } from './store-context';
import { useCommandValue } from './use-command-value';

export function useApiKeyStatus(): [ApiKeyStatus | null, (status: ApiKeyStatus) => void, string | null] {
  const api = useParley();
  const { value, error, setValue } = useCommandValue(() => api.apiKey.status(), [api]);
  return [value, (status) => setValue(() => status), error];
}
