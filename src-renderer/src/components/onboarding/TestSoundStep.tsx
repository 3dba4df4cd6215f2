import { useState, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';
import { useDevices } from '../../hooks/use-devices';
import { DeviceSelect } from '../common/DeviceSelect';
import { TestSoundButton } from '../common/TestSoundButton';
import { NoLiveAudio } from './NoLiveAudio';

export function TestSoundStep(): ReactElement {
  const store = useStore();
  const { devices, error: listError } = useDevices();
  const output = useAppState((state) => state.app?.devices.output ?? null);
  const [chosen, setChosen] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);

  const choose = async (name: string | null) => {
    setChosen(name);
    const response = await attempt(() => store.api.devices.setOutput({ name }));
    setError(response.ok ? null : response.error.message);
  };

  if (devices === null && listError !== null) {
    return (
      <div className="onboarding-step">
        <h2 className="step-title">Check your speaker</h2>
        <NoLiveAudio what="speaker" reason={listError} />
      </div>
    );
  }
  return (
    <div className="onboarding-step">
      <h2 className="step-title">Check your speaker</h2>
      <p className="step-lead">Play the test sound. Parley speaks through the same device.</p>
      <TestSoundButton testId="onboarding-test-sound" />
      <DeviceSelect
        kind="output"
        devices={devices}
        value={chosen === undefined ? output : chosen}
        onChange={(name) => void choose(name)}
        testId="onboarding-output-device"
        label="Speaker"
        error={error}
      />
    </div>
  );
}
