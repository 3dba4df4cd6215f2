import type { ReactElement } from 'react';
import { DIALECTS, MAX_SESSION_MINUTES, MIN_SESSION_MINUTES, TALK_MODES, type Dialect, type TalkMode } from '../../../../src-shared/ipc-contract';
import { REALTIME_VOICES, defaultVoice } from '../../../../src-shared/realtime-voices';
import { TALK_MODE_LABELS } from '../../state/status-words';
import { CheckboxField, NumberField, SelectField, TextAreaField, TextField } from '../common/fields';
import type { TabProps } from './tab-props';

const DIALECT_LABELS: Record<Dialect, string> = {
  v1: 'v1 — quicksilver (handoff events)',
  v2: 'v2 — OpenAI Realtime API',
};

export function GeneralTab({ draft, change, errorFor }: TabProps): ReactElement {
  return (
    <div className="settings-section">
      <h2 className="settings-heading">Connection</h2>
      <SelectField
        label="Protocol"
        value={draft.dialect}
        options={DIALECTS.map((value) => ({ value, label: DIALECT_LABELS[value] }))}
        onChange={(value) => change({ dialect: value as Dialect })}
        testId="setting-dialect"
        error={errorFor('dialect')}
      />
      <TextField
        label="Realtime URL"
        type="url"
        monospace
        value={draft.realtimeUrl}
        onChange={(value) => change({ realtimeUrl: value })}
        testId="setting-realtimeUrl"
        hint="The realtime endpoint (wss://, ws://, https:// or http://)."
        error={errorFor('realtimeUrl')}
      />
      <TextField
        label="Model"
        value={draft.model}
        onChange={(value) => change({ model: value })}
        testId="setting-model"
        placeholder="Protocol default"
        hint="Leave empty for the protocol's default model."
        error={errorFor('model')}
      />
      <NumberField
        label="Session length limit"
        value={draft.maxSessionMinutes}
        onChange={(value) => change({ maxSessionMinutes: value })}
        min={MIN_SESSION_MINUTES}
        max={MAX_SESSION_MINUTES}
        unit="minutes"
        testId="setting-maxSessionMinutes"
        hint="Parley renews the session before this limit without a gap (the OpenAI Realtime API allows 60 minutes)."
        error={errorFor('maxSessionMinutes')}
      />
      <h2 className="settings-heading">Voice</h2>
      <TextField
        label="Voice"
        value={draft.voice}
        onChange={(value) => change({ voice: value })}
        testId="setting-voice"
        placeholder="Default voice"
        list="parley-voices"
        hint={`One of the protocol's voices, or empty for its default (${defaultVoice(draft.dialect)}). Changing the protocol resets a voice it does not offer.`}
        error={errorFor('voice')}
      />
      <datalist id="parley-voices">
        {REALTIME_VOICES[draft.dialect].map((voice) => (
          <option key={voice} value={voice} />
        ))}
      </datalist>
      <TextAreaField
        label="Instructions"
        value={draft.instructions}
        onChange={(value) => change({ instructions: value })}
        testId="setting-instructions"
        hint="How the assistant should behave, sent when a session starts."
        error={errorFor('instructions')}
      />
      <SelectField
        label="Talk mode"
        value={draft.talkMode}
        options={TALK_MODES.map((value) => ({ value, label: TALK_MODE_LABELS[value] }))}
        onChange={(value) => change({ talkMode: value as TalkMode })}
        testId="setting-talkMode"
        hint="Hands-free listens all the time; push to talk listens while you hold the Talk key; toggle listens between presses."
        error={errorFor('talkMode')}
      />
      <h2 className="settings-heading">System</h2>
      <CheckboxField
        label="Start Parley when I log in"
        checked={draft.startAtLogin}
        onChange={(checked) => change({ startAtLogin: checked })}
        testId="setting-startAtLogin"
        error={errorFor('startAtLogin')}
      />
    </div>
  );
}
