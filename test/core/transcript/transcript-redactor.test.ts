import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent, TranscriptEntryEvent } from '../../../src-shared/session-events';
import { textAfter } from '../../../src-shared/transcript-text';
import { TranscriptRedactor } from '../../../src-main/core/transcript/transcript-redactor';
import { redactSecrets, registerSecret } from '../../../src-main/core/util/redact';

const SECRET = 'parley-test-secret-VALUE-4711';
const KEY = 'sk-proj-AbCdEfGhIjKlMnOp1234';

/** The v1 events of one assistant entry said in `pieces` (first whole, then appends), then closed. */
function entryEvents(pieces: readonly string[], final = false): SessionEvent[] {
  const events: SessionEvent[] = pieces.map((piece, index) =>
    index === 0 ? { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: piece } : { type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: piece },
  );
  if (final) events.push({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: '', final: true });
  events.push({ type: 'closed', reason: 'requested' });
  return events;
}

/** What a listener of the redacted stream rebuilds, and every piece of text it was sent. */
function listen(events: readonly SessionEvent[]): { text: string; pieces: string[] } {
  const redactor = new TranscriptRedactor();
  let text: string | undefined;
  const pieces: string[] = [];
  for (const event of events) {
    for (const safe of redactor.redact(event)) {
      if (safe.type !== 'transcript.entry') continue;
      const entry = safe as TranscriptEntryEvent;
      pieces.push(entry.text ?? entry.append);
      text = textAfter(text, entry);
    }
  }
  return { text: text ?? '', pieces };
}

test('a secret split across two deltas, at every split point, never reaches a listener', () => {
  const forget = registerSecret(SECRET);
  try {
    const said = `My password is ${SECRET}, keep it safe.`;
    for (let cut = 1; cut < said.length; cut++) {
      const { text, pieces } = listen(entryEvents([said.slice(0, cut), said.slice(cut)]));
      assert.equal(text, redactSecrets(said), `cut at ${cut}`);
      assert.ok(!text.includes('VALUE-4711') && !pieces.some((piece) => piece.includes('secret-VALUE')), `cut at ${cut}: ${JSON.stringify(pieces)}`);
    }
  } finally {
    forget();
  }
});

test('a key shape said in many small deltas is masked whole, however it is cut', () => {
  const said = `the key ${KEY} was rejected`;
  for (const size of [1, 2, 3, 5, 7]) {
    const pieces: string[] = [];
    for (let at = 0; at < said.length; at += size) pieces.push(said.slice(at, at + size));
    const heard = listen(entryEvents(pieces));
    assert.equal(heard.text, 'the key sk-[redacted] was rejected', `pieces of ${size}`);
    assert.ok(!heard.pieces.join('|').includes('AbCd'), `pieces of ${size}: ${heard.pieces.join('|')}`);
  }
});

test('ordinary text streams without delay: nothing is held unless it could start a secret', () => {
  const redactor = new TranscriptRedactor();
  const out = (event: SessionEvent) => redactor.redact(event).map((safe) => (safe.type === 'transcript.entry' ? (safe.text ?? safe.append) : safe.type));
  assert.deepEqual(out({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: 'Yes, it ' }), ['Yes, it ']);
  assert.deepEqual(out({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: 'works and runs' }), ['works and runs'], 'a word ending in s is not a key');
  // "sk" at a word start could begin a key: held until the next piece settles it.
  assert.deepEqual(out({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: ' on sk' }), [' on ']);
  assert.deepEqual(out({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: 'is.' }), ['skis.']);
});

test('a held tail is released by the final text and by the end of the session', () => {
  const final = listen(entryEvents(['It ends with s'], true));
  assert.equal(final.text, 'It ends with s');
  const closed = new TranscriptRedactor();
  const released = [
    ...closed.redact({ type: 'transcript.entry', entryId: 3, index: 0, role: 'user', text: 'call it sk-' }),
    ...closed.redact({ type: 'closed', reason: 'requested' }),
  ];
  assert.deepEqual(
    released.map((event) => event.type),
    ['transcript.entry', 'transcript.entry', 'closed'],
    'the tail comes before the closed event',
  );
  assert.deepEqual(released[1], { type: 'transcript.entry', entryId: 3, index: 0, role: 'user', append: 'sk-' });
});

test('raw transcript.delta events are held back the same way', () => {
  const redactor = new TranscriptRedactor();
  const said = `key ${KEY} ok`;
  const deltas = [said.slice(0, 10), said.slice(10, 20), said.slice(20)];
  const printed = deltas
    .flatMap((delta) => redactor.redact({ type: 'transcript.delta', role: 'assistant', delta, itemId: 'a1' }))
    .concat(redactor.releaseAll())
    .map((event) => (event.type === 'transcript.delta' ? event.delta : ''));
  assert.equal(printed.join(''), 'key sk-[redacted] ok');
});

test('a reply that ended early releases its held tail', () => {
  const redactor = new TranscriptRedactor();
  redactor.redact({ type: 'transcript.entry', entryId: 1, index: 0, role: 'assistant', text: 'cut at s', itemId: 'a1', previousItemId: null });
  const released = redactor.redact({ type: 'response.ended', responseId: 'r1', itemIds: ['a1'], status: 'incomplete', reason: 'cut off' });
  assert.deepEqual(
    released.map((event) => (event.type === 'transcript.entry' ? event.append : event.type)),
    ['s', 'response.ended'],
  );
});
