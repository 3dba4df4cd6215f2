import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActiveTranscript } from '../../../src-main/core/transcript/active-transcript';

test('same-role deltas merge with no separator; a role change starts a new entry', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('user', 'delegate ');
  transcript.appendDelta('user', 'now');
  transcript.appendDelta('assistant', 'working');
  assert.deepEqual(transcript.snapshot(), [
    { role: 'user', text: 'delegate now' },
    { role: 'assistant', text: 'working' },
  ]);
});

test('an empty delta is ignored and does not split entries', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('user', 'a');
  assert.equal(transcript.appendDelta('assistant', ''), undefined);
  transcript.appendDelta('user', 'b');
  assert.deepEqual(transcript.snapshot(), [{ role: 'user', text: 'ab' }]);
});

test('take hands over the whole list and leaves it empty', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('user', 'first question');
  assert.deepEqual(transcript.take(), [{ role: 'user', text: 'first question' }]);
  assert.equal(transcript.length, 0);
  transcript.appendDelta('user', 'second question');
  assert.deepEqual(transcript.take(), [{ role: 'user', text: 'second question' }]);
});

test('appendDelta reports a new entry whole and then only the piece each delta adds', () => {
  const transcript = new ActiveTranscript();
  assert.deepEqual(transcript.appendDelta('assistant', 'he'), { index: 0, entryId: 0, role: 'assistant', text: 'he' });
  assert.deepEqual(transcript.appendDelta('assistant', 'llo'), { index: 0, entryId: 0, role: 'assistant', append: 'llo' });
  assert.deepEqual(transcript.appendDelta('user', 'hi'), { index: 1, entryId: 1, role: 'user', text: 'hi' });
  assert.deepEqual(transcript.snapshot(), [
    { role: 'assistant', text: 'hello' },
    { role: 'user', text: 'hi' },
  ]);
});

test('a done event that says what the deltas built changes nothing and reports nothing', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('assistant', 'It is ');
  transcript.appendDelta('assistant', 'noon.');
  assert.equal(transcript.applyDone('assistant', 'It is noon.'), undefined);
  assert.deepEqual(transcript.applyDone('assistant', 'It is noon!'), { index: 0, entryId: 0, role: 'assistant', text: 'It is noon!' });
});

test('entry ids stay unique across handoffs while indexes restart', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('user', 'first');
  transcript.take();
  assert.deepEqual(transcript.appendDelta('user', 'second'), { index: 0, entryId: 1, role: 'user', text: 'second' });
  transcript.appendDelta('assistant', 'reply');
  assert.equal(transcript.applyDone('user', 'second!')?.entryId, 1, 'a done event updates the same entry id');
});

test('a done event replaces the last entry of its role, even behind the other role', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('user', 'what is the wether');
  transcript.appendDelta('assistant', 'Let me');
  assert.deepEqual(transcript.applyDone('user', 'what is the weather'), { index: 0, entryId: 0, role: 'user', text: 'what is the weather' });
  transcript.applyDone('assistant', 'Let me check.');
  assert.deepEqual(transcript.snapshot(), [
    { role: 'user', text: 'what is the weather' },
    { role: 'assistant', text: 'Let me check.' },
  ]);
});

test('a done event with no entry of its role appends one', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('assistant', 'hello');
  transcript.applyDone('user', 'hi');
  assert.deepEqual(transcript.snapshot(), [
    { role: 'assistant', text: 'hello' },
    { role: 'user', text: 'hi' },
  ]);
});

test('snapshots are copies: later deltas do not change what a handoff already took', () => {
  const transcript = new ActiveTranscript();
  transcript.appendDelta('user', 'a');
  const before = transcript.snapshot();
  transcript.appendDelta('user', 'b');
  assert.deepEqual(before, [{ role: 'user', text: 'a' }]);
});
