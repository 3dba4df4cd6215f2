// Screen readers hear each transcript entry once it is finished (a newer entry started, a
// handoff took it, the session ended) or once it has been quiet for a moment, never per delta.
import { useEffect, useRef, useState, type ReactElement } from 'react';
import { useAppState } from '../../hooks/store-context';
import { initialConversationState, type ConversationState, type EntryItem } from '../../../../src-shared/conversation-reducer';

const QUIET_MS = 1_500;
const REMEMBERED_ENTRIES = 50;

function openEntry(conversation: ConversationState): EntryItem | null {
  const key = conversation.openEntryKey;
  if (!key) return null;
  for (let index = conversation.items.length - 1; index >= 0; index--) {
    const item = conversation.items[index]!;
    if (item.key === key) return item.kind === 'entry' ? item : null;
  }
  return null;
}

export function TranscriptAnnouncer(): ReactElement {
  const lastFinished = useAppState((state) => state.app?.conversation.lastFinished ?? null);
  const growing = useAppState((state) => openEntry(state.app?.conversation ?? initialConversationState));
  const announced = useRef(new Map<string, string>());
  const [message, setMessage] = useState('');

  const announce = (key: string, role: string, text: string) => {
    const before = announced.current.get(key) ?? '';
    if (before === text) return;
    // Only what is new when the entry grew after it was read out.
    const fresh = before && text.startsWith(before) ? text.slice(before.length).trim() : text;
    announced.current.set(key, text);
    if (announced.current.size > REMEMBERED_ENTRIES) {
      const oldest = announced.current.keys().next().value;
      if (oldest !== undefined) announced.current.delete(oldest);
    }
    if (fresh) setMessage(`${role === 'user' ? 'You' : 'Parley'}: ${fresh}`);
  };
  const announceRef = useRef(announce);
  announceRef.current = announce;

  useEffect(() => {
    if (lastFinished) announceRef.current(lastFinished.key, lastFinished.role, lastFinished.text);
  }, [lastFinished]);

  useEffect(() => {
    if (!growing) return;
    const timer = setTimeout(() => announceRef.current(growing.key, growing.role, growing.text), QUIET_MS);
    return () => clearTimeout(timer);
  }, [growing]);

  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="transcript-announcer">
      {message}
    </div>
  );
}
