import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentActivityEvent, AgentApprovalRequest } from '../../../../src-main/core/agent/agent-backend';
import { CodexApprovals, type CodexApprovalPolicy } from '../../../../src-main/adapters/agent/codex/codex-approvals';
import { commandOnlyReads, readableCommand } from '../../../../src-main/adapters/agent/codex/codex-activity';

function approvals(policy: CodexApprovalPolicy, events: AgentActivityEvent[] = []) {
  return new CodexApprovals({ policy, timeoutMs: 60_000, emit: (event) => events.push(event) });
}

const readRequest: AgentApprovalRequest = { id: 'approval-1', kind: 'command', subject: 'cat README.md', readOnly: true };
const writeRequest: AgentApprovalRequest = { id: 'approval-2', kind: 'command', subject: 'rm -rf build', readOnly: false };

test('allow-read-only answers a read-only command itself and asks about the rest', async () => {
  const events: AgentActivityEvent[] = [];
  const broker = approvals('allow-read-only', events);
  assert.equal(await broker.hold({ request: readRequest, rpcId: 1, availableDecisions: undefined }), 'accept');
  const asked = broker.hold({ request: writeRequest, rpcId: 2, availableDecisions: ['accept', 'decline'] });
  assert.deepEqual(broker.pendingIds, ['approval-2']);
  assert.ok(events.some((event) => event.type === 'approval.requested' && event.approval.id === 'approval-2'));
  assert.equal(broker.answer('approval-2', 'deny'), true);
  assert.equal(await asked, 'decline');
});

test('a denial becomes "cancel" where Codex offers no "decline"', async () => {
  const broker = approvals('always-ask');
  const asked = broker.hold({ request: writeRequest, rpcId: 3, availableDecisions: ['accept', 'cancel'] });
  broker.answer('approval-2', 'deny');
  assert.equal(await asked, 'cancel');
});

test('never-ask allows everything without asking', async () => {
  const events: AgentActivityEvent[] = [];
  assert.equal(await approvals('never-ask', events).hold({ request: writeRequest, rpcId: 4, availableDecisions: undefined }), 'accept');
  assert.ok(!events.some((event) => event.type === 'approval.requested'));
});

test('a request withdrawn by Codex can no longer be answered', () => {
  const broker = approvals('always-ask');
  void broker.hold({ request: writeRequest, rpcId: 7, availableDecisions: undefined });
  broker.withdrawn(7);
  assert.equal(broker.answer('approval-2', 'allow'), false);
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
