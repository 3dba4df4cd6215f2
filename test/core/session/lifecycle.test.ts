// Session lifecycle races: stop while connecting, start after an error, ending a session while
// the agent works, and audio that arrives for an item the user already talked over.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ClockedSink } from '../../support/clocked-sink';
import { pcm16Base64 } from '../../support/mock-realtime-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, startScenario } from '../../support/session-harness';

test('stop while connecting closes cleanly and the late connection is dropped', async (t) => {
  const silent = createServer(() => {}); // accepts TCP, never answers the upgrade
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const harness = createSessionHarness({ connectTimeoutMs: 1_000 });
  t.after(async () => {
    await harness.dispose();
    silent.close();
  });
  const port = (silent.address() as { port: number }).port;
  const starting = harness.session.start({ config: sessionConfig('v1', `http://127.0.0.1:${port}`), apiKey: TEST_API_KEY });
  await settle(50);
  await harness.session.stop();
  assert.equal(await starting, false);
  assert.deepEqual(harness.eventsOf('state').map((event) => event.state), ['connecting', 'closing', 'closed']);
  assert.deepEqual(harness.eventsOf('closed'), [{ type: 'closed', reason: 'requested' }]);
  assert.equal(harness.eventsOf('error').length, 0, 'the abandoned connect reports nothing');
});

test('a start after a failed start works', async (t) => {
  const { realtime, harness } = await startScenario(t, { realtime: [{ batches: [[{ type: 'session.updated', session: { id: 'sess_retry' } }]] }] });
  assert.equal(await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: '' }), false);
  assert.equal(harness.session.state, 'error');
  assert.equal(await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY }), true);
  await harness.waitForEvent('session.ready');
  assert.equal(harness.session.state, 'live');
});

test('stopping while the agent works ends its handoff card before the closed event, and says nothing to the server', async (t) => {
  const { agent, realtime, harness } = await startScenario(t, {
    agentReplies: [{ kind: 'hang' }],
    realtime: [
      {
        batches: [
          [
            { type: 'session.updated', session: { id: 'sess_stop' } },
            { type: 'conversation.input_transcript.delta', delta: 'long job' },
            { type: 'conversation.handoff.requested', handoff_id: 'h_stop', item_id: 'i', input_transcript: 'long job' },
          ],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await agent.waitForRequests(1);
  await harness.session.stop();
  const types = harness.events.map((event) => event.type);
  const failedAt = types.indexOf('handoff.failed');
  assert.ok(failedAt !== -1 && failedAt < types.indexOf('closed'), types.join(', '));
  const failed = harness.eventsOf('handoff.failed')[0]!;
  assert.deepEqual([failed.handoffId, failed.reason, failed.spoken], ['h_stop', 'the voice session ended', '']);
  await realtime.waitForClose(0);
  assert.equal((realtime.connections[0]!.frames as any[]).filter((frame) => frame.type === 'conversation.handoff.append').length, 0);
});

test('v2: audio still arriving for an item the user talked over is dropped, the next item plays', async (t) => {
  let nowMs = 0;
  const sink = new ClockedSink({ now: () => nowMs });
  const delta = (itemId: string) => ({ type: 'response.output_audio.delta', item_id: itemId, delta: pcm16Base64(2400) });
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [[{ type: 'session.created', session: { id: 's' } }, { type: 'session.updated', session: { id: 's' } }, delta('item_old'), delta('item_old')]] }],
    harness: { sink },
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('audio.output', () => sink.frames.length === 2);
  nowMs += 50;
  realtime.send(0, [{ type: 'input_audio_buffer.speech_started', item_id: 'u' }, delta('item_old'), delta('item_new')]);
  await harness.waitForEvent('audio.output', (event) => event.itemId === 'item_new');
  assert.deepEqual(sink.frames.map((frame) => frame.itemId), ['item_old', 'item_old', 'item_new']);
  assert.equal(harness.eventsOf('audio.output').length, 3);
});
