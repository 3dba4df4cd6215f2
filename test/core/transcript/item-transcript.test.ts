import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ItemTranscript } from '../../../src-main/core/transcript/item-transcript';

test('a user item transcribed after the reply keeps its place before the reply', () => {
  const items = new ItemTranscript();
  items.place('item_u1', 'user', null); // input_audio_buffer.committed
  items.place('item_a1', 'assistant', 'item_u1');
  items.appendDelta('item_a1', 'assistant', 'Sure, ');
  items.markAnnounced('item_a1');
  items.appendDelta('item_a1', 'assistant', 'on it.');
  const late = items.replaceText('item_u1', 'user', 'book a table');
  assert.equal(late?.itemId, 'item_u1');
  assert.equal(late?.index, 0);
  assert.equal(items.previousAnnouncedId('item_u1'), null, 'nothing shown comes before it');
  assert.equal(items.previousAnnouncedId('item_a1'), null, 'the user item was not shown yet');
  items.markAnnounced('item_u1');
  assert.equal(items.previousAnnouncedId('item_a1'), 'item_u1');
  assert.deepEqual(items.snapshot(), [
    { role: 'user', text: 'book a table' },
    { role: 'assistant', text: 'Sure, on it.' },
  ]);
});

test('each item has its own entry: a done event replaces only its own item\'s text', () => {
  const items = new ItemTranscript();
  items.place('a1', 'assistant', null);
  const first = items.appendDelta('a1', 'assistant', 'Hi');
  items.place('t1', 'user', 'a1');
  items.replaceText('t1', 'user', 'what time is it?');
  items.place('a2', 'assistant', 't1');
  const second = items.appendDelta('a2', 'assistant', 'It is');
  const done = items.replaceText('a2', 'assistant', 'It is noon.');
  assert.notEqual(first?.entryId, second?.entryId);
  assert.equal(done?.entryId, second?.entryId);
  assert.deepEqual(items.snapshot().map((entry) => entry.text), ['Hi', 'what time is it?', 'It is noon.']);
});

test('an item heard of before its item event moves to where the server places it', () => {
  const items = new ItemTranscript();
  items.place('u1', 'user', null);
  items.place('a1', 'assistant', 'u1');
  items.appendDelta('u2', 'user', 'and tomorrow?'); // transcription before we know where u2 is
  assert.equal(items.previousAnnouncedId('u2'), undefined, 'place unknown');
  items.place('u2', 'user', 'u1'); // now it says: right after u1
  items.markAnnounced('u1');
  assert.equal(items.previousAnnouncedId('u2'), 'u1');
  assert.deepEqual(items.snapshot().map((entry) => entry.text), ['and tomorrow?']);
});

test('a handoff takes the items before its call that no earlier handoff took; later items wait for the next', () => {
  const items = new ItemTranscript();
  items.place('u1', 'user', null);
  items.replaceText('u1', 'user', 'find flights');
  items.place('a1', 'assistant', 'u1');
  items.appendDelta('a1', 'assistant', 'Looking.');
  items.place('f1', undefined, 'a1');
  items.place('u2', 'user', 'f1');
  items.replaceText('u2', 'user', 'and hotels');
  assert.deepEqual(items.takeContextBefore('f1'), [
    { role: 'user', text: 'find flights' },
    { role: 'assistant', text: 'Looking.' },
  ]);
  items.replaceText('u1', 'user', 'find flights to Oslo'); // a late transcription of a taken item
  items.place('f2', undefined, 'u2');
  assert.deepEqual(items.takeContextBefore('f2'), [{ role: 'user', text: 'and hotels' }]);
  assert.deepEqual(items.takeContextBefore(undefined), []);
});

test('text without an item id merges by role like v1, and is never given a place', () => {
  const items = new ItemTranscript();
  const id = items.anonymousItemId('assistant');
  items.appendDelta(id, 'assistant', 'hel');
  assert.equal(items.anonymousItemId('assistant'), id);
  const change = items.appendDelta(items.anonymousItemId('assistant'), 'assistant', 'lo');
  assert.equal(change?.identified, false);
  assert.equal(change?.append, 'lo');
  assert.deepEqual(items.snapshot(), [{ role: 'assistant', text: 'hello' }]);
  assert.notEqual(items.anonymousItemId('user'), id);
});

test('an item reports its first text whole, then each delta as the piece it adds, and a final whole only when it differs', () => {
  const items = new ItemTranscript();
  items.place('a1', 'assistant', null);
  assert.equal(items.appendDelta('a1', 'assistant', 'Sure, ')?.text, 'Sure, ');
  const delta = items.appendDelta('a1', 'assistant', 'which day?');
  assert.equal(delta?.append, 'which day?');
  assert.equal(delta?.text, undefined, 'a delta does not carry the text so far');
  const same = items.replaceText('a1', 'assistant', 'Sure, which day?');
  assert.equal(same?.append, '', 'a final the deltas already built carries nothing');
  assert.equal(same?.text, undefined);
  assert.equal(items.replaceText('a1', 'assistant', 'Sure: which day?')?.text, 'Sure: which day?');
  // Text that arrives whole first (a late transcription) is the item's first text.
  items.place('u1', 'user', null);
  assert.deepEqual(items.replaceText('u1', 'user', 'Book a table.'), { entryId: 1, index: 0, itemId: 'u1', identified: true, role: 'user', text: 'Book a table.' });
});
