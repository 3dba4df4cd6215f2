// Dialect v2 (OpenAI Realtime GA) scenarios: function-call handoff, function_call_output then a
// deferred response.create, the benign active-response error, and barge-in truncation at what
// the speaker really played.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pcm16Base64, startMockRealtimeServer } from '../../support/mock-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, userInputTexts } from '../../support/mock-responses-server';
import { ClockedSink } from '../../support/clocked-sink';
import { startEagerServer } from '../../support/eager-server';
import { SUPERSEDED_HANDOFF_TEXT } from '../../../src-main/core/session/live-conversation';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle } from '../../support/session-harness';
import { functionCall, responseCreated, responseDone, sessionStarted, spokenPreamble, userTranscript } from '../../support/v2-server-events';
import { checkFramesAgainstSpec, startV2Scenario, typeIs } from '../../support/v2-scenario';

const framesAfterUpdate = (frames: unknown[]) => (frames.slice(1) as any[]).map((frame) => frame.type);

test('v2: a background_agent function call is the handoff; the answer is function_call_output then response.create', async (t) => {
  const { agent, realtime, harness } = await startV2Scenario(t, {
    agentReplies: [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'Two flights leave at 9.') }],
    realtime: [
      { batches: [[...sessionStarted('sess_v2'), userTranscript('find me flights to lisbon'), spokenPreamble('item_pre'), functionCall('call_1', 'Find flights to Lisbon tomorrow')]] },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  const { handshake } = realtime.connections[0]!;
  assert.equal(handshake.path, '/v1/realtime');
  assert.deepEqual(handshake.query, { model: 'gpt-realtime' });

  const requested = await harness.waitForEvent('handoff.requested');
  assert.equal(requested.handoffId, 'call_1');
  assert.equal(requested.agentText, 'Find flights to Lisbon tomorrow\n\nConversation since the last handoff:\nuser: find me flights to lisbon');
  const [request] = await agent.waitForRequests(1);
  assert.deepEqual(userInputTexts(request!), [requested.agentText]);

  await realtime.waitForFrame(0, typeIs('response.create'));
  const frames = realtime.connections[0]!.frames as any[];
  assert.deepEqual(framesAfterUpdate(frames), ['conversation.item.create', 'response.create']);
  assert.deepEqual(frames[1].item, { type: 'function_call_output', call_id: 'call_1', output: 'Two flights leave at 9.' });
});

test('v2: response.create is deferred while a response is active and sent on response.done', async (t) => {
  const { realtime, harness } = await startV2Scenario(t, {
    agentReplies: [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'answer') }],
    realtime: [
      { batches: [[...sessionStarted('sess_defer'), responseCreated('resp_speaking'), spokenPreamble('item_pre'), functionCall('call_d', 'do it')]] },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await realtime.waitForFrame(0, typeIs('conversation.item.create'));
  await settle();
  assert.deepEqual(framesAfterUpdate(realtime.connections[0]!.frames), ['conversation.item.create'], 'no response.create while a response is active');
  realtime.send(0, [responseDone('resp_speaking')]);
  await realtime.waitForFrame(0, typeIs('response.create'));
  await settle();
  assert.deepEqual(framesAfterUpdate(realtime.connections[0]!.frames), ['conversation.item.create', 'response.create']);
});

test('v2: the "active response in progress" error is benign: no error event, and response.create is retried after response.done', async (t) => {
  const agent = await startMockResponsesServer([{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'answer') }]);
  const activeError = {
    type: 'error',
    // evt_3 names frame 2, the response.create: the error is tied to it by id, not by its text.
    error: { type: 'invalid_request_error', code: 'conversation_already_has_active_response', message: 'Conversation already has an active response in progress: resp_x. Wait until the response is finished before creating a new one.', event_id: 'evt_3' },
  };
  const realtime = await startMockRealtimeServer([
    // frame 1 = function_call_output, frame 2 = response.create → answered with the error
    { batches: [[...sessionStarted('sess_benign'), spokenPreamble('item_pre'), functionCall('call_b', 'do it')], [], [activeError]] },
  ]);
  const harness = createSessionHarness({ agentBaseUrl: agent.baseUrl });
  t.after(async () => {
    await harness.dispose();
    await realtime.close();
    await agent.close();
  });
  checkFramesAgainstSpec(t, realtime);
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await realtime.waitForFrames(0, 3);
  realtime.send(0, [responseDone('resp_x')]);
  await realtime.waitForFrames(0, 4); // the retry proves the error was read, and read as benign
  assert.deepEqual(framesAfterUpdate(realtime.connections[0]!.frames), ['conversation.item.create', 'response.create', 'response.create']);
  assert.equal(harness.eventsOf('error').length, 0);
  assert.equal(harness.session.state, 'live');
});

test('v2: another server error after our response.create does not leave later requests stuck', async (t) => {
  // evt_3 names frame 2, the typed message's response.create.
  const rateLimited = { type: 'error', error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit reached', event_id: 'evt_3' } };
  const { realtime, harness } = await startV2Scenario(t, {
    // frame 1 = the typed message, frame 2 = its response.create → rejected
    realtime: [{ batches: [[...sessionStarted('sess_stuck')], [], [rateLimited]] }],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  harness.session.sendText('first try');
  const error = await harness.waitForEvent('error');
  assert.match(error.message, /Rate limit reached/);
  assert.equal(error.recoverable, true);
  harness.session.sendText('second try');
  await realtime.waitForFrames(0, 5);
  assert.deepEqual(framesAfterUpdate(realtime.connections[0]!.frames), ['conversation.item.create', 'response.create', 'conversation.item.create', 'response.create']);
});

test('v2: a handoff that steers the running turn closes the older call with a note; the newer call gets the final answer as its one output', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { agent, realtime, harness } = await startV2Scenario(t, {
    agentReplies: [
      { kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'answer one'), gate },
      { kind: 'sse', events: assistantMessageEvents('r2', 'm2', 'answer two') },
    ],
    realtime: [{ batches: [[...sessionStarted('sess_steer2'), spokenPreamble('item_pre'), functionCall('call_a', 'first')], [spokenPreamble('item_pre2'), functionCall('call_b', 'second')]] }],
  });
  t.after(() => release());
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await agent.waitForRequests(1);
  harness.session.sendAudio(Buffer.alloc(960)); // releases batch 1: the second call
  await harness.waitForEvent('handoff.steered');
  release();
  await harness.waitForEvent('handoff.completed');
  // update, audio, note for call_a, answer one as a system message, its response.create, answer
  // two as call_b's output (its response.create waits for the first response to finish, which
  // this mock never reports)
  await realtime.waitForFrames(0, 6);
  await settle();
  const frames = realtime.connections[0]!.frames as any[];
  const outputs = frames.filter((frame) => frame.item?.type === 'function_call_output').map((frame) => [frame.item.call_id, frame.item.output]);
  assert.deepEqual(outputs, [
    ['call_a', SUPERSEDED_HANDOFF_TEXT],
    ['call_b', 'answer two'],
  ]);
  // The earlier message reaches the voice model as a progress item (batched by the narrator).
  await realtime.waitForFrame(0, (frame: any) => frame.item?.type === 'message' && String(frame.item.content[0].text).includes('answer one'));
  const progress = (realtime.connections[0]!.frames as any[]).filter((frame) => frame.type === 'conversation.item.create' && frame.item?.type === 'message');
  assert.equal(progress.length, 1);
  assert.equal(progress[0].item.role, 'system');
  assert.match(progress[0].item.content[0].text, /^Background agent progress[^\n]*\n- The agent said: answer one\n/);
});

test('v2: session.created then session.updated make one session.ready', async (t) => {
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [{ batches: [[...sessionStarted('sess_once'), { type: 'session.updated', session: { id: 'sess_once' } }, { type: 'response.output_audio_transcript.delta', delta: 'hi' }]] }],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('transcript.entry');
  assert.equal(harness.eventsOf('session.ready').length, 1);
});

test('v2: barge-in truncates the item at what the speaker played, not what was received', async (t) => {
  let nowMs = 1_000;
  const sink = new ClockedSink({ now: () => nowMs });
  const hundredMs = pcm16Base64(2400); // 100 ms at 24 kHz
  const deltas = Array.from({ length: 10 }, () => ({ type: 'response.output_audio.delta', item_id: 'item_speech', delta: hundredMs }));
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [{ batches: [[...sessionStarted('sess_barge'), responseCreated('resp_1'), ...deltas]] }],
    harness: { sink },
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('audio.output', () => sink.frames.length === 10);
  nowMs += 350; // the speaker has played 350 ms of the 1000 ms it received
  realtime.send(0, [{ type: 'input_audio_buffer.speech_started', item_id: 'item_user_2', audio_start_ms: 4000 }]);
  const truncate = await realtime.waitForFrame(0, typeIs('conversation.item.truncate'));
  assert.deepEqual(truncate, { type: 'conversation.item.truncate', event_id: 'evt_2', item_id: 'item_speech', content_index: 0, audio_end_ms: 350 });
  const interrupted = await harness.waitForEvent('playback.interrupted');
  assert.deepEqual(interrupted, { type: 'playback.interrupted', itemId: 'item_speech', playedMs: 350 });
  assert.equal(sink.interrupted, 1);
});

test('v2: speech that starts after playback finished truncates nothing', async (t) => {
  let nowMs = 0;
  const sink = new ClockedSink({ now: () => nowMs });
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [
      { batches: [[...sessionStarted('sess_quiet'), { type: 'response.output_audio.delta', item_id: 'item_a', delta: pcm16Base64(2400) }]] },
    ],
    harness: { sink },
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('audio.output');
  nowMs += 500; // 100 ms received, all of it long played
  realtime.send(0, [{ type: 'input_audio_buffer.speech_started', item_id: 'u' }]);
  await harness.waitForEvent('user.speech_started');
  await settle();
  assert.equal(realtime.connections[0]!.frames.filter(typeIs('conversation.item.truncate')).length, 0);
});

test('v2: a typed message is a user item followed by response.create, never a handoff', async (t) => {
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [{ batches: [[...sessionStarted('sess_text')]] }],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  harness.session.sendText('what time is it?');
  await realtime.waitForFrames(0, 3);
  const frames = realtime.connections[0]!.frames as any[];
  assert.deepEqual(framesAfterUpdate(frames), ['conversation.item.create', 'response.create']);
  assert.deepEqual(frames[1].item.content, [{ type: 'input_text', text: 'what time is it?' }]);
  assert.equal(harness.eventsOf('handoff.requested').length, 0);
});

test('v2: push-to-talk release commits the buffer and asks for a response', async (t) => {
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [{ batches: [[...sessionStarted('sess_ptt')]] }],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url, { turnDetection: 'none' }), apiKey: TEST_API_KEY });
  harness.session.sendAudio(Buffer.alloc(960));
  harness.session.commitAudio();
  await realtime.waitForFrames(0, 4);
  const frames = realtime.connections[0]!.frames as any[];
  assert.equal(frames[0].session.audio.input.turn_detection, null);
  assert.deepEqual(framesAfterUpdate(frames), ['input_audio_buffer.append', 'input_audio_buffer.commit', 'response.create']);
});

test('v2: an event sent together with the upgrade is handled with the session already live', async (t) => {
  // Not schema-checked: the eager server is a bare TCP stub that reads no client frames.
  const server = await startEagerServer({ type: 'session.updated', session: { id: 'sess_early' } });
  const harness = createSessionHarness();
  t.after(async () => {
    await harness.dispose();
    server.close();
  });
  const statesAtReady: string[] = [];
  harness.session.onEvent((event) => {
    if (event.type === 'session.ready') statesAtReady.push(harness.session.state);
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', `http://127.0.0.1:${server.port}`), apiKey: TEST_API_KEY }), true);
  await harness.waitForEvent('session.ready');
  assert.deepEqual(statesAtReady, ['live']);
});

test('v2: barge-in with a speaker that answers asynchronously (another process) still truncates at what was played', async (t) => {
  let nowMs = 0;
  class AsyncClockedSink extends ClockedSink {
    override interrupt() {
      const answer = this.takeInterruption();
      return new Promise<typeof answer>((resolve) => setTimeout(() => resolve(answer), 5));
    }
  }
  const sink = new AsyncClockedSink({ now: () => nowMs });
  const hundredMs = pcm16Base64(2400);
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [{ batches: [[...sessionStarted('sess_async'), ...Array.from({ length: 5 }, () => ({ type: 'response.output_audio.delta', item_id: 'item_far', delta: hundredMs }))]] }],
    harness: { sink },
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('audio.output', () => sink.frames.length === 5);
  nowMs += 220;
  realtime.send(0, [{ type: 'input_audio_buffer.speech_started', item_id: 'u3' }, { type: 'response.output_audio.delta', item_id: 'item_far', delta: hundredMs }]);
  const truncate = await realtime.waitForFrame(0, typeIs('conversation.item.truncate'));
  assert.equal(truncate.audio_end_ms, 220);
  assert.equal(sink.frames.length, 5, 'audio that raced the answer was not played');
});

test('v2: the end of an item\'s audio reaches the speaker, so a short answer plays without waiting', async (t) => {
  const sink = new ClockedSink({ now: () => 0 });
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [
      {
        batches: [
          [
            ...sessionStarted('sess_end'),
            { type: 'response.output_audio.delta', item_id: 'item_short', delta: pcm16Base64(480) },
            { type: 'response.output_audio.done', item_id: 'item_short' },
            { type: 'response.output_audio_transcript.delta', item_id: 'item_short', delta: 'ok' },
          ],
        ],
      },
    ],
    harness: { sink },
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('transcript.entry');
  assert.deepEqual(sink.endedItems, ['item_short']);
});
