// Push-to-talk: held with the pointer or Space. Toggle mode: a click flips it. Hidden in
// hands-free, where the microphone is always open.
import { useRef, type KeyboardEvent, type PointerEvent, type ReactElement } from 'react';
import { attempt } from '../../bridge/attempt';
import { useAppState, useStore } from '../../hooks/store-context';

export function TalkButton(): ReactElement | null {
  const store = useStore();
  const talk = useAppState((state) => state.app?.talk);
  const held = useRef(false);

  if (!talk || talk.mode === 'hands-free') return null;
  const pushToTalk = talk.mode === 'push-to-talk';

  const run = async (command: 'press' | 'release' | 'toggle') => {
    const response = await attempt(() => store.api.talk[command]());
    if (!response.ok) store.reportCommandError(response.error);
  };

  const press = () => {
    if (held.current) return;
    held.current = true;
    void run('press');
  };
  const release = () => {
    if (!held.current) return;
    held.current = false;
    void run('release');
  };

  const pointerHandlers = pushToTalk
    ? {
        onPointerDown: (event: PointerEvent<HTMLButtonElement>) => {
          if (event.button !== 0) return;
          event.currentTarget.setPointerCapture?.(event.pointerId);
          press();
        },
        onPointerUp: release,
        onPointerCancel: release,
        onLostPointerCapture: release,
        onKeyDown: (event: KeyboardEvent<HTMLButtonElement>) => {
          if (event.key !== ' ' && event.code !== 'Space') return;
          event.preventDefault();
          if (!event.repeat) press();
        },
        onKeyUp: (event: KeyboardEvent<HTMLButtonElement>) => {
          if (event.key !== ' ' && event.code !== 'Space') return;
          event.preventDefault();
          release();
        },
        onBlur: release,
      }
    : { onClick: () => void run('toggle') };

  const label = pushToTalk ? (talk.talking ? 'Talking…' : 'Hold to talk') : talk.talking ? 'Stop talking' : 'Talk';
  return (
    <button
      type="button"
      className={`button talk-button ${talk.talking ? 'is-talking' : ''}`}
      data-testid="talk-button"
      aria-pressed={talk.talking}
      title={pushToTalk ? 'Hold (or hold Space) to talk' : 'Press to start or stop talking'}
      {...pointerHandlers}
    >
      {label}
    </button>
  );
}
