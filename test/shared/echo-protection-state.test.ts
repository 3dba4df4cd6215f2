// The echo protection in the app state travels as revisioned patches, over Electron IPC and over
// the web bridge's JSON: turning it on, switching it, and clearing it must all reach the renderer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import { applyStatePatch, diffState } from '../../src-shared/state-patch';
import { makeSnapshot } from '../shell/fake-app-port';

const overJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

test('each change of echo protection reaches the renderer through a JSON patch, clearing included', () => {
  const canceller: EchoProtection = { kind: 'canceller', delayHintMs: 40 };
  const gate: EchoProtection = { kind: 'gate', reason: 'unavailable', message: 'the canceller could not load.' };
  const states = [
    makeSnapshot({ revision: 1 }),
    makeSnapshot({ revision: 2, echoProtection: canceller }),
    makeSnapshot({ revision: 3, echoProtection: gate }),
    makeSnapshot({ revision: 4, echoProtection: null }),
  ];
  let rendered = overJson(states[0]!);
  assert.equal(rendered.echoProtection, null, 'known as none before any audio runs');
  for (let index = 1; index < states.length; index++) {
    const patch = overJson(diffState(states[index - 1]!, states[index]!));
    assert.ok('echoProtection' in patch.fields, `the patch to revision ${index + 1} carries the change`);
    rendered = applyStatePatch(rendered, patch) ?? assert.fail('the patch follows the state');
    assert.deepEqual(rendered.echoProtection, states[index]!.echoProtection);
  }
});
