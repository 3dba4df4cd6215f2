// The permission requests a coding agent asked the user: each decision is kept in history with
// what was asked (redacted like every line), progress steps are not, and the Markdown export lists
// the decisions under the handoff they belong to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { AgentApprovalRequest } from '../../../src-shared/agent-activity';
import type { SessionEvent } from '../../../src-shared/session-events';
import { conversationOrder, historyToMarkdown, readHistory } from '../../../src-main/adapters/history/history-library';
import type { AgentApprovalRecord } from '../../../src-main/adapters/history/history-record';
import { HistoryRecorder } from '../../../src-main/adapters/history/history-recorder';
import { registerSecret } from '../../../src-main/core/util/redact';
import { tempDir } from '../../support/temp-dir';

const NOON = Date.UTC(2026, 10, 23, 12, 0, 0);
const RUN_TESTS: AgentApprovalRequest = { id: 'ap1', kind: 'command', subject: 'npm test', reason: 'to check the fix', readOnly: false };
const REMOVE_BUILD: AgentApprovalRequest = { id: 'ap2', kind: 'command', subject: 'rm -rf build', readOnly: false };

function codingTurn(): SessionEvent[] {
  return [
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'fix the failing test' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: fix the failing test', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'user: fix the failing test' },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Ran git status', status: 'started' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Ran git status', status: 'completed' } },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: RUN_TESTS, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap1', decision: 'allow', decidedBy: 'voice' },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: REMOVE_BUILD, timeoutMs: 60_000 },
    { type: 'user.text', text: 'no, keep the build' },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap2', decision: 'deny', decidedBy: 'timeout' },
    { type: 'handoff.answered', handoffId: 'h1', text: 'Fixed: the test passes.' },
    { type: 'closed', reason: 'requested' },
  ];
}

function record(events: readonly SessionEvent[], sessionId = 'approvals'): { dir: string; recorder: HistoryRecorder } {
  const dir = tempDir('parley-history-approvals-');
  const recorder = new HistoryRecorder(dir, sessionId, () => NOON);
  for (const event of events) recorder.onEvent(event);
  return { dir, recorder };
}

test('each decided permission request is stored with what was asked, when it was decided; progress steps are not stored', () => {
  const { dir } = record(codingTurn());
  const records = readHistory(dir, 'approvals');
  assert.deepEqual(
    records.map((each) => each.kind),
    ['session.started', 'transcript', 'handoff', 'agent.approval', 'typed', 'agent.approval', 'agent.answer', 'session.ended'],
  );
  const approvals = records.filter((each): each is AgentApprovalRecord => each.kind === 'agent.approval');
  assert.deepEqual(approvals, [
    { kind: 'agent.approval', at: NOON, handoffId: 'h1', approvalId: 'ap1', approvalKind: 'command', subject: 'npm test', reason: 'to check the fix', decision: 'allow', decidedBy: 'voice' },
    { kind: 'agent.approval', at: NOON, handoffId: 'h1', approvalId: 'ap2', approvalKind: 'command', subject: 'rm -rf build', decision: 'deny', decidedBy: 'timeout' },
  ]);
});

test('a request still waiting when the file is read, or a decision without its request, leaves no approval line', () => {
  const { dir } = record([
    { type: 'user.text', text: 'tidy the repo' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: tidy the repo', transcript: [] },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: RUN_TESTS, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'unknown', decision: 'deny', decidedBy: 'ended' },
  ]);
  assert.deepEqual(readHistory(dir, 'approvals').map((each) => each.kind), ['session.started', 'typed', 'handoff']);
});

test('a request is written once: a second resolution of the same id adds nothing', () => {
  const events = codingTurn();
  events.splice(7, 0, { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap1', decision: 'deny', decidedBy: 'click' });
  const { dir } = record(events);
  const approvals = readHistory(dir, 'approvals').filter((each): each is AgentApprovalRecord => each.kind === 'agent.approval');
  assert.deepEqual(approvals.map((each) => [each.approvalId, each.decision, each.decidedBy]), [
    ['ap1', 'allow', 'voice'],
    ['ap2', 'deny', 'timeout'],
  ]);
});

test('the Markdown export lists the decisions under their handoff, before the answer', () => {
  const { dir } = record(codingTurn());
  assert.equal(
    historyToMarkdown('approvals', readHistory(dir, 'approvals')),
    [
      '# fix the failing test',
      '',
      'Session approvals, 2026-11-23T12:00:00.000Z',
      '',
      '**You:** fix the failing test',
      '',
      '> **Sent to the agent:**',
      '> user: fix the failing test',
      '',
      "- Approval: run `npm test` — allowed by you (voice). The agent's reason: to check the fix",
      '- Approval: run `rm -rf build` — denied: no answer in time.',
      '',
      '**You (typed):** no, keep the build',
      '',
      '**Agent:** Fixed: the test passes.',
      '',
    ].join('\n'),
  );
});

test('a decision during a steered turn goes under the handoff that started the turn', () => {
  const { dir } = record([
    { type: 'user.text', text: 'update the deps' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: update the deps', transcript: [] },
    { type: 'handoff.requested', handoffId: 'h2', inputTranscript: '', agentText: 'user: and run the tests', transcript: [], joinsHandoffId: 'h1' },
    { type: 'agent.approval.requested', handoffId: 'h2', approval: RUN_TESTS, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h2', approvalId: 'ap1', decision: 'deny', decidedBy: 'click' },
  ]);
  const ordered = conversationOrder(readHistory(dir, 'approvals'));
  assert.deepEqual(ordered.map((each) => each.kind), ['session.started', 'typed', 'handoff']);
  const handoff = ordered[2]!;
  assert.ok(handoff.kind === 'handoff');
  assert.deepEqual(handoff.steers, ['user: and run the tests']);
  assert.deepEqual(handoff.approvals?.map((each) => [each.approvalId, each.decision, each.decidedBy]), [['ap1', 'deny', 'click']]);
  assert.match(historyToMarkdown('approvals', readHistory(dir, 'approvals')), /> user: and run the tests\n\n- Approval: run `npm test` — denied by you \(click\)\. The agent's reason: to check the fix\n$/);
});

test('a subject with backticks or several lines is kept exactly in the export', () => {
  const fileChange: AgentApprovalRequest = { id: 'ap3', kind: 'file_change', subject: 'src/app.ts (+12 −3)\nsrc/new.ts (new)', readOnly: false };
  const backticks: AgentApprovalRequest = { id: 'ap4', kind: 'command', subject: 'echo `date`', readOnly: false };
  const { dir } = record([
    { type: 'user.text', text: 'refactor' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: refactor', transcript: [] },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: fileChange, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap3', decision: 'allow', decidedBy: 'click' },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: backticks, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap4', decision: 'deny', decidedBy: 'voice' },
  ]);
  const markdown = historyToMarkdown('approvals', readHistory(dir, 'approvals'));
  assert.ok(
    markdown.includes(['- Approval: change — allowed by you (click).', '', '  ```', '  src/app.ts (+12 −3)', '  src/new.ts (new)', '  ```', '- Approval: run `` echo `date` `` — denied by you (voice).'].join('\n')),
    markdown,
  );
});

test('a secret in a request (a token on the command line) never reaches the history file', () => {
  const token = 'ghp_history0123456789abcdefghijklmnop';
  const forget = registerSecret(token);
  try {
    const leaky: AgentApprovalRequest = { id: 'ap5', kind: 'command', subject: `curl -H "Authorization: token ${token}" https://api.github.com`, reason: `uses ${token}`, readOnly: true };
    const { dir, recorder } = record([
      { type: 'user.text', text: 'check the api' },
      { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: check the api', transcript: [] },
      { type: 'agent.approval.requested', handoffId: 'h1', approval: leaky, timeoutMs: 60_000 },
      { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap5', decision: 'allow', decidedBy: 'voice' },
    ]);
    const text = readFileSync(recorder.file, 'utf8');
    assert.equal(text.includes(token), false);
    const approval = readHistory(dir, 'approvals').find((each): each is AgentApprovalRecord => each.kind === 'agent.approval');
    assert.equal(approval?.subject, 'curl -H "Authorization: token [redacted]" https://api.github.com');
    assert.equal(approval?.reason, 'uses [redacted]');
  } finally {
    forget();
  }
});
