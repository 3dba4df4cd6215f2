// The status area's echo indicator: a few words for each protection, never the same words for the
// canceller and the gate, and the gate's reason always shown.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { echoProtectionWords } from '../../src-renderer/src/state/echo-words';

test('the canceller reads "Echo cancellation on"', () => {
  assert.equal(echoProtectionWords({ kind: 'canceller', delayHintMs: 60 }), 'Echo cancellation on');
});

test('the gate says it is the gate and why: turned off, or the canceller could not run', () => {
  assert.equal(echoProtectionWords({ kind: 'gate', reason: 'turned-off', message: 'Echo cancellation is off in Audio settings.' }), 'Echo gate: canceller turned off');
  assert.equal(
    echoProtectionWords({ kind: 'gate', reason: 'unavailable', message: 'the echo canceller has no build for this platform.' }),
    'Echo gate: canceller unavailable',
  );
});
