import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import {
  conversationReducer,
  handoffAnswerText,
  initialConversationState,
  type ConversationState,
  type HandoffItem,
  type TimelineItem,
} from '../../src-shared/conversation-reducer';

function play(events: readonly ForwardedSessionEvent[], from: ConversationState = initialConversationState): ConversationState {
  let at = 1_000;
  return events.reduce((state, event) => conversationReducer(state, { type: 'session-event', event, at: at++ }), from);
}

function bubbles(state: ConversationState): { role: string; text: string; entryId?: number }[] {
  return state.items.flatMap((item) => {
    if (item.kind === 'entry') return [{ role: item.role, text: item.text, entryId: item.entryId }];
    if (item.kind === 'typed') return [{ role: 'user', text: item.text }];
    return [];
  });
}

function cards(state: ConversationState): HandoffItem[] {
  return state.items.filter((item): item is HandoffItem => item.kind === 'handoff');
}

function kinds(state: ConversationState): TimelineItem['kind'][] {
  return state.items.map((item) => item.kind);
}

const entry = (entryId: number, role: 'user' | 'assistant', text: string, index = entryId): ForwardedSessionEvent => ({
  type: 'transcript.entry',
  entryId,
  index,
  role, text,
});

test('an entry with the same entryId replaces the earlier text in place', () => {
  const state = play([entry(0, 'user', 'Hel'), entry(1, 'assistant', 'Hi'), entry(0, 'user', 'Hello there')]);
  assert.deepEqual(bubbles(state), [
    { role: 'user', text: 'Hello there', entryId: 0 },
    { role: 'assistant', text: 'Hi', entryId: 1 },
  ]);
});

test('entries survive a handoff: the index restarts but the entryId keeps each bubble', () => {
  const state = play([
    entry(0, 'user', 'book a table', 0),
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: 'book a table', agentText: 'book a table', transcript: [] },
    entry(1, 'assistant', 'On it', 0),
    entry(1, 'assistant', 'On it, one moment', 0),
  ]);
  assert.deepEqual(bubbles(state), [
    { role: 'user', text: 'book a table', entryId: 0 },
    { role: 'assistant', text: 'On it, one moment', entryId: 1 },
  ]);
  assert.deepEqual(kinds(state), ['entry', 'handoff', 'entry']);
});

test('typed messages become user bubbles in order; transcript deltas do not add bubbles', () => {
  const state = play([
    entry(0, 'assistant', 'Hello'),
    { type: 'user.text', text: 'what time is it?' },
    { type: 'transcript.delta', role: 'assistant', delta: 'It is' },
    entry(1, 'assistant', 'It is noon'),
  ]);
  assert.deepEqual(bubbles(state), [
    { role: 'assistant', text: 'Hello', entryId: 0 },
    { role: 'user', text: 'what time is it?' },
    { role: 'assistant', text: 'It is noon', entryId: 1 },
  ]);
});

test('a new session keeps old bubbles, adds a divider, and does not confuse restarted entry ids', () => {
  const state = play([
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'live' },
    entry(0, 'user', 'first session'),
    { type: 'state', state: 'closing' },
    { type: 'state', state: 'closed' },
    { type: 'closed', reason: 'requested' },
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'live' },
    entry(0, 'user', 'second session'),
  ]);
  assert.deepEqual(kinds(state), ['entry', 'divider', 'entry']);
  assert.deepEqual(
    bubbles(state).map((bubble) => bubble.text),
    ['first session', 'second session'],
  );
});

test('the first session of the window adds no divider, nor does connecting after an error retry with nothing said', () => {
  const state = play([
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'error' },
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'live' },
  ]);
  assert.deepEqual(kinds(state), []);
});

test('a handoff card goes requested → working → streaming answer → answered, and completed keeps answered', () => {
  let state = play([
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: 'x', agentText: 'Find flights\n  to Oslo', transcript: [] },
  ]);
  assert.equal(cards(state)[0]!.status, 'requested');
  assert.equal(cards(state)[0]!.agentText, 'Find flights\n  to Oslo');
  state = play([{ type: 'handoff.started', handoffId: 'h1', agentText: 'Find flights\n  to Oslo' }], state);
  assert.equal(cards(state)[0]!.status, 'working');
  state = play(
    [
      { type: 'agent.text', handoffId: 'h1', delta: 'Two ' },
      { type: 'agent.text', handoffId: 'h1', delta: 'flights' },
    ],
    state,
  );
  assert.equal(handoffAnswerText(cards(state)[0]!), 'Two flights');
  assert.equal(cards(state)[0]!.status, 'working');
  state = play([{ type: 'handoff.answered', handoffId: 'h1', text: 'Two flights found.' }], state);
  assert.equal(handoffAnswerText(cards(state)[0]!), 'Two flights found.');
  assert.equal(cards(state)[0]!.status, 'answered');
  state = play([{ type: 'handoff.completed', handoffId: 'h1' }], state);
  assert.equal(cards(state)[0]!.status, 'answered');
  assert.equal(cards(state).length, 1);
});

test('completed without any answer is done; a cancelled turn is cancelled, not failed, and keeps its reason', () => {
  const state = play([
    { type: 'handoff.requested', handoffId: 'a', inputTranscript: '', agentText: 'task a', transcript: [] },
    { type: 'handoff.started', handoffId: 'a', agentText: 'task a' },
    { type: 'handoff.completed', handoffId: 'a' },
    { type: 'handoff.requested', handoffId: 'b', inputTranscript: '', agentText: 'task b', transcript: [] },
    { type: 'handoff.started', handoffId: 'b', agentText: 'task b' },
    { type: 'handoff.failed', handoffId: 'b', cause: 'cancelled', reason: 'cancelled by the user', spoken: '' },
  ]);
  const [a, b] = cards(state);
  assert.equal(a!.status, 'done');
  assert.equal(b!.status, 'cancelled');
  assert.equal(b!.reason, 'cancelled by the user');
});

test('each way a handoff ends without an answer gets its own card status', () => {
  const ending = (cause: 'agent_failed' | 'cancelled' | 'session_ended' | 'not_delegated') =>
    cards(
      play([
        { type: 'handoff.requested', handoffId: 'x', inputTranscript: '', agentText: 'task', transcript: [] },
        { type: 'handoff.failed', handoffId: 'x', cause, reason: `because ${cause}`, spoken: '' },
      ]),
    )[0]!;
  assert.equal(ending('agent_failed').status, 'failed');
  assert.equal(ending('cancelled').status, 'cancelled');
  assert.equal(ending('session_ended').status, 'ended');
  assert.equal(ending('not_delegated').status, 'not-delegated');
  assert.equal(ending('not_delegated').reason, 'because not_delegated');
});

test('a steer joins the running turn\'s card: one card with both requests, the answer streams there, the turn end closes it', () => {
  const state = play([
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'first', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'first' },
    { type: 'handoff.requested', handoffId: 'h2', inputTranscript: '', agentText: 'also this', transcript: [], joinsHandoffId: 'h1' },
    { type: 'handoff.steered', handoffId: 'h2', agentText: 'also this', turnHandoffId: 'h1' },
    { type: 'agent.text', handoffId: 'h2', delta: 'Both done' },
    { type: 'handoff.answered', handoffId: 'h2', text: 'Both done.' },
    { type: 'handoff.completed', handoffId: 'h2' },
  ]);
  assert.equal(cards(state).length, 1);
  const [card] = cards(state);
  assert.equal(card!.handoffId, 'h1');
  assert.deepEqual(card!.requests, ['first', 'also this']);
  assert.equal(card!.agentText, 'first');
  assert.equal(card!.status, 'answered');
  assert.equal(handoffAnswerText(card!), 'Both done.');
});

test('a steered turn that fails ends its one card with the cause', () => {
  const state = play([
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'first', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'first' },
    { type: 'handoff.requested', handoffId: 'h2', inputTranscript: '', agentText: 'second', transcript: [], joinsHandoffId: 'h1' },
    { type: 'handoff.steered', handoffId: 'h2', agentText: 'second', turnHandoffId: 'h1' },
    { type: 'handoff.failed', handoffId: 'h2', cause: 'cancelled', reason: 'cancelled by the user', spoken: '' },
  ]);
  assert.equal(cards(state).length, 1);
  assert.equal(cards(state)[0]!.status, 'cancelled');
  assert.equal(cards(state)[0]!.reason, 'cancelled by the user');
});

test('handoff.steered for an unseen id creates a steered card; one card per handoffId', () => {
  const state = play([
    { type: 'handoff.steered', handoffId: 'h9', agentText: 'more', turnHandoffId: 'h8' },
    { type: 'handoff.steered', handoffId: 'h9', agentText: 'more', turnHandoffId: 'h8' },
  ]);
  assert.equal(cards(state).length, 1);
  assert.equal(cards(state)[0]!.status, 'steered');
});

test('an empty agentText is kept as empty (the card says nothing was delegated)', () => {
  const state = play([{ type: 'handoff.requested', handoffId: 'h1', inputTranscript: 'hm', agentText: '', transcript: [] }]);
  assert.equal(cards(state)[0]!.agentText, '');
  assert.equal(cards(state)[0]!.status, 'requested');
});

test('an entry is finished when the next one starts or the session closes, not on each update', () => {
  let state = play([entry(0, 'user', 'Hel'), entry(0, 'user', 'Hello')]);
  assert.equal(state.finishedCount, 0);
  state = play([entry(1, 'assistant', 'Hi')], state);
  assert.equal(state.finishedCount, 1);
  assert.deepEqual(state.lastFinished, { key: state.items[0]!.key, role: 'user', text: 'Hello' });
  state = play([{ type: 'closed', reason: 'requested' }], state);
  assert.equal(state.finishedCount, 2);
  assert.equal(state.lastFinished?.text, 'Hi');
});

test('unchanged repeats return the same state object (no needless re-render)', () => {
  const state = play([entry(0, 'user', 'same')]);
  assert.equal(play([entry(0, 'user', 'same')], state), state);
});

test('thousands of entries stay ordered and cheap to update', () => {
  const events: ForwardedSessionEvent[] = [];
  for (let id = 0; id < 5_000; id++) events.push(entry(id, id % 2 === 0 ? 'user' : 'assistant', `entry ${id}`));
  const started = performance.now();
  const state = play(events);
  const elapsed = performance.now() - started;
  assert.equal(state.items.length, 5_000);
  assert.equal((state.items[4_999] as { text: string }).text, 'entry 4999');
  assert.ok(elapsed < 2_000, `5,000 entries took ${elapsed.toFixed(0)} ms`);
});

const itemEntry = (entryId: number, itemId: string, previousItemId: string | null | undefined, role: 'user' | 'assistant', text: string, final = false): ForwardedSessionEvent => ({
  type: 'transcript.entry',
  entryId,
  index: entryId,
  role, text,
  itemId,
  ...(previousItemId !== undefined ? { previousItemId } : {}),
  final,
});

test('v2: an item goes after the item it follows, not at the end: a late user transcription lands above the reply', () => {
  const state = play([
    itemEntry(0, 'a0', null, 'assistant', 'Hi there'),
    itemEntry(1, 'a1', 'a0', 'assistant', 'Sure, which day?'),
    itemEntry(2, 'u1', 'a0', 'user', 'Book a table'),
    itemEntry(2, 'u1', 'a0', 'user', 'Book a table.', true),
  ]);
  assert.deepEqual(bubbles(state).map((bubble) => bubble.text), ['Hi there', 'Book a table.', 'Sure, which day?']);
});

test('v2: null puts the item first in the current session (after the divider); an unknown place or predecessor puts it last', () => {
  const state = play([
    { type: 'state', state: 'connecting' },
    entry(0, 'user', 'old session'),
    { type: 'closed', reason: 'requested' },
    { type: 'state', state: 'closed' },
    { type: 'state', state: 'connecting' },
    itemEntry(0, 'a1', null, 'assistant', 'reply'),
    itemEntry(1, 'u1', null, 'user', 'question'),
    itemEntry(2, 'x', undefined, 'assistant', 'somewhere'),
    itemEntry(3, 'y', 'never-shown', 'assistant', 'after the unknown'),
  ]);
  assert.deepEqual(kinds(state), ['entry', 'divider', 'entry', 'entry', 'entry', 'entry']);
  assert.deepEqual(bubbles(state).map((bubble) => bubble.text), ['old session', 'question', 'reply', 'somewhere', 'after the unknown']);
});

test('v2: a done text replaces only its own item, and a typed message then its reply are two bubbles in order', () => {
  const state = play([
    itemEntry(0, 'a0', null, 'assistant', 'Hello!', true),
    { type: 'user.text', text: 'what time is it?' },
    { type: 'user.text.placed', itemId: 't1', text: 'what time is it?' },
    itemEntry(1, 'a1', 't1', 'assistant', 'It is'),
    itemEntry(1, 'a1', 't1', 'assistant', 'It is noon.', true),
  ]);
  assert.deepEqual(bubbles(state).map((bubble) => bubble.text), ['Hello!', 'what time is it?', 'It is noon.']);
  const typed = state.items.find((item) => item.kind === 'typed');
  assert.equal(typed?.kind === 'typed' && typed.itemId, 't1');
});

test('v2: items follow a handoff card through its call item', () => {
  const state = play([
    itemEntry(0, 'u1', null, 'user', 'find flights'),
    { type: 'handoff.requested', handoffId: 'call_1', inputTranscript: 'find flights', agentText: 'find flights', transcript: [], itemId: 'f1', previousItemId: 'u1' },
    itemEntry(1, 'u2', 'u1', 'user', 'spoken before the call'),
    itemEntry(2, 'a2', 'f1', 'assistant', 'after the call'),
  ]);
  assert.deepEqual(kinds(state), ['entry', 'entry', 'handoff', 'entry']);
  assert.deepEqual(bubbles(state).map((bubble) => bubble.text), ['find flights', 'spoken before the call', 'after the call']);
});

test('v2: a cut-off call is one card that says so, with nothing delegated', () => {
  const event: ForwardedSessionEvent = { type: 'handoff.incomplete', handoffId: 'call_x', reason: 'interrupted', arguments: '{"prompt":"del', itemId: 'fx' };
  const state = play([event, event]);
  assert.equal(cards(state).length, 1);
  assert.equal(cards(state)[0]!.status, 'incomplete');
  assert.equal(cards(state)[0]!.agentText, '');
  assert.equal(cards(state)[0]!.reason, 'interrupted');
});

const append = (entryId: number, role: 'user' | 'assistant', piece: string, index = entryId): ForwardedSessionEvent => ({ type: 'transcript.entry', entryId, index, role, append: piece });

test('linear transcript events: an append grows its bubble and records the piece; a final adding nothing changes nothing', () => {
  const started = play([entry(0, 'assistant', 'It is'), append(0, 'assistant', ' noon'), append(0, 'assistant', '.')]);
  const [bubble] = started.items;
  assert.deepEqual(bubbles(started), [{ role: 'assistant', text: 'It is noon.', entryId: 0 }]);
  assert.equal(bubble?.kind === 'entry' && bubble.lastAppend, '.', 'the piece a state patch can carry');
  assert.equal(bubble?.kind === 'entry' && bubble.textVersion, 2);
  const finalSame: ForwardedSessionEvent = { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: '', final: true };
  assert.equal(play([finalSame], started), started);
  const replaced = play([entry(0, 'assistant', 'It is noon!')], started);
  const [whole] = replaced.items;
  assert.equal(whole?.kind === 'entry' && whole.text, 'It is noon!');
  assert.equal(whole?.kind === 'entry' && whole.lastAppend, undefined, 'a replacement is not an append');
  // An append for an entry not seen yet starts it.
  assert.deepEqual(bubbles(play([append(5, 'user', 'hi')])), [{ role: 'user', text: 'hi', entryId: 5 }]);
});

test('a reconnect keeps the conversation: no new session or epoch, one quiet note, the same bubbles go on growing', () => {
  const before = play([{ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' }, entry(0, 'assistant', 'Let me')]);
  const state = play(
    [
      { type: 'connection', status: 'lost', reason: 'the connection dropped', attempt: 1, maxAttempts: 6, delayMs: 1200 },
      { type: 'state', state: 'reconnecting' },
      { type: 'state', state: 'connecting' },
      { type: 'state', state: 'live' },
      { type: 'connection', status: 'reconnected', reason: '', downtimeMs: 2300 },
      append(0, 'assistant', ' check.'),
      entry(1, 'user', 'Thanks'),
    ],
    before,
  );
  assert.equal(state.epoch, before.epoch, 'entry ids go on across the reconnect');
  assert.deepEqual(kinds(state), ['entry', 'divider', 'entry']);
  const note = state.items[1];
  assert.equal(note?.kind === 'divider' && note.note, 'Reconnected after 2.3 s');
  assert.deepEqual(bubbles(state), [
    { role: 'assistant', text: 'Let me check.', entryId: 0 },
    { role: 'user', text: 'Thanks', entryId: 1 },
  ]);
  const renewed = play([{ type: 'connection', status: 'renewing', reason: 'the session reached its time limit' }, { type: 'connection', status: 'renewed', reason: '' }], state);
  assert.equal(renewed.items.at(-1)?.kind === 'divider' && (renewed.items.at(-1) as { note?: string }).note, 'Session renewed');
});

test('agent notices go on their card, oldest first; a notice for no card is dropped', () => {
  const state = play([
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: 'x', agentText: 'find it', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'find it' },
    { type: 'agent.notice', handoffId: 'h1', text: 'The agent service was busy; trying again in 2 s.' },
    { type: 'agent.notice', handoffId: 'h1', text: 'Left out 12 older messages to fit the context.' },
    { type: 'agent.notice', handoffId: 'nobody', text: 'lost' },
  ]);
  assert.deepEqual(cards(state).map((card) => card.notices), [['The agent service was busy; trying again in 2 s.', 'Left out 12 older messages to fit the context.']]);
});
