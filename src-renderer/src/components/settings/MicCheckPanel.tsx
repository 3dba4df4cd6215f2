import { useState, type ReactElement } from 'react';
import { useMicCheck } from '../../hooks/use-mic-check';
import { LevelMeter } from '../controls/LevelMeter';

/** Opens the microphone on request so the meter shows what Parley hears; closes it on leave. */
export function MicCheckPanel(): ReactElement {
  const [on, setOn] = useState(false);
  const error = useMicCheck(on);
  return (
    <div className="mic-check-panel">
      <button type="button" className="button" aria-pressed={on} onClick={() => setOn(!on)} data-testid="settings-mic-check">
        {on ? 'Stop microphone test' : 'Test microphone'}
      </button>
      <div className="mic-check-meter">
        <LevelMeter channel="input" label="Microphone level" testId="settings-mic-meter" size="large" />
      </div>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
