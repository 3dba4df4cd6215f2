import type { ReactElement } from 'react';
import {
  MAX_VAD_SILENCE_MS,
  MIN_VAD_SILENCE_MS,
  NOISE_REDUCTION_CHOICES,
  SEMANTIC_EAGERNESS_LEVELS,
  type NoiseReductionChoice,
  type SemanticEagerness,
} from '../../../../src-shared/ipc-contract';
import { useDevices } from '../../hooks/use-devices';
import { DeviceSelect } from '../common/DeviceSelect';
import { NumberField, SelectField } from '../common/fields';
import { TestSoundButton } from '../common/TestSoundButton';
import { MicCheckPanel } from './MicCheckPanel';
import type { TabProps } from './tab-props';

const NOISE_REDUCTION_LABELS: Record<NoiseReductionChoice, string> = {
  auto: 'Automatic (from the speaker)',
  near_field: 'Headset (near field)',
  far_field: 'Speakers in a room (far field)',
  off: 'Off',
};

const EAGERNESS_LABELS: Record<SemanticEagerness, string> = {
  auto: 'Automatic',
  low: 'Low: waits for you to finish',
  medium: 'Medium',
  high: 'High: answers quickly',
};

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
      <h2 className="settings-heading">Room</h2>
      <p className="settings-lead">These apply with the OpenAI Realtime API (protocol v2), from the next session.</p>
      <SelectField
        label="Noise reduction"
        value={draft.noiseReduction}
        options={NOISE_REDUCTION_CHOICES.map((value) => ({ value, label: NOISE_REDUCTION_LABELS[value] }))}
        onChange={(value) => change({ noiseReduction: value as NoiseReductionChoice })}
        testId="setting-noiseReduction"
        hint="The server cleans the microphone for a headset or for a room. Automatic picks headset when the speaker's name says so (headset, headphones, earbuds, AirPods)."
        error={errorFor('noiseReduction')}
      />
      <NumberField
        label="Pause that ends a turn"
        value={draft.vadSilenceMs}
        onChange={(value) => change({ vadSilenceMs: value })}
        min={MIN_VAD_SILENCE_MS}
        max={MAX_VAD_SILENCE_MS}
        unit="ms"
        testId="setting-vadSilenceMs"
        hint="Hands-free: how long you must be silent before the assistant answers. Longer lets you pause mid-sentence."
        error={errorFor('vadSilenceMs')}
      />
      <SelectField
        label="Turn-taking eagerness"
        value={draft.semanticEagerness}
        options={SEMANTIC_EAGERNESS_LEVELS.map((value) => ({ value, label: EAGERNESS_LABELS[value] }))}
        onChange={(value) => change({ semanticEagerness: value as SemanticEagerness })}
        testId="setting-semanticEagerness"
        hint="With semantic turn detection: how soon the model decides you have finished."
        error={errorFor('semanticEagerness')}
      />
      <h2 className="settings-heading">Check</h2>
      <p className="settings-lead">The check uses the saved devices; save first if you changed them.</p>
      <MicCheckPanel />
      <TestSoundButton testId="settings-test-sound" />
    </div>
  );
}
