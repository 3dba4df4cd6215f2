// A turn's latency waterfall lands on the turn it measured (the reply's bubble, the handoff's
// card), and the session keeps its newest totals for the median and p90.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import {
  conversationReducer,
  initialConversationState,
  MAX_CARD_LATENCIES,
  type ConversationState,
  type EntryItem,
  type HandoffItem,
} from '../../src-shared/conversation-reducer';
import {
  latencySummaryText,
  latencyWaterfall,
  MAX_SESSION_LATENCY_TOTALS,
  withLatencyTotal,
  type TurnLatency,
} from '../../src-shared/latency';

function play(events: readonly ForwardedSessionEvent[], from: ConversationState = initialConversationState): ConversationState {
  let at = 1_000;
  return events.reduce((state, event) => conversationReducer(state, { type: 'session-event', event, at: at++ }), from);
}

const spoken = (turnId: string, totalMs: number, itemId?: string): ForwardedSessionEvent => ({
  type: 'latency',
  kind: 'spoken',
  turnId,
  ...(itemId !== undefined ? { itemId } : {}),
  start: 'server_vad',
  startedAt: 5_000,
  steps: [
    { name: 'response_started', owner: 'server', ms: totalMs / 2 },
    { name: 'first_audio', owner: 'server', ms: totalMs / 4 },
    { name: 'buffering', owner: 'parley', ms: totalMs / 8 },
    { name: 'device', owner: 'device', ms: totalMs / 8 },
  ],
  totalMs,
  heard: true,
});

const handoffLatency = (handoffId: string, totalMs: number): ForwardedSessionEvent => ({
  type: 'latency',
  kind: 'handoff',
  turnId: handoffId,
  start: 'handoff',
  startedAt: 5_000,
  steps: [
    { name: 'agent_request', owner: 'parley', ms: 10 },
    { name: 'agent_first_token', owner: 'agent', ms: totalMs - 110 },
    { name: 'agent_answer', owner: 'agent', ms: 40 },
    { name: 'answer_sent', owner: 'parley', ms: 5 },
    { name: 'response_started', owner: 'server', ms: 55 },
  ],
  totalMs,
  heard: false,
});

const v2Reply = (entryId: number, itemId: string, text: string): ForwardedSessionEvent => ({
  type: 'transcript.entry',
  entryId,
  index: entryId,
  role: 'assistant',
  itemId,
  text,
});

function entries(state: ConversationState): EntryItem[] {
  return state.items.filter((item): item is EntryItem => item.kind === 'entry');
}

function cardOf(state: ConversationState, handoffId: string): HandoffItem {
  const card = state.items.find((item): item is HandoffItem => item.kind === 'handoff' && item.handoffId === handoffId);
  assert.ok(card, `a card for ${handoffId}`);
  return card;
}

test('a spoken latency goes on the bubble of the item it measured, not on the newest reply', () => {
  const state = play([
    { type: 'state', state: 'connecting' },
    v2Reply(0, 'item_a', 'First reply'),
    v2Reply(1, 'item_b', 'Second reply'),
    spoken('resp_a', 800, 'item_a'),
  ]);
  const [first, second] = entries(state);
  assert.equal(first?.latency?.turnId, 'resp_a');
  assert.equal(first?.latency?.totalMs, 800);
  assert.equal(second?.latency, undefined);
  assert.equal('type' in first!.latency!, false, 'the event type is not kept on the turn');
  assert.deepEqual(state.latencyTotalsMs, [800]);
});

test('a spoken latency without an item id (or with an unknown one) goes on the newest reply', () => {
  const state = play([
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'hi' },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', text: 'Hello' },
    { type: 'transcript.entry', entryId: 2, index: 2, role: 'user', text: 'and?' },
    spoken('resp_1', 640),
    spoken('resp_2', 700, 'item_never_shown'),
  ]);
  const withLatency = entries(state).map((entry) => entry.latency?.turnId ?? null);
  assert.deepEqual(withLatency, [null, 'resp_2', null], 'the newest measurement of the reply replaces the earlier one');
  assert.deepEqual(state.latencyTotalsMs, [640, 700]);
});

test('a reply of an earlier session never takes a new session\'s latency, which still counts', () => {
  const state = play([
    { type: 'state', state: 'connecting' },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'Earlier reply' },
    spoken('resp_old', 900),
    { type: 'state', state: 'closed' },
    { type: 'state', state: 'connecting' },
    spoken('resp_new', 450),
  ]);
  assert.equal(entries(state)[0]?.latency?.turnId, 'resp_old');
  assert.deepEqual(state.latencyTotalsMs, [450], 'a new session starts its totals from none');
});

test('a reconnect keeps the session: its totals go on and the reply before it still takes a latency', () => {
  const state = play([
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'live' },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'Reply' },
    spoken('resp_1', 500),
    { type: 'connection', status: 'reconnected', reason: '', downtimeMs: 1200 },
    spoken('resp_2', 600),
  ]);
  assert.equal(entries(state)[0]?.latency?.turnId, 'resp_2');
  assert.deepEqual(state.latencyTotalsMs, [500, 600]);
});

test('a handoff latency goes on the card with that handoff id, a steered turn\'s on the turn\'s card', () => {
  const state = play([
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'find flights', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'find flights' },
    { type: 'handoff.requested', handoffId: 'h2', inputTranscript: '', agentText: 'only direct ones', transcript: [], joinsHandoffId: 'h1' },
    { type: 'handoff.steered', handoffId: 'h2', agentText: 'only direct ones', turnHandoffId: 'h1' },
    { type: 'handoff.requested', handoffId: 'h3', inputTranscript: '', agentText: 'weather', transcript: [] },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'Here are your flights' },
    handoffLatency('h1', 3_200),
    handoffLatency('h1', 4_100),
  ]);
  assert.deepEqual(cardOf(state, 'h1').latencies?.map((latency) => latency.totalMs), [3_200, 4_100]);
  assert.equal(cardOf(state, 'h3').latencies, undefined);
  assert.equal(entries(state)[0]?.latency, undefined, 'a handoff latency never lands on a bubble');
  assert.deepEqual(state.latencyTotalsMs, [3_200, 4_100]);
});

test('a handoff latency with no card still counts for the session', () => {
  const state = play([handoffLatency('h_gone', 2_000)]);
  assert.equal(state.items.length, 0);
  assert.deepEqual(state.latencyTotalsMs, [2_000]);
});

test('a card keeps its newest latencies and the session its newest totals', () => {
  const many = Array.from({ length: MAX_CARD_LATENCIES + 3 }, (_, index) => handoffLatency('h1', 1_000 + index));
  const state = play([{ type: 'handoff.started', handoffId: 'h1', agentText: 'go' }, ...many]);
  const kept = cardOf(state, 'h1').latencies!;
  assert.equal(kept.length, MAX_CARD_LATENCIES);
  assert.equal(kept[0]?.totalMs, 1_003);
  assert.equal(kept.at(-1)?.totalMs, 1_000 + MAX_CARD_LATENCIES + 2);

  let totals: readonly number[] = [];
  for (let index = 0; index < MAX_SESSION_LATENCY_TOTALS + 5; index++) totals = withLatencyTotal(totals, index);
  assert.equal(totals.length, MAX_SESSION_LATENCY_TOTALS);
  assert.equal(totals[0], 5);
  assert.equal(totals.at(-1), MAX_SESSION_LATENCY_TOTALS + 4);
});

test('a bubble keeps its latency while its text grows (appends stay linear)', () => {
  const state = play([
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'Hel' },
    spoken('resp_1', 720),
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: 'lo' },
  ]);
  const [entry] = entries(state);
  assert.equal(entry?.text, 'Hello');
  assert.equal(entry?.latency?.totalMs, 720);
  assert.equal(entry?.lastAppend, 'lo');
});

test('the waterfall places each step after the one before, as a share of the turn', () => {
  const rows = latencyWaterfall({
    steps: [
      { name: 'response_started', owner: 'server', ms: 400 },
      { name: 'first_audio', owner: 'server', ms: 300 },
      { name: 'buffering', owner: 'parley', ms: 60 },
      { name: 'device', owner: 'device', ms: 40 },
    ],
  } satisfies Pick<TurnLatency, 'steps'>);
  assert.deepEqual(
    rows.map((row) => [row.name, row.label, row.startMs, row.ms, row.startPercent, row.widthPercent]),
    [
      ['response_started', 'Server response', 0, 400, 0, 50],
      ['first_audio', 'First audio', 400, 300, 50, 37.5],
      ['buffering', 'Parley buffering', 700, 60, 87.5, 7.5],
      ['device', 'Speaker output', 760, 40, 95, 5],
    ],
  );
  assert.deepEqual(latencyWaterfall({ steps: [{ name: 'device', owner: 'device', ms: 0 }] }).map((row) => row.widthPercent), [0], 'no division by zero');
});

test('the session summary reads median, p90 and the number of turns', () => {
  assert.equal(latencySummaryText([]), undefined);
  assert.equal(latencySummaryText([820]), 'Latency: median 820 ms · p90 820 ms (1 turn)');
  const totals = [700, 820, 640, 900, 760, 1_400, 810, 830, 1_250, 790, 2_100, 600];
  assert.equal(latencySummaryText(totals), 'Latency: median 810 ms · p90 1.4 s (12 turns)', 'nearest rank: the 6th and 11th of 12');
});
