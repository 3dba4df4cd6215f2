// Issue 9, points 4 and 7 at the codec: every v2 client event carries an event_id, an error that
// names one is tied to what it was for, and a mid-session session.update holds only what changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REMEMBERED_CLIENT_EVENTS } from '../../../src-main/core/protocol/client-event-ids';
import type { OutboundMessage } from '../../../src-main/core/protocol/outbound-message';
import type { RealtimeSessionConfig } from '../../../src-main/core/protocol/session-config';
import { createV1Codec } from '../../../src-main/core/protocol/v1-codec';
import { createV2Codec } from '../../../src-main/core/protocol/v2-codec';
import { silentLogger } from '../../../src-main/core/util/logger';
import { validateClientEvent } from '../../support/realtime-spec';

const config: RealtimeSessionConfig = {
  dialect: 'v2',
  realtimeUrl: 'wss://api.openai.com/v1',
  model: undefined,
  voice: 'marin',
  instructions: 'be brief',
  transcriptionModel: 'gpt-4o-mini-transcribe',
  turnDetection: 'server_vad',
  sessionId: undefined,
};

const EVERY_MESSAGE: readonly OutboundMessage[] = [
  { type: 'audio.append', base64: 'AAAA' },
  { type: 'audio.commit' },
  { type: 'audio.clear' },
  { type: 'user.text', text: 'hello' },
  { type: 'handoff.output', handoffId: 'call_1', text: 'done' },
  { type: 'agent.progress', text: 'still looking' },
  { type: 'response.create' },
  { type: 'response.cancel' },
  { type: 'item.truncate', itemId: 'item_a', audioEndMs: 900 },
];

const errorNaming = (eventId: string, code = 'some_code') =>
  JSON.stringify({ type: 'error', event_id: 'event_server_1', error: { type: 'invalid_request_error', code, message: 'refused', param: null, event_id: eventId } });

test('every v2 client event carries its own event_id and is valid against the GA schema', () => {
  const codec = createV2Codec(silentLogger);
  const frames = [
    codec.sessionUpdate(config),
    ...EVERY_MESSAGE.map((message) => codec.encode(message)),
    codec.sessionChange(config, { ...config, turnDetection: 'none' }, true).frame!,
  ].map((frame) => JSON.parse(frame));
  for (const frame of frames) assert.deepEqual(validateClientEvent(frame), [], JSON.stringify(frame).slice(0, 200));
  const ids = frames.map((frame) => frame.event_id);
  assert.deepEqual(ids, ids.map((_, index) => `evt_${index + 1}`));
});

test('an error naming a response.create is tied to it; one naming an unknown event is not; the server\'s own event_id is never taken for ours', () => {
  const codec = createV2Codec(silentLogger);
  codec.sessionUpdate(config);
  const eventId = JSON.parse(codec.encode({ type: 'response.create' })).event_id as string;
  assert.deepEqual(codec.decode(errorNaming(eventId, 'conversation_already_has_active_response')), {
    type: 'error',
    message: 'refused',
    code: 'conversation_already_has_active_response',
    eventId,
    request: 'response.create',
  });
  assert.deepEqual(codec.decode(errorNaming('evt_999')), { type: 'error', message: 'refused', code: 'some_code', eventId: 'evt_999' });
  const unnamed = codec.decode(JSON.stringify({ type: 'error', event_id: 'evt_1', error: { type: 'server_error', message: 'boom', event_id: null } }));
  assert.deepEqual(unnamed, { type: 'error', message: 'boom', code: undefined });
});

test('the first session.update is remembered as the configuration', () => {
  const codec = createV2Codec(silentLogger);
  const eventId = JSON.parse(codec.sessionUpdate(config)).event_id as string;
  const error = codec.decode(errorNaming(eventId, 'unknown_parameter'));
  assert.equal(error?.type === 'error' ? error.request : undefined, 'session.update');
});

test('the map of sent events is bounded: the oldest is forgotten, and audio appends neither count nor evict', () => {
  const codec = createV2Codec(silentLogger);
  const first = JSON.parse(codec.encode({ type: 'response.create' })).event_id as string;
  for (let index = 0; index < 1_000; index++) codec.encode({ type: 'audio.append', base64: 'AAAA' });
  const second = JSON.parse(codec.encode({ type: 'response.cancel' })).event_id as string;
  const requestOf = (eventId: string) => {
    const event = codec.decode(errorNaming(eventId));
    return event?.type === 'error' ? event.request : 'not an error';
  };
  assert.equal(requestOf(first), 'response.create', 'a thousand audio frames did not push it out');
  for (let index = 0; index < REMEMBERED_CLIENT_EVENTS; index++) codec.encode({ type: 'audio.commit' });
  assert.equal(requestOf(first), undefined, 'forgotten after REMEMBERED_CLIENT_EVENTS newer events');
  assert.equal(requestOf(second), undefined);
});

test('a mid-session change sends only what changed, and nothing when nothing did', () => {
  const codec = createV2Codec(silentLogger);
  const turn = codec.sessionChange(config, { ...config, turnDetection: 'none' }, false);
  const { event_id: _turnId, ...turnFrame } = JSON.parse(turn.frame!);
  assert.deepEqual(turnFrame, { type: 'session.update', session: { type: 'realtime', audio: { input: { turn_detection: null } } } });
  assert.equal(turn.voiceDeferred, false);

  const voice = codec.sessionChange(config, { ...config, voice: 'cedar', instructions: 'be kind' }, false);
  const { event_id: _voiceId, ...voiceFrame } = JSON.parse(voice.frame!);
  assert.deepEqual(voiceFrame, { type: 'session.update', session: { type: 'realtime', instructions: 'be kind', audio: { output: { voice: 'cedar' } } } });

  assert.deepEqual(codec.sessionChange(config, { ...config }, true), { frame: undefined, voiceDeferred: false });
});

test('once the voice is locked, a voice change is left out and reported as deferred', () => {
  const codec = createV2Codec(silentLogger);
  const onlyVoice = codec.sessionChange(config, { ...config, voice: 'cedar' }, true);
  assert.deepEqual(onlyVoice, { frame: undefined, voiceDeferred: true });
  const withTurn = codec.sessionChange(config, { ...config, voice: 'cedar', turnDetection: 'semantic_vad' }, true);
  const frame = JSON.parse(withTurn.frame!);
  assert.equal(withTurn.voiceDeferred, true);
  assert.deepEqual(frame.session, {
    type: 'realtime',
    audio: { input: { turn_detection: { type: 'semantic_vad', eagerness: 'auto', interrupt_response: true, create_response: true } } },
  });
  assert.deepEqual(validateClientEvent(frame), []);
});

test('v1 frames carry no event_id, as its reference', () => {
  const codec = createV1Codec(silentLogger);
  for (const frame of [codec.sessionUpdate({ ...config, dialect: 'v1' }), ...EVERY_MESSAGE.map((message) => codec.encode(message))]) {
    assert.equal('event_id' in JSON.parse(frame), false, frame);
  }
});
