// A coding agent at work, as the user hears it, against the GA stand-in server: an
// acknowledgement within 1.5 s of a handoff, progress told to the voice model as system items
// (never as function outputs), spoken updates no more often than the interval, and permission
// questions asked and answered by voice, by click and by nobody.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { performance } from 'node:perf_hooks';
import type { SessionEvent } from '../../../src-shared/session-events';
import { ACKNOWLEDGE_PROMPT } from '../../../src-main/core/handoff/agent-voice-prompts';
import { ActivityAgent } from '../../support/activity-agent';
import { startGaRealtimeServer, type GaRealtimeServer } from '../../support/ga-realtime-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, type SessionHarness } from '../../support/session-harness';

const UPDATE_INTERVAL_MS = 1_500;
/** The target: no silence longer than this after a handoff before the user hears something. */
const ACKNOWLEDGE_TARGET_MS = 1_500;

interface Stage {
  server: GaRealtimeServer;
  harness: SessionHarness;
  agent: ActivityAgent;
  /** Every session event with when it happened (performance.now). */
  timeline: Array<{ at: number; event: SessionEvent }>;
}

async function stage(t: TestContext): Promise<Stage> {
  const server = await startGaRealtimeServer();
  const agent = new ActivityAgent();
  const harness = createSessionHarness({ agent, agentUpdateIntervalMs: UPDATE_INTERVAL_MS });
  const timeline: Stage['timeline'] = [];
  harness.session.onEvent((event) => timeline.push({ at: performance.now(), event }));
  t.after(async () => {
    await harness.dispose();
    await server.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true);
  await server.waitForSession();
  return { server, harness, agent, timeline };
}

const systemItems = (server: GaRealtimeServer): string[] =>
  (server.frames as any[]).filter((frame) => frame?.type === 'conversation.item.create' && frame.item?.role === 'system').map((frame) => frame.item.content[0].text);
const outputs = (server: GaRealtimeServer): Array<[string, string]> =>
  (server.frames as any[]).filter((frame) => frame?.item?.type === 'function_call_output').map((frame) => [frame.item.call_id, frame.item.output]);
const responseCreates = (server: GaRealtimeServer): number => (server.frames as any[]).filter((frame) => frame?.type === 'response.create').length;

/** When each spoken reply began to arrive (its first audio), in order. */
function spokenReplyStarts(timeline: Stage['timeline'], after: number): number[] {
  const seen = new Set<string | undefined>();
  const starts: number[] = [];
  for (const { at, event } of timeline) {
    if (event.type !== 'audio.output' || at < after || seen.has(event.itemId)) continue;
    seen.add(event.itemId);
    starts.push(at);
  }
  return starts;
}

test('a silent handoff is acknowledged within 1.5 s, and a busy agent is narrated without a flood of speech', { timeout: 30_000 }, async (t) => {
  const { server, harness, agent, timeline } = await stage(t);
  server.respondWithCall({ name: 'background_agent', callId: 'call_fix', arguments: { prompt: 'Fix the failing test' } });
  server.respond({ say: 'On it.', audioMs: 300 });
  for (let index = 0; index < 8; index++) server.respond({ say: 'Still working: it ran the tests again.', audioMs: 300 });
  server.userSpeaks({ transcript: 'Fix the failing test.' });
  await agent.waitForRequests(1);
  const handoffAt = timeline.find(({ event }) => event.type === 'handoff.requested')!.at;

  // The agent reports a finished step every 100 ms for 4.5 s: far more than anyone wants to hear.
  const workMs = 4_500;
  for (let elapsed = 0; elapsed < workMs; elapsed += 100) {
    agent.step({ id: `cmd-${elapsed}`, kind: 'command', title: `Ran check ${elapsed}`, status: 'completed' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  server.respond({ say: 'Fixed: the test expected three items.', audioMs: 300 });
  agent.reply('Fixed: the test expected three items, the code returned four.');
  await harness.waitForEvent('handoff.completed');
  await server.waitForFrame((frame) => frame?.item?.type === 'function_call_output');
  await settle();

  const starts = spokenReplyStarts(timeline, handoffAt);
  const firstHeardMs = starts[0]! - handoffAt;
  const updates = starts.slice(1, -1); // after the acknowledgement, before the answer
  const gaps = updates.map((at, index) => at - (index === 0 ? starts[0]! : updates[index - 1]!));
  t.diagnostic(`first audio ${firstHeardMs.toFixed(0)} ms after the handoff; ${updates.length} spoken updates in ${workMs} ms; gaps ${gaps.map((gap) => gap.toFixed(0)).join(', ')} ms`);
  assert.ok(firstHeardMs <= ACKNOWLEDGE_TARGET_MS, `the user heard nothing for ${firstHeardMs.toFixed(0)} ms`);
  assert.equal(systemItems(server)[0], ACKNOWLEDGE_PROMPT);
  assert.ok(updates.length >= 1, 'something notable was said while the agent worked');
  assert.ok(updates.length <= Math.ceil(workMs / UPDATE_INTERVAL_MS), `${updates.length} spoken updates in ${workMs} ms is a flood`);
  // A reply is asked for when the interval has passed; it starts with the server's own pace, so allow 100 ms.
  for (const gap of gaps) assert.ok(gap >= UPDATE_INTERVAL_MS - 100, `two spoken updates ${gap.toFixed(0)} ms apart`);
  // Progress is context, never a second output: the call has exactly its answer.
  assert.deepEqual(outputs(server), [['call_fix', 'Fixed: the test expected three items, the code returned four.']]);
  // Batched: one item per few seconds, not one per step; steps still unsaid at the answer are dropped.
  const progressItems = systemItems(server).filter((text) => text.startsWith('Background agent progress'));
  assert.ok(progressItems.length >= 1 && progressItems.length <= 3, `${progressItems.length} progress items`);
  assert.ok(progressItems[0]!.includes('- Ran check 0'), 'the model knows what the agent did');
  const card = harness.eventsOf('agent.progress');
  assert.equal(card.length, workMs / 100, 'every step reached the card');
  assert.ok(card.every((event) => event.handoffId === 'call_fix'));
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
});

test('no acknowledgement is asked for when the model spoke as it handed off', { timeout: 15_000 }, async (t) => {
  const { server, harness, agent } = await stage(t);
  server.respondWithCall({ say: 'Let me ask the agent.', audioMs: 400, name: 'background_agent', callId: 'call_q', arguments: { prompt: 'Count the tests' } });
  server.respond({ say: 'There are 42.', audioMs: 300 });
  server.userSpeaks({ transcript: 'How many tests are there?' });
  await agent.waitForRequests(1);
  agent.reply('There are 42 tests.');
  await harness.waitForEvent('handoff.completed');
  await server.waitForFrame((frame) => frame?.item?.type === 'function_call_output');
  await settle();
  assert.deepEqual(systemItems(server), []);
  assert.equal(responseCreates(server), 1, 'only the answer is asked for');
});

const INSTALL = { id: 'approval-1', kind: 'command' as const, subject: 'npm install left-pad', reason: 'the build needs it', readOnly: false };

/** A turn that is working, with the acknowledgement already spoken. */
async function agentWorking(stage: Stage): Promise<void> {
  const { server, agent } = stage;
  server.respondWithCall({ name: 'background_agent', callId: 'call_build', arguments: { prompt: 'Fix the build' } });
  const acknowledged = server.respond({ say: 'On it.', audioMs: 200 });
  server.userSpeaks({ transcript: 'Fix the build.' });
  await agent.waitForRequests(1);
  await acknowledged.done;
}

test('a permission request is asked by voice, and the spoken answer reaches the agent', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t);
  const { server, harness, agent } = staged;
  await agentWorking(staged);
  const question = server.respond({ say: 'The agent wants to install left-pad. Allow it?', audioMs: 300 });
  agent.askPermission(INSTALL, 30_000);
  const requested = await harness.waitForEvent('agent.approval.requested');
  assert.deepEqual(requested, { type: 'agent.approval.requested', handoffId: 'call_build', approval: INSTALL, timeoutMs: 30_000 });
  await question.done;
  const asked = systemItems(server).at(-1)!;
  assert.match(asked, /run this command: npm install left-pad/);
  assert.match(asked, /approval_id "approval-1"/);

  // The user says yes; the voice model passes it on through its tool.
  server.respondWithCall({ name: 'answer_agent_approval', callId: 'call_yes', arguments: { approval_id: 'approval-1', decision: 'allow' } });
  const confirmed = server.respond({ say: 'Allowed.', audioMs: 200 });
  server.userSpeaks({ transcript: 'Yes, go ahead.' });
  await confirmed.done;
  assert.deepEqual(agent.answers, [{ id: 'approval-1', decision: 'allow', decidedBy: 'voice' }]);
  const resolved = await harness.waitForEvent('agent.approval.resolved');
  assert.deepEqual(resolved, { type: 'agent.approval.resolved', handoffId: 'call_build', approvalId: 'approval-1', decision: 'allow', decidedBy: 'voice' });
  const [, answer] = outputs(server).find(([callId]) => callId === 'call_yes')!;
  assert.match(answer, /^Allowed/);
  assert.equal(harness.eventsOf('handoff.requested').length, 1, 'the answer is not a handoff');
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
});

test('a spoken answer for a request that is no longer waiting is said to be too late', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t);
  const { server, harness, agent } = staged;
  await agentWorking(staged);
  server.respondWithCall({ name: 'answer_agent_approval', callId: 'call_late', arguments: { approval_id: 'approval-9', decision: 'allow' } });
  const told = server.respond({ say: 'That request is gone.', audioMs: 200 });
  server.userSpeaks({ transcript: 'Yes, allow it.' });
  await told.done;
  assert.deepEqual(agent.answers, []);
  assert.match(outputs(server).find(([callId]) => callId === 'call_late')![1], /no longer waiting/);
  assert.deepEqual(harness.eventsOf('agent.approval.resolved'), []);
  assert.deepEqual(server.violations, []);
});

test('a click answers the request; the voice model is told quietly and stops asking', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t);
  const { server, harness, agent } = staged;
  await agentWorking(staged);
  const question = server.respond({ say: 'Allow the install?', audioMs: 200 });
  agent.askPermission(INSTALL, 30_000);
  await question.done;
  const before = responseCreates(server);
  assert.equal(harness.session.answerAgentApproval('approval-1', 'deny', 'click'), true);
  assert.equal(harness.session.answerAgentApproval('approval-1', 'allow', 'click'), false, 'answered once');
  await harness.waitForEvent('agent.approval.resolved', (event) => event.decidedBy === 'click' && event.decision === 'deny');
  await server.waitForFrame((frame) => frame?.item?.role === 'system' && String(frame.item.content[0].text).includes('denied by the user, on screen'));
  await settle();
  assert.equal(responseCreates(server), before, 'nothing more is spoken about it');
  assert.deepEqual(agent.answers, [{ id: 'approval-1', decision: 'deny', decidedBy: 'click' }]);
});

test('nobody answering denies the request when it times out, and the user is told', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t);
  const { server, harness, agent } = staged;
  await agentWorking(staged);
  server.respond({ say: 'Allow the install?', audioMs: 200 });
  const toldDenied = server.respond({ say: 'Nobody answered, so I denied it.', audioMs: 200 });
  agent.askPermission(INSTALL, 400);
  const resolved = await harness.waitForEvent('agent.approval.resolved');
  assert.equal(resolved.decidedBy, 'timeout');
  assert.equal(resolved.decision, 'deny');
  await toldDenied.done;
  assert.match(systemItems(server).at(-1)!, /denied because nobody answered in time\. Tell the user/);
});

test('stopping the session leaves the agent with no listener', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t);
  await agentWorking(staged);
  assert.equal(staged.agent.listenerCount, 1);
  await staged.harness.session.stop();
  assert.equal(staged.agent.listenerCount, 0);
});
