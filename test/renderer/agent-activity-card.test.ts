// The handoff card's coding-agent parts, server-rendered to markup (no DOM): the step list, a
// waiting permission request, and the words for each way one is decided. The click itself is in
// test/e2e/agent-activity-web.e2e.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { AGENT_APPROVAL_DECIDERS, type AgentApprovalRequest } from '../../src-shared/agent-activity';
import { conversationReducer, initialConversationState, type CardApproval, type ConversationState, type HandoffItem } from '../../src-shared/conversation-reducer';
import type { ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import { HandoffCard } from '../../src-renderer/src/components/conversation/HandoffCard';
import {
  approvalMsLeft,
  approvalOutcomeWords,
  countdownWords,
  secondsWords,
} from '../../src-renderer/src/components/conversation/approval-words';
import { StoreContext } from '../../src-renderer/src/hooks/store-context';
import type { ParleyStore } from '../../src-renderer/src/state/parley-store';

const REQUEST: AgentApprovalRequest = { id: 'a1', kind: 'command', subject: 'rm -rf build && echo "<done>"', reason: 'clean the build', readOnly: false };

function play(events: readonly ForwardedSessionEvent[]): ConversationState {
  return events.reduce((state, event, index) => conversationReducer(state, { type: 'session-event', event, at: 1_000 + index }), initialConversationState);
}

function cardMarkup(events: readonly ForwardedSessionEvent[]): string {
  const card = play(events).items.find((item): item is HandoffItem => item.kind === 'handoff');
  assert.ok(card, 'a card');
  // The card reads the store only to answer or cancel; rendering needs none of it.
  return renderToStaticMarkup(createElement(StoreContext.Provider, { value: {} as ParleyStore }, createElement(HandoffCard, { card })));
}

const decided = (decision: 'allow' | 'deny', decidedBy: CardApproval['decidedBy'], timeoutMs = 60_000): CardApproval => ({
  request: REQUEST,
  timeoutMs,
  requestedAt: 0,
  decision,
  ...(decidedBy ? { decidedBy } : {}),
});

test('the card lists steps in order with their status, an update in place, and details behind a disclosure', () => {
  const markup = cardMarkup([
    { type: 'handoff.started', handoffId: 'h1', agentText: 'fix the tests' },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Running npm test', status: 'started' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's2', kind: 'file_change', title: 'Edited src/app.ts (+12 −3)', status: 'completed' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Ran npm test', status: 'failed', detail: '2 failing\n  at app.test.ts:4' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's3', kind: 'plan', title: 'Plan: 1 of 2 done', status: 'started' } },
  ]);
  const steps = [...markup.matchAll(/data-step-id="([^"]+)" data-status="([^"]+)"/g)].map((match) => `${match[1]}:${match[2]}`);
  assert.deepEqual(steps, ['s1:failed', 's2:completed', 's3:started']);
  assert.match(markup, /<details class="agent-step-details"><summary>.*failed: .*Ran npm test<\/span><\/summary><pre class="agent-step-detail"[^>]*>2 failing\n {2}at app.test.ts:4<\/pre>/);
  assert.match(markup, /spinner spinner-small agent-step-icon/, 'a started step of a working turn spins');
});

test('a started step of a finished turn reads "not finished", not "in progress"', () => {
  const markup = cardMarkup([
    { type: 'handoff.started', handoffId: 'h1', agentText: 'fix the tests' },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Running npm test', status: 'started' } },
    { type: 'handoff.failed', handoffId: 'h1', cause: 'cancelled', reason: 'cancelled by the user', spoken: '' },
  ]);
  assert.match(markup, /not finished: /);
  assert.doesNotMatch(markup, /in progress/);
  assert.doesNotMatch(markup, /spinner/, 'nothing spins on a finished card');
});

test('a waiting request shows its exact subject, the reason, Allow and Deny, the countdown, and is announced', () => {
  const markup = cardMarkup([
    { type: 'handoff.started', handoffId: 'h1', agentText: 'clean up' },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: REQUEST, timeoutMs: 60_000 },
  ]);
  assert.match(markup, /data-testid="handoff-asking">needs your answer</);
  assert.match(markup, /role="group"[^>]*data-testid="approval" data-approval-id="a1" data-state="pending"/);
  assert.match(markup, /role="alert">The agent asks to run a command</);
  // React escapes the text; what a person sees is the subject exactly as sent.
  assert.match(markup, /data-testid="approval-subject">rm -rf build &amp;&amp; echo &quot;&lt;done&gt;&quot;<\/pre>/);
  assert.match(markup, /Why: clean the build/);
  assert.match(markup, /<button type="button"[^>]*data-testid="approval-allow" aria-disabled="false">Allow<\/button>/);
  assert.match(markup, /<button type="button"[^>]*data-testid="approval-deny" aria-disabled="false">Deny<\/button>/);
  assert.match(markup, /data-testid="approval-countdown">(Denied automatically in \d+ s|No answer in time: denying)</);
});

test('a decided request shows who decided instead of the buttons', () => {
  const markup = cardMarkup([
    { type: 'handoff.started', handoffId: 'h1', agentText: 'clean up' },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: REQUEST, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a1', decision: 'allow', decidedBy: 'voice' },
  ]);
  assert.match(markup, /data-testid="approval-outcome" tabindex="-1">Allowed by you \(voice\)</);
  assert.doesNotMatch(markup, /approval-allow|needs your answer|role="alert"/);
});

test('every way a request is decided has its own words', () => {
  assert.equal(approvalOutcomeWords(decided('allow', 'click')), 'Allowed by you (click)');
  assert.equal(approvalOutcomeWords(decided('deny', 'voice')), 'Denied by you (voice)');
  assert.equal(approvalOutcomeWords(decided('allow', 'policy')), 'Allowed by the approval policy');
  assert.equal(approvalOutcomeWords(decided('deny', 'timeout')), 'Denied: no answer in 60 s');
  assert.equal(approvalOutcomeWords(decided('deny', 'timeout', 150_000)), 'Denied: no answer in 2 min 30 s');
  assert.equal(approvalOutcomeWords(decided('deny', 'withdrawn')), 'Withdrawn: the agent no longer needed it');
  assert.equal(approvalOutcomeWords(decided('deny', 'ended')), 'Not answered: the task ended first');
  assert.equal(approvalOutcomeWords(decided('allow', undefined)), null, 'still waiting');
  const sentences = AGENT_APPROVAL_DECIDERS.map((decidedBy) => approvalOutcomeWords(decided('deny', decidedBy)));
  assert.equal(new Set(sentences).size, AGENT_APPROVAL_DECIDERS.length);
});

test('the countdown counts whole seconds down to the timeout, then says it is denying', () => {
  const approval: CardApproval = { request: REQUEST, timeoutMs: 60_000, requestedAt: 10_000 };
  assert.equal(countdownWords(approvalMsLeft(approval, 10_000)), 'Denied automatically in 60 s');
  assert.equal(countdownWords(approvalMsLeft(approval, 27_500)), 'Denied automatically in 43 s');
  assert.equal(countdownWords(approvalMsLeft(approval, 69_999)), 'Denied automatically in 1 s');
  assert.equal(countdownWords(approvalMsLeft(approval, 70_000)), 'No answer in time: denying');
  assert.equal(countdownWords(approvalMsLeft(approval, 99_000)), 'No answer in time: denying');
  assert.equal(secondsWords(120_000), '2 min');
});
