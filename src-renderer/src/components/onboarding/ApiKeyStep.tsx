import { useId, useState, type FormEvent, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useStore } from '../../hooks/store-context';
import { useApiKeyStatus } from '../../hooks/use-api-key-status';
import { ApiKeyInput } from '../common/ApiKeyInput';

export function ApiKeyStep(): ReactElement {
  const store = useStore();
  const inputId = useId();
  const [status, setStatus] = useApiKeyStatus();
  const [key, setKey] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setSaved(false);
    const response = await attempt(() => store.api.apiKey.set({ key }));
    setSaving(false);
    if (response.ok) {
      setStatus(response.value);
      store.markApiKeySet(response.value.isSet);
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
      <p className="step-lead">
        Parley talks to the OpenAI Realtime API with your own API key. It is encrypted with your system keychain and never shown
        again.
      </p>
      {status?.source === 'environment' && (
        <div className="callout callout-info" data-testid="onboarding-env-key">
          <strong>Using OPENAI_API_KEY from the environment.</strong> Parley found a key in the <code>OPENAI_API_KEY</code>{' '}
          environment variable and will use it, so you can go on without entering one. A key saved here takes precedence.
        </div>
      )}
      {status?.source === 'stored' && <div className="callout callout-success">An API key is already saved. You can replace it below.</div>}
      <form className="key-form" onSubmit={(event) => void save(event)}>
        <label htmlFor={inputId} className="field-label">
          API key
        </label>
        <div className="inline-form">
          <ApiKeyInput
            id={inputId}
            value={key}
            error={error}
            testId="onboarding-api-key"
            onChange={(value) => {
              setKey(value);
              setError(null);
              setSaved(false);
            }}
          />
          <button type="submit" className="button button-primary" data-testid="onboarding-save-key" disabled={saving || key.trim() === ''}>
            {saving ? 'Saving…' : 'Save key'}
          </button>
        </div>
        {error && (
          <p className="field-error" id={`${inputId}-error`} role="alert" data-testid="onboarding-key-error">
            {error}
          </p>
        )}
        <p className="inline-status" role="status" data-testid="onboarding-key-status">
          {saved ? 'Key saved.' : ''}
        </p>
      </form>
    </div>
  );
}
