// A turn's latency in the timeline and the session's summary in the status area, server-rendered
// to markup (no DOM): the compact bar, the waterfall it opens, and where each is drawn.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { conversationReducer, initialConversationState, type ConversationState, type EntryItem, type HandoffItem } from '../../src-shared/conversation-reducer';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import type { TurnLatency } from '../../src-shared/latency';
import { Bubble } from '../../src-renderer/src/components/conversation/Bubble';
import { HandoffCard } from '../../src-renderer/src/components/conversation/HandoffCard';
import { LatencyBar } from '../../src-renderer/src/components/conversation/LatencyBar';
import { LatencyWaterfall } from '../../src-renderer/src/components/conversation/LatencyWaterfall';
import { TurnLatencyView } from '../../src-renderer/src/components/conversation/TurnLatencyView';
import { LatencySummary } from '../../src-renderer/src/components/controls/LatencyMeter';
import { StoreContext } from '../../src-renderer/src/hooks/store-context';
import type { ParleyStore } from '../../src-renderer/src/state/parley-store';

const SPOKEN: TurnLatency = {
  kind: 'spoken',
  turnId: 'resp_1',
  itemId: 'item_1',
  start: 'local_vad',
  startedAt: 5_000,
  steps: [
    { name: 'response_started', owner: 'server', ms: 400 },
    { name: 'first_audio', owner: 'server', ms: 300 },
    { name: 'buffering', owner: 'parley', ms: 60 },
    { name: 'device', owner: 'device', ms: 40 },
  ],
  totalMs: 800,
  heard: true,
};

const HANDOFF: TurnLatency = {
  kind: 'handoff',
  turnId: 'h1',
  start: 'handoff',
  startedAt: 5_000,
  steps: [
    { name: 'agent_request', owner: 'parley', ms: 20 },
    { name: 'agent_first_token', owner: 'agent', ms: 1_180 },
    { name: 'agent_answer', owner: 'agent', ms: 800 },
    { name: 'answer_sent', owner: 'parley', ms: 5 },
    { name: 'response_started', owner: 'server', ms: 395 },
  ],
  totalMs: 2_400,
  heard: false,
};

const render = (element: ReactElement): string => renderToStaticMarkup(element);
const noop = (): void => undefined;

function attribute(markup: string, pattern: RegExp): string[] {
  return [...markup.matchAll(pattern)].map((match) => match[1]!);
}

test('the compact bar has a segment per step, sized by its share and coloured by its owner, and the total', () => {
  const markup = render(createElement(LatencyBar, { latency: SPOKEN, expanded: false, onToggle: noop }));
  assert.deepEqual(attribute(markup, /data-step="([^"]+)" data-owner="[^"]+"/g), ['response_started', 'first_audio', 'buffering', 'device']);
  assert.deepEqual(attribute(markup, /class="latency-segment latency-owner-([a-z]+)"/g), ['server', 'server', 'parley', 'device']);
  assert.deepEqual(attribute(markup, /style="width:([\d.]+)%"/g), ['50', '37.5', '7.5', '5']);
  assert.match(markup, /data-testid="latency-total">800 ms</);
});

test('the bar is a button that says whether the waterfall is open, and reads its steps to a screen reader', () => {
  const closed = render(createElement(LatencyBar, { latency: SPOKEN, expanded: false, onToggle: noop, controls: 'w1' }));
  assert.match(closed, /^<button type="button" class="latency-bar"[^>]*aria-expanded="false"/);
  assert.doesNotMatch(closed, /aria-controls/, 'nothing to point at while closed');
  assert.match(closed, /<span class="visually-hidden">Latency <\/span>/);
  assert.match(closed, /: Server response 400 ms \(Server\), First audio 300 ms \(Server\), Parley buffering 60 ms \(Parley\), Speaker output 40 ms \(Device\)/);
  assert.match(closed, /<span class="latency-track" aria-hidden="true">/);

  const open = render(createElement(LatencyBar, { latency: SPOKEN, expanded: true, onToggle: noop, controls: 'w1' }));
  assert.match(open, /aria-expanded="true" aria-controls="w1"/);
});

test('the waterfall lists each step with its label, whose time it is, its start and its duration, drawn in place', () => {
  const markup = render(createElement(LatencyWaterfall, { id: 'w1', latency: HANDOFF }));
  assert.match(markup, /^<div class="latency-waterfall" id="w1"/);
  const rows = [...markup.matchAll(/<li class="latency-row" data-testid="latency-step" data-step="([^"]+)" data-owner="([^"]+)"><span class="latency-row-label">([^<]+)<\/span><span[^>]*>([^<]+)<\/span>/g)].map(
    (match) => [match[1], match[2], match[3], match[4]],
  );
  assert.deepEqual(rows, [
    ['agent_request', 'parley', 'Agent request sent', "Parley&#x27;s"],
    ['agent_first_token', 'agent', 'Agent&#x27;s first token', 'the agent&#x27;s'],
    ['agent_answer', 'agent', 'Agent&#x27;s answer', 'the agent&#x27;s'],
    ['answer_sent', 'parley', 'Answer to the voice', "Parley&#x27;s"],
    ['response_started', 'server', 'Server response', 'the server&#x27;s'],
  ]);
  const offsets = attribute(markup, /data-testid="latency-step-offset"><span class="visually-hidden">from <\/span>\+([^<]+)</g);
  assert.deepEqual(offsets, ['0 ms', '20 ms', '1.2 s', '2.0 s', '2.0 s']);
  const durations = attribute(markup, /data-testid="latency-step-ms"><span class="visually-hidden">, taking <\/span>([^<]+)</g);
  assert.deepEqual(durations, ['20 ms', '1.2 s', '800 ms', '5 ms', '395 ms']);
  const bars = attribute(markup, /class="latency-lane-bar latency-owner-[a-z]+" style="(left:[^"]+)"/g);
  assert.deepEqual(bars, ['left:0%;width:0.8%', 'left:0.8%;width:49.2%', 'left:50%;width:33.3%', 'left:83.3%;width:0.2%', 'left:83.5%;width:16.5%']);
  assert.match(markup, /From the agent was asked to the first audio \(the speaker did not report when it played\): 2\.4 s/);
  assert.deepEqual(attribute(markup, /<li data-owner="([a-z]+)">/g), ['parley', 'server', 'agent'], 'the legend names the owners it shows, in order');
});

test('the disclosure starts closed and, open, points the bar at its waterfall', () => {
  const closed = render(createElement(TurnLatencyView, { latency: SPOKEN }));
  assert.match(closed, /aria-expanded="false"/);
  assert.doesNotMatch(closed, /latency-waterfall/);

  const open = render(createElement(TurnLatencyView, { latency: SPOKEN, initiallyExpanded: true }));
  const [controls] = attribute(open, /aria-controls="([^"]+)"/g);
  assert.ok(controls);
  assert.match(open, new RegExp(`<div class="latency-waterfall" id="${controls}"`));
  assert.match(open, /From you stopped speaking \(Parley heard it\) to the first sound at the speaker: 800 ms/);
});

function play(events: readonly ForwardedSessionEvent[]): ConversationState {
  return events.reduce((state, event, at) => conversationReducer(state, { type: 'session-event', event, at }), initialConversationState);
}

test('a reply shows its latency under its bubble; a bubble without one shows none', () => {
  const state = play([
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', itemId: 'item_0', text: 'Hi' },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', itemId: 'item_1', text: 'There you go' },
    { type: 'latency', ...SPOKEN },
  ]);
  const [plain, measured] = state.items as EntryItem[];
  const bubble = (entry: EntryItem) =>
    render(createElement(Bubble, { role: entry.role, text: entry.text, entryId: entry.entryId, firstSeenAt: 0, latency: entry.latency }));
  assert.doesNotMatch(bubble(plain!), /latency/);
  assert.match(bubble(measured!), /data-testid="bubble-text">There you go<\/div><\/div><div class="turn-latency" data-testid="turn-latency" data-turn-id="resp_1">/);
});

test('a handoff card shows a latency bar for each answer it spoke', () => {
  const state = play([
    { type: 'handoff.started', handoffId: 'h1', agentText: 'find flights' },
    { type: 'handoff.answered', handoffId: 'h1', text: 'Two flights' },
    { type: 'latency', ...HANDOFF },
    { type: 'latency', ...HANDOFF, totalMs: 3_100 },
  ]);
  const card = state.items[0] as HandoffItem;
  const markup = render(createElement(StoreContext.Provider, { value: {} as ParleyStore }, createElement(HandoffCard, { card })));
  assert.match(markup, /data-testid="handoff-latency"><div class="handoff-label">Latency<\/div>/);
  assert.deepEqual(attribute(markup, /data-testid="latency-total">([^<]+)</g), ['2.4 s', '3.1 s']);
});

test('the status area shows the session median and p90, and nothing before the first turn', () => {
  assert.equal(render(createElement(LatencySummary, { totals: [] })), '');
  const markup = render(createElement(LatencySummary, { totals: [700, 820, 640, 900, 760, 1_400, 810, 830, 1_250, 790, 2_100, 600] }));
  assert.match(markup, /data-testid="latency-summary"[^>]*>Latency: median 810 ms · p90 1\.4 s \(12 turns\)<\/div>$/);
});
