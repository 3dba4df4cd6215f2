import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACTIVE_RESPONSE_ERROR_CODE, createV2Codec, promptFromArguments } from '../../../src-main/core/protocol/v2-codec';
import type { RealtimeSessionConfig } from '../../../src-main/core/protocol/session-config';
import { silentLogger } from '../../../src-main/core/util/logger';

const codec = createV2Codec(silentLogger);
const decode = (event: unknown) => codec.decode(JSON.stringify(event));
/** An encoded frame without its event_id (which every v2 frame carries; see v2-event-ids.test.ts). */
const sent = (frame: string) => {
  const { event_id: eventId, ...rest } = JSON.parse(frame);
  assert.match(eventId, /^evt_\d+$/);
  return rest;
};

const config: RealtimeSessionConfig = {
  dialect: 'v2',
  realtimeUrl: 'wss://api.openai.com/v1',
  model: undefined,
  voice: undefined,
  instructions: 'be brief',
  transcriptionModel: 'gpt-4o-mini-transcribe',
  turnDetection: 'server_vad',
  sessionId: undefined,
};

test('connects to /v1/realtime?model=gpt-realtime with only the bearer header (no intent)', () => {
  const target = codec.connectTarget(config, 'sk-x', 'ignored');
  assert.equal(target.url, 'wss://api.openai.com/v1/realtime?model=gpt-realtime');
  assert.deepEqual(target.headers, { Authorization: 'Bearer sk-x' });
});

test('session.update declares realtime type, transcription, turn detection, voice and the handoff tool', () => {
  const update = JSON.parse(codec.sessionUpdate(config));
  assert.equal(update.type, 'session.update');
  assert.equal(update.session.type, 'realtime');
  assert.equal(update.session.instructions, 'be brief');
  assert.deepEqual(update.session.output_modalities, ['audio']);
  assert.deepEqual(update.session.audio.input.format, { type: 'audio/pcm', rate: 24000 });
  assert.deepEqual(update.session.audio.input.transcription, { model: 'gpt-4o-mini-transcribe' });
  assert.deepEqual(update.session.audio.input.turn_detection, { type: 'server_vad', silence_duration_ms: 500, interrupt_response: true, create_response: true });
  assert.equal(update.session.audio.output.voice, 'marin');
  const tool = update.session.tools[0];
  assert.equal(tool.type, 'function');
  assert.equal(tool.name, 'background_agent');
  assert.deepEqual(tool.parameters.required, ['prompt']);
});

test('push-to-talk sends turn_detection null', () => {
  const update = JSON.parse(codec.sessionUpdate({ ...config, turnDetection: 'none' }));
  assert.equal(update.session.audio.input.turn_detection, null);
});

test('output audio delta defaults to 24 kHz mono and carries the item id', () => {
  assert.deepEqual(decode({ type: 'response.output_audio.delta', item_id: 'item_a', delta: 'AQID' }), {
    type: 'audio.delta',
    audio: { base64: 'AQID', sampleRate: 24000, channels: 1, samplesPerChannel: undefined, itemId: 'item_a' },
  });
});

test('transcript deltas and done events map to user and assistant roles', () => {
  assert.deepEqual(decode({ type: 'conversation.item.input_audio_transcription.delta', item_id: 'u1', delta: 'hel' }), {
    type: 'transcript.delta', role: 'user', delta: 'hel', itemId: 'u1',
  });
  assert.deepEqual(decode({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'u1', transcript: 'hello' }), {
    type: 'transcript.done', role: 'user', text: 'hello', itemId: 'u1',
  });
  assert.deepEqual(decode({ type: 'response.output_audio_transcript.delta', item_id: 'a1', delta: 'hi' }), {
    type: 'transcript.delta', role: 'assistant', delta: 'hi', itemId: 'a1',
  });
  assert.deepEqual(decode({ type: 'response.output_text.delta', item_id: 'a1', delta: 'yo' }), {
    type: 'transcript.delta', role: 'assistant', delta: 'yo', itemId: 'a1',
  });
  assert.deepEqual(decode({ type: 'response.output_audio_transcript.done', item_id: 'a1', transcript: 'hi there' }), {
    type: 'transcript.done', role: 'assistant', text: 'hi there', itemId: 'a1',
  });
  assert.deepEqual(decode({ type: 'response.output_text.done', item_id: 'a1', text: 'typed' }), {
    type: 'transcript.done', role: 'assistant', text: 'typed', itemId: 'a1',
  });
});

test('a done function call item decodes to its call id, name, status and arguments; whether it is a handoff is the session\'s call', () => {
  const item = { id: 'item_fc', type: 'function_call', status: 'completed', name: 'background_agent', call_id: 'call_7', arguments: '{"prompt":"find flights"}' };
  const expected = {
    type: 'item.finished',
    item: { id: 'item_fc', kind: 'function_call', role: undefined, status: 'completed', inputText: undefined, callId: 'call_7', name: 'background_agent', arguments: '{"prompt":"find flights"}' },
  };
  assert.deepEqual(decode({ type: 'conversation.item.done', item }), expected);
  assert.deepEqual(decode({ type: 'response.output_item.done', response_id: 'r', output_index: 0, item }), expected);
});

test('items carry their place: previous_item_id on item.added and .created, committed user audio; output_item.added says none', () => {
  const assistant = { id: 'item_a', type: 'message', role: 'assistant', status: 'in_progress', content: [] };
  const added = decode({ type: 'conversation.item.added', previous_item_id: 'item_u', item: assistant });
  assert.equal(added?.type === 'item.placed' && added.previousItemId, 'item_u');
  const first = decode({ type: 'conversation.item.created', previous_item_id: null, item: assistant });
  assert.equal(first?.type === 'item.placed' && first.previousItemId, null);
  const output = decode({ type: 'response.output_item.added', response_id: 'r', output_index: 0, item: assistant });
  assert.equal(output?.type === 'item.placed' && output.previousItemId, undefined);
  const committed = decode({ type: 'input_audio_buffer.committed', previous_item_id: 'item_a', item_id: 'item_u2' });
  assert.deepEqual(committed?.type === 'item.placed' && [committed.item.id, committed.item.role, committed.previousItemId], ['item_u2', 'user', 'item_a']);
});

test('a typed user item carries its input_text; an item without an id is skipped', () => {
  const typed = { id: 'item_t', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'what time is it?' }] };
  const event = decode({ type: 'conversation.item.added', previous_item_id: null, item: typed });
  assert.equal(event?.type === 'item.placed' && event.item.inputText, 'what time is it?');
  const spoken = decode({ type: 'conversation.item.added', item: { id: 'item_s', type: 'message', role: 'user', content: [{ type: 'input_audio', transcript: null }] } });
  assert.equal(spoken?.type === 'item.placed' && spoken.item.inputText, undefined);
  assert.equal(decode({ type: 'conversation.item.added', item: { type: 'message', role: 'user', content: [] } }), undefined);
});

test('function call arguments stream as deltas and end with the whole text', () => {
  assert.deepEqual(decode({ type: 'response.function_call_arguments.delta', item_id: 'i', call_id: 'c', delta: '{"pro' }), {
    type: 'function_call.arguments', itemId: 'i', callId: 'c', delta: '{"pro', arguments: undefined,
  });
  assert.deepEqual(decode({ type: 'response.function_call_arguments.done', item_id: 'i', call_id: 'c', name: 'background_agent', arguments: '{"prompt":"x"}' }), {
    type: 'function_call.arguments', itemId: 'i', callId: 'c', delta: undefined, arguments: '{"prompt":"x"}',
  });
});

test('the handoff prompt is the prompt argument, falling back to the raw arguments string', () => {
  assert.equal(promptFromArguments('{"prompt":"find flights"}'), 'find flights');
  assert.equal(promptFromArguments('not json {'), 'not json {');
  assert.equal(promptFromArguments(undefined), '');
});

test('response.done is never a handoff', () => {
  const done = decode({
    type: 'response.done',
    response: { id: 'r1', status: 'completed', output: [{ type: 'function_call', name: 'background_agent', call_id: 'c', arguments: '{"prompt":"x"}' }] },
  });
  assert.equal(done?.type, 'response.done');
  assert.deepEqual(done.type === 'response.done' ? [done.responseId, done.status] : [], ['r1', 'completed']);
});

test('speech started, response lifecycle and errors', () => {
  assert.deepEqual(decode({ type: 'input_audio_buffer.speech_started', item_id: 'u2', audio_start_ms: 1200 }), {
    type: 'speech.started', itemId: 'u2', audioStartMs: 1200,
  });
  assert.deepEqual(decode({ type: 'response.created', response: { id: 'r9' } }), { type: 'response.created', responseId: 'r9' });
  assert.deepEqual(decode({ type: 'response.cancelled', response: { id: 'r9' } }), { type: 'response.cancelled', responseId: 'r9' });
  const error = decode({ type: 'error', error: { type: 'invalid_request_error', code: ACTIVE_RESPONSE_ERROR_CODE, message: 'Conversation already has an active response in progress: resp_1' } });
  assert.deepEqual(error, { type: 'error', message: 'Conversation already has an active response in progress: resp_1', code: ACTIVE_RESPONSE_ERROR_CODE });
});

test('handoff output is a function_call_output item; truncate carries audio_end_ms', () => {
  assert.deepEqual(sent(codec.encode({ type: 'handoff.output', handoffId: 'call_7', text: 'two flights' })), {
    type: 'conversation.item.create',
    item: { type: 'function_call_output', call_id: 'call_7', output: 'two flights' },
  });
  assert.deepEqual(sent(codec.encode({ type: 'item.truncate', itemId: 'a1', audioEndMs: 1234.4 })), {
    type: 'conversation.item.truncate', item_id: 'a1', content_index: 0, audio_end_ms: 1234,
  });
  assert.deepEqual(sent(codec.encode({ type: 'response.create' })), { type: 'response.create' });
});

test('malformed v2 frames are skipped', () => {
  for (const frame of ['{', '"str"', JSON.stringify({ type: 'response.output_audio.delta' }), JSON.stringify({ type: 'response.output_audio.delta', delta: 'A', sample_rate: 1 })]) {
    assert.equal(codec.decode(frame), undefined, frame);
  }
});

test('response.output_audio.done tells which item finished sending audio', () => {
  assert.deepEqual(decode({ type: 'response.output_audio.done', item_id: 'item_9', response_id: 'r', output_index: 0, content_index: 0 }), {
    type: 'audio.done',
    itemId: 'item_9',
  });
});
