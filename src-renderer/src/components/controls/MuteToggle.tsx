import type { ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';
import { MicIcon, MicOffIcon } from '../common/icons';

export function MuteToggle(): ReactElement {
  const store = useStore();
  const muted = useAppState((state) => state.app?.talk.muted ?? false);

  const onClick = async () => {
    const response = await attempt(() => store.api.talk.setMuted({ muted: !muted }));
    if (!response.ok) store.reportCommandError(response.error);
  };

  return (
    <button
      type="button"
      className={`button button-icon-label ${muted ? 'is-on-warning' : ''}`}
      data-testid="mute-toggle"
      aria-pressed={muted}
      onClick={() => void onClick()}
      title={muted ? 'Unmute the microphone' : 'Mute the microphone'}
    >
      {muted ? <MicOffIcon /> : <MicIcon />}
      <span>{muted ? 'Muted' : 'Mute'}</span>
    </button>
  );
}
