// The API key field as both the onboarding step and the settings panel show it: label, the key
// input with the form's buttons beside it, and the error tied to the input. The element ids and
// test ids stay the caller's so each page keeps its own.
import type { ReactElement, ReactNode } from 'react';
import { ApiKeyInput } from './ApiKeyInput';

export interface ApiKeyFieldProps {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly error: string | null;
  readonly inputTestId: string;
  readonly errorTestId: string;
  onChange(value: string): void;
  /** The buttons shown on the input's line (save, clear). */
  readonly children: ReactNode;
}

export function ApiKeyField({ id, label, value, error, inputTestId, errorTestId, onChange, children }: ApiKeyFieldProps): ReactElement {
  return (
    <>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <div className="inline-form">
        <ApiKeyInput id={id} value={value} error={error} testId={inputTestId} onChange={onChange} />
        {children}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert" data-testid={errorTestId}>
          {error}
        </p>
      )}
    </>
  );
}
