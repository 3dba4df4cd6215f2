// What crosses from one part to another is capped, and a cut is said in the text itself.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentFailureSentence } from '../../../src-main/core/handoff/handoff-controller';
import { handoffAgentText, MAX_HANDOFF_TRANSCRIPT_CHARS } from '../../../src-main/core/handoff/handoff-text';
import { voiceAnswerText } from '../../../src-main/core/handoff/handoff-voice';
import { DETAILS_ON_SCREEN, MAX_SPOKEN_CHARS } from '../../../src-main/core/handoff/speech/condense-for-speech';
import { registerSecret } from '../../../src-main/core/util/redact';

test('a long conversation handed to the agent keeps its newest part and says how much was left out', () => {
  const entries = Array.from({ length: 2_000 }, (_, index) => ({ role: 'user' as const, text: `line ${index} ${'x'.repeat(40)}` }));
  const text = handoffAgentText('v2', 'Summarize it', entries)!;
  assert.ok(text.length < MAX_HANDOFF_TRANSCRIPT_CHARS + 200, `capped: ${text.length}`);
  assert.ok(text.startsWith('Summarize it'), 'the request itself is never cut');
  assert.match(text, /\[[\d,]+ characters of earlier conversation were left out here\.\]/);
  assert.ok(text.endsWith(`line 1999 ${'x'.repeat(40)}`), 'the newest line is kept');
  assert.equal(handoffAgentText('v2', 'Short', [{ role: 'user', text: 'hi' }]), 'Short\n\nConversation since the last handoff:\nuser: hi');
});

test('an agent answer mirrored into the voice session is condensed for speech and capped; the short one is untouched', () => {
  const long = 'The build failed in three places. '.repeat(300);
  const mirrored = voiceAnswerText(long);
  assert.ok(mirrored.length <= MAX_SPOKEN_CHARS, `capped: ${mirrored.length}`);
  assert.ok(mirrored.endsWith(DETAILS_ON_SCREEN), mirrored.slice(-80));
  assert.match(voiceAnswerText('Run this:\n\n```ts\nconst a = 1;\nconst b = 2;\n```\n'), /\[A 2-line TypeScript code block is on the user's screen\.\]/);
  assert.equal(voiceAnswerText('The build is green.'), 'The build is green.');
});

test('the failure sentence spoken to the user hides a key even where the reason is cut', () => {
  const key = `key-${'a1b2c3d4'.repeat(6)}`;
  const forget = registerSecret(key);
  try {
    // The key straddles the 160-character cut: cutting first would leave half of it.
    const reason = `${'r'.repeat(140)} ${key} was refused`;
    const sentence = agentFailureSentence(reason);
    assert.ok(!sentence.includes(key.slice(0, 12)), sentence);
    assert.match(sentence, /\[redacted\]/);
  } finally {
    forget();
  }
});
