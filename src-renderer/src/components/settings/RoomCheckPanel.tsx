import { useEffect, useRef, useState, type ReactElement } from 'react';
import { roomCheckDetails, type RoomCheckResult, type RoomVerdict } from '../../../../src-shared/room-check';
import { attempt } from '../../bridge/attempt';
import { useParley } from '../../hooks/store-context';

type CheckState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'checking' }
  | { readonly kind: 'done'; readonly result: RoomCheckResult }
  | { readonly kind: 'error'; readonly message: string };

// Two columns of label and value; inline because the stylesheets belong to the layout work.
const NUMBERS_GRID = { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '2px 16px', margin: '8px 0 0' } as const;
const STATUS_AREA = { marginTop: 10 } as const;
const NUMBERS_ROW = { display: 'contents' } as const;
const NUMBER_VALUE = { margin: 0, fontVariantNumeric: 'tabular-nums' } as const;

const CALLOUT: Record<RoomVerdict, string> = {
  'hands-free': 'callout callout-success',
  headphones: 'callout callout-error',
  inconclusive: 'callout callout-info',
};

/**
 * "Check the room": main plays a short sound and measures how much of it the microphone hears
 * with the echo canceller off and on (about 5 s); the verdict is one sentence, the numbers are
 * behind a disclosure. The result is announced politely to screen readers.
 */
export function RoomCheckPanel({ testId = 'room-check' }: { readonly testId?: string }): ReactElement {
  const api = useParley();
  const [state, setState] = useState<CheckState>({ kind: 'idle' });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = async () => {
    setState({ kind: 'checking' });
    const response = await attempt(() => api.audio.roomCheck());
    if (!mounted.current) return;
    setState(response.ok ? { kind: 'done', result: response.value } : { kind: 'error', message: response.error.message });
  };

  const checking = state.kind === 'checking';
  return (
    <div className="room-check" data-testid={testId}>
      <div className="test-sound">
        <button type="button" className="button" data-testid={`${testId}-run`} onClick={() => void run()} disabled={checking} aria-busy={checking}>
          {checking ? 'Checking the room…' : state.kind === 'done' ? 'Check again' : 'Check the room'}
        </button>
        {state.kind === 'idle' && <span className="field-hint">Parley listens for a moment, then plays a short sound through the speaker.</span>}
      </div>
      <div aria-live="polite" data-testid={`${testId}-status`} style={STATUS_AREA}>
        {checking && (
          <p className="inline-status" data-testid={`${testId}-progress`}>
            <span className="spinner spinner-small" aria-hidden="true" /> Listening to the room and playing the test sound (about 5 seconds)…
          </p>
        )}
        {state.kind === 'done' && <RoomCheckVerdict result={state.result} testId={testId} />}
      </div>
      {state.kind === 'error' && (
        <p className="field-error" role="alert" data-testid={`${testId}-error`}>
          {state.message}
        </p>
      )}
    </div>
  );
}

function RoomCheckVerdict({ result, testId }: { readonly result: RoomCheckResult; readonly testId: string }): ReactElement {
  return (
    <div className={CALLOUT[result.verdict]} data-testid={`${testId}-result`} data-verdict={result.verdict} data-reason={result.reason}>
      <p data-testid={`${testId}-sentence`}>{result.sentence}</p>
      <details data-testid={`${testId}-details`}>
        <summary>The numbers</summary>
        <dl style={NUMBERS_GRID}>
          {roomCheckDetails(result).map((row) => (
            <div key={row.label} style={NUMBERS_ROW}>
              <dt>{row.label}</dt>
              <dd style={NUMBER_VALUE}>{row.value}</dd>
            </div>
          ))}
        </dl>
      </details>
    </div>
  );
}
