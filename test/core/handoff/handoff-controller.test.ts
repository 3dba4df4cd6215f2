import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../../src-shared/session-events';
import { HandoffController } from '../../../src-main/core/handoff/handoff-controller';
import type { Dialect } from '../../../src-main/core/protocol/session-config';
import { silentLogger } from '../../../src-main/core/util/logger';
import { ScriptedAgent, flushMicrotasks } from '../../support/scripted-agent';

function setup(dialect: Dialect = 'v1') {
  const agent = new ScriptedAgent();
  const sent: Array<[string, string]> = [];
  const superseded: string[] = [];
  const events: SessionEvent[] = [];
  const controller = new HandoffController({
    dialect,
    agent,
    sendToVoice: (id, text) => sent.push([id, text]),
    supersede: (id) => superseded.push(id),
    emit: (event) => events.push(event),
    logger: silentLogger,
  });
  const request = (id: string, text: string) => controller.onHandoffRequested(id, text, []);
  return { agent, sent, superseded, events, controller, request };
}

test('the handoff id lives until the turn completes, then is cleared', async () => {
  const { agent, controller, request, sent, events } = setup();
  request('h1', 'do it');
  assert.equal(controller.handoffId, 'h1');
  await agent.waitForRequests(1);
  agent.reply('done');
  await flushMicrotasks();
  assert.equal(controller.handoffId, undefined);
  assert.equal(controller.isAgentWorking, false);
  assert.deepEqual(sent, [['h1', 'done']]);
  assert.ok(events.some((event) => event.type === 'handoff.completed' && event.handoffId === 'h1'));
});

test('a failed turn is spoken once under its id, and the id is cleared', async () => {
  const { agent, controller, request, sent } = setup();
  request('h1', 'do it');
  await agent.waitForRequests(1);
  agent.fail('the agent API answered 500');
  await flushMicrotasks();
  assert.equal(controller.handoffId, undefined);
  assert.deepEqual(sent, [['h1', 'The background agent failed: the agent API answered 500.']]);
});

test('a cancelled turn is spoken once, cleared, and a late answer is never sent', async () => {
  const { agent, controller, request, sent } = setup();
  request('h1', 'do it');
  await agent.waitForRequests(1);
  assert.equal(controller.cancel(), true);
  assert.equal(controller.handoffId, undefined);
  await flushMicrotasks();
  assert.deepEqual(sent, [['h1', 'The user cancelled the background agent.']]);
  assert.equal(controller.cancel(), false, 'nothing left to cancel');
});

test('abort (session end) clears the id silently and reports which handoff it abandoned', async () => {
  const { agent, controller, request, sent } = setup();
  request('h1', 'do it');
  await agent.waitForRequests(1);
  assert.equal(controller.abort(), 'h1');
  assert.equal(controller.handoffId, undefined);
  await flushMicrotasks();
  assert.deepEqual(sent, []);
  assert.equal(controller.abort(), undefined);
});

test('steering never starts a second turn; answers go under the newest id', async () => {
  const { agent, controller, request, sent, superseded, events } = setup('v2');
  request('call_a', 'first');
  await agent.waitForRequests(1);
  request('call_b', 'second');
  assert.deepEqual(superseded, ['call_a'], 'the older call is closed on the wire');
  agent.reply('answer one');
  await agent.waitForRequests(2);
  assert.deepEqual(agent.requests[1]!.turnInputs, ['first', 'second']);
  assert.deepEqual(agent.requests[1]!.newInputs, ['second']);
  agent.reply('answer two');
  await flushMicrotasks();
  assert.deepEqual(sent, [
    ['call_b', 'answer one'],
    ['call_b', 'answer two'],
  ]);
  assert.equal(events.filter((event) => event.type === 'handoff.started').length, 1);
  assert.equal(agent.requests.length, 2);
  assert.equal(controller.handoffId, undefined);
});

test('a handoff with nothing to delegate is shown but starts no turn', () => {
  const { agent, controller, request, events } = setup();
  request('h_empty', '');
  assert.equal(agent.requests.length, 0);
  assert.equal(controller.handoffId, undefined);
  assert.deepEqual(events.map((event) => event.type), ['handoff.requested']);
});
