import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyToMarkdown, readHistory, sessionUsage } from '../../../src-main/adapters/history/history-library';
import { HistoryRecorder } from '../../../src-main/adapters/history/history-recorder';
import type { SessionEvent } from '../../../src-shared/session-events';
import { tempDir } from '../../support/temp-dir';

const events: SessionEvent[] = [
  { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'Hello.', itemId: 'u1', previousItemId: null, final: true },
  { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', text: 'Hi there.', itemId: 'a1', previousItemId: 'u1', final: true },
  { type: 'usage', responseId: 'resp_1', input: { text: 20, audio: 100, cached: 64 }, output: { text: 10, audio: 40 }, total: 170 },
  { type: 'usage', responseId: 'resp_2', input: { text: 5, audio: 0, cached: 0 }, output: { text: 7, audio: 30 }, total: 42 },
  { type: 'closed', reason: 'requested' },
];

test('each response\'s usage is stored, and the Markdown export ends with the session total', () => {
  const dir = tempDir('parley-history-usage-');
  let clock = 1_700_000_000_000;
  const recorder = new HistoryRecorder(dir, 'session-usage', () => clock++);
  for (const event of events) recorder.onEvent(event);
  const records = readHistory(dir, 'session-usage');
  const usage = records.filter((record) => record.kind === 'usage');
  assert.deepEqual(
    usage.map((record) => (record.kind === 'usage' ? [record.responseId, record.total, record.input.cached, record.output.audio] : [])),
    [
      ['resp_1', 170, 64, 40],
      ['resp_2', 42, 0, 30],
    ],
  );
  assert.deepEqual(sessionUsage(records), { input: { text: 25, audio: 100, cached: 64 }, output: { text: 17, audio: 70 }, total: 212, responses: 2 });
  const markdown = historyToMarkdown('session-usage', records);
  assert.match(markdown, /\*\*Assistant:\*\* Hi there\.\n\n---\n\nTokens used: in 125 \(text 25, audio 100, cached 64\) · out 87 \(text 17, audio 70\) · total 212 tokens over 2 replies\.\n$/);
});

test('usage alone does not make a session worth keeping', () => {
  const dir = tempDir('parley-history-usage-');
  const recorder = new HistoryRecorder(dir, 'only-usage', () => 1);
  recorder.onEvent(events[2]!);
  recorder.onEvent({ type: 'closed', reason: 'requested' });
  assert.throws(() => readHistory(dir, 'only-usage'), /ENOENT/);
  assert.doesNotMatch(historyToMarkdown('x', [{ kind: 'session.started', at: 0, sessionId: 'x' }]), /Tokens used/);
});
