// The session with the other two agent backends: a local command, and none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCommandBackend } from '../../../src-main/adapters/agent/command-backend';
import { createNoneBackend } from '../../../src-main/adapters/agent/none-backend';
import { NO_AGENT_CONFIGURED_TEXT } from '../../../src-main/core/handoff/handoff-controller';
import { TEST_API_KEY, sessionConfig, settle, startScenario } from '../../support/session-harness';

const node = JSON.stringify(process.execPath);
const script = (source: string) => `${node} -e ${JSON.stringify(source)}`;
const handoffBatch = (id: string, text: string) => [
  { type: 'session.updated', session: { id: 'sess_cmd' } },
  { type: 'conversation.input_transcript.delta', delta: text },
  { type: 'conversation.handoff.requested', handoff_id: id, item_id: `item_${id}`, input_transcript: text },
];
const isAppend = (frame: any) => frame?.type === 'conversation.handoff.append';

test('command agent: the transcript goes to stdin, stdout streams back and is spoken', async (t) => {
  const agent = createCommandBackend({
    command: script("let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{process.stdout.write('Agent saw: ');setTimeout(()=>process.stdout.write(s.toUpperCase()),50)})"),
    timeoutMs: 10_000,
  });
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [handoffBatch('h_cmd', 'list my files')] }],
    harness: { agent },
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('handoff.completed');
  const streamed = harness.eventsOf('agent.text').map((event) => event.delta).join('');
  assert.equal(streamed, 'Agent saw: USER: LIST MY FILES');
  assert.ok(harness.eventsOf('agent.text').length >= 2, 'stdout arrives as it is written, not only at exit');
  const answer = await realtime.waitForFrame(0, isAppend);
  assert.deepEqual(answer, { type: 'conversation.handoff.append', handoff_id: 'h_cmd', output_text: 'Agent saw: USER: LIST MY FILES' });
});

test('command agent: a crashing command is spoken as a failure and the session stays up', async (t) => {
  const agent = createCommandBackend({ command: script("console.error('cannot open repository');process.exit(3)") });
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [handoffBatch('h_dead', 'fix the build')] }],
    harness: { agent },
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const failed = await harness.waitForEvent('handoff.failed');
  assert.match(failed.reason, /exited with code 3: cannot open repository/);
  const spoken = await realtime.waitForFrame(0, isAppend);
  assert.equal(spoken.output_text, failed.spoken);
  assert.match(spoken.output_text, /^The background agent failed: .*code 3/);
  assert.equal(harness.session.state, 'live');
});

test('command agent: a timed-out turn is killed, reported, and the handoff cleared', async (t) => {
  const agent = createCommandBackend({ command: script('setTimeout(()=>{}, 60000)'), timeoutMs: 300 });
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [handoffBatch('h_slow', 'take forever')] }],
    harness: { agent },
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const failed = await harness.waitForEvent('handoff.failed', undefined, 5_000);
  assert.equal(failed.handoffId, 'h_slow');
  assert.equal(harness.session.isAgentWorking, false);
});

test('stopping the session kills a running agent command', async (t) => {
  const agent = createCommandBackend({ command: script("console.log(process.pid);setTimeout(()=>{}, 60000)") });
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [handoffBatch('h_stop', 'long task')] }],
    harness: { agent },
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const first = await harness.waitForEvent('agent.text');
  const pid = Number(first.delta.trim());
  assert.ok(pid > 0);
  await harness.session.stop();
  await agent.dispose();
  assert.throws(() => process.kill(pid, 0), /ESRCH/, 'the agent process is gone');
  assert.equal(realtime.connections[0]!.frames.filter(isAppend).length, 0, 'nothing is sent after stop');
});

test('no agent: the handoff is shown but not delegated, and the voice session is told why', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [handoffBatch('h_none', 'book a table')] }],
    harness: { agent: createNoneBackend() },
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const requested = await harness.waitForEvent('handoff.requested');
  assert.equal(requested.agentText, 'user: book a table');
  const notice = await realtime.waitForFrame(0, isAppend);
  await settle();
  assert.equal(harness.eventsOf('handoff.started').length, 0);
  assert.equal(notice.output_text, NO_AGENT_CONFIGURED_TEXT);
});
