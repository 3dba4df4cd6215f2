import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handoffAgentText } from '../../../src-main/core/handoff/handoff-text';
import { agentFailureSentence } from '../../../src-main/core/handoff/handoff-controller';

test('v1: the active transcript wins over input_transcript', () => {
  const entries = [
    { role: 'user' as const, text: 'hello' },
    { role: 'assistant' as const, text: 'hi there' },
  ];
  assert.equal(handoffAgentText('v1', 'ignored', entries), 'user: hello\nassistant: hi there');
});

test('v1: falls back to input_transcript when the transcript is empty', () => {
  assert.equal(handoffAgentText('v1', 'delegate this', []), 'delegate this');
});

test('v1: both empty means nothing to delegate', () => {
  assert.equal(handoffAgentText('v1', '', []), undefined);
});

test('v2: the prompt is the request and the transcript rides along as context', () => {
  assert.equal(
    handoffAgentText('v2', 'Find flights to Lisbon', [{ role: 'user', text: 'can you find me flights to lisbon' }]),
    'Find flights to Lisbon\n\nConversation since the last handoff:\nuser: can you find me flights to lisbon',
  );
  assert.equal(handoffAgentText('v2', 'Just the prompt', []), 'Just the prompt');
  assert.equal(handoffAgentText('v2', '', [{ role: 'user', text: 'x' }]), 'user: x');
  assert.equal(handoffAgentText('v2', '', []), undefined);
});

test('the failure sentence is short and says why', () => {
  assert.equal(agentFailureSentence('the agent API answered 500: boom.'), 'The background agent failed: the agent API answered 500: boom.');
  const long = agentFailureSentence('x'.repeat(1000));
  assert.ok(long.length < 220, `sentence too long: ${long.length}`);
  assert.equal(agentFailureSentence('  '), 'The background agent failed: no reason given.');
});
