import type { ReactElement } from 'react';
import { useDevices } from '../../hooks/use-devices';
import { DeviceSelect } from '../common/DeviceSelect';
import { TestSoundButton } from '../common/TestSoundButton';
import { MicCheckPanel } from './MicCheckPanel';
import type { TabProps } from './tab-props';

export function AudioTab({ draft, change, errorFor }: TabProps): ReactElement {
  const { devices, error, reload, loading } = useDevices();
  return (
    <div className="settings-section">
      <h2 className="settings-heading">Devices</h2>
      {error && (
        <p className="field-error" role="alert">
          Could not list audio devices: {error}
        </p>
      )}
      <DeviceSelect
        kind="input"
        devices={devices}
        value={draft.inputDevice}
        onChange={(name) => change({ inputDevice: name })}
        testId="setting-inputDevice"
        label="Microphone"
        error={errorFor('inputDevice')}
      />
      <DeviceSelect
        kind="output"
        devices={devices}
        value={draft.outputDevice}
        onChange={(name) => change({ outputDevice: name })}
        testId="setting-outputDevice"
        label="Speaker"
        error={errorFor('outputDevice')}
      />
      <button type="button" className="button button-ghost" onClick={reload} disabled={loading}>
        {loading ? 'Looking for devices…' : 'Refresh device list'}
      </button>
      <h2 className="settings-heading">Check</h2>
      <p className="settings-lead">The check uses the saved devices; save first if you changed them.</p>
      <MicCheckPanel />
      <TestSoundButton testId="settings-test-sound" />
    </div>
  );
}
