// Until the approval card exists nobody can answer a coding agent's permission request: the
// wrapper denies each at once and tells the running request (a notice for the card), instead of
// the agent waiting out the approval timeout. A scripted backend drives the orderings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentActivityEvent, AgentApprovalDecision, AgentRequest, AgentStreamEvent } from '../../../src-main/core/agent/agent-backend';
import { silentLogger } from '../../../src-main/core/util/logger';
import { denyUnaskedApprovals, type ApprovingAgentBackend } from '../../../src-main/adapters/agent/deny-unasked-approvals';
import { collect } from '../../support/agent-stream';

const HOW = 'Set the policy to never ask.';

/** A backend whose request asks one permission, then answers with what it was told. */
function askingBackend() {
  const listeners = new Set<(event: AgentActivityEvent) => void>();
  const answers: Array<[string, AgentApprovalDecision]> = [];
  let answered: ((decision: AgentApprovalDecision) => void) | undefined;
  let returned = false;
  const backend: ApprovingAgentBackend = {
    kind: 'codex',
    delegates: true,
    async *runRequest(_request: AgentRequest): AsyncGenerator<AgentStreamEvent> {
      try {
        yield { type: 'text.delta', delta: 'Checking. ' };
        const decision = new Promise<AgentApprovalDecision>((resolve) => (answered = resolve));
        for (const listener of listeners) {
          listener({ type: 'approval.requested', approval: { id: 'approval-1', kind: 'command', subject: 'rm -rf build', readOnly: false } });
        }
        // The request is now waiting inside the agent (no event) until the approval is answered.
        yield { type: 'message.completed', text: `The answer was ${await decision}.` };
      } finally {
        returned = true;
      }
    },
    onActivity(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    answerApproval(id, decision) {
      answers.push([id, decision]);
      answered?.(decision);
      return true;
    },
    steer: async () => true,
    reset() {},
    async dispose() {},
  };
  return { backend, answers, listeners, wasReturned: () => returned };
}

function request(signal = new AbortController().signal): AgentRequest {
  return { turnInputs: ['clean up'], newInputs: ['clean up'], signal };
}

test('a permission request nobody can answer is denied at once, and the card gets a notice saying what and how to allow it', async () => {
  const { backend, answers } = askingBackend();
  const wrapped = denyUnaskedApprovals(backend, silentLogger, HOW);
  const startedAt = performance.now();
  const events = await collect(wrapped.runRequest(request()));
  const elapsedMs = performance.now() - startedAt;
  assert.deepEqual(answers, [['approval-1', 'deny']]);
  assert.ok(elapsedMs < 1_000, `denied without waiting (${elapsedMs.toFixed(0)} ms)`);
  const notices = events.filter((event) => event.type === 'notice');
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.type === 'notice' && notices[0]!.text, `Denied the agent's request to run rm -rf build: Parley cannot ask you for approval yet. ${HOW}`);
  assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'The answer was deny.' });
  assert.ok(events.indexOf(notices[0]!) < events.length - 1, 'the notice comes while the request runs, before its answer');
});

test('the wrapper keeps kind, delegation and steering, and dispose unsubscribes', async () => {
  const { backend, listeners } = askingBackend();
  const wrapped = denyUnaskedApprovals(backend, silentLogger, HOW);
  assert.equal(wrapped.kind, 'codex');
  assert.equal(wrapped.delegates, true);
  assert.equal(await wrapped.steer?.('also this'), true);
  assert.equal(listeners.size, 1);
  await wrapped.dispose();
  assert.equal(listeners.size, 0);
});

test('a consumer that stops reading early closes the inner stream (its cleanup runs)', async () => {
  const { backend, wasReturned } = askingBackend();
  const wrapped = denyUnaskedApprovals(backend, silentLogger, HOW);
  for await (const event of wrapped.runRequest(request())) {
    assert.equal(event.type, 'text.delta');
    break;
  }
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(wasReturned(), true);
});
