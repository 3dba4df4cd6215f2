import { useState, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useParley } from '../../hooks/store-context';

/** Plays the chime on the chosen output device and says whether that worked. */
export function TestSoundButton({ testId }: { readonly testId: string }): ReactElement {
  const api = useParley();
  const [state, setState] = useState<{ kind: 'idle' | 'playing' | 'played' } | { kind: 'error'; message: string }>({ kind: 'idle' });

  const play = async () => {
    setState({ kind: 'playing' });
    const response = await attempt(() => api.audio.testSound());
    setState(response.ok ? { kind: 'played' } : { kind: 'error', message: response.error.message });
  };

  return (
    <div className="test-sound">
      <button type="button" className="button" data-testid={testId} onClick={() => void play()} disabled={state.kind === 'playing'}>
        {state.kind === 'playing' ? 'Playing…' : 'Play test sound'}
      </button>
      <span className="inline-status" role="status">
        {state.kind === 'played' && 'Played. Did you hear a chime?'}
      </span>
      {state.kind === 'error' && (
        <p className="field-error" role="alert">
          {state.message}
        </p>
      )}
    </div>
  );
}
