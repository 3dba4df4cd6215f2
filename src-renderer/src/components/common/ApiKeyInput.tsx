// The API key field: a password input that is never autocompleted or spell-checked (the key must
// not end up in a dictionary or a form history), tied to its error message for screen readers.
import type { ReactElement } from 'react';

export interface ApiKeyInputProps {
  readonly id: string;
  readonly value: string;
  readonly error: string | null;
  readonly testId: string;
  onChange(value: string): void;
}

export function ApiKeyInput({ id, value, error, testId, onChange }: ApiKeyInputProps): ReactElement {
  return (
    <input
      id={id}
      className="input input-mono"
      type="password"
      autoComplete="off"
      spellCheck={false}
      placeholder="sk-…"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      data-testid={testId}
      aria-invalid={error ? true : undefined}
      aria-describedby={error ? `${id}-error` : undefined}
    />
  );
}
