// Transcript entries are linear events (session-events.ts): a test that waits for an entry's
// text rebuilds it from the entry's events so far.
import type { SessionEvent, TranscriptEntryEvent } from '../../src-shared/session-events';
import { textAfter } from '../../src-shared/transcript-text';

/** The text of `event`'s entry once `event` applied, rebuilt from the entry's events in `events` up to it. */
export function entryText(events: readonly SessionEvent[], event: TranscriptEntryEvent): string {
  let text: string | undefined;
  for (const each of events) {
    if (each.type !== 'transcript.entry' || each.entryId !== event.entryId) continue;
    text = textAfter(text, each);
    if (each === event) break;
  }
  return text ?? '';
}
