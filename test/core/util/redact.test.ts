import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readableText, redactSecrets, registerSecret } from '../../../src-main/core/util/redact';

test('a registered secret is removed by its exact value wherever it appears; key shapes are masked', () => {
  const secret = 'proxy-token-7f3a9c1e5b2d4f60';
  const forget = registerSecret(secret);
  try {
    assert.equal(redactSecrets(`a ${secret} b ${secret}`), 'a [redacted] b [redacted]');
    assert.equal(redactSecrets('key sk-abcdef123456 here'), 'key sk-[redacted] here');
  } finally {
    forget();
  }
  assert.equal(redactSecrets(`a ${secret}`), `a ${secret}`, 'forgotten secrets are ordinary text again');
  assert.equal(registerSecret('short')(), undefined, 'too short to be a key: not registered');
});

test('readable text: the message a JSON body carries, not the JSON; bounded on hostile input', () => {
  assert.equal(readableText('The server said: {"error":{"message":"Rate limited","type":"x"}}'), 'The server said: Rate limited');
  assert.equal(readableText('{"type":"error","error":{"code":"x"}}'), '');
  const deep = '{"a":'.repeat(3_000) + '1' + '}'.repeat(3_000);
  const shown = readableText(`oops ${deep}`);
  assert.equal(shown, 'oops');
  assert.ok(readableText('word '.repeat(500)).length <= 400);
});
