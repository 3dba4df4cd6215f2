import type { ReactElement } from 'react';
import { TALK_MODES, type TalkMode } from '../../../../src-shared/ipc-contract';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';
import { TALK_MODE_LABELS } from '../../state/status-words';

export function TalkModeSelect(): ReactElement {
  const store = useStore();
  const mode = useAppState((state) => state.app?.talk.mode ?? 'hands-free');

  const onChange = async (next: TalkMode) => {
    const response = await attempt(() => store.api.talk.setMode({ mode: next }));
    if (!response.ok) store.reportCommandError(response.error);
  };

  return (
    <label className="compact-field">
      <span className="visually-hidden">Talk mode</span>
      <select
        className="select"
        data-testid="talk-mode"
        value={mode}
        onChange={(event) => void onChange(event.target.value as TalkMode)}
        title="Talk mode"
      >
        {TALK_MODES.map((value) => (
          <option key={value} value={value}>
            {TALK_MODE_LABELS[value]}
          </option>
        ))}
      </select>
    </label>
  );
}
