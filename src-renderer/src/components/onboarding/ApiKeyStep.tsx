import { useId, useState, type FormEvent, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useStore } from '../../hooks/store-context';
import { useApiKeyStatus } from '../../hooks/use-api-key-status';
import { ApiKeyField } from '../common/ApiKeyField';
import { KeyStorageNote, keySavedMessage } from './KeyStorageNote';

export function ApiKeyStep(): ReactElement {
  const store = useStore();
  const inputId = useId();
  const [status, setStatus, loadError] = useApiKeyStatus();
  const [key, setKey] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const storage = status?.storage;
  const inMemory = storage === 'memory';

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    const response = await attempt(() => store.api.apiKey.set({ key }));
    setSaving(false);
    if (response.ok) {
      setStatus(response.value);
      setKey('');
      setError(null);
      setSaved(true);
    } else {
      setError(response.error.message);
    }
  };

  return (
    <div className="onboarding-step">
      <h2 className="step-title">Connect to OpenAI</h2>
      <p className="step-lead" data-testid="onboarding-key-storage" data-storage={storage}>
        Parley talks to the OpenAI Realtime API with your own API key.{' '}
        {storage ? <KeyStorageNote storage={storage} /> : loadError ? `Could not tell where a key would be kept: ${loadError}` : null}
      </p>
      {status?.source === 'environment' && (
        <div className="callout callout-info" data-testid="onboarding-env-key">
          <strong>Using OPENAI_API_KEY from the environment.</strong> Parley found a key in the <code>OPENAI_API_KEY</code>{' '}
          environment variable and will use it, so you can go on without entering one.{' '}
          {inMemory ? 'A key entered here is used instead, for this run.' : 'A key saved here takes precedence.'}
        </div>
      )}
      {status?.source === 'stored' && !saved && <div className="callout callout-success">An API key is already saved. You can replace it below.</div>}
      {status?.source === 'memory' && !saved && (
        <div className="callout callout-success">A key is set for this run (kept in memory). You can replace it below.</div>
      )}
      {storage !== 'unavailable' && (
        <form className="key-form" onSubmit={(event) => void save(event)}>
          <ApiKeyField
            id={inputId}
            label="API key"
            value={key}
            error={error}
            inputTestId="onboarding-api-key"
            errorTestId="onboarding-key-error"
            onChange={(value) => {
              setKey(value);
              setError(null);
              setSaved(false);
            }}
          >
            <button type="submit" className="button button-primary" data-testid="onboarding-save-key" disabled={saving || key.trim() === ''}>
              {saving ? 'Saving…' : inMemory ? 'Use key' : 'Save key'}
            </button>
          </ApiKeyField>
          <p className="inline-status" role="status" data-testid="onboarding-key-status">
            {saved && storage ? keySavedMessage(storage) : ''}
          </p>
        </form>
      )}
    </div>
  );
}
