// The app state shows what the conversation costs (the session's, the day's and the newest turn's)
// and a budget as a banner pointing at Settings › Usage; the handoff card carries its agent's cost.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HandoffItem } from '../../../src-shared/conversation-reducer';
import type { ForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import { foldAppInput, initialAppState, type FoldState } from '../../../src-main/app/state/fold-app-input';

function start(): FoldState {
  return initialAppState({
    talk: { mode: 'hands-free', muted: false, talking: false },
    devices: { input: null, output: null },
    apiKeySet: true,
    onboardingDone: true,
    hotkeys: { talk: { accelerator: '', active: false, problem: null }, holdToTalk: { accelerator: '', active: false, problem: null, mode: 'off' } },
  });
}

function send(state: FoldState, ...events: ForwardedSessionEvent[]): FoldState {
  return events.reduce((current, event, index) => foldAppInput(current, { type: 'session-event', event, at: index }), state);
}

test("cost events set the session's, the day's and the newest turn's cost; a new session keeps the day", () => {
  let state = send(
    start(),
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'live' },
    { type: 'cost', source: 'response', id: 'r1', model: 'gpt-realtime', usd: 0.3, turnUsd: 0.3, sessionUsd: 0.3, dayUsd: 1.5 },
    { type: 'cost', source: 'response', id: 'r2', model: 'odd-model', turnUsd: 0, sessionUsd: 0.3, dayUsd: 1.5 },
  );
  assert.deepEqual(state.cost, { sessionUsd: 0.3, dayUsd: 1.5, lastTurn: { source: 'response', id: 'r2', model: 'odd-model', usd: null } });
  state = send(state, { type: 'state', state: 'closed' }, { type: 'closed', reason: 'requested' }, { type: 'state', state: 'connecting' });
  assert.deepEqual(state.cost, { sessionUsd: 0, dayUsd: 1.5, lastTurn: null });
});

test('the 80 % warning is a banner, replaced by the cap reached, which opens Settings › Usage', () => {
  let state = send(start(), { type: 'budget', level: 'warning', scope: 'session', capUsd: 2, spentUsd: 1.6, message: 'This session has used $1.60 of its $2.00 budget (80 %).' });
  assert.deepEqual(
    state.problems.map((shown) => [shown.code, shown.severity, shown.settingsPage]),
    [['budget_near', 'warning', 'usage']],
  );
  state = send(state, { type: 'budget', level: 'reached', scope: 'session', capUsd: 2, spentUsd: 2.1, message: 'Stopped: this session reached its $2.00 budget. Raise the cap in Settings › Usage to go on.' });
  assert.deepEqual(
    state.problems.map((shown) => [shown.code, shown.severity, shown.settingsPage]),
    [['budget_reached', 'error', 'usage']],
  );
  assert.match(state.problems[0]!.message, /Raise the cap in Settings › Usage to go on\./);
});

test("an agent request's cost lands on its handoff card", () => {
  const state = send(
    start(),
    { type: 'state', state: 'connecting' },
    { type: 'state', state: 'live' },
    { type: 'handoff.requested', handoffId: 'call_1', inputTranscript: 'fix it', agentText: 'fix it', transcript: [] },
    { type: 'handoff.started', handoffId: 'call_1', agentText: 'fix it' },
    { type: 'agent.usage', handoffId: 'call_1', model: 'gpt-5-mini', inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 },
    { type: 'cost', source: 'agent', id: 'call_1', model: 'gpt-5-mini', usd: 0.002, turnUsd: 0.002, sessionUsd: 0.002, dayUsd: 0.002 },
    { type: 'cost', source: 'agent', id: 'call_1', model: 'gpt-5-mini', usd: 0.003, turnUsd: 0.005, sessionUsd: 0.005, dayUsd: 0.005 },
  );
  const card = state.conversation.items.find((item): item is HandoffItem => item.kind === 'handoff');
  assert.ok(card);
  assert.ok(Math.abs(card.agentCostUsd! - 0.005) < 1e-12);
  assert.equal(card.unpricedModel, undefined);
});
