import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../../src-shared/session-events';
import { AgentActivityRelay } from '../../../src-main/core/handoff/agent-activity-relay';
import { AgentNarrator } from '../../../src-main/core/handoff/agent-narrator';
import { silentLogger } from '../../../src-main/core/util/logger';
import { ActivityAgent } from '../../support/activity-agent';
import { silentNarration } from '../../support/narration';

const REQUEST = { id: 'approval-1', kind: 'file_change' as const, subject: 'Change src/a.ts (+3 −1)', readOnly: false };

function setup(turnHandoffId: string | undefined) {
  const agent = new ActivityAgent();
  const events: SessionEvent[] = [];
  const told: Array<[string, boolean]> = [];
  const relay = new AgentActivityRelay({
    agent,
    currentTurnHandoffId: () => turnHandoffId,
    emit: (event) => events.push(event),
    narrator: new AgentNarrator(silentNarration()),
    tell: (text, speak) => told.push([text, speak]),
    logger: silentLogger,
  });
  return { agent, events, told, relay };
}

test('a permission request outside a running turn is denied at once, not held', async () => {
  const { agent, events, told } = setup(undefined);
  agent.askPermission(REQUEST, 60_000);
  assert.deepEqual(agent.answers, [{ id: 'approval-1', decision: 'deny', decidedBy: 'ended' }]);
  assert.deepEqual(events, []);
  assert.deepEqual(told, []);
});

test('steps before any turn are shown nowhere', () => {
  const { agent, events } = setup(undefined);
  agent.step({ id: 's', kind: 'command', title: 'Ran ls', status: 'completed' });
  assert.deepEqual(events, []);
});

test("a step that finishes just after its turn's answer still updates that turn's card", () => {
  let turn: string | undefined = 'call_1';
  const agent = new ActivityAgent();
  const events: SessionEvent[] = [];
  new AgentActivityRelay({
    agent,
    currentTurnHandoffId: () => turn,
    emit: (event) => events.push(event),
    narrator: new AgentNarrator(silentNarration()),
    tell: () => {},
    logger: silentLogger,
  });
  agent.step({ id: 'cmd', kind: 'command', title: 'Running touch a', status: 'started' });
  turn = undefined; // the answer came and the turn ended
  agent.step({ id: 'cmd', kind: 'command', title: 'Ran touch a', status: 'completed' });
  assert.deepEqual(
    events.map((event) => event.type === 'agent.progress' && [event.handoffId, event.step.status]),
    [
      ['call_1', 'started'],
      ['call_1', 'completed'],
    ],
  );
});

test('a request is asked aloud, answered once, and the answer for an unknown id is refused', () => {
  const { agent, events, told, relay } = setup('call_1');
  agent.askPermission(REQUEST, 60_000);
  assert.equal(told.length, 1);
  assert.equal(told[0]![1], true, 'the question is spoken');
  assert.match(told[0]![0], /change files: Change src\/a\.ts \(\+3 −1\)/);
  assert.equal(relay.answer('approval-2', 'allow', 'click'), false);
  assert.equal(relay.answer('approval-1', 'allow', 'click'), true);
  assert.equal(relay.answer('approval-1', 'deny', 'voice'), false);
  assert.deepEqual(
    events.map((event) => event.type),
    ['agent.approval.requested', 'agent.approval.resolved'],
  );
  assert.deepEqual(told[1], ['The permission request approval-1 was allowed by the user, on screen. Do not ask about it any more.', false]);
});

test('after dispose nothing the agent reports arrives', () => {
  const { agent, events, relay } = setup('call_1');
  relay.dispose();
  agent.step({ id: 's', kind: 'command', title: 'Ran ls', status: 'completed' });
  assert.equal(agent.listenerCount, 0);
  assert.deepEqual(events, []);
});
