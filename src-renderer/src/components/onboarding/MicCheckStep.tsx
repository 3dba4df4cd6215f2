import { useState, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';
import { useDevices } from '../../hooks/use-devices';
import { useMicCheck } from '../../hooks/use-mic-check';
import { DeviceSelect } from '../common/DeviceSelect';
import { LevelMeter } from '../controls/LevelMeter';
import { NoLiveAudio } from './NoLiveAudio';

export function MicCheckStep(): ReactElement {
  const store = useStore();
  const { devices, error: listError } = useDevices();
  // Opened at once, as the level meter is shown; closed again if devices.list says there is no audio.
  const micError = useMicCheck(listError === null);
  const input = useAppState((state) => state.app?.devices.input ?? null);
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const choose = async (name: string | null) => {
    setChosen(name);
    const response = await attempt(() => store.api.devices.setInput({ name }));
    setError(response.ok ? null : response.error.message);
  };

  if (devices === null && listError !== null) {
    return (
      <div className="onboarding-step">
        <h2 className="step-title">Check your microphone</h2>
        <NoLiveAudio what="microphone" reason={listError} />
      </div>
    );
  }
  return (
    <div className="onboarding-step">
      <h2 className="step-title">Check your microphone</h2>
      <p className="step-lead">{devices ? 'Say something. The bar should move while you speak.' : 'Opening your microphone…'}</p>
      <div className="mic-check-meter">
        <LevelMeter channel="input" label="Microphone level" testId="onboarding-mic-meter" size="large" />
      </div>
      {micError && (
        <p className="field-error" role="alert">
          {micError}
        </p>
      )}
      <DeviceSelect
        kind="input"
        devices={devices}
        value={chosen === undefined ? input : chosen}
        onChange={(name) => void choose(name)}
        testId="onboarding-input-device"
        label="Microphone"
        error={error}
        hint="If the bar stays still, pick another microphone."
      />
    </div>
  );
}
