import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createV2Codec, isActiveResponseError } from '../../../src-main/core/protocol/v2-codec';
import type { RealtimeSessionConfig } from '../../../src-main/core/protocol/session-config';
import { silentLogger } from '../../../src-main/core/util/logger';

const codec = createV2Codec(silentLogger);
const decode = (event: unknown) => codec.decode(JSON.stringify(event));

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
  assert.deepEqual(update.session.audio.input.turn_detection, { type: 'server_vad' });
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

test('a completed background_agent function call is a handoff with call_id and the prompt argument', () => {
  const item = { id: 'item_fc', type: 'function_call', name: 'background_agent', call_id: 'call_7', arguments: '{"prompt":"find flights"}' };
  assert.deepEqual(decode({ type: 'conversation.item.done', item }), {
    type: 'handoff.requested', handoffId: 'call_7', itemId: 'item_fc', inputTranscript: 'find flights',
  });
});

test('handoff prompt falls back to the raw arguments string', () => {
  const item = { id: 'i', type: 'function_call', name: 'background_agent', call_id: 'c', arguments: 'not json {' };
  const event = decode({ type: 'conversation.item.done', item });
  assert.equal(event?.type === 'handoff.requested' && event.inputTranscript, 'not json {');
});

test('other items and response.done are never handoffs', () => {
  const otherTool = { id: 'i2', type: 'function_call', name: 'weather', call_id: 'c2', arguments: '{}' };
  assert.deepEqual(decode({ type: 'conversation.item.done', item: otherTool }), { type: 'item.done', itemId: 'i2' });
  const done = decode({
    type: 'response.done',
    response: { id: 'r1', status: 'completed', output: [{ type: 'function_call', name: 'background_agent', call_id: 'c', arguments: '{"prompt":"x"}' }] },
  });
  assert.deepEqual(done, { type: 'response.done', responseId: 'r1', status: 'completed' });
});

test('speech started, response lifecycle and errors', () => {
  assert.deepEqual(decode({ type: 'input_audio_buffer.speech_started', item_id: 'u2', audio_start_ms: 1200 }), {
    type: 'speech.started', itemId: 'u2', audioStartMs: 1200,
  });
  assert.deepEqual(decode({ type: 'response.created', response: { id: 'r9' } }), { type: 'response.created', responseId: 'r9' });
  assert.deepEqual(decode({ type: 'response.cancelled', response: { id: 'r9' } }), { type: 'response.cancelled', responseId: 'r9' });
  const error = decode({ type: 'error', error: { type: 'invalid_request_error', code: 'x', message: 'Conversation already has an active response in progress: resp_1' } });
  assert.equal(error?.type, 'error');
  assert.ok(error?.type === 'error' && isActiveResponseError(error.message, error.code));
  assert.ok(isActiveResponseError('reworded by the server', 'conversation_already_has_active_response'));
  assert.ok(!isActiveResponseError('Invalid API key', 'invalid_api_key'));
});

test('handoff output is a function_call_output item; truncate carries audio_end_ms', () => {
  assert.deepEqual(JSON.parse(codec.encode({ type: 'handoff.output', handoffId: 'call_7', text: 'two flights' })), {
    type: 'conversation.item.create',
    item: { type: 'function_call_output', call_id: 'call_7', output: 'two flights' },
  });
  assert.deepEqual(JSON.parse(codec.encode({ type: 'item.truncate', itemId: 'a1', audioEndMs: 1234.4 })), {
    type: 'conversation.item.truncate', item_id: 'a1', content_index: 0, audio_end_ms: 1234,
  });
  assert.deepEqual(JSON.parse(codec.encode({ type: 'response.create' })), { type: 'response.create' });
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
