// A global-hotkey field: type an Electron accelerator, or press "Record shortcut" and then the
// key combination. Escape cancels recording; Tab leaves it.
import { useId, useState, type KeyboardEvent, type ReactElement, type ReactNode } from 'react';
import { acceleratorProblem } from '../../../../src-shared/accelerator';
import { comboToAccelerator, isMacPlatform } from '../../state/accelerator';

interface ShortcutFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly testId: string;
  readonly hint?: ReactNode;
  readonly status?: ReactNode;
  readonly error?: string | null;
}

export function ShortcutField({ label, value, onChange, testId, hint, status, error }: ShortcutFieldProps): ReactElement {
  const id = useId();
  const [recording, setRecording] = useState(false);
  const [preview, setPreview] = useState('');
  const [recordProblem, setRecordProblem] = useState<string | null>(null);
  // A typed shortcut is checked with main's own parser once the user leaves the field.
  const [typedChecked, setTypedChecked] = useState(false);
  const typedProblem = typedChecked ? (acceleratorProblem(value, isMacPlatform() ? 'darwin' : 'linux') ?? null) : null;

  const stop = () => {
    setRecording(false);
    setPreview('');
  };

  const onRecordKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!recording) return;
    if (event.key === 'Tab') {
      stop();
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.key === 'Escape' && !event.ctrlKey && !event.metaKey && !event.altKey && !event.shiftKey) {
      stop();
      return;
    }
    const result = comboToAccelerator(event, isMacPlatform());
    if (result.kind === 'incomplete') {
      setPreview(result.preview);
    } else if (result.kind === 'rejected') {
      setRecordProblem(result.reason);
      setPreview('');
    } else {
      onChange(result.accelerator);
      setRecordProblem(null);
      stop();
    }
  };

  const problem = error ?? recordProblem ?? typedProblem;
  const describedBy = [hint ? `${id}-hint` : '', status ? `${id}-status` : '', problem ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field ${problem ? 'has-error' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
      </label>
      <div className="shortcut-row">
        <input
          id={id}
          className="input input-mono"
          value={value}
          onChange={(event) => {
            onChange(event.target.value);
            setRecordProblem(null);
            setTypedChecked(false);
          }}
          onBlur={() => setTypedChecked(true)}
          data-testid={testId}
          placeholder="None"
          spellCheck={false}
          autoComplete="off"
          aria-invalid={problem ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
        <button
          type="button"
          className={`button ${recording ? 'is-recording' : ''}`}
          aria-pressed={recording}
          onClick={() => {
            if (recording) stop();
            else {
              setRecordProblem(null);
              setRecording(true);
            }
          }}
          onKeyDown={onRecordKeyDown}
          onBlur={stop}
          data-testid={`${testId}-record`}
        >
          {recording ? preview || 'Press keys…' : 'Record shortcut'}
        </button>
        <button type="button" className="button button-ghost" onClick={() => onChange('')} disabled={value === ''} data-testid={`${testId}-clear`}>
          Clear
        </button>
      </div>
      <span className="visually-hidden" aria-live="polite">
        {recording ? 'Recording: press the key combination, or Escape to cancel.' : ''}
      </span>
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {status && (
        <div className="field-status" id={`${id}-status`}>
          {status}
        </div>
      )}
      {problem && (
        <p className="field-error" id={`${id}-error`}>
          {problem}
        </p>
      )}
    </div>
  );
}
