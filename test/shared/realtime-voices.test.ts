// The voice lists the settings check and the voice picker share must be the ones the codecs use.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REALTIME_VOICES, defaultVoice, isVoiceOf } from '../../src-shared/realtime-voices';
import { V1_DEFAULT_VOICE, V1_VOICES } from '../../src-main/core/protocol/v1-codec';
import { V2_DEFAULT_VOICE, V2_VOICES } from '../../src-main/core/protocol/v2-codec';

test('each dialect lists exactly the voices its codec knows, its default first', () => {
  assert.deepEqual([...REALTIME_VOICES.v1].sort(), [...V1_VOICES].sort());
  assert.deepEqual([...REALTIME_VOICES.v2].sort(), [...V2_VOICES].sort());
  assert.equal(defaultVoice('v1'), V1_DEFAULT_VOICE);
  assert.equal(defaultVoice('v2'), V2_DEFAULT_VOICE);
});

test("'' is every dialect's default voice; a voice belongs to its own dialect only", () => {
  assert.equal(isVoiceOf('v1', ''), true);
  assert.equal(isVoiceOf('v2', ''), true);
  assert.equal(isVoiceOf('v2', 'marin'), true);
  assert.equal(isVoiceOf('v1', 'marin'), false);
  assert.equal(isVoiceOf('v2', 'nova'), false, 'a text-to-speech voice, not a realtime one');
});
