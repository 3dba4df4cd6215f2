import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import { createJsonLinesPrinter, createReadablePrinter } from '../../src-main/headless/event-printers';

test('JSON lines summarize audio instead of dumping it', () => {
  const lines: string[] = [];
  const print = createJsonLinesPrinter((text) => lines.push(text));
  print({ type: 'audio.output', pcm: new Uint8Array(1920), sampleRate: 48000, channels: 2, itemId: 'a' });
  print({ type: 'handoff.answered', handoffId: 'h', text: 'done' });
  assert.equal(lines.length, 2);
  assert.ok(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n')));
  const audio = JSON.parse(lines[0]!);
  assert.deepEqual({ ...audio, atMs: 0 }, { type: 'audio.output', atMs: 0, bytes: 1920, sampleRate: 48000, channels: 2, durationMs: 10, itemId: 'a' });
  assert.equal(JSON.parse(lines[1]!).text, 'done');
});

test('readable output prints each transcript line once it is final, then the handoff and the answer', () => {
  const out: string[] = [];
  const err: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), (text) => err.push(text));
  const events: SessionEvent[] = [
    { type: 'transcript.entry', entryId: 0, index: 0, entry: { role: 'user', text: 'what is ' } },
    { type: 'transcript.entry', entryId: 0, index: 0, entry: { role: 'user', text: 'what is up' } },
    { type: 'transcript.entry', entryId: 1, index: 1, entry: { role: 'assistant', text: 'checking' } },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: what is up\nassistant: checking', transcript: [] },
    { type: 'handoff.answered', handoffId: 'h1', text: 'all good' },
    { type: 'transcript.entry', entryId: 2, index: 0, entry: { role: 'assistant', text: 'All good.' } },
    { type: 'error', code: 'agent_failed', message: 'The background agent failed: boom.', recoverable: true },
  ];
  for (const event of events) printer.onEvent(event);
  printer.flush();
  assert.equal(
    out.join(''),
    'you: what is up\nassistant: checking\n→ agent [h1]:\n    user: what is up\n    assistant: checking\n← agent [h1]: all good\nassistant: All good.\n',
  );
  assert.deepEqual(err, ['parley: The background agent failed: boom.\n']);
});
