import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heardWords, ItemTranscript } from '../../../src-main/core/transcript/item-transcript';

test('heard words: the same share of the words, rounded down, with their spacing', () => {
  assert.equal(heardWords('One two three four.', 0.5), 'One two');
  assert.equal(heardWords('One two three four.', 0.74), 'One two');
  assert.equal(heardWords('One two three four.', 1), 'One two three four.');
  assert.equal(heardWords('One two three four.', 0), '');
  assert.equal(heardWords('One two', 7), 'One two');
});

test('a truncated item keeps only what was heard, in its bubble and in the next handoff context', () => {
  const items = new ItemTranscript();
  items.place('u1', 'user', null);
  items.replaceText('u1', 'user', 'Tell me a story.');
  items.place('a1', 'assistant', 'u1');
  items.appendDelta('a1', 'assistant', 'Once upon a time there were bears.');
  const change = items.truncate('a1', 0.5);
  assert.equal(change?.text, 'Once upon a', 'a truncation replaces the text: it travels whole');
  assert.equal(change?.itemId, 'a1');
  // The unheard rest is gone for good: later text for the item does not bring it back.
  assert.equal(items.replaceText('a1', 'assistant', 'Once upon a time there were bears.'), undefined);
  assert.equal(items.appendDelta('a1', 'assistant', ' More.'), undefined);
  assert.equal(items.truncate('a1', 0.1), undefined, 'truncated once');
  items.place('c1', undefined, 'a1');
  assert.deepEqual(items.takeContextBefore('c1'), [
    { role: 'user', text: 'Tell me a story.' },
    { role: 'assistant', text: 'Once upon a' },
  ]);
  assert.equal(items.truncate('unknown', 0.5), undefined);
});
