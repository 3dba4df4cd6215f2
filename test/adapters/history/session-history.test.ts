import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SessionEvent } from '../../../src-shared/session-events';
import { conversationOrder, historyToMarkdown, listHistory, readHistory } from '../../../src-main/adapters/history/history-library';
import { HistoryRecorder } from '../../../src-main/adapters/history/history-recorder';
import { registerSecret } from '../../../src-main/core/util/redact';
import { tempDir } from '../../support/temp-dir';

function conversation(): SessionEvent[] {
  return [
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'what is the weather ' },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'what is the weather in lisbon' },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', text: 'let me check' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: what is the weather in lisbon\nassistant: let me check', transcript: [] },
    { type: 'handoff.answered', handoffId: 'h1', text: 'Sunny, 24 degrees.' },
    { type: 'transcript.entry', entryId: 2, index: 0, role: 'assistant', text: 'It is sunny.' },
    { type: 'user.text', text: 'thanks' },
    { type: 'handoff.failed', handoffId: 'h2', cause: 'agent_failed', reason: 'the agent API answered 500', spoken: 'The background agent failed.' },
    { type: 'closed', reason: 'requested' },
  ];
}

test('a session is recorded as JSON lines: final transcript lines, handoffs with the exact agent text, answers', () => {
  const dir = tempDir('parley-history-');
  let clock = 1_700_000_000_000;
  const recorder = new HistoryRecorder(dir, 'session-1', () => clock++);
  for (const event of conversation()) recorder.onEvent(event);
  const records = readHistory(dir, 'session-1');
  assert.deepEqual(
    records.map((record) => record.kind),
    ['session.started', 'transcript', 'transcript', 'handoff', 'agent.answer', 'transcript', 'typed', 'agent.failed', 'session.ended'],
  );
  assert.equal((records[1] as { text: string }).text, 'what is the weather in lisbon', 'merged deltas are stored once, final');
  assert.equal((records[3] as { agentText: string }).agentText, 'user: what is the weather in lisbon\nassistant: let me check');
  assert.equal(readFileSync(recorder.file, 'utf8').trim().split('\n').length, 9);
});

test('the history list shows sessions newest first with a title from the first words', () => {
  const dir = tempDir('parley-history-');
  const older = new HistoryRecorder(dir, 'older', () => 1_000);
  older.onEvent({ type: 'user.text', text: 'book a table for two' });
  const newer = new HistoryRecorder(dir, 'newer', () => 2_000);
  for (const event of conversation()) newer.onEvent(event);
  const list = listHistory(dir);
  assert.deepEqual(list.map((entry) => entry.sessionId), ['newer', 'older']);
  assert.equal(list[0]!.title, 'what is the weather in lisbon');
  assert.equal(list[0]!.handoffs, 1);
  assert.equal(list[0]!.endedAt, 2_000);
  assert.equal(list[1]!.title, 'book a table for two');
  assert.deepEqual(listHistory(join(dir, 'missing')), []);
});

test('a session that connected but had no message leaves no file and is not listed', () => {
  const dir = tempDir('parley-history-');
  const recorder = new HistoryRecorder(dir, 'silent', () => 1_000);
  recorder.onEvent({ type: 'state', state: 'live' });
  // Speech that never got words is not a message either.
  recorder.onEvent({ type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: '  ' });
  recorder.onEvent({ type: 'closed', reason: 'requested' });
  assert.equal(existsSync(recorder.file), false);
  assert.deepEqual(readdirSync(dir), []);
  assert.deepEqual(listHistory(dir), []);
});

test('what happened before the first message is written with it, in one append', () => {
  const dir = tempDir('parley-history-');
  let clock = 1_000;
  const recorder = new HistoryRecorder(dir, 'late', () => clock++);
  clock = 9_000;
  assert.equal(existsSync(recorder.file), false, 'nothing on disk while nobody has spoken');
  recorder.onEvent({ type: 'user.text', text: 'hello' });
  const records = readHistory(dir, 'late');
  assert.deepEqual(records.map((record) => record.kind), ['session.started', 'typed']);
  assert.equal(records[0]!.at, 1_000, 'the start keeps its own time');
  assert.equal(listHistory(dir)[0]!.startedAt, 1_000);
});

test('history files without a message (an older version, a crash in the first write) are not listed and are removed', () => {
  const dir = tempDir('parley-history-');
  writeFileSync(join(dir, 'connected-only.jsonl'), JSON.stringify({ kind: 'session.started', at: 1, sessionId: 'connected-only' }) + '\n' + JSON.stringify({ kind: 'session.ended', at: 2, reason: 'requested' }) + '\n');
  writeFileSync(join(dir, 'torn-first.jsonl'), '{"kind":"session.star');
  const kept = new HistoryRecorder(dir, 'kept', () => 3);
  kept.onEvent({ type: 'user.text', text: 'book a table' });
  assert.deepEqual(listHistory(dir).map((summary) => summary.sessionId), ['kept']);
  assert.deepEqual(readdirSync(dir), ['kept.jsonl']);
});

test('a torn last line (a crash mid-write) loses only that line', () => {
  const dir = tempDir('parley-history-');
  const recorder = new HistoryRecorder(dir, 'torn', () => 5);
  recorder.onEvent({ type: 'user.text', text: 'hello' });
  appendFileSync(recorder.file, '{"kind":"transcript","at":6,"ro');
  assert.deepEqual(readHistory(dir, 'torn').map((record) => record.kind), ['session.started', 'typed']);
});

test('export to Markdown reads as the conversation', () => {
  const dir = tempDir('parley-history-');
  const recorder = new HistoryRecorder(dir, 's', () => Date.UTC(2026, 10, 23, 12, 0, 0));
  for (const event of conversation()) recorder.onEvent(event);
  assert.equal(
    historyToMarkdown('s', readHistory(dir, 's')),
    [
      '# what is the weather in lisbon',
      '',
      'Session s, 2026-11-23T12:00:00.000Z',
      '',
      '**You:** what is the weather in lisbon',
      '',
      '**Assistant:** let me check',
      '',
      '> **Sent to the agent:**',
      '> user: what is the weather in lisbon',
      '> assistant: let me check',
      '',
      '**Agent:** Sunny, 24 degrees.',
      '',
      '**Assistant:** It is sunny.',
      '',
      '**You (typed):** thanks',
      '',
      '**Agent failed:** the agent API answered 500',
      '',
    ].join('\n'),
  );
});

test('a session id that could escape the folder is refused', () => {
  assert.throws(() => readHistory(tmpdir(), '../etc/passwd'), /is not a session id/);
});

test('history files are private (600) and hold no known secret, even one the agent quoted back', () => {
  const key = 'sk-live-history-0123456789abcdefghij';
  const forget = registerSecret(key);
  try {
    const dir = tempDir('parley-history-');
    const recorder = new HistoryRecorder(dir, 'private', () => 1_000);
    recorder.onEvent({ type: 'user.text', text: 'what key do I use?' });
    recorder.onEvent({ type: 'handoff.answered', handoffId: 'h1', text: `Your key is ${key}, again:${key}` });
    const text = readFileSync(recorder.file, 'utf8');
    assert.equal(text.includes(key), false);
    assert.equal((text.match(/\[redacted\]/g) ?? []).length, 2, 'the exact value is masked wherever it appears');
    assert.equal(statSync(recorder.file).mode & 0o777, 0o600);
    assert.equal(statSync(dir).mode & 0o077, 0, 'the folder is not open to others');
  } finally {
    forget();
  }
});

test('v2: lines are stored in conversation order: a user line transcribed after the reply is read back above it, once, final', () => {
  const dir = tempDir('parley-history-');
  const recorder = new HistoryRecorder(dir, 'v2-order', () => Date.UTC(2026, 10, 23, 12, 0, 0));
  const events: SessionEvent[] = [
    { type: 'transcript.entry', entryId: 0, index: 1, role: 'assistant', text: 'Sure, ', itemId: 'a1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 1, index: 0, role: 'user', text: 'book a', itemId: 'u1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 0, index: 1, role: 'assistant', text: 'Sure, which day?', itemId: 'a1', previousItemId: null, final: true },
    { type: 'transcript.entry', entryId: 1, index: 0, role: 'user', text: 'Book a table.', itemId: 'u1', previousItemId: null, final: true },
    { type: 'closed', reason: 'requested' },
  ];
  for (const event of events) recorder.onEvent(event);
  const markdown = historyToMarkdown('v2-order', readHistory(dir, 'v2-order'));
  assert.match(markdown, /\*\*You:\*\* Book a table\.\n\n\*\*Assistant:\*\* Sure, which day\?\n$/);
  assert.equal(listHistory(dir)[0]!.title, 'Book a table.');
});

test('a steered handoff is one handoff in history, holding both requests and the answer', () => {
  const dir = tempDir('parley-history-');
  const recorder = new HistoryRecorder(dir, 'steered', () => Date.UTC(2026, 10, 23, 12, 0, 0));
  const events: SessionEvent[] = [
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'find flights' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: find flights', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'user: find flights' },
    { type: 'transcript.entry', entryId: 1, index: 0, role: 'user', text: 'and a hotel' },
    { type: 'handoff.requested', handoffId: 'h2', inputTranscript: '', agentText: 'user: and a hotel', transcript: [], joinsHandoffId: 'h1' },
    { type: 'handoff.steered', handoffId: 'h2', agentText: 'user: and a hotel', turnHandoffId: 'h1' },
    { type: 'handoff.answered', handoffId: 'h2', text: 'Flights and a hotel found.' },
    { type: 'handoff.completed', handoffId: 'h2' },
    { type: 'closed', reason: 'requested' },
  ];
  for (const event of events) recorder.onEvent(event);
  const records = readHistory(dir, 'steered');
  const handoffs = conversationOrder(records).filter((record) => record.kind === 'handoff');
  assert.equal(handoffs.length, 1);
  assert.deepEqual(handoffs[0]!.kind === 'handoff' && [handoffs[0]!.agentText, handoffs[0]!.steers], ['user: find flights', ['user: and a hotel']]);
  assert.equal(listHistory(dir)[0]!.handoffs, 1);
  assert.match(
    historyToMarkdown('steered', records),
    /> \*\*Sent to the agent:\*\*\n> user: find flights\n>\n> \*\*Added while the agent worked:\*\*\n> user: and a hotel\n\n\*\*You:\*\* and a hotel\n\n\*\*Agent:\*\* Flights and a hotel found\.\n$/,
  );
});
