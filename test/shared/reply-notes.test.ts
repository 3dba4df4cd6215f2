// The timeline says what the text alone does not: a reply that did not complete, and a user's
// speech that could not be transcribed (instead of vanishing).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { conversationReducer, initialConversationState, NOT_TRANSCRIBED_NOTE, type ConversationState, type EntryItem } from '../../src-shared/conversation-reducer';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';

function fold(events: readonly ForwardedSessionEvent[], state: ConversationState = initialConversationState): ConversationState {
  return events.reduce((current, event, at) => conversationReducer(current, { type: 'session-event', event, at }), state);
}

const entries = (state: ConversationState) =>
  state.items.filter((item): item is EntryItem => item.kind === 'entry').map((item) => [item.itemId, item.role, item.text, item.note ?? null]);

const live: ForwardedSessionEvent[] = [{ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' }];

test('a reply that was cut off, failed or cancelled carries a note with the reason; its text stays', () => {
  const state = fold([
    ...live,
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'I will tell you all', itemId: 'a1', previousItemId: null },
    { type: 'response.ended', responseId: 'r1', itemIds: ['a1', 'call_item'], status: 'incomplete', reason: 'The reply was cut off: it reached the output token limit.' },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'I will tell you all about', itemId: 'a1', previousItemId: null, final: true },
  ]);
  const [bubble] = state.items as EntryItem[];
  assert.equal(bubble?.text, 'I will tell you all about');
  assert.equal(bubble?.note, 'cut off');
  assert.equal(bubble?.noteDetail, 'The reply was cut off: it reached the output token limit.');
  const failed = fold([{ type: 'response.ended', responseId: 'r2', itemIds: ['a1'], status: 'failed', reason: 'x' }], state);
  assert.equal((failed.items[0] as EntryItem).note, 'failed');
});

test('a response.ended for items not shown changes nothing', () => {
  const state = fold(live);
  assert.equal(fold([{ type: 'response.ended', responseId: 'r', itemIds: ['nowhere'], status: 'cancelled', reason: 'The reply was cancelled.' }], state), state);
});

test('a failed transcription shows "not transcribed" on the user\'s own item, in its place', () => {
  const state = fold([
    ...live,
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'Hello.', itemId: 'u0', previousItemId: null, final: true },
    { type: 'transcript.entry', entryId: 1, index: 2, role: 'assistant', text: 'Could you repeat that?', itemId: 'a1', previousItemId: 'u0' },
    { type: 'transcription.failed', itemId: 'u1', reason: 'the speech could not be transcribed: noise', previousItemId: 'u0' },
  ]);
  assert.deepEqual(entries(state), [
    ['u0', 'user', 'Hello.', null],
    ['u1', 'user', '', NOT_TRANSCRIBED_NOTE],
    ['a1', 'assistant', 'Could you repeat that?', null],
  ]);
});

test('a failed transcription of an item already shown notes that bubble; later text lands on the same bubble', () => {
  const shown = fold([
    ...live,
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'Hel', itemId: 'u1', previousItemId: null },
    { type: 'transcription.failed', itemId: 'u1', reason: 'r' },
  ]);
  assert.deepEqual(entries(shown), [['u1', 'user', 'Hel', NOT_TRANSCRIBED_NOTE]]);
  const placeholder = fold([...live, { type: 'transcription.failed', itemId: 'u2', reason: 'r', previousItemId: null }, { type: 'transcript.entry', entryId: 4, index: 0, role: 'user', text: 'Late words.', itemId: 'u2', previousItemId: null, final: true }]);
  assert.deepEqual(entries(placeholder), [['u2', 'user', 'Late words.', NOT_TRANSCRIBED_NOTE]]);
});

test('rate limits and usage leave the timeline alone', () => {
  const state = fold(live);
  assert.equal(
    fold([
      { type: 'rate_limits', limits: [{ name: 'tokens', limit: 10, remaining: 1, resetSeconds: 1 }] },
      { type: 'usage', responseId: 'r', input: { text: 1, audio: 2, cached: 0 }, output: { text: 3, audio: 4 }, total: 10 },
    ], state),
    state,
  );
});
