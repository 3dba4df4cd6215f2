// A long monologue as a voice session emits it (v2, one item): for each delta the raw
// transcript.delta and the linear transcript.entry, built by the real ItemTranscript, then the
// final text. Used to pin that every consumer's cost is linear in the text, not in deltas × text.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { SessionEvent } from '../../src-shared/session-events';
import { ItemTranscript } from '../../src-main/core/transcript/item-transcript';

export const MONOLOGUE_DELTAS = 100_000;
export const MONOLOGUE_DELTA_CHARS = 100;
export const MONOLOGUE_CHARS = MONOLOGUE_DELTAS * MONOLOGUE_DELTA_CHARS;

const FILLER = 'and then the story went on, word after word, for as long as anyone cared to listen to it, ';

/** Delta number `index`: exactly MONOLOGUE_DELTA_CHARS characters, different each time. */
export function monologueDelta(index: number): string {
  const head = `${index} `;
  return head + FILLER.repeat(2).slice(0, MONOLOGUE_DELTA_CHARS - head.length);
}

/** Calls `onEvent` with every event of the monologue, in order, without holding them. */
export function playMonologue(onEvent: (event: SessionEvent) => void): void {
  const items = new ItemTranscript();
  const itemId = 'item_monologue';
  items.place(itemId, 'assistant', null);
  let text = '';
  for (let index = 0; index < MONOLOGUE_DELTAS; index++) {
    const delta = monologueDelta(index);
    text += delta;
    const change = items.appendDelta(itemId, 'assistant', delta)!;
    onEvent({ type: 'transcript.delta', role: 'assistant', delta, itemId });
    onEvent(entryEvent(change, itemId, false));
  }
  onEvent(entryEvent(items.replaceText(itemId, 'assistant', text)!, itemId, true));
}

function entryEvent(change: NonNullable<ReturnType<ItemTranscript['appendDelta']>>, itemId: string, final: boolean): SessionEvent {
  return {
    type: 'transcript.entry',
    entryId: change.entryId,
    index: change.index,
    role: change.role,
    ...(change.text !== undefined ? { text: change.text } : { append: change.append }),
    itemId,
    previousItemId: null,
    final,
  };
}

/** Collects garbage for a heap measurement (the flag can be set at run time; `gc` then exists in a new context). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export function heapUsedBytes(): number {
  collectGarbage();
  return process.memoryUsage().heapUsed;
}
