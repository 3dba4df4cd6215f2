import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createV1Codec } from '../../../src-main/core/protocol/v1-codec';
import type { RealtimeSessionConfig } from '../../../src-main/core/protocol/session-config';
import type { Logger } from '../../../src-main/core/util/logger';

function recordingLogger(): Logger & { debugLines: string[] } {
  const debugLines: string[] = [];
  return {
    debugLines,
    debug: (message) => debugLines.push(message),
    info: () => {},
    warn: () => {},
    error: () => {},
  };
}

const codec = createV1Codec(recordingLogger());
const decode = (event: unknown) => codec.decode(JSON.stringify(event));

const config: RealtimeSessionConfig = {
  dialect: 'v1',
  realtimeUrl: 'http://127.0.0.1:9000',
  model: 'quick-model',
  voice: 'cove',
  instructions: 'backend prompt',
  transcriptionModel: 'unused',
  turnDetection: 'server_vad',
  sessionId: undefined,
};

test('parses session.updated with id and instructions', () => {
  assert.deepEqual(decode({ type: 'session.updated', session: { id: 'sess_1', instructions: 'backend prompt' } }), {
    type: 'session.updated',
    sessionId: 'sess_1',
    instructions: 'backend prompt',
  });
});

test('parses an audio delta at 48000 Hz, 1 channel, 960 samples', () => {
  assert.deepEqual(
    decode({ type: 'conversation.output_audio.delta', delta: 'AAA=', sample_rate: 48000, num_channels: 1, samples_per_channel: 960 }),
    { type: 'audio.delta', audio: { base64: 'AAA=', sampleRate: 48000, channels: 1, samplesPerChannel: 960, itemId: undefined } },
  );
});

test('accepts `data` and `channels` as the audio field spellings', () => {
  const event = decode({ type: 'conversation.output_audio.delta', data: 'AQID', sample_rate: 24000, channels: 2 });
  assert.equal(event?.type, 'audio.delta');
  assert.equal(event?.type === 'audio.delta' && event.audio.base64, 'AQID');
  assert.equal(event?.type === 'audio.delta' && event.audio.channels, 2);
});

test('rejects implausible audio rates and channel counts instead of allocating for them', () => {
  for (const [sample_rate, channels] of [
    [4_000_000_000, 1],
    [7999, 1],
    [192001, 1],
    [24000, 0],
    [24000, 9],
    [24000.5, 1],
  ]) {
    assert.equal(decode({ type: 'conversation.output_audio.delta', delta: 'AAA=', sample_rate, channels }), undefined);
  }
});

test('keeps conversation.item.added raw', () => {
  const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }], extra: { nested: [1, 2] } };
  assert.deepEqual(decode({ type: 'conversation.item.added', item }), { type: 'item.added', item });
});

test('parses conversation.item.done id', () => {
  assert.deepEqual(decode({ type: 'conversation.item.done', item: { id: 'item_123' } }), { type: 'item.done', itemId: 'item_123' });
});

test('parses a handoff request with an empty transcript', () => {
  assert.deepEqual(
    decode({ type: 'conversation.handoff.requested', handoff_id: 'handoff_123', item_id: 'item_123', input_transcript: '' }),
    { type: 'handoff.requested', handoffId: 'handoff_123', itemId: 'item_123', inputTranscript: '' },
  );
});

test('input transcript delta keeps its trailing space', () => {
  assert.deepEqual(decode({ type: 'conversation.input_transcript.delta', delta: 'hello ' }), {
    type: 'transcript.delta',
    role: 'user',
    delta: 'hello ',
    itemId: undefined,
  });
});

test('parses an output transcript delta', () => {
  assert.deepEqual(decode({ type: 'conversation.output_transcript.delta', delta: 'hi' }), {
    type: 'transcript.delta',
    role: 'assistant',
    delta: 'hi',
    itemId: undefined,
  });
});

test('error text comes from message, else error.message, else the JSON of error', () => {
  assert.deepEqual(decode({ type: 'error', message: 'top' }), { type: 'error', message: 'top', code: undefined });
  assert.deepEqual(decode({ type: 'error', error: { message: 'nested', code: 'bad' } }), { type: 'error', message: 'nested', code: 'bad' });
  assert.deepEqual(decode({ type: 'error', error: { detail: 1 } }), { type: 'error', message: '{"detail":1}', code: undefined });
});

test('malformed, unknown or incomplete frames are skipped and logged at debug', () => {
  const logger = recordingLogger();
  const quiet = createV1Codec(logger);
  const inputs = [
    'not json',
    '[1,2]',
    '{"no":"type"}',
    JSON.stringify({ type: 'conversation.something_new' }),
    JSON.stringify({ type: 'conversation.handoff.requested', handoff_id: 'h', item_id: 'i' }),
    JSON.stringify({ type: 'conversation.handoff.requested', handoff_id: 1, item_id: 'i', input_transcript: '' }),
    JSON.stringify({ type: 'session.updated', session: {} }),
    JSON.stringify({ type: 'conversation.input_transcript.delta' }),
    JSON.stringify({ type: 'conversation.item.done', item: {} }),
  ];
  for (const input of inputs) assert.equal(quiet.decode(input), undefined, input);
  assert.equal(logger.debugLines.length, inputs.length);
});

test('connect target: quicksilver intent, model, bearer key, session id and openai-alpha headers', () => {
  const target = codec.connectTarget(config, 'sk-test', 'session-42');
  assert.equal(target.url, 'ws://127.0.0.1:9000/v1/realtime?intent=quicksilver&model=quick-model');
  assert.deepEqual(target.headers, { Authorization: 'Bearer sk-test', 'x-session-id': 'session-42', 'openai-alpha': 'quicksilver=v1' });
});

test('connect target: a ws:// or wss:// base URL is kept as given', () => {
  const plain = codec.connectTarget({ ...config, realtimeUrl: 'ws://127.0.0.1:9000' }, 'sk-test', 'session-42');
  assert.equal(plain.url, 'ws://127.0.0.1:9000/v1/realtime?intent=quicksilver&model=quick-model');
  const secure = codec.connectTarget({ ...config, realtimeUrl: 'wss://realtime.example/v1' }, 'sk-test', 'session-42');
  assert.equal(secure.url, 'wss://realtime.example/v1/realtime?intent=quicksilver&model=quick-model');
});

test('session.update carries the quicksilver type, instructions, 24 kHz pcm input and the voice', () => {
  assert.deepEqual(JSON.parse(codec.sessionUpdate(config)), {
    type: 'session.update',
    session: {
      type: 'quicksilver',
      instructions: 'backend prompt',
      audio: { input: { format: { type: 'audio/pcm', rate: 24000 } }, output: { voice: 'cove' } },
    },
  });
});

test('outbound messages encode to the v1 frames', () => {
  assert.deepEqual(JSON.parse(codec.encode({ type: 'audio.append', base64: 'AQID' })), { type: 'input_audio_buffer.append', audio: 'AQID' });
  assert.deepEqual(JSON.parse(codec.encode({ type: 'user.text', text: 'hello "quoted"' })), {
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello "quoted"' }] },
  });
  assert.deepEqual(JSON.parse(codec.encode({ type: 'handoff.output', handoffId: 'handoff_1', text: 'done' })), {
    type: 'conversation.handoff.append',
    handoff_id: 'handoff_1',
    output_text: 'done',
  });
});
