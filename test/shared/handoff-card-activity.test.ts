// A coding agent's steps and permission requests on its handoff card (conversation-reducer.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentApprovalRequest, AgentProgressStep } from '../../src-shared/agent-activity';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import {
  MAX_CARD_STEPS,
  conversationReducer,
  initialConversationState,
  isPendingApproval,
  type ConversationState,
  type HandoffItem,
} from '../../src-shared/conversation-reducer';

const START_MS = 1_700_000_000_000;

function play(events: readonly ForwardedSessionEvent[], from: ConversationState = initialConversationState, at = START_MS): ConversationState {
  return events.reduce((state, event, index) => conversationReducer(state, { type: 'session-event', event, at: at + index }), from);
}

function onlyCard(state: ConversationState): HandoffItem {
  const cards = state.items.filter((item): item is HandoffItem => item.kind === 'handoff');
  assert.equal(cards.length, 1, 'one card');
  return cards[0]!;
}

const step = (id: string, status: AgentProgressStep['status'], title: string, detail?: string): AgentProgressStep => ({
  id,
  kind: 'command',
  title,
  status,
  ...(detail === undefined ? {} : { detail }),
});
const progress = (handoffId: string, shown: AgentProgressStep): ForwardedSessionEvent => ({ type: 'agent.progress', handoffId, step: shown });
const request = (id: string, subject = 'rm -rf build'): AgentApprovalRequest => ({ id, kind: 'command', subject, reason: 'clean the build', readOnly: false });
const requested = (handoffId: string, id: string, timeoutMs = 60_000): ForwardedSessionEvent => ({
  type: 'agent.approval.requested',
  handoffId,
  approval: request(id),
  timeoutMs,
});
const started: ForwardedSessionEvent = { type: 'handoff.started', handoffId: 'h1', agentText: 'run the tests' };

test('a step with the same id replaces the earlier one in place, new steps go last', () => {
  const state = play([
    started,
    progress('h1', step('s1', 'started', 'Running npm test')),
    progress('h1', step('s2', 'started', 'Reading src/app.ts')),
    progress('h1', step('s1', 'failed', 'Ran npm test', '3 failing')),
    progress('h1', step('s3', 'completed', 'Plan: 1 of 2 done')),
  ]);
  const card = onlyCard(state);
  assert.deepEqual(
    card.steps.map(({ id, status, title }) => [id, status, title]),
    [
      ['s1', 'failed', 'Ran npm test'],
      ['s2', 'started', 'Reading src/app.ts'],
      ['s3', 'completed', 'Plan: 1 of 2 done'],
    ],
  );
  assert.equal(card.steps[0]!.detail, '3 failing');
  assert.equal(card.stepsLeftOut, 0);
});

test('a card keeps the newest steps and counts the older ones it left out', () => {
  const extra = 7;
  const events = Array.from({ length: MAX_CARD_STEPS + extra }, (_, index) => progress('h1', step(`s${index}`, 'completed', `Step ${index}`)));
  const card = onlyCard(play([started, ...events]));
  assert.equal(card.steps.length, MAX_CARD_STEPS);
  assert.equal(card.stepsLeftOut, extra);
  assert.equal(card.steps[0]!.id, `s${extra}`);
  assert.equal(card.steps.at(-1)!.id, `s${MAX_CARD_STEPS + extra - 1}`);
});

test('steps and approvals reach the card through any of its handoff ids (a steer joined the turn)', () => {
  const state = play([
    started,
    { type: 'handoff.steered', handoffId: 'h2', agentText: 'also lint', turnHandoffId: 'h1' },
    progress('h2', step('s1', 'started', 'Running eslint')),
    requested('h2', 'a1'),
  ]);
  const card = onlyCard(state);
  assert.deepEqual(card.handoffIds, ['h1', 'h2']);
  assert.equal(card.steps.length, 1);
  assert.equal(card.approvals.length, 1);
});

test('a step or a request before handoff.started makes a working card, so a request is never invisible', () => {
  const card = onlyCard(play([requested('h9', 'a1', 30_000)]));
  assert.equal(card.handoffId, 'h9');
  assert.equal(card.status, 'working');
  assert.deepEqual(card.approvals, [{ request: request('a1'), timeoutMs: 30_000, requestedAt: START_MS }]);
  assert.ok(isPendingApproval(card.approvals[0]!));
});

test('a request is pending until resolved, then shows the decision and who made it', () => {
  let state = play([started, requested('h1', 'a1'), requested('h1', 'a2')]);
  assert.deepEqual(onlyCard(state).approvals.map(isPendingApproval), [true, true]);
  state = play([{ type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a2', decision: 'allow', decidedBy: 'voice' }], state, START_MS + 5_000);
  const [first, second] = onlyCard(state).approvals;
  assert.ok(isPendingApproval(first!));
  assert.equal(second!.decision, 'allow');
  assert.equal(second!.decidedBy, 'voice');
  assert.equal(second!.decidedAt, START_MS + 5_000);
  assert.equal(second!.requestedAt, START_MS + 2, 'the request keeps the time it was asked');
});

test('a repeated request keeps its first place and time; a second answer does not overwrite the first', () => {
  let state = play([started, requested('h1', 'a1'), requested('h1', 'a1', 5_000)]);
  assert.equal(onlyCard(state).approvals.length, 1);
  assert.equal(onlyCard(state).approvals[0]!.timeoutMs, 60_000);
  state = play(
    [
      { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a1', decision: 'deny', decidedBy: 'timeout' },
      { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a1', decision: 'allow', decidedBy: 'click' },
    ],
    state,
  );
  const [approval] = onlyCard(state).approvals;
  assert.equal(approval!.decision, 'deny');
  assert.equal(approval!.decidedBy, 'timeout');
});

test('an answer for a request or a card that is not shown changes nothing', () => {
  const state = play([started, requested('h1', 'a1')]);
  const unknownRequest = play([{ type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'zz', decision: 'allow', decidedBy: 'click' }], state);
  assert.equal(unknownRequest, state);
  const unknownCard = play([{ type: 'agent.approval.resolved', handoffId: 'nope', approvalId: 'a1', decision: 'allow', decidedBy: 'click' }], state);
  assert.equal(unknownCard, state);
});

test('when the turn ends, requests still waiting show as ended; decided ones keep their answer', () => {
  for (const ending of [
    { type: 'handoff.completed', handoffId: 'h1' },
    { type: 'handoff.failed', handoffId: 'h1', cause: 'cancelled', reason: 'cancelled by the user', spoken: '' },
  ] satisfies ForwardedSessionEvent[]) {
    const state = play([
      started,
      requested('h1', 'a1'),
      requested('h1', 'a2'),
      { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a1', decision: 'allow', decidedBy: 'click' },
      ending,
    ]);
    const [decided, waiting] = onlyCard(state).approvals;
    assert.deepEqual([decided!.decision, decided!.decidedBy], ['allow', 'click'], ending.type);
    assert.deepEqual([waiting!.decision, waiting!.decidedBy, waiting!.decidedAt], ['deny', 'ended', START_MS + 4], ending.type);
    assert.equal(onlyCard(state).approvals.some(isPendingApproval), false);
  }
});

test("the agent's own answer arriving after the turn ended replaces the 'ended' mark", () => {
  const state = play([
    started,
    requested('h1', 'a1'),
    { type: 'handoff.completed', handoffId: 'h1' },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a1', decision: 'deny', decidedBy: 'withdrawn' },
  ]);
  assert.equal(onlyCard(state).approvals[0]!.decidedBy, 'withdrawn');
});
