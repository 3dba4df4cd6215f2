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
import { DEFAULT_MIN_BARGE_IN_MS, HANDS_FREE_TURN_DETECTIONS, MIN_BARGE_IN_MS_RANGE, type HandsFreeTurnDetection } from '../../../../src-shared/echo-cancellation';
import { CheckboxField, NumberField, SelectField } from '../common/fields';
import { TestSoundButton } from '../common/TestSoundButton';
import { MicCheckPanel } from './MicCheckPanel';
import { RoomCheckPanel } from './RoomCheckPanel';
import type { TabProps } from './tab-props';

const NOISE_REDUCTION_LABELS: Record<NoiseReductionChoice, string> = {
  auto: 'Automatic (from the speaker)',
  near_field: 'Headset (near field)',
  far_field: 'Speakers in a room (far field)',
  off: 'Off',
};

const TURN_DETECTION_LABELS: Record<HandsFreeTurnDetection, string> = {
  server_vad: 'A pause ends your turn',
  semantic_vad: 'The model judges when you have finished',
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
      <h2 className="settings-heading">Echo</h2>
      <p className="settings-lead">Parley removes the assistant&apos;s voice from the microphone, with either protocol, from the next session.</p>
      <CheckboxField
        label="Echo cancellation"
        checked={draft.echoCancellation}
        onChange={(checked) => change({ echoCancellation: checked })}
        testId="setting-echoCancellation"
        hint="Lets you talk over the assistant on speakers. Off: the microphone is muted while the assistant speaks louder than you."
        error={errorFor('echoCancellation')}
      />
      <CheckboxField
        label="Noise suppression"
        checked={draft.noiseSuppression}
        onChange={(checked) => change({ noiseSuppression: checked })}
        disabled={!draft.echoCancellation}
        testId="setting-noiseSuppression"
        hint="Removes steady background noise such as a fan or hum. Part of echo cancellation."
        error={errorFor('noiseSuppression')}
      />
      <CheckboxField
        label="Automatic gain control"
        checked={draft.autoGainControl}
        onChange={(checked) => change({ autoGainControl: checked })}
        disabled={!draft.echoCancellation}
        testId="setting-autoGainControl"
        hint="Evens out a microphone that is too quiet or too loud. Part of echo cancellation."
        error={errorFor('autoGainControl')}
      />
      <NumberField
        label="Minimum barge-in"
        value={draft.minBargeInMs}
        onChange={(value) => change({ minBargeInMs: value })}
        min={MIN_BARGE_IN_MS_RANGE.min}
        max={MIN_BARGE_IN_MS_RANGE.max}
        unit="ms"
        testId="setting-minBargeInMs"
        hint={`Speech shorter than this does not stop the assistant, so a cough or an “mm-hm” does not (default ${DEFAULT_MIN_BARGE_IN_MS}).`}
        error={errorFor('minBargeInMs')}
      />
      <h3 className="field-label">Room check</h3>
      <p className="field-hint">Plays a short sound and measures how much of it the microphone hears, with echo cancellation off and on: does hands-free work on these speakers? It uses the saved devices and echo settings.</p>
      <RoomCheckPanel testId="settings-room-check" />
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
      <SelectField
        label="Turn detection"
        value={draft.handsFreeTurnDetection}
        options={HANDS_FREE_TURN_DETECTIONS.map((value) => ({ value, label: TURN_DETECTION_LABELS[value] }))}
        onChange={(value) => change({ handsFreeTurnDetection: value as HandsFreeTurnDetection })}
        testId="setting-handsFreeTurnDetection"
        hint="Hands-free: how the assistant knows you have finished. The model's judgement lets you pause to think."
        error={errorFor('handsFreeTurnDetection')}
      />
      <NumberField
        label="Pause that ends a turn"
        value={draft.vadSilenceMs}
        onChange={(value) => change({ vadSilenceMs: value })}
        min={MIN_VAD_SILENCE_MS}
        max={MAX_VAD_SILENCE_MS}
        unit="ms"
        disabled={draft.handsFreeTurnDetection !== 'server_vad'}
        testId="setting-vadSilenceMs"
        hint="When a pause ends your turn: how long you must be silent before the assistant answers. Longer lets you pause mid-sentence."
        error={errorFor('vadSilenceMs')}
      />
      <SelectField
        label="Turn-taking eagerness"
        value={draft.semanticEagerness}
        options={SEMANTIC_EAGERNESS_LEVELS.map((value) => ({ value, label: EAGERNESS_LABELS[value] }))}
        onChange={(value) => change({ semanticEagerness: value as SemanticEagerness })}
        disabled={draft.handsFreeTurnDetection !== 'semantic_vad'}
        testId="setting-semanticEagerness"
        hint="When the model judges: how soon it decides you have finished."
        error={errorFor('semanticEagerness')}
      />
      <h2 className="settings-heading">Check</h2>
      <p className="settings-lead">The check uses the saved devices; save first if you changed them.</p>
      <MicCheckPanel />
      <TestSoundButton testId="settings-test-sound" />
    </div>
  );
}
