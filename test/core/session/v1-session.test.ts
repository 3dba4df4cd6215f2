// The reference scenarios of realtime-protocol.md, dialect v1, end to end: a real VoiceSession
// over a real websocket to the scripted realtime mock, and the real Responses backend over HTTP
// to the scripted agent mock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startMockRealtimeServer, pcm16Base64 } from '../../support/mock-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, userInputTexts } from '../../support/mock-responses-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, startScenario } from '../../support/session-harness';

const sessionUpdated = (id: string) => ({ type: 'session.updated', session: { id, instructions: 'backend prompt' } });
const inputDelta = (delta: string) => ({ type: 'conversation.input_transcript.delta', delta });
const outputDelta = (delta: string) => ({ type: 'conversation.output_transcript.delta', delta });
const handoff = (id: string, inputTranscript: string) => ({
  type: 'conversation.handoff.requested',
  handoff_id: id,
  item_id: `item_${id}`,
  input_transcript: inputTranscript,
});
const audioDelta = () => ({
  type: 'conversation.output_audio.delta',
  delta: pcm16Base64(480),
  sample_rate: 24000,
  channels: 1,
  samples_per_channel: 480,
});
const frameOfType = (type: string) => (frame: any) => frame?.type === type;
const AUDIO_FRAME = Buffer.alloc(960);

test('round trip: session.update first, then audio, text and the handoff answer in order; the handoff carries the merged transcript', async (t) => {
  const { agent, realtime, harness } = await startScenario(t, {
    agentReplies: [{ kind: 'sse', events: assistantMessageEvents('resp-1', 'msg-1', 'agent answer') }],
    realtime: [
      { batches: [[sessionUpdated('sess_1')], [], [audioDelta(), inputDelta('delegate '), inputDelta('now'), outputDelta('working'), handoff('handoff_1', 'delegate now')]] },
    ],
  });

  assert.equal(await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY }), true);
  await harness.waitForEvent('session.ready');
  assert.ok(harness.session.sendAudio(AUDIO_FRAME));
  assert.ok(harness.session.sendText('hello'));

  const requested = await harness.waitForEvent('handoff.requested');
  assert.deepEqual(requested.transcript, [
    { role: 'user', text: 'delegate now' },
    { role: 'assistant', text: 'working' },
  ]);
  assert.equal(requested.agentText, 'user: delegate now\nassistant: working');
  await harness.waitForEvent('audio.output');

  const frames = await realtime.waitForFrames(0, 4);
  assert.deepEqual(
    frames.map((frame: any) => frame.type),
    ['session.update', 'input_audio_buffer.append', 'conversation.item.create', 'conversation.handoff.append'],
  );
  const [update, append, item, answer] = frames as any[];
  assert.equal(update.session.type, 'quicksilver');
  assert.equal(update.session.instructions, 'backend prompt');
  assert.deepEqual(update.session.audio.input.format, { type: 'audio/pcm', rate: 24000 });
  assert.equal(update.session.audio.output.voice, 'cove');
  assert.equal(append.audio, AUDIO_FRAME.toString('base64'));
  assert.equal(item.item.content[0].text, 'hello');
  assert.deepEqual(answer, { type: 'conversation.handoff.append', handoff_id: 'handoff_1', output_text: 'agent answer' });
  assert.deepEqual(userInputTexts(agent.requests[0]!), ['user: delegate now\nassistant: working']);
});

test('start, audio, text and stop: handshake URL, headers and frames are recorded; stop emits closed(requested)', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [[sessionUpdated('sess_rt')]] }],
  });
  // As in the reference's own tests, the base URL is the mock's ws:// address, used as given.
  const websocketBaseUrl = realtime.url.replace(/^http:/, 'ws:');
  assert.equal(await harness.session.start({ config: sessionConfig('v1', websocketBaseUrl), apiKey: TEST_API_KEY }), true);
  harness.session.sendAudio(AUDIO_FRAME);
  harness.session.sendText('typed words');
  await realtime.waitForFrames(0, 3);
  const { handshake } = realtime.connections[0]!;
  assert.equal(handshake.path, '/v1/realtime');
  assert.deepEqual(handshake.query, { intent: 'quicksilver', model: 'quicksilver-test' });
  assert.equal(handshake.headers['authorization'], `Bearer ${TEST_API_KEY}`);
  assert.equal(handshake.headers['x-session-id'], 'session-test-1');
  assert.equal(handshake.headers['openai-alpha'], 'quicksilver=v1');

  await harness.session.stop();
  await realtime.waitForClose(0);
  assert.deepEqual(harness.eventsOf('closed'), [{ type: 'closed', reason: 'requested' }]);
  assert.deepEqual(
    harness.eventsOf('state').map((event) => event.state),
    ['connecting', 'live', 'closing', 'closed'],
  );
  await harness.session.stop(); // idempotent
  assert.equal(harness.eventsOf('closed').length, 1);
});

test('a normal close from the server ends the session as ended by the server, with its reason', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [[sessionUpdated('sess_close')]], closeAfterLastBatch: true }],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const closed = await harness.waitForEvent('closed');
  assert.equal(closed.reason, 'server_ended');
  assert.equal(typeof closed.detail, 'string');
  assert.equal(harness.session.state, 'closed');
  assert.equal(harness.eventsOf('connection').length, 0, 'a normal close is not a drop: no reconnect');
});

test('audio or text before start is the error "conversation is not running"', async (t) => {
  const harness = createSessionHarness();
  t.after(() => harness.dispose());
  assert.equal(harness.session.sendAudio(AUDIO_FRAME), false);
  assert.equal(harness.session.sendText('too early'), false);
  const errors = harness.eventsOf('error');
  assert.equal(errors.length, 2);
  for (const error of errors) {
    assert.equal(error.code, 'not_running');
    assert.equal(error.message, 'conversation is not running');
  }
});

test('a missing API key is an error naming where to put it, and no closed event', async (t) => {
  const harness = createSessionHarness();
  t.after(() => harness.dispose());
  const started = await harness.session.start({ config: sessionConfig('v1', 'http://127.0.0.1:9'), apiKey: undefined, apiKeySource: 'the OPENAI_API_KEY environment variable' });
  assert.equal(started, false);
  const errors = harness.eventsOf('error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'missing_api_key');
  assert.match(errors[0]!.message, /OPENAI_API_KEY/);
  assert.equal(harness.eventsOf('closed').length, 0);
});

test('a connect failure is an error only, naming the address', async (t) => {
  const realtime = await startMockRealtimeServer([]);
  const deadUrl = realtime.url;
  await realtime.close();
  const harness = createSessionHarness();
  t.after(() => harness.dispose());
  assert.equal(await harness.session.start({ config: sessionConfig('v1', deadUrl), apiKey: TEST_API_KEY }), false);
  const errors = harness.eventsOf('error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'unreachable');
  assert.ok(errors[0]!.message.includes(new URL(deadUrl).host), errors[0]!.message);
  assert.equal(harness.eventsOf('closed').length, 0);
});

test('a second start replaces the first connection', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    realtime: [{ batches: [[sessionUpdated('sess_a')]] }, { batches: [[sessionUpdated('sess_b')]] }],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('session.ready', (event) => event.serverSessionId === 'sess_a');
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await realtime.waitForClose(0);
  await harness.waitForEvent('session.ready', (event) => event.serverSessionId === 'sess_b');
  harness.session.sendText('to the second');
  const frame = await realtime.waitForFrame(1, frameOfType('conversation.item.create'));
  assert.equal(frame.item.content[0].text, 'to the second');
  assert.equal(realtime.connections[0]!.frames.length, 1, 'nothing more went to the replaced connection');
  assert.equal(harness.eventsOf('closed').length, 0, 'replacing is not closing');
});

test('the handoff persists across item.done until the turn completes: two messages, one id', async (t) => {
  const first = assistantMessageEvents('resp-1', 'msg-1', 'first part');
  const second = assistantMessageEvents('resp-1', 'msg-2', 'second part');
  const twoMessages = [...first.slice(0, -1), ...second.slice(1)];
  const { realtime, harness } = await startScenario(t, {
    agentReplies: [{ kind: 'sse', events: twoMessages, delayMsBetweenEvents: 25 }],
    realtime: [
      { batches: [[sessionUpdated('sess_item_done'), inputDelta('delegate now'), handoff('handoff_item_done', 'delegate now'), { type: 'conversation.item.done', item: { id: 'item_handoff_item_done' } }]] },
    ],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('handoff.completed');
  await realtime.waitForFrames(0, 3); // session.update and two answers
  const answers = realtime.connections[0]!.frames.filter(frameOfType('conversation.handoff.append')) as any[];
  assert.deepEqual(
    answers.map((frame) => [frame.handoff_id, frame.output_text]),
    [
      ['handoff_item_done', 'first part'],
      ['handoff_item_done', 'second part'],
    ],
  );
});

test('a handoff request starts a turn with the transcript text', async (t) => {
  const { agent, realtime, harness } = await startScenario(t, {
    agentReplies: [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'ok') }],
    realtime: [{ batches: [[sessionUpdated('sess_inbound'), inputDelta('text from realtime'), handoff('handoff_inbound', 'text from realtime')]] }],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const started = await harness.waitForEvent('handoff.started');
  assert.equal(started.agentText, 'user: text from realtime');
  const [request] = await agent.waitForRequests(1);
  assert.deepEqual(userInputTexts(request!), ['user: text from realtime']);
});

test('a handoff uses the whole active transcript', async (t) => {
  const { agent, realtime, harness } = await startScenario(t, {
    agentReplies: [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'ok') }],
    realtime: [
      { batches: [[sessionUpdated('sess_multi'), outputDelta('assistant context'), inputDelta('delegated query'), outputDelta('assist confirm'), handoff('handoff_multi', 'ignored')]] },
    ],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const [request] = await agent.waitForRequests(1);
  assert.deepEqual(userInputTexts(request!), ['assistant: assistant context\nuser: delegated query\nassistant: assist confirm']);
});

test('the active transcript is cleared after each handoff', async (t) => {
  const { agent, realtime, harness } = await startScenario(t, {
    agentReplies: [
      { kind: 'sse', events: assistantMessageEvents('resp-1', 'msg-1', 'first ok') },
      { kind: 'sse', events: assistantMessageEvents('resp-2', 'msg-2', 'second ok') },
    ],
    realtime: [
      {
        batches: [
          [sessionUpdated('sess_clear'), inputDelta('first question'), handoff('handoff_clear_1', 'first question')],
          [],
          [inputDelta('second question'), handoff('handoff_clear_2', 'second question')],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('handoff.completed', (event) => event.handoffId === 'handoff_clear_1');
  // frame 1 is the first handoff answer; one audio frame releases batch 2
  harness.session.sendAudio(AUDIO_FRAME);
  await harness.waitForEvent('handoff.completed', (event) => event.handoffId === 'handoff_clear_2');
  const requests = await agent.waitForRequests(2);
  assert.ok(userInputTexts(requests[0]!).includes('user: first question'));
  const secondTexts = userInputTexts(requests[1]!);
  assert.equal(secondTexts[secondTexts.length - 1], 'user: second question');
  assert.ok(!secondTexts.some((text) => text.includes('first question') && text.includes('second question')));
});

test('a handoff while a turn runs steers it: the next request holds both inputs, and there is no third', async (t) => {
  let releaseFirst!: () => void;
  const gate = new Promise<void>((resolve) => (releaseFirst = resolve));
  const agent = await startMockResponsesServer([
    { kind: 'sse', events: assistantMessageEvents('resp-1', 'msg-1', 'first answer'), gate },
    { kind: 'sse', events: assistantMessageEvents('resp-2', 'msg-2', 'steered answer') },
  ]);
  const realtime = await startMockRealtimeServer([
    { batches: [[sessionUpdated('sess_steer'), inputDelta('start the job'), handoff('handoff_first', 'start the job')], [inputDelta('steer via realtime'), handoff('handoff_steer', 'steer via realtime')]] },
  ]);
  const harness = createSessionHarness({ agentBaseUrl: agent.baseUrl });
  t.after(async () => {
    releaseFirst();
    await harness.dispose();
    await realtime.close();
    await agent.close();
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await agent.waitForRequests(1);
  harness.session.sendAudio(AUDIO_FRAME); // releases batch 1: the second handoff
  const steered = await harness.waitForEvent('handoff.steered');
  assert.equal(steered.agentText, 'user: steer via realtime');
  assert.equal(harness.eventsOf('handoff.started').length, 1);
  releaseFirst();
  await harness.waitForEvent('handoff.completed');
  await settle();
  assert.equal(agent.requests.length, 2, 'steering makes exactly one more request');
  const texts = userInputTexts(agent.requests[1]!);
  assert.ok(texts.includes('user: start the job'));
  assert.ok(texts.includes('user: steer via realtime'));
  await realtime.waitForFrames(0, 4); // session.update, the audio frame, two answers
  const answers = realtime.connections[0]!.frames.filter(frameOfType('conversation.handoff.append')) as any[];
  assert.deepEqual(answers.map((frame) => frame.handoff_id), ['handoff_steer', 'handoff_steer']);
});

test('an item.added echo of the agent text does not re-delegate, and audio still flows', async (t) => {
  const agent = await startMockResponsesServer([{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'echo me') }]);
  const echo = { type: 'conversation.item.added', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'echo me' }] } };
  const realtime = await startMockRealtimeServer([
    { batches: [[sessionUpdated('sess_echo'), inputDelta('delegate now'), handoff('handoff_echo', 'delegate now')], [echo, audioDelta()]] },
  ]);
  const harness = createSessionHarness({ agentBaseUrl: agent.baseUrl });
  t.after(async () => {
    await harness.dispose();
    await realtime.close();
    await agent.close();
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('audio.output');
  await settle();
  assert.equal(agent.requests.length, 1);
  assert.equal(harness.eventsOf('handoff.requested').length, 1);
});

test('a pending agent turn does not block realtime audio (within 500 ms)', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    agentReplies: [{ kind: 'hang' }],
    realtime: [
      { batches: [[sessionUpdated('sess_nb'), inputDelta('delegate now'), handoff('handoff_nb', 'delegate now')], [audioDelta()]] },
    ],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('handoff.started');
  assert.equal(harness.eventsOf('audio.output').length, 0);
  harness.session.sendAudio(AUDIO_FRAME); // the server answers this frame with assistant audio
  await harness.waitForEvent('audio.output', undefined, 500);
  assert.ok(harness.session.isAgentWorking, 'the agent is still working while audio plays');
});

test('the handoff id is cleared after an aborted turn: nothing later goes out under it', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const agent = await startMockResponsesServer([{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'too late'), gate }]);
  const realtime = await startMockRealtimeServer([{ batches: [[sessionUpdated('sess_abort'), inputDelta('long job'), handoff('handoff_abort', 'long job')]] }]);
  const harness = createSessionHarness({ agentBaseUrl: agent.baseUrl });
  t.after(async () => {
    release();
    await harness.dispose();
    await realtime.close();
    await agent.close();
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  await agent.waitForRequests(1);
  assert.equal(harness.session.cancelAgent(), true);
  const failed = await harness.waitForEvent('handoff.failed');
  assert.equal(failed.handoffId, 'handoff_abort');
  assert.equal(harness.session.isAgentWorking, false);
  release();
  await settle(300);
  const answers = realtime.connections[0]!.frames.filter(frameOfType('conversation.handoff.append')) as any[];
  assert.deepEqual(answers.map((frame) => frame.output_text), ['The user cancelled the background agent.']);
  assert.equal(harness.eventsOf('handoff.answered').length, 0);
});

test('a failed agent is reported to the voice session and the UI, and the session stays live', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    agentReplies: [{ kind: 'http_error', status: 500, body: { error: { message: 'model overloaded' } } }],
    realtime: [{ batches: [[sessionUpdated('sess_fail'), inputDelta('do it'), handoff('handoff_fail', 'do it')]] }],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const failed = await harness.waitForEvent('handoff.failed');
  assert.match(failed.spoken, /^The background agent failed: .*500.*model overloaded/);
  const frame = await realtime.waitForFrame(0, frameOfType('conversation.handoff.append'));
  assert.equal(frame.handoff_id, 'handoff_fail');
  assert.equal(frame.output_text, failed.spoken);
  const error = await harness.waitForEvent('error', (event) => event.code === 'agent_failed');
  assert.equal(error.recoverable, true);
  assert.equal(harness.session.state, 'live');
  assert.ok(harness.session.sendText('still here'));
});

test('malformed server frames are skipped and the conversation goes on', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    realtime: [
      { batches: [['{not json', JSON.stringify({ type: 'conversation.handoff.requested', handoff_id: 'x' }), JSON.stringify({ type: 'brand.new.event' }), sessionUpdated('sess_ok'), outputDelta('still talking')]] },
    ],
  });
  await harness.session.start({ config: sessionConfig('v1', realtime.url), apiKey: TEST_API_KEY });
  const entry = await harness.waitForEvent('transcript.entry');
  assert.deepEqual({ role: entry.role, text: entry.text }, { role: 'assistant', text: 'still talking' });
  assert.equal(harness.eventsOf('handoff.requested').length, 0);
  assert.equal(harness.eventsOf('error').length, 0);
});
