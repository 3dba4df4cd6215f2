import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createV2Codec } from '../../../src-main/core/protocol/v2-codec';
import { silentLogger } from '../../../src-main/core/util/logger';
import { responseOutcomeEvents } from '../../../src-main/core/session/response-outcome';

const codec = createV2Codec(silentLogger);

function outcomeOf(response: Record<string, unknown>) {
  const event = codec.decode(JSON.stringify({ type: 'response.done', event_id: 'e', response: { object: 'realtime.response', ...response } }));
  assert.equal(event?.type, 'response.done');
  return responseOutcomeEvents(event as Extract<typeof event, { type: 'response.done' }>);
}

const USAGE = {
  total_tokens: 170,
  input_tokens: 120,
  output_tokens: 50,
  input_token_details: { cached_tokens: 64, text_tokens: 20, audio_tokens: 100, image_tokens: 0, cached_tokens_details: { text_tokens: 64, audio_tokens: 0, image_tokens: 0 } },
  output_token_details: { text_tokens: 10, audio_tokens: 40 },
};

test('a completed response reports only its usage', () => {
  assert.deepEqual(outcomeOf({ id: 'r1', status: 'completed', output: [{ id: 'i1' }], usage: USAGE }), [
    { type: 'usage', responseId: 'r1', input: { text: 20, audio: 100, cached: 64, cachedText: 64, cachedAudio: 0 }, output: { text: 10, audio: 40 }, total: 170 },
  ]);
});

test('failed, incomplete and cancelled responses end with a readable reason and their items', () => {
  const [failed] = outcomeOf({ id: 'r2', status: 'failed', status_details: { type: 'failed', error: { type: 'server_error', code: 'internal_error', message: 'The server had an error.' } }, output: [{ id: 'i2' }] });
  assert.deepEqual(failed, { type: 'response.ended', responseId: 'r2', itemIds: ['i2'], status: 'failed', reason: 'The reply failed: The server had an error (internal_error).' });
  const [incomplete] = outcomeOf({ id: 'r3', status: 'incomplete', status_details: { type: 'incomplete', reason: 'max_output_tokens' }, output: [{ id: 'i3' }, { id: 'i4' }] });
  assert.deepEqual(incomplete, { type: 'response.ended', responseId: 'r3', itemIds: ['i3', 'i4'], status: 'incomplete', reason: 'The reply was cut off: it reached the output token limit.' });
  const [cancelled] = outcomeOf({ id: 'r4', status: 'cancelled', status_details: { type: 'cancelled', reason: 'turn_detected' }, output: [] });
  assert.equal(cancelled?.type === 'response.ended' && cancelled.reason, 'The reply was cancelled: the user started speaking.');
  const [unknown] = outcomeOf({ id: 'r5', status: 'incomplete', status_details: { type: 'incomplete', reason: 'some_new_reason' } });
  assert.equal(unknown?.type === 'response.ended' && unknown.reason, 'The reply was cut off: some new reason.');
  const [bare] = outcomeOf({ id: 'r6', status: 'failed' });
  assert.equal(bare?.type === 'response.ended' && bare.reason, 'The reply failed.');
});

test('a secret in a failure message never reaches the reason', () => {
  const [failed] = outcomeOf({ id: 'r7', status: 'failed', status_details: { error: { message: 'bad key sk-abcdefghijklmnopqrstuvwxyz123456' } } });
  assert.ok(failed?.type === 'response.ended');
  assert.doesNotMatch(failed.reason, /abcdefghijklmnop/);
});

test('v2 decodes transcription failures, rate limits and truncations', () => {
  assert.deepEqual(codec.decode(JSON.stringify({ type: 'conversation.item.input_audio_transcription.failed', event_id: 'e', item_id: 'u1', content_index: 0, error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'Audio was unintelligible.' } })), {
    type: 'transcription.failed',
    itemId: 'u1',
    message: 'Audio was unintelligible.',
  });
  assert.deepEqual(codec.decode(JSON.stringify({ type: 'rate_limits.updated', event_id: 'e', rate_limits: [{ name: 'tokens', limit: 100, remaining: 5, reset_seconds: 1.5 }, { name: 'broken' }] })), {
    type: 'rate_limits',
    limits: [{ name: 'tokens', limit: 100, remaining: 5, resetSeconds: 1.5 }],
  });
  assert.deepEqual(codec.decode(JSON.stringify({ type: 'conversation.item.truncated', event_id: 'e', item_id: 'a1', content_index: 0, audio_end_ms: 250 })), { type: 'item.truncated', itemId: 'a1', audioEndMs: 250 });
});
