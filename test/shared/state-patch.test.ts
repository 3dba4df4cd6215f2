import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppState } from '../../src-shared/app-state';
import { conversationReducer, initialConversationState, type ConversationState, type TimelineItem } from '../../src-shared/conversation-reducer';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import { applyStatePatch, diffState, timelineSplice } from '../../src-shared/state-patch';

const item = (key: string, text = key): TimelineItem => ({ kind: 'typed', key, text, firstSeenAt: 0 });
const applySplice = (items: readonly TimelineItem[], splice: ReturnType<typeof timelineSplice>) =>
  splice ? [...items.slice(0, splice.start), ...splice.items, ...items.slice(splice.start + splice.deleteCount)] : items;

test('a streaming delta sends only the bubble that grew', () => {
  const before = [item('a'), item('b'), item('c')];
  const after = [before[0]!, before[1]!, item('c', 'c grew')];
  assert.deepEqual(timelineSplice(before, after), { start: 2, deleteCount: 1, items: [after[2]] });
});

test('an item inserted above the newest (a late user transcript) sends only that item', () => {
  const before = [item('a'), item('reply')];
  const after = [before[0]!, item('user'), before[1]!];
  const splice = timelineSplice(before, after);
  assert.deepEqual(splice, { start: 1, deleteCount: 0, items: [after[1]] });
  assert.deepEqual(applySplice(before, splice), after);
});

test('3,000 items and one change: the splice holds one item', () => {
  const before = Array.from({ length: 3_000 }, (_, index) => item(`k${index}`));
  const after = before.slice();
  after[1_500] = item('k1500', 'changed');
  const splice = timelineSplice(before, after)!;
  assert.equal(splice.items.length, 1);
  assert.deepEqual(applySplice(before, splice), after);
  assert.equal(timelineSplice(before, before), null);
});


function appState(conversation: ConversationState, revision: number): AppState {
  return { revision, conversation } as AppState;
}

function step(state: AppState, event: ForwardedSessionEvent): AppState {
  return appState(conversationReducer(state.conversation, { type: 'session-event', event, at: 1 }), state.revision + 1);
}

test('a transcript delta patches as an append of its piece, not the bubble, and applying it rebuilds the bubble', () => {
  let main = appState(initialConversationState, 0);
  main = step(main, { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'Once upon a time' });
  let mirror = main;
  for (const piece of [' there', ' were', ' three bears.']) {
    const next = step(main, { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: piece });
    const patch = diffState(main, next);
    assert.equal(patch.conversation?.splice, null);
    assert.deepEqual(patch.conversation?.append, { position: 0, key: 'entry:0:0', text: piece, textVersion: (next.conversation.items[0] as { textVersion: number }).textVersion });
    assert.deepEqual(patch.conversation?.fields, {}, 'the conversation fields that did not change stay home');
    mirror = applyStatePatch(mirror, patch)!;
    main = next;
  }
  assert.deepEqual(mirror, main);
  assert.equal((mirror.conversation.items[0] as { text: string }).text, 'Once upon a time there were three bears.');
});

test('an append patch that does not follow the bubble it names is a gap: the renderer asks for the whole state', () => {
  const first = step(appState(initialConversationState, 0), { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'a' });
  const second = step(first, { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', append: 'b' });
  const third = step(second, { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', append: 'c' });
  const patch = diffState(second, third);
  assert.ok(patch.conversation?.append);
  // The renderer holds `first` relabelled as revision 2: the text version shows the missing piece.
  assert.equal(applyStatePatch({ ...first, revision: second.revision }, patch), undefined);
  // A replaced text (a final that differs) travels whole, as a splice.
  const replaced = step(third, { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'ABC', final: true });
  const whole = diffState(third, replaced);
  assert.equal(whole.conversation?.append, undefined);
  assert.equal(whole.conversation?.splice?.items.length, 1);
});
