import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_SSE_EVENT_CHARS, SseEventTooLargeError, SseParser, parseSseText, type SseEvent } from '../../../src-main/core/agent/sse-parser';

function parseChunks(chunks: string[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  for (const chunk of chunks) events.push(...parser.push(chunk));
  events.push(...parser.flush());
  return events;
}

// Mixed line endings, a BOM, comments, multi-line data, ids, a field with no colon, unicode.
const SAMPLE =
  '\uFEFF: keep-alive comment\r\n' +
  'event: response.created\r\n' +
  'data: {"type":"response.created"}\r\n' +
  '\r\n' +
  'id: 7\n' +
  'data: first line\n' +
  'data:second line\n' +
  'data\n' +
  '\n' +
  'event: delta\r' +
  'data: héllo 👋 wörld\r' +
  'retry: 1000\r' +
  '\r' +
  ':only a comment\n\n' +
  'event: no-data\n\n' +
  'data: last, without a final blank line';

const EXPECTED: SseEvent[] = [
  { event: 'response.created', data: '{"type":"response.created"}', id: undefined },
  { event: 'message', data: 'first line\nsecond line\n', id: '7' },
  { event: 'delta', data: 'héllo 👋 wörld', id: '7' },
  { event: 'message', data: 'last, without a final blank line', id: '7' },
];

describe('SseParser', () => {
  test('parses a whole stream with every line ending, comments, a BOM and a trailing event', () => {
    assert.deepEqual(parseSseText(SAMPLE), EXPECTED);
  });

  test('every split point into two chunks gives the same events', () => {
    for (let split = 0; split <= SAMPLE.length; split++) {
      assert.deepEqual(parseChunks([SAMPLE.slice(0, split), SAMPLE.slice(split)]), EXPECTED, `split at ${split}`);
    }
  });

  test('every pair of split points into three chunks gives the same events', () => {
    for (let first = 0; first <= SAMPLE.length; first++) {
      for (let second = first; second <= SAMPLE.length; second++) {
        const chunks = [SAMPLE.slice(0, first), SAMPLE.slice(first, second), SAMPLE.slice(second)];
        assert.deepEqual(parseChunks(chunks), EXPECTED, `splits at ${first}, ${second}`);
      }
    }
  });

  test('one character at a time gives the same events', () => {
    assert.deepEqual(parseChunks([...SAMPLE]), EXPECTED);
  });

  test('a "\\r" at the end of a chunk and "\\n" at the start of the next are one line break', () => {
    const events = parseChunks(['data: a\r', '\n', 'data: b\r', '\n\r', '\n']);
    assert.deepEqual(events, [{ event: 'message', data: 'a\nb', id: undefined }]);
  });

  test('"\\r\\r" is two line breaks (an event boundary), not one', () => {
    assert.deepEqual(parseSseText('data: a\r\rdata: b\r\r'), [
      { event: 'message', data: 'a', id: undefined },
      { event: 'message', data: 'b', id: undefined },
    ]);
  });

  test('events are returned as soon as their blank line arrives, before flush', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push('data: x\n'), []);
    assert.deepEqual(parser.push('\n'), [{ event: 'message', data: 'x', id: undefined }]);
    assert.deepEqual(parser.flush(), []);
  });

  test('only one space after the colon is removed; a BOM later in the stream is data', () => {
    assert.deepEqual(parseSseText('data:  two spaces\n\ndata: \uFEFFbom\n\n'), [
      { event: 'message', data: ' two spaces', id: undefined },
      { event: 'message', data: '\uFEFFbom', id: undefined },
    ]);
  });

  test('an event type does not leak into the next event', () => {
    assert.deepEqual(parseSseText('event: a\ndata: 1\n\ndata: 2\n\n'), [
      { event: 'a', data: '1', id: undefined },
      { event: 'message', data: '2', id: undefined },
    ]);
  });

  test('an id with a NUL is ignored; an empty id clears the last id', () => {
    assert.deepEqual(parseSseText('id: 1\ndata: a\n\nid: x\u0000y\ndata: b\n\nid\ndata: c\n\n'), [
      { event: 'message', data: 'a', id: '1' },
      { event: 'message', data: 'b', id: '1' },
      { event: 'message', data: 'c', id: '' },
    ]);
  });

  test('an empty stream and an unfinished event without data give nothing', () => {
    assert.deepEqual(parseSseText(''), []);
    assert.deepEqual(parseSseText('event: x\n'), []);
  });
});

test('an event that never ends is refused once it passes the size cap, not buffered without limit', () => {
  const parser = new SseParser();
  const piece = 'data: ' + 'z'.repeat(1024 * 1024);
  assert.throws(() => {
    for (let index = 0; index * piece.length <= MAX_SSE_EVENT_CHARS + piece.length; index++) parser.push(piece);
  }, SseEventTooLargeError);
  const fresh = new SseParser();
  for (let index = 0; index < 20; index++) assert.equal(fresh.push(`data: ${'a'.repeat(1024 * 1024)}\n\n`).length, 1, 'complete events of 1 MiB each pass, however many');
});
