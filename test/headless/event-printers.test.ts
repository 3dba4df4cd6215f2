import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import { createJsonLinesPrinter, createReadablePrinter, labelled } from '../../src-main/headless/event-printers';

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
    { type: 'error', code: 'server_error', message: 'The server is busy.', recoverable: true },
  ];
  for (const event of events) printer.onEvent(event);
  printer.flush();
  assert.equal(
    out.join(''),
    'you: what is up\nassistant: checking\n→ agent [h1]:\n    user: what is up\n    assistant: checking\n← agent [h1]: all good\nassistant: All good.\n',
  );
  assert.deepEqual(err, ['parley: The server is busy.\n']);
});

test('an agent failure is one line with its reason, though the session reports it twice', () => {
  const out: string[] = [];
  const err: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), (text) => err.push(text));
  printer.onEvent({ type: 'handoff.failed', handoffId: 'h1', cause: 'agent_failed', reason: 'the agent API answered 500', spoken: 'The background agent failed: the agent API answered 500.' });
  printer.onEvent({ type: 'error', code: 'agent_failed', message: 'The background agent failed: the agent API answered 500.', recoverable: true });
  assert.deepEqual([...out, ...err], ['← agent failed [h1]: the agent API answered 500\n']);
});

test('a handoff that ends without an answer says why in words, not as a failure', () => {
  const out: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), () => {});
  printer.onEvent({ type: 'handoff.failed', handoffId: 'h1', cause: 'cancelled', reason: 'cancelled by the user', spoken: '' });
  printer.onEvent({ type: 'handoff.failed', handoffId: 'h2', cause: 'not_delegated', reason: 'no background agent is configured', spoken: '' });
  printer.onEvent({ type: 'handoff.failed', handoffId: 'h3', cause: 'session_ended', reason: 'the voice session ended', spoken: '' });
  assert.deepEqual(out, [
    '← agent cancelled [h1]: cancelled by the user\n',
    '← not delegated [h2]: no background agent is configured\n',
    '← agent stopped [h3]: the voice session ended\n',
  ]);
});

test('multi-line answers and assistant text are indented under their label; one line stays on it', () => {
  const out: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), () => {});
  printer.onEvent({ type: 'handoff.answered', handoffId: 'h1', text: 'Found two files:\r\n- a.ts\r\n\r\n- b.ts\n\n' });
  printer.onEvent({ type: 'transcript.entry', entryId: 4, index: 0, entry: { role: 'assistant', text: 'Here it is.\nLine two.' } });
  printer.onEvent({ type: 'transcript.entry', entryId: 5, index: 1, entry: { role: 'user', text: 'thanks' } });
  printer.flush();
  assert.equal(out.join(''), '← agent [h1]:\n    Found two files:\n    - a.ts\n\n    - b.ts\nassistant:\n    Here it is.\n    Line two.\nyou: thanks\n');
});

test('labelled keeps one line on the label and puts blank lines without trailing spaces', () => {
  assert.equal(labelled('you', 'hello  '), 'you: hello\n');
  assert.equal(labelled('← agent [h]', '\nfirst\n   \nsecond'), '← agent [h]:\n    first\n\n    second\n');
});

test('v2 readable output prints each item once, when its text is final, however its events interleave', () => {
  const out: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), () => {});
  const events: SessionEvent[] = [
    { type: 'transcript.entry', entryId: 0, index: 1, entry: { role: 'assistant', text: 'Sure, ' }, itemId: 'a1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 1, index: 0, entry: { role: 'user', text: 'book a' }, itemId: 'u1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 0, index: 1, entry: { role: 'assistant', text: 'Sure, which day?' }, itemId: 'a1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 1, index: 0, entry: { role: 'user', text: 'Book a table.' }, itemId: 'u1', previousItemId: null, final: true },
    { type: 'transcript.entry', entryId: 0, index: 1, entry: { role: 'assistant', text: 'Sure, which day?' }, itemId: 'a1', previousItemId: 'u1', final: true },
    { type: 'transcript.entry', entryId: 2, index: 2, entry: { role: 'assistant', text: 'Never finished' }, itemId: 'a2', previousItemId: 'a1', final: false },
  ];
  for (const event of events) printer.onEvent(event);
  printer.flush();
  assert.equal(out.join(''), 'you: Book a table.\nassistant: Sure, which day?\nassistant: Never finished\n');
});

test('a request that joins the running task and a cut-off call are each one line', () => {
  const out: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), () => {});
  printer.onEvent({ type: 'handoff.requested', handoffId: 'h2', inputTranscript: '', agentText: 'and a hotel', transcript: [], joinsHandoffId: 'h1' });
  printer.onEvent({ type: 'handoff.steered', handoffId: 'h2', agentText: 'and a hotel', turnHandoffId: 'h1' });
  printer.onEvent({ type: 'handoff.incomplete', handoffId: 'h3', reason: 'the call was interrupted before it was complete, so nothing was delegated', arguments: '{"pro' });
  assert.deepEqual(out, [
    '→ agent, added to the running task [h1]: and a hotel\n',
    '→ handoff cut off [h3]: the call was interrupted before it was complete, so nothing was delegated\n',
  ]);
});
