import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentActivityEvent, AgentApprovalRequest } from '../../../../src-main/core/agent/agent-backend';
import { CodexApprovals, type CodexApprovalPolicy } from '../../../../src-main/adapters/agent/codex/codex-approvals';
import { commandOnlyReads, readableCommand } from '../../../../src-main/adapters/agent/codex/codex-activity';

function approvals(policy: CodexApprovalPolicy, events: AgentActivityEvent[] = [], timeoutMs = 60_000) {
  return new CodexApprovals({ policy, timeoutMs, emit: (event) => events.push(event) });
}

const readRequest: AgentApprovalRequest = { id: 'approval-1', kind: 'command', subject: 'cat README.md', readOnly: true };
const writeRequest: AgentApprovalRequest = { id: 'approval-2', kind: 'command', subject: 'rm -rf build', readOnly: false };

function resolvedOf(events: readonly AgentActivityEvent[]) {
  return events.filter((event) => event.type === 'approval.resolved');
}

test('allow-read-only answers a read-only command itself and asks about the rest', async () => {
  const events: AgentActivityEvent[] = [];
  const broker = approvals('allow-read-only', events);
  assert.equal(await broker.hold({ request: readRequest, rpcId: 1, turnId: 't1', availableDecisions: undefined }), 'accept');
  assert.deepEqual(events, [{ type: 'progress', step: { id: 'approval-1', kind: 'command', title: 'Allowed (by policy): cat README.md', status: 'completed' } }], 'a policy answer is only a step');
  const asked = broker.hold({ request: writeRequest, rpcId: 2, turnId: 't1', availableDecisions: ['accept', 'decline'] });
  assert.deepEqual(broker.pendingIds, ['approval-2']);
  assert.deepEqual(events[1], { type: 'approval.requested', approval: writeRequest, timeoutMs: 60_000 });
  assert.equal(broker.answer('approval-2', 'deny', 'click'), true);
  assert.equal(await asked, 'decline');
  assert.deepEqual(resolvedOf(events), [{ type: 'approval.resolved', id: 'approval-2', decision: 'deny', decidedBy: 'click' }]);
});

test('an answer by voice is resolved once with its decider, and shown as a step', async () => {
  const events: AgentActivityEvent[] = [];
  const broker = approvals('always-ask', events);
  const asked = broker.hold({ request: writeRequest, rpcId: 5, turnId: 't1', availableDecisions: undefined });
  assert.equal(broker.answer('approval-2', 'allow', 'voice'), true);
  assert.equal(broker.answer('approval-2', 'deny', 'click'), false, 'answered once');
  assert.equal(await asked, 'accept');
  assert.deepEqual(resolvedOf(events), [{ type: 'approval.resolved', id: 'approval-2', decision: 'allow', decidedBy: 'voice' }]);
  assert.ok(events.some((event) => event.type === 'progress' && event.step.title === 'Allowed (by voice): rm -rf build' && event.step.status === 'completed'));
});

test('a denial becomes "cancel" where Codex offers no "decline"', async () => {
  const broker = approvals('always-ask');
  const asked = broker.hold({ request: writeRequest, rpcId: 3, turnId: 't1', availableDecisions: ['accept', 'cancel'] });
  broker.answer('approval-2', 'deny', 'voice');
  assert.equal(await asked, 'cancel');
});

test('never-ask allows everything without asking', async () => {
  const events: AgentActivityEvent[] = [];
  assert.equal(await approvals('never-ask', events).hold({ request: writeRequest, rpcId: 4, turnId: 't1', availableDecisions: undefined }), 'accept');
  assert.ok(!events.some((event) => event.type === 'approval.requested' || event.type === 'approval.resolved'));
});

test('a request withdrawn by Codex is resolved as withdrawn and can no longer be answered', () => {
  const events: AgentActivityEvent[] = [];
  const broker = approvals('always-ask', events);
  void broker.hold({ request: writeRequest, rpcId: 7, turnId: 't1', availableDecisions: undefined });
  broker.withdrawn(8);
  assert.deepEqual(resolvedOf(events), [], 'another request id withdraws nothing');
  broker.withdrawn(7);
  broker.withdrawn(7);
  assert.equal(broker.answer('approval-2', 'allow', 'click'), false);
  assert.deepEqual(resolvedOf(events), [{ type: 'approval.resolved', id: 'approval-2', decision: 'deny', decidedBy: 'withdrawn' }]);
});

test('an unanswered request is denied by the timeout, resolved once as "timeout"', async () => {
  const events: AgentActivityEvent[] = [];
  const broker = approvals('always-ask', events, 30);
  const decision = await broker.hold({ request: writeRequest, rpcId: 9, turnId: 't1', availableDecisions: ['accept', 'decline'] });
  assert.equal(decision, 'decline');
  assert.equal(broker.answer('approval-2', 'allow', 'voice'), false, 'too late');
  assert.deepEqual(resolvedOf(events), [{ type: 'approval.resolved', id: 'approval-2', decision: 'deny', decidedBy: 'timeout' }]);
  assert.ok(events.some((event) => event.type === 'progress' && event.step.title === 'Denied (no answer in time): rm -rf build'));
});

test('ending a turn ends only its requests; ending all ends the rest, each resolved once as "ended"', async () => {
  const events: AgentActivityEvent[] = [];
  const broker = approvals('always-ask', events);
  const first = broker.hold({ request: writeRequest, rpcId: 10, turnId: 'old', availableDecisions: undefined });
  const second = broker.hold({ request: { ...writeRequest, id: 'approval-3' }, rpcId: 11, turnId: 'new', availableDecisions: undefined });
  broker.endAll('the task ended', 'old');
  assert.equal(await first, 'decline');
  assert.deepEqual(broker.pendingIds, ['approval-3']);
  broker.endAll('Parley is shutting down');
  broker.endAll('Parley is shutting down');
  assert.equal(await second, 'decline');
  assert.deepEqual(resolvedOf(events), [
    { type: 'approval.resolved', id: 'approval-2', decision: 'deny', decidedBy: 'ended' },
    { type: 'approval.resolved', id: 'approval-3', decision: 'deny', decidedBy: 'ended' },
  ]);
});

test('a refused request (its turn is being stopped) is never announced', () => {
  const events: AgentActivityEvent[] = [];
  const decision = approvals('always-ask', events).refuse({ request: writeRequest, rpcId: 12, turnId: 't1', availableDecisions: ['accept', 'cancel'] }, 'the task was stopped');
  assert.equal(decision, 'cancel');
  assert.deepEqual(events, [{ type: 'progress', step: { id: 'approval-2', kind: 'command', title: 'Denied (the task was stopped): rm -rf build', status: 'failed' } }]);
});

test('only commands whose every parsed action reads count as read-only', () => {
  assert.equal(commandOnlyReads([{ type: 'read', command: 'cat a' }, { type: 'search', command: 'rg x' }]), true);
  assert.equal(commandOnlyReads([{ type: 'read', command: 'cat a' }, { type: 'unknown', command: 'sh' }]), false);
  assert.equal(commandOnlyReads([]), false);
});

test("Codex's shell wrapper is removed from the shown command, quoting undone", () => {
  assert.equal(readableCommand("/bin/bash -lc 'touch approved.txt'"), 'touch approved.txt');
  assert.equal(readableCommand(`/bin/bash -lc 'echo '\\''hi'\\'''`), "echo 'hi'");
  assert.equal(readableCommand('git status'), 'git status');
});
