// Headless output: a reply that did not complete is a line with its reason; usage is a line per
// response and a total when the session ends; a failed transcription is shown, not dropped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJsonLinesPrinter, createReadablePrinter } from '../../src-main/headless/event-printers';
import type { SessionEvent } from '../../src-shared/session-events';

const USAGE_ONE: SessionEvent = { type: 'usage', responseId: 'resp_1', input: { text: 20, audio: 100, cached: 64 }, output: { text: 10, audio: 40 }, total: 170 };
const USAGE_TWO: SessionEvent = { type: 'usage', responseId: 'resp_2', input: { text: 5, audio: 0, cached: 0 }, output: { text: 7, audio: 30 }, total: 42 };

function readable(events: readonly SessionEvent[]): { out: string; err: string } {
  let out = '';
  let err = '';
  const printer = createReadablePrinter((text) => (out += text), (text) => (err += text));
  for (const event of events) printer.onEvent(event);
  printer.flush();
  return { out, err };
}

test('a failed, cut-off or cancelled reply is one line with its reason', () => {
  const { out } = readable([
    { type: 'response.ended', responseId: 'resp_1', itemIds: ['a1'], status: 'failed', reason: 'The reply failed: The server had an error (internal_error).' },
    { type: 'response.ended', responseId: 'resp_2', itemIds: [], status: 'incomplete', reason: 'The reply was cut off: it reached the output token limit.' },
    { type: 'response.ended', responseId: 'resp_3', itemIds: [], status: 'cancelled', reason: 'The reply was cancelled: the user started speaking.' },
  ]);
  assert.equal(
    out,
    '! reply failed [resp_1]: The reply failed: The server had an error (internal_error).\n' +
      '! reply cut off [resp_2]: The reply was cut off: it reached the output token limit.\n' +
      '! reply cancelled [resp_3]: The reply was cancelled: the user started speaking.\n',
  );
});

test('a failed transcription is shown as the user\'s line', () => {
  const { out } = readable([{ type: 'transcription.failed', itemId: 'u1', reason: 'the speech could not be transcribed' }]);
  assert.equal(out, 'you: (not transcribed: the speech could not be transcribed)\n');
});

test('usage: a line per response and the session total when it ends', () => {
  const { out, err } = readable([USAGE_ONE, USAGE_TWO, { type: 'closed', reason: 'requested' }]);
  assert.equal(out, '');
  assert.equal(
    err,
    'parley: usage [resp_1]: in 120 (text 20, audio 100, cached 64) · out 50 (text 10, audio 40) · total 170 tokens\n' +
      'parley: usage [resp_2]: in 5 (text 5, audio 0, cached 0) · out 37 (text 7, audio 30) · total 42 tokens\n' +
      'parley: session usage over 2 replies: in 125 (text 25, audio 100, cached 64) · out 87 (text 17, audio 70) · total 212 tokens\n',
  );
  assert.equal(readable([{ type: 'closed', reason: 'requested' }]).err, '', 'no total without usage');
});

test('JSON lines: usage events as they come, and a usage.total line before closed', () => {
  const lines: unknown[] = [];
  const print = createJsonLinesPrinter((text) => lines.push(JSON.parse(text)));
  for (const event of [USAGE_ONE, USAGE_TWO, { type: 'closed', reason: 'requested' } as SessionEvent]) print(event);
  const types = lines.map((line) => (line as { type: string }).type);
  assert.deepEqual(types, ['usage', 'usage', 'usage.total', 'closed']);
  const { atMs: _atMs, ...total } = lines[2] as Record<string, unknown>;
  assert.deepEqual(total, { type: 'usage.total', input: { text: 25, audio: 100, cached: 64 }, output: { text: 17, audio: 70 }, total: 212, responses: 2 });
});
