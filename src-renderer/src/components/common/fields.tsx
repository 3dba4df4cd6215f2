// Labelled form fields: every input has a visible label, an optional hint, and an error that is
// wired to aria-invalid/aria-describedby.
import { useId, type ReactElement, type ReactNode } from 'react';

interface FieldFrameProps {
  readonly id: string;
  readonly label: string;
  readonly hint?: ReactNode;
  readonly error?: string | null;
  readonly children: ReactNode;
}

function FieldFrame({ id, label, hint, error, children }: FieldFrameProps): ReactElement {
  return (
    <div className={`field ${error ? 'has-error' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      {children}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId: string;
  readonly hint?: ReactNode;
  readonly error?: string | null;
  readonly placeholder?: string;
  readonly type?: 'text' | 'url' | 'password';
  readonly monospace?: boolean;
  readonly list?: string;
  readonly autoComplete?: string;
}

export function TextField(props: TextFieldProps): ReactElement {
  const id = useId();
  const { label, value, onChange, testId, hint, error, placeholder, type = 'text', monospace, list, autoComplete = 'off' } = props;
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <input
        id={id}
        className={`input ${monospace ? 'input-mono' : ''}`}
        type={type}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
        placeholder={placeholder}
        spellCheck={false}
        autoComplete={autoComplete}
        list={list}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
    </FieldFrame>
  );
}

interface NumberFieldProps {
  readonly label: string;
  /** NaN while the box is empty or unreadable: main refuses it on save with the reason. */
  readonly value: number;
  readonly onChange: (value: number) => void;
  readonly testId: string;
  readonly min: number;
  readonly max: number;
  /** Shown after the box, e.g. "minutes". */
  readonly unit: string;
  readonly hint?: ReactNode;
  readonly error?: string | null;
  readonly disabled?: boolean;
  /** The smallest change (default 1: a whole number; 0.01 for dollars and cents). */
  readonly step?: number;
}

/** A number with its unit (whole unless `step` says otherwise). */
export function NumberField({ label, value, onChange, testId, min, max, unit, hint, error, disabled, step = 1 }: NumberFieldProps): ReactElement {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <div className="number-row">
        <input
          id={id}
          className="input input-number"
          type="number"
          inputMode={step < 1 ? 'decimal' : 'numeric'}
          min={min}
          max={max}
          step={step}
          value={Number.isNaN(value) ? '' : value}
          onChange={(event) => onChange(event.target.valueAsNumber)}
          data-testid={testId}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
        />
        <span className="number-unit">{unit}</span>
      </div>
    </FieldFrame>
  );
}

interface TextAreaFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId: string;
  readonly hint?: ReactNode;
  readonly error?: string | null;
  readonly rows?: number;
  readonly placeholder?: string;
}

export function TextAreaField({ label, value, onChange, testId, hint, error, rows = 6, placeholder }: TextAreaFieldProps): ReactElement {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <textarea
        id={id}
        className="input textarea"
        rows={rows}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
        placeholder={placeholder}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      />
    </FieldFrame>
  );
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

interface SelectFieldProps {
  readonly label: string;
  readonly value: string;
  readonly options: readonly SelectOption[];
  readonly onChange: (value: string) => void;
  readonly testId: string;
  readonly hint?: ReactNode;
  readonly error?: string | null;
  readonly disabled?: boolean;
}

export function SelectField({ label, value, options, onChange, testId, hint, error, disabled }: SelectFieldProps): ReactElement {
  const id = useId();
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error}>
      <select
        id={id}
        className="select"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        data-testid={testId}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

interface CheckboxFieldProps {
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly testId: string;
  readonly hint?: ReactNode;
  readonly error?: string | null;
  readonly disabled?: boolean;
}

export function CheckboxField({ label, checked, onChange, testId, hint, error, disabled }: CheckboxFieldProps): ReactElement {
  const id = useId();
  return (
    <div className={`field field-checkbox ${error ? 'has-error' : ''}`}>
      <div className="checkbox-row">
        <input
          id={id}
          type="checkbox"
          className="checkbox"
          checked={checked}
          onChange={(event) => onChange(event.target.checked)}
          data-testid={testId}
          disabled={disabled}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy(id, hint, error)}
        />
        <label htmlFor={id} className="field-label">
          {label}
        </label>
      </div>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
