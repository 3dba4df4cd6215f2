import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAudioDeltaFast } from '../../../src-main/core/protocol/v2-audio-fast-path';
import { createV2Codec } from '../../../src-main/core/protocol/v2-codec';
import { silentLogger } from '../../../src-main/core/util/logger';

const codec = createV2Codec(silentLogger);
const pcm = Buffer.alloc(960, 3).toString('base64');

/** What the full JSON parser makes of a GA audio delta. */
function expectedFromJson(frame: string) {
  const parsed = JSON.parse(frame);
  return {
    type: 'audio.delta',
    audio: { base64: parsed.delta, sampleRate: parsed.sample_rate ?? 24000, channels: parsed.channels ?? 1, samplesPerChannel: undefined, itemId: parsed.item_id },
  };
}

test('the server-shaped audio delta takes the fast path and matches the full parser', () => {
  const frames = [
    JSON.stringify({ type: 'response.output_audio.delta', event_id: 'ev_1', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0, delta: pcm }),
    JSON.stringify({ type: 'response.output_audio.delta', delta: pcm, item_id: 'item_after' }),
    JSON.stringify({ type: 'response.output_audio.delta', event_id: 'ev', delta: pcm }),
    JSON.stringify({ type: 'response.output_audio.delta', delta: '' }),
  ];
  for (const frame of frames) {
    const fast = decodeAudioDeltaFast(frame);
    assert.ok(fast, `fast path taken for ${frame.slice(0, 80)}`);
    assert.deepEqual(fast, expectedFromJson(frame));
    assert.deepEqual(codec.decode(frame), expectedFromJson(frame));
  }
});

test('anything unusual falls back to the full parser, which still decodes it right', () => {
  const fallbacks = [
    JSON.stringify({ event_id: 'first', type: 'response.output_audio.delta', item_id: 'i', delta: pcm }), // type not first
    JSON.stringify({ type: 'response.output_audio.delta', item_id: 'i', delta: pcm, sample_rate: 48000 }),
    JSON.stringify({ type: 'response.output_audio.delta', item_id: 'i', channels: 2, delta: pcm }),
    JSON.stringify({ type: 'response.output_audio.delta', item_id: 'quote"inside', delta: pcm }),
    JSON.stringify({ type: 'response.output_audio.delta', item_id: 'i', meta: { nested: true }, delta: pcm }),
    '{"type": "response.output_audio.delta", "item_id": "i", "delta": "AAAA"}', // whitespace
  ];
  for (const frame of fallbacks) {
    assert.equal(decodeAudioDeltaFast(frame), undefined, frame.slice(0, 90));
    assert.deepEqual(codec.decode(frame), expectedFromJson(frame));
  }
});

test('malformed or different events are not taken for audio', () => {
  const others = [
    '{"type":"response.output_audio.delta_extra","delta":"AAAA"}',
    '{"type":"response.output_audio.delta","delta":"AAAA"',
    '{"type":"response.output_audio.delta","delta":"AA\\u0041A"}',
    '{"type":"response.output_audio.delta","item_id":7,"delta":"AAAA"}',
    '{"type":"response.output_audio.delta"}',
    '{"type":"response.output_audio.done","item_id":"i"}',
  ];
  for (const frame of others) assert.equal(decodeAudioDeltaFast(frame), undefined, frame);
  assert.equal(codec.decode('{"type":"response.output_audio.delta","delta":"AAAA"'), undefined, 'truncated JSON is skipped');
});
