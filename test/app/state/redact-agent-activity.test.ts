// The agent's steps and permission requests on their way to every window: the free text in them
// (a step's title and detail, a request's subject and reason) passes the one redaction rule; the
// rest of each event is kept as it was.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import { redactEvent } from '../../../src-main/app/state/redact-event';
import { registerSecret } from '../../../src-main/core/util/redact';

const TOKEN = 'ghp_redactevent0123456789abcdefghijk';

function withSecret(run: () => void): void {
  const forget = registerSecret(TOKEN);
  try {
    run();
  } finally {
    forget();
  }
}

test('a step\'s title and detail are redacted; its id, kind and status are kept', () => {
  withSecret(() => {
    const event: ForwardedSessionEvent = {
      type: 'agent.progress',
      handoffId: 'h1',
      step: { id: 's1', kind: 'command', title: `Ran curl -u ${TOKEN}`, detail: `401 for ${TOKEN}`, status: 'failed' },
    };
    assert.deepEqual(redactEvent(event), {
      type: 'agent.progress',
      handoffId: 'h1',
      step: { id: 's1', kind: 'command', title: 'Ran curl -u [redacted]', detail: '401 for [redacted]', status: 'failed' },
    });
  });
});

test('a step without a detail gets none', () => {
  const redacted = redactEvent({ type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'plan', title: 'Plan: 1 of 2 done', status: 'started' } });
  assert.ok(redacted.type === 'agent.progress');
  assert.equal('detail' in redacted.step, false);
});

test('a permission request\'s subject and reason are redacted; the rest is kept', () => {
  withSecret(() => {
    const event: ForwardedSessionEvent = {
      type: 'agent.approval.requested',
      handoffId: 'h1',
      approval: { id: 'ap1', kind: 'command', subject: `GITHUB_TOKEN=${TOKEN} gh pr create`, reason: `needs ${TOKEN}`, readOnly: false },
      timeoutMs: 60_000,
    };
    assert.deepEqual(redactEvent(event), {
      type: 'agent.approval.requested',
      handoffId: 'h1',
      approval: { id: 'ap1', kind: 'command', subject: 'GITHUB_TOKEN=[redacted] gh pr create', reason: 'needs [redacted]', readOnly: false },
      timeoutMs: 60_000,
    });
    const withoutReason = redactEvent({ ...event, approval: { id: 'ap2', kind: 'other', subject: 'open the browser', readOnly: true } });
    assert.ok(withoutReason.type === 'agent.approval.requested');
    assert.equal('reason' in withoutReason.approval, false);
  });
});

test('a decision carries no free text and passes through as the same object', () => {
  const event: ForwardedSessionEvent = { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'ap1', decision: 'deny', decidedBy: 'timeout' };
  assert.equal(redactEvent(event), event);
});
