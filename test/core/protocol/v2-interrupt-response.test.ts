// Dialect v2 with an echo canceller: the server does not interrupt on its own (interrupt_response
// false, the client's barge-in detector decides), in the first session.update and in a change.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RealtimeSessionConfig } from '../../../src-main/core/protocol/session-config';
import { createV1Codec } from '../../../src-main/core/protocol/v1-codec';
import { createV2Codec } from '../../../src-main/core/protocol/v2-codec';
import { silentLogger } from '../../../src-main/core/util/logger';
import { loadRealtimeSpec } from '../../support/realtime-spec';
import { sessionConfig } from '../../support/session-harness';

const spec = loadRealtimeSpec();
const config: RealtimeSessionConfig = sessionConfig('v2', 'wss://api.openai.com/v1', { model: undefined, instructions: 'be brief' });

test('interruptResponse false is written as interrupt_response false, for server_vad and semantic_vad', () => {
  const codec = createV2Codec(silentLogger);
  const serverVad = JSON.parse(codec.sessionUpdate({ ...config, interruptResponse: false }));
  assert.deepEqual(serverVad.session.audio.input.turn_detection, { type: 'server_vad', silence_duration_ms: 500, interrupt_response: false, create_response: true });
  assert.deepEqual(spec.validateClientEvent(serverVad), []);
  const semantic = JSON.parse(codec.sessionUpdate({ ...config, turnDetection: 'semantic_vad', interruptResponse: false }));
  assert.deepEqual(semantic.session.audio.input.turn_detection, { type: 'semantic_vad', eagerness: 'auto', interrupt_response: false, create_response: true });
  assert.deepEqual(spec.validateClientEvent(semantic), []);
});

test('interruptResponse undefined or true is interrupt_response true (the behaviour before the canceller)', () => {
  const codec = createV2Codec(silentLogger);
  for (const interruptResponse of [undefined, true]) {
    const update = JSON.parse(codec.sessionUpdate({ ...config, interruptResponse }));
    assert.equal(update.session.audio.input.turn_detection.interrupt_response, true, String(interruptResponse));
  }
});

test('a change of interruptResponse alone sends the whole turn detection again, and only it', () => {
  const codec = createV2Codec(silentLogger);
  const off = codec.sessionChange(config, { ...config, interruptResponse: false }, true);
  const frame = JSON.parse(off.frame!);
  assert.deepEqual(frame.session, {
    type: 'realtime',
    audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 500, interrupt_response: false, create_response: true } } },
  });
  assert.deepEqual(spec.validateClientEvent(frame), []);
  const back = JSON.parse(codec.sessionChange({ ...config, interruptResponse: false }, config, true).frame!);
  assert.equal(back.session.audio.input.turn_detection.interrupt_response, true);
  assert.equal(codec.sessionChange(config, { ...config, interruptResponse: true }, false).frame, undefined, 'undefined and true are the same');
});

test('push-to-talk has no turn detection to carry it: interruptResponse changes nothing there', () => {
  const codec = createV2Codec(silentLogger);
  const pushToTalk = { ...config, turnDetection: 'none' as const };
  assert.equal(JSON.parse(codec.sessionUpdate({ ...pushToTalk, interruptResponse: false })).session.audio.input.turn_detection, null);
  assert.equal(codec.sessionChange(pushToTalk, { ...pushToTalk, interruptResponse: false }, false).frame, undefined);
});

test('v1 ignores interruptResponse: its session.update is the same either way', () => {
  const codec = createV1Codec(silentLogger);
  const v1 = sessionConfig('v1', 'wss://example.test/v1');
  assert.equal(codec.sessionUpdate({ ...v1, interruptResponse: false }), codec.sessionUpdate(v1));
});
