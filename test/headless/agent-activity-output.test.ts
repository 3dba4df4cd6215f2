// A coding agent's steps and permission requests in the headless output: whole in JSON lines
// (redacted), short lines for people, and a countdown on the terminal's status line while a
// request waits for the user.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentApprovalRequest } from '../../src-shared/agent-activity';
import type { SessionEvent } from '../../src-shared/session-events';
import { createAgentProgress, PIPE_PROGRESS_INTERVAL_MS, type ProgressClock } from '../../src-main/headless/agent-progress';
import { createJsonLinesPrinter, createReadablePrinter } from '../../src-main/headless/event-printers';
import { CLEAR_LINE, createTerminalOutput } from '../../src-main/headless/terminal-output';
import { registerSecret } from '../../src-main/core/util/redact';

const RUN_TESTS: AgentApprovalRequest = { id: 'ap1', kind: 'command', subject: 'npm test', reason: 'to check  the fix', readOnly: false };

function readable(events: readonly SessionEvent[]): { out: string; err: string } {
  let out = '';
  let err = '';
  const printer = createReadablePrinter((text) => (out += text), (text) => (err += text));
  for (const event of events) printer.onEvent(event);
  printer.flush();
  return { out, err };
}

test('JSON lines print the agent\'s steps and permission requests whole, with the time, as one line each', () => {
  const lines: string[] = [];
  const print = createJsonLinesPrinter((text) => lines.push(text));
  const events: SessionEvent[] = [
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Ran npm test', detail: 'ok 12\nok 13', status: 'completed' } },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: RUN_TESTS, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap1', decision: 'allow', decidedBy: 'voice' },
  ];
  for (const event of events) print(event);
  assert.equal(lines.length, 3);
  assert.ok(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n')), 'a detail of several lines stays on one JSON line');
  const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.ok(parsed.every((value) => typeof value.atMs === 'number'));
  assert.deepEqual(
    parsed.map(({ atMs: _atMs, ...event }) => event),
    events,
  );
});

test('JSON lines redact a secret in a step or a request', () => {
  const token = 'ghp_jsonlines0123456789abcdefghijklmn';
  const forget = registerSecret(token);
  try {
    const lines: string[] = [];
    const print = createJsonLinesPrinter((text) => lines.push(text));
    print({ type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: `Ran curl -u ${token}`, detail: token, status: 'failed' } });
    print({ type: 'agent.approval.requested', handoffId: 'h1', approval: { ...RUN_TESTS, subject: `GITHUB_TOKEN=${token} npm test` }, timeoutMs: 60_000 });
    assert.equal(lines.join('').includes(token), false);
    assert.equal(JSON.parse(lines[1]!).approval.subject, 'GITHUB_TOKEN=[redacted] npm test');
  } finally {
    forget();
  }
});

test('for people: one line per finished step with a mark, none for started steps, messages or reasoning', () => {
  const { out } = readable([
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'fix the test', transcript: [] },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Running npm test', status: 'started' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Ran npm test', status: 'completed' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'command', title: 'Ran npm test', status: 'completed' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's2', kind: 'file_change', title: 'Edited src/app.ts (+12 −3)', status: 'failed' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's3', kind: 'message', title: 'I will now run the tests', status: 'completed' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's4', kind: 'reasoning', title: 'Thinking about the failure', status: 'completed' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's5', kind: 'plan', title: 'Plan: 3 of 5 done', status: 'completed' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's5', kind: 'plan', title: 'Plan: 5 of 5 done', status: 'completed' } },
  ]);
  assert.equal(
    out,
    [
      '→ agent [h1]: fix the test',
      '    agent: Ran npm test ✓',
      '    agent: Edited src/app.ts (+12 −3) ✗',
      '    agent: Plan: 3 of 5 done ✓',
      '    agent: Plan: 5 of 5 done ✓',
      '',
    ].join('\n'),
  );
});

test('for people: a permission request says what, why, how to answer and how long; its decision follows', () => {
  const { out } = readable([
    { type: 'agent.approval.requested', handoffId: 'h1', approval: RUN_TESTS, timeoutMs: 45_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap1', decision: 'allow', decidedBy: 'voice' },
    { type: 'agent.approval.requested', handoffId: 'h1', approval: { id: 'ap2', kind: 'file_change', subject: 'src/a.ts (+1 −1)\nsrc/b.ts (new)', readOnly: false }, timeoutMs: 60_000 },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap2', decision: 'deny', decidedBy: 'timeout' },
    { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap9', decision: 'deny', decidedBy: 'withdrawn' },
  ]);
  assert.equal(
    out,
    [
      '? agent asks to run [h1]: npm test',
      '    reason: to check the fix',
      '    say allow or deny (denied in 45 s without an answer)',
      '    permission to run npm test — allowed by you (voice)',
      '? agent asks to change [h1]:',
      '    src/a.ts (+1 −1)',
      '    src/b.ts (new)',
      '    say allow or deny (denied in 60 s without an answer)',
      '    permission to change src/a.ts (+1 −1) src/b.ts (new) — denied: no answer in time',
      '    permission request ap9 — withdrawn: the agent no longer needed it',
      '',
    ].join('\n'),
  );
});

test('a finished step prints after the transcript line it followed, not inside it', () => {
  const { out } = readable([
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'Working on it.' },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'tool_call', title: 'Searched the web', status: 'completed' } },
  ]);
  assert.equal(out, 'assistant: Working on it.\n    agent: Searched the web ✓\n');
});

/** A clock the test advances: intervals fire as time passes. */
function manualClock(): ProgressClock & { advance(ms: number): void } {
  let now = 0;
  type Timer = { callback: () => void; intervalMs: number; next: number; unref?(): unknown };
  const timers = new Set<Timer>();
  return {
    now: () => now,
    setInterval(callback, intervalMs) {
      const timer: Timer = { callback, intervalMs, next: now + intervalMs };
      timers.add(timer);
      return timer;
    },
    clearInterval(handle) {
      timers.delete(handle as never);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter((timer) => timer.next <= until).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.intervalMs;
        due.callback();
      }
      now = until;
    },
  };
}

test('on a terminal the status line counts down a waiting request, then goes back to the working time', () => {
  let screen = '';
  const clock = manualClock();
  const progress = createAgentProgress(createTerminalOutput((text) => (screen += text), () => {}, true), clock);
  progress.onEvent({ type: 'handoff.started', handoffId: 'h1', agentText: 'fix' });
  clock.advance(5_000);
  progress.onEvent({ type: 'agent.approval.requested', handoffId: 'h1', approval: RUN_TESTS, timeoutMs: 30_000 });
  assert.ok(screen.endsWith(`${CLEAR_LINE}agent waiting for your answer: say allow or deny… 30 s left`), JSON.stringify(screen.slice(-80)));
  clock.advance(12_000);
  assert.ok(screen.endsWith('say allow or deny… 18 s left'), JSON.stringify(screen.slice(-80)));
  progress.onEvent({ type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap1', decision: 'deny', decidedBy: 'voice' });
  assert.ok(screen.endsWith(`${CLEAR_LINE}agent working… 17 s`), JSON.stringify(screen.slice(-80)));
  progress.onEvent({ type: 'handoff.answered', handoffId: 'h1', text: 'done' });
  assert.ok(screen.endsWith(CLEAR_LINE));
});

test('in a pipe a waiting request shows in the 10 s lines, and nothing is redrawn', () => {
  const lines: string[] = [];
  const clock = manualClock();
  const progress = createAgentProgress(createTerminalOutput((text) => lines.push(text), () => {}, false), clock);
  progress.onEvent({ type: 'handoff.started', handoffId: 'h1', agentText: 'fix' });
  progress.onEvent({ type: 'agent.approval.requested', handoffId: 'h1', approval: RUN_TESTS, timeoutMs: 60_000 });
  assert.deepEqual(lines, [], 'the printed request says it; no extra line at once');
  clock.advance(PIPE_PROGRESS_INTERVAL_MS);
  progress.onEvent({ type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap1', decision: 'allow', decidedBy: 'click' });
  clock.advance(PIPE_PROGRESS_INTERVAL_MS);
  assert.deepEqual(lines, ['agent waiting for your answer: say allow or deny… 50 s left\n', 'agent working… 20 s\n']);
});
