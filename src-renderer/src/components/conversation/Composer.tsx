import { useState, type FormEvent, type KeyboardEvent, type ReactElement } from 'react';
import { MAX_TEXT_MESSAGE_CHARS } from '../../../../src-shared/ipc-contract';
import { attempt } from '../../bridge/attempt';
import { useAppState, useParley } from '../../hooks/store-context';
import { SendIcon } from '../common/icons';

/** Type a message to the voice session: Enter sends, Shift+Enter adds a line. */
export function Composer(): ReactElement {
  const api = useParley();
  const live = useAppState((state) => state.app?.session === 'live');
  const [text, setText] = useState('');
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = async () => {
    const message = text.trim();
    if (!message || sending) return;
    setSending(true);
    const response = await attempt(() => api.session.sendText({ text: message }));
    setSending(false);
    if (response.ok) {
      setText('');
      setError(null);
    } else {
      setError(response.error.message);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };

  return (
    <form className="composer" onSubmit={onSubmit} aria-label="Type a message">
      <div className="composer-row">
        <label htmlFor="composer-input" className="visually-hidden">
          Message
        </label>
        <textarea
          id="composer-input"
          className="composer-input"
          data-testid="composer-input"
          rows={1}
          value={text}
          maxLength={MAX_TEXT_MESSAGE_CHARS}
          placeholder={live ? 'Type a message… (Enter to send)' : 'Type a message… (start a session to send)'}
          onChange={(event) => {
            setText(event.target.value);
            if (error) setError(null);
          }}
          onKeyDown={onKeyDown}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'composer-error' : undefined}
        />
        <button
          type="submit"
          className="button button-primary composer-send"
          data-testid="composer-send"
          disabled={sending || text.trim() === ''}
          aria-label="Send message"
        >
          <SendIcon />
          <span>Send</span>
        </button>
      </div>
      {error && (
        <p className="composer-error" id="composer-error" role="alert" data-testid="composer-error">
          {error}
        </p>
      )}
    </form>
  );
}
