// Issue 9, points 3, 4 and 7 against the GA stand-in server (and the scripted mock where a test
// must hold the server back): the session is live only once session.updated answers Parley's
// configuration, a refused configuration fails the start, a mid-session update carries only what
// changed (never the voice once the model has spoken), and every client event has an event_id
// that ties the server's errors to their request.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { TurnDetection } from '../../../src-main/core/protocol/session-config';
import { CONFIGURATION_REFUSED_PREFIX } from '../../../src-main/core/session/voice-session';
import { startGaRealtimeServer, type GaRealtimeServer } from '../../support/ga-realtime-server';
import { validateClientEvent } from '../../support/realtime-spec';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, startScenario, type SessionHarness } from '../../support/session-harness';
import { responseCreated, responseDone, sessionCreated, sessionUpdated } from '../../support/v2-server-events';

const typeIs = (type: string) => (frame: any) => frame?.type === type;

async function stage(t: TestContext): Promise<{ server: GaRealtimeServer; harness: SessionHarness }> {
  const server = await startGaRealtimeServer();
  const harness = createSessionHarness();
  t.after(async () => {
    await harness.dispose();
    await server.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true);
  return { server, harness };
}

/** Every frame Parley sent: schema-valid, each with its own evt_N id, nothing the server refused. */
function assertFramesCorrelated(server: GaRealtimeServer): void {
  const frames = server.frames as Array<{ type: string; event_id?: unknown }>;
  assert.ok(frames.length > 0);
  for (const frame of frames) {
    assert.deepEqual(validateClientEvent(frame), [], frame.type);
    assert.match(String(frame.event_id), /^evt_\d+$/, `${frame.type} has an event_id`);
  }
  assert.equal(new Set(frames.map((frame) => frame.event_id)).size, frames.length, 'event ids are unique');
  assert.deepEqual(server.violations, []);
}

/** The model speaks once (a typed message and its spoken answer): the voice is fixed from here on. */
async function modelSpeaks(server: GaRealtimeServer, harness: SessionHarness): Promise<void> {
  const reply = server.respond({ say: 'Hello there.' });
  harness.session.sendText('hi');
  await reply.done;
  await harness.waitForEvent('audio.output');
}

test('v2: the session is live only once session.updated answers the configuration', async (t) => {
  const { realtime, harness } = await startScenario(t, {
    // The server's defaults arrive at once; the answer to Parley's session.update is held back.
    realtime: [{ batches: [[sessionCreated('sess_held')]] }],
  });
  let resolved: boolean | undefined;
  const started = harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY }).then((live) => (resolved = live));
  await realtime.waitForFrames(0, 1);
  await settle();
  assert.equal(harness.session.state, 'connecting', 'session.created alone is not readiness');
  assert.equal(resolved, undefined, 'start has not answered yet');
  assert.equal(harness.session.sendAudio(Buffer.alloc(960)), false, 'audio is not sent before the session is configured');
  assert.equal(harness.eventsOf('session.ready').length, 0);

  realtime.send(0, [sessionUpdated('sess_held')]);
  assert.equal(await started, true);
  assert.equal(harness.session.state, 'live');
  assert.equal((await harness.waitForEvent('session.ready')).serverSessionId, 'sess_held');
  assert.deepEqual(
    harness.events.filter((event) => event.type === 'state').map((event) => (event.type === 'state' ? event.state : '')),
    ['connecting', 'live'],
  );
});

test('v2 (GA): a configuration the server refuses fails the start with its message, fatally; Parley does not run on defaults', async (t) => {
  const server = await startGaRealtimeServer();
  const harness = createSessionHarness();
  t.after(async () => {
    await harness.dispose();
    await server.close();
  });
  // A turn detection the API does not know: the live service answers the session.update with an error.
  const config = sessionConfig('v2', server.url, { turnDetection: 'bogus_vad' as TurnDetection });
  assert.equal(await harness.session.start({ config, apiKey: TEST_API_KEY }), false);

  const [refusal] = server.errorsSent;
  assert.ok(refusal, 'the server refused the configuration');
  const errors = harness.eventsOf('error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!.code, 'server_error');
  assert.equal(errors[0]!.recoverable, false);
  assert.ok(errors[0]!.message.startsWith(CONFIGURATION_REFUSED_PREFIX), errors[0]!.message);
  assert.ok(errors[0]!.message.includes(refusal.message), `the server's own words: ${errors[0]!.message}`);
  assert.equal(harness.session.state, 'error');
  assert.equal(harness.eventsOf('session.ready').length, 0);
  assert.equal(harness.eventsOf('closed').length, 0, 'a failed start is one error, as the other start failures');
  await server.waitForClose();
  assert.equal(server.session['tools'] === undefined || (server.session['tools'] as unknown[]).length === 0, true, 'the server still had its defaults');
  assert.equal(harness.session.sendText('hello'), false, 'nothing runs on the defaults');
});

test('v2: an error before session.updated fails the start even when the server keeps the socket open', async (t) => {
  const refused = { type: 'error', error: { type: 'invalid_request_error', code: 'unknown_parameter', message: "Unknown parameter: 'session.foo'.", param: 'session.foo', event_id: 'evt_1' } };
  const { realtime, harness } = await startScenario(t, { realtime: [{ batches: [[sessionCreated('sess_refused'), refused]] }] });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY }), false);
  const [error] = harness.eventsOf('error');
  assert.equal(error?.message, `${CONFIGURATION_REFUSED_PREFIX}Unknown parameter: 'session.foo'.`);
  assert.equal(error?.recoverable, false);
  await realtime.waitForClose(0);
});

test('v2: a server that never confirms the configuration fails the start in time', async (t) => {
  const { realtime } = await startScenario(t, { realtime: [{ batches: [[sessionCreated('sess_silent')]] }] });
  const harness = createSessionHarness({ connectTimeoutMs: 300 });
  t.after(() => harness.dispose());
  assert.equal(await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY }), false);
  const [error] = harness.eventsOf('error');
  assert.equal(error?.code, 'connect_timeout');
  assert.match(error!.message, /did not confirm the session configuration/);
  await realtime.waitForClose(0);
});

test('v2 (GA): a talk-mode switch after the model has spoken sends turn detection only, and the server accepts it', async (t) => {
  const { server, harness } = await stage(t);
  await modelSpeaks(server, harness);
  const config = sessionConfig('v2', server.url, { turnDetection: 'none' });
  assert.deepEqual(harness.session.updateConfig(config), { sent: true, voiceDeferred: false });
  const updated = await server.waitForEvent((event) => event.type === 'session.updated' && event.session?.audio?.input?.turn_detection === null);
  assert.ok(updated, 'session.updated with turn detection off');
  const updates = (server.frames as any[]).filter(typeIs('session.update'));
  assert.equal(updates.length, 2);
  assert.deepEqual(updates[1].session, { type: 'realtime', audio: { input: { turn_detection: null } } });
  assert.deepEqual(server.errorsSent, []);
  assert.equal(harness.eventsOf('error').length, 0);
  assertFramesCorrelated(server);
});

test('v2 (GA): a voice change after the model has spoken is not sent and is reported for the next session', async (t) => {
  const { server, harness } = await stage(t);
  await modelSpeaks(server, harness);
  const voiceBefore = (server.session['audio'] as any).output.voice;
  assert.deepEqual(harness.session.updateConfig(sessionConfig('v2', server.url, { voice: 'cedar' })), { sent: false, voiceDeferred: true });
  // With instructions changing too, only the instructions go.
  assert.deepEqual(harness.session.updateConfig(sessionConfig('v2', server.url, { voice: 'cedar', instructions: 'be brief' })), { sent: true, voiceDeferred: false });
  await server.waitForEvent((event) => event.type === 'session.updated' && event.session?.instructions === 'be brief');
  for (const update of (server.frames as any[]).filter(typeIs('session.update')).slice(1)) assert.equal(update.session.audio, undefined);
  assert.equal((server.session['audio'] as any).output.voice, voiceBefore);
  assert.deepEqual(server.errorsSent, []);
  assertFramesCorrelated(server);
});

test('v2 (GA): before the model has spoken, a voice change reaches the live session', async (t) => {
  const { server, harness } = await stage(t);
  assert.deepEqual(harness.session.updateConfig(sessionConfig('v2', server.url, { voice: 'cedar' })), { sent: true, voiceDeferred: false });
  await server.waitForEvent((event) => event.type === 'session.updated' && event.session?.audio?.output?.voice === 'cedar');
  assert.deepEqual(server.errorsSent, []);
});

test('v2 (GA): the server\'s "active response" error names Parley\'s response.create; the request waits and goes once the response is done', async (t) => {
  const { server, harness } = await stage(t);
  // Server VAD starts a response of its own; the typed message's response.create crosses its
  // response.created on the wire, so Parley's gate cannot know yet.
  server.userSpeaks({ transcript: 'Hello?' });
  harness.session.sendText('and also this');
  const refusal = await server.waitForEvent((event) => event.type === 'error');
  const creates = () => (server.frames as any[]).filter(typeIs('response.create'));
  assert.equal(refusal.error.code, 'conversation_already_has_active_response');
  assert.equal(refusal.error.event_id, creates()[0].event_id, 'the server named the response.create');

  const spoken = server.respond({ say: 'Hi.' });
  const answer = server.respond({ say: 'Noted.' });
  await spoken.done;
  await answer.done;
  assert.equal(creates().length, 2, 'asked again once the server response was done');
  assert.equal(harness.eventsOf('error').length, 0, 'tied to the gate by its id: nothing to show');
  assert.equal(server.errorsSent.length, 1);
  assertFramesCorrelated(server);
});

test('v2: an error naming our response.create reopens the response gate (no guessing from the text)', async (t) => {
  // Frames: 0 session.update (evt_1), 1 the typed message (evt_2), 2 its response.create (evt_3).
  const refusal = { type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The server had an error while processing your request.', event_id: 'evt_3' } };
  const { realtime, harness } = await startScenario(t, { realtime: [{ batches: [[sessionCreated('sess_gate'), sessionUpdated('sess_gate')], [], [refusal]] }] });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  harness.session.sendText('first');
  await harness.waitForEvent('error');
  harness.session.sendText('second');
  await realtime.waitForFrames(0, 5);
  const types = (realtime.connections[0]!.frames as any[]).map((frame) => frame.type);
  assert.deepEqual(types, ['session.update', 'conversation.item.create', 'response.create', 'conversation.item.create', 'response.create']);
});

test('v2: an "active response" error that names another event is not taken for the gate\'s: it is shown, and the gate waits for the real response', async (t) => {
  // The same words as the benign error, but about evt_2 (the typed message), not the response.create.
  const misleading = {
    type: 'error',
    error: { type: 'invalid_request_error', code: 'invalid_value', message: 'Conversation already has an active response in progress: resp_1.', event_id: 'evt_2' },
  };
  const { realtime, harness } = await startScenario(t, { realtime: [{ batches: [[sessionCreated('sess_text'), sessionUpdated('sess_text')], [], [misleading]] }] });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  harness.session.sendText('first');
  const error = await harness.waitForEvent('error');
  assert.match(error.message, /already has an active response/);
  assert.equal(error.recoverable, true);
  harness.session.sendText('second');
  await realtime.waitForFrames(0, 4);
  await settle();
  assert.equal((realtime.connections[0]!.frames as any[]).filter(typeIs('response.create')).length, 1, 'the first response.create still stands');
  realtime.send(0, [responseCreated('resp_1'), responseDone('resp_1')]);
  await realtime.waitForFrames(0, 5);
  assert.equal((realtime.connections[0]!.frames as any[]).filter(typeIs('response.create')).length, 2, 'the deferred request goes once the response is done');
});
