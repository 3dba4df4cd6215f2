// The API key: its status (never the key itself), replace, clear.
import { useId, useState, type FormEvent, type ReactElement } from 'react';
import type { ApiKeyStatus } from '../../../../src-shared/ipc-contract';
import { attempt } from '../../bridge/attempt';
import { useStore } from '../../hooks/store-context';
import { useApiKeyStatus } from '../../hooks/use-api-key-status';
import { ApiKeyField } from '../common/ApiKeyField';
import { KeyStorageNote, keySavedMessage } from '../onboarding/KeyStorageNote';

function describe(status: ApiKeyStatus | null): string {
  if (!status) return 'Checking…';
  if (!status.isSet || status.source === 'none') return 'Not set: Parley cannot connect until you add a key.';
  if (status.source === 'environment') return 'Set, from the OPENAI_API_KEY environment variable.';
  if (status.source === 'memory') return 'Set for this run only, kept in memory (forgotten when npm run web stops).';
  return 'Set, stored encrypted by the OS keychain on this computer.';
}

export function ApiKeyPanel(): ReactElement {
  const store = useStore();
  const inputId = useId();
  const [status, setStatus, loadError] = useApiKeyStatus();
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState('');

  const applied = (next: ApiKeyStatus, message: string) => {
    setStatus(next);
    setError(null);
    setDone(message);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setDone('');
    const response = await attempt(() => store.api.apiKey.set({ key }));
    setBusy(false);
    if (response.ok) {
      setKey('');
      applied(response.value, keySavedMessage(response.value.storage));
    } else {
      setError(response.error.message);
    }
  };

  const clear = async () => {
    setBusy(true);
    setDone('');
    const response = await attempt(() => store.api.apiKey.clear());
    setBusy(false);
    if (response.ok) applied(response.value, response.value.isSet ? 'Key removed; the environment key is still used.' : 'Key removed.');
    else setError(response.error.message);
  };

  const isSet = status?.isSet ?? false;
  const inMemory = status?.storage === 'memory';
  // With no usable keychain a typed key has nowhere to go: only OPENAI_API_KEY works.
  const canKeep = status?.storage !== 'unavailable';
  const removable = status?.source === 'stored' || status?.source === 'memory';
  return (
    <div className="settings-section">
      <h2 className="settings-heading">OpenAI API key</h2>
      <div className={`key-status ${isSet ? 'is-set' : 'is-missing'}`}>
        <span className={`pill ${isSet ? 'pill-ok' : 'pill-warning'}`}>{isSet ? 'Set' : 'Not set'}</span>
        <span data-testid="api-key-status" data-source={status?.source} data-set={status ? String(status.isSet) : undefined}>
          {loadError ? `Could not read the key status: ${loadError}` : describe(status)}
        </span>
      </div>
      {status?.source === 'environment' && (
        <p className="settings-lead">
          {inMemory ? 'A key you enter here is used instead of the environment variable, for this run.' : 'A key you save here takes precedence over the environment variable.'}
        </p>
      )}
      <form className="key-form" onSubmit={(event) => void save(event)}>
        <ApiKeyField
          id={inputId}
          label={isSet ? 'Replace with a new key' : 'API key'}
          value={key}
          error={error}
          inputTestId="api-key-input"
          errorTestId="api-key-error"
          onChange={(value) => {
            setKey(value);
            setError(null);
            setDone('');
          }}
        >
          <button type="submit" className="button button-primary" data-testid="api-key-save" disabled={busy || !canKeep || key.trim() === ''}>
            {isSet ? 'Replace key' : inMemory ? 'Use key' : 'Save key'}
          </button>
          <button
            type="button"
            className="button button-danger-ghost"
            data-testid="api-key-clear"
            onClick={() => void clear()}
            disabled={busy || !removable}
            title={status?.source === 'environment' ? 'The environment key cannot be cleared here' : undefined}
          >
            {inMemory ? 'Forget key' : 'Clear stored key'}
          </button>
        </ApiKeyField>
        <p className="inline-status" role="status">
          {done}
        </p>
      </form>
      {status && (
        <p className="field-hint" data-testid="api-key-storage" data-storage={status.storage}>
          <KeyStorageNote storage={status.storage} />
        </p>
      )}
    </div>
  );
}
