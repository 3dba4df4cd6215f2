import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentActivityEvent } from '../../../src-main/core/agent/agent-backend';
import { lazyAgentBackend } from '../../../src-main/adapters/agent/lazy-agent-backend';
import { silentLogger } from '../../../src-main/core/util/logger';
import { ActivityAgent } from '../../support/activity-agent';
import { flushMicrotasks } from '../../support/scripted-agent';

test('a lazy backend loads on its first request, and listeners subscribed before it hear the loaded one', async () => {
  const inner = new ActivityAgent();
  let loads = 0;
  const backend = lazyAgentBackend(
    'acp',
    async () => {
      loads++;
      return inner;
    },
    silentLogger,
  );
  const heard: AgentActivityEvent[] = [];
  backend.onActivity!((event) => heard.push(event));
  assert.equal(loads, 0, 'nothing is loaded at creation');
  assert.equal(backend.answerApproval!('approval-1', 'allow', 'click'), false, 'nothing waits before the load');

  const controller = new AbortController();
  const events = (async () => {
    const seen = [];
    for await (const event of backend.runRequest({ turnInputs: ['hi'], newInputs: ['hi'], signal: controller.signal })) seen.push(event);
    return seen;
  })();
  await inner.waitForRequests(1);
  inner.askPermission({ id: 'approval-1', kind: 'command', subject: 'ls', readOnly: true }, 60_000);
  assert.equal(backend.answerApproval!('approval-1', 'allow', 'click'), true);
  inner.reply('done');
  assert.deepEqual(await events, [
    { type: 'text.delta', delta: 'done' },
    { type: 'message.completed', text: 'done' },
  ]);
  assert.deepEqual(
    heard.map((event) => event.type),
    ['approval.requested', 'approval.resolved'],
  );
  assert.equal(loads, 1);
  await backend.dispose();
});

test('disposing a lazy backend that never loaded loads nothing', async () => {
  let loads = 0;
  const backend = lazyAgentBackend(
    'acp',
    async () => {
      loads++;
      return new ActivityAgent();
    },
    silentLogger,
  );
  await backend.dispose();
  await flushMicrotasks();
  assert.equal(loads, 0);
});
