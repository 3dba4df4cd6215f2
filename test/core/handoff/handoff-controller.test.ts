import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../../src-shared/session-events';
import { HandoffController } from '../../../src-main/core/handoff/handoff-controller';
import type { HandoffVoice } from '../../../src-main/core/handoff/handoff-voice';
import type { Dialect } from '../../../src-main/core/protocol/session-config';
import { silentLogger } from '../../../src-main/core/util/logger';
import { ScriptedAgent, flushMicrotasks } from '../../support/scripted-agent';
import { silentNarration } from '../../support/narration';

function setup(dialect: Dialect = 'v1') {
  const agent = new ScriptedAgent();
  const sent: Array<[string, string]> = [];
  const superseded: string[] = [];
  const events: SessionEvent[] = [];
  const finished: Array<[string, string | undefined]> = [];
  const declined: string[] = [];
  // Records what the controller says; what goes on the wire is each dialect's (handoff-voice tests).
  const voice: HandoffVoice = {
    answer: (id, text) => {
      sent.push([id, text]);
      return 'sent';
    },
    finish: (id, note) => {
      finished.push([id, note]);
      if (note !== undefined) sent.push([id, note]);
    },
    supersede: (id) => superseded.push(id),
    decline: (id) => declined.push(id),
  };
  const controller = new HandoffController({ dialect, agent, voice, emit: (event) => events.push(event), logger: silentLogger, narration: silentNarration() });
  const request = (id: string, text: string) => controller.onHandoffRequested(id, text, []);
  return { agent, sent, superseded, finished, declined, events, controller, request };
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

test('a steering request says which turn it joins, so it is shown and stored as part of that turn', async () => {
  const { agent, request, events, finished } = setup('v2');
  request('call_a', 'first');
  await agent.waitForRequests(1);
  request('call_b', 'second');
  const requested = events.filter((event) => event.type === 'handoff.requested');
  assert.equal(requested[0]!.type === 'handoff.requested' && requested[0]!.joinsHandoffId, undefined);
  assert.equal(requested[1]!.type === 'handoff.requested' && requested[1]!.joinsHandoffId, 'call_a');
  const steered = events.find((event) => event.type === 'handoff.steered');
  assert.equal(steered?.type === 'handoff.steered' && steered.turnHandoffId, 'call_a');
  agent.reply('answer one');
  await agent.waitForRequests(2);
  agent.reply('answer two');
  await flushMicrotasks();
  assert.deepEqual(finished, [['call_b', undefined]], 'the turn ends once, under the newest handoff');
  request('call_c', 'a new task');
  const third = events.filter((event) => event.type === 'handoff.requested').at(-1);
  assert.equal(third?.type === 'handoff.requested' && third.joinsHandoffId, undefined, 'after the turn ended, a request starts its own');
});

test('an empty request is declined on the wire (v2 owes the call an output) and starts no turn', () => {
  const { agent, request, declined } = setup('v2');
  request('call_empty', '');
  assert.deepEqual(declined, ['call_empty']);
  assert.equal(agent.requests.length, 0);
});

/** The controller's latency marks in order, with a voice that sends at once (v1) or holds the answer for the turn's end (v2). */
async function latencyMarksFor(delivery: 'sent' | 'held'): Promise<string[]> {
  const agent = new ScriptedAgent();
  const marks: string[] = [];
  const mark = (name: string) => (id: string) => marks.push(`${name} ${id}`);
  const voice: HandoffVoice = {
    answer: () => {
      marks.push('voice.answer');
      return delivery;
    },
    finish: () => marks.push('voice.finish'),
    supersede: () => {},
    decline: () => {},
  };
  const latency = {
    handoffRequested: mark('requested'),
    agentStarted: mark('started'),
    agentRequestSent: mark('onWire'),
    agentOutput: mark('output'),
    answerArrived: mark('arrived'),
    answerSent: mark('sent'),
    handoffEnded: mark('ended'),
  };
  const controller = new HandoffController({ dialect: 'v2', agent, voice, latency, emit: () => {}, logger: silentLogger, narration: silentNarration() });
  controller.onHandoffRequested('h1', 'do it', []);
  await agent.waitForRequests(1);
  agent.reply('done');
  await flushMicrotasks();
  return marks;
}

test('latency: an answer sent at once is marked sent as it is handed over', async () => {
  assert.deepEqual(await latencyMarksFor('sent'), ['requested h1', 'started h1', 'output h1', 'arrived h1', 'voice.answer', 'sent h1', 'voice.finish', 'ended h1']);
});

test("latency: a held answer (v2) is marked arrived and sent at the turn's end, where its output really goes out", async () => {
  assert.deepEqual(await latencyMarksFor('held'), ['requested h1', 'started h1', 'output h1', 'arrived h1', 'voice.answer', 'arrived h1', 'voice.finish', 'sent h1', 'ended h1']);
});
