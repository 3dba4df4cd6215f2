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
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'what is ' },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'what is up' },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', text: 'checking' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'user: what is up\nassistant: checking', transcript: [] },
    { type: 'handoff.answered', handoffId: 'h1', text: 'all good' },
    { type: 'transcript.entry', entryId: 2, index: 0, role: 'assistant', text: 'All good.' },
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
  printer.onEvent({ type: 'transcript.entry', entryId: 4, index: 0, role: 'assistant', text: 'Here it is.\nLine two.' });
  printer.onEvent({ type: 'transcript.entry', entryId: 5, index: 1, role: 'user', text: 'thanks' });
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
    { type: 'transcript.entry', entryId: 0, index: 1, role: 'assistant', text: 'Sure, ', itemId: 'a1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 1, index: 0, role: 'user', text: 'book a', itemId: 'u1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 0, index: 1, role: 'assistant', text: 'Sure, which day?', itemId: 'a1', previousItemId: null, final: false },
    { type: 'transcript.entry', entryId: 1, index: 0, role: 'user', text: 'Book a table.', itemId: 'u1', previousItemId: null, final: true },
    { type: 'transcript.entry', entryId: 0, index: 1, role: 'assistant', text: 'Sure, which day?', itemId: 'a1', previousItemId: 'u1', final: true },
    { type: 'transcript.entry', entryId: 2, index: 2, role: 'assistant', text: 'Never finished', itemId: 'a2', previousItemId: 'a1', final: false },
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

test('readable output rebuilds each entry from its linear events (whole text, then appended pieces)', () => {
  const out: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), () => {});
  const events: SessionEvent[] = [
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'what ' },
    { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', append: 'is up' },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', text: 'Sure, ', itemId: 'a1', previousItemId: 'u0' },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', append: 'which day?', itemId: 'a1' },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', append: '', itemId: 'a1', final: true },
    { type: 'transcript.entry', entryId: 1, index: 1, role: 'assistant', append: '', itemId: 'a1', final: true },
  ];
  for (const event of events) printer.onEvent(event);
  printer.flush();
  assert.deepEqual(out, ['assistant: Sure, which day?\n', 'you: what is up\n']);
});

test('readable output says what happened to the connection, to dropped audio and to the session, one line each', () => {
  const out: string[] = [];
  const err: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), (text) => err.push(text));
  const events: SessionEvent[] = [
    { type: 'state', state: 'live' },
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: '', agentText: 'find the file', transcript: [] },
    { type: 'agent.notice', handoffId: 'h1', text: 'The agent service was busy;\ntrying again in 2 s.' },
    { type: 'connection', status: 'lost', reason: 'the connection dropped', attempt: 1, maxAttempts: 6, delayMs: 1200 },
    { type: 'state', state: 'reconnecting' },
    { type: 'audio.dropped', frames: 115, durationMs: 2300, reason: 'not_connected' },
    { type: 'state', state: 'live' },
    { type: 'connection', status: 'reconnected', reason: '', downtimeMs: 2300 },
    { type: 'connection', status: 'renewing', reason: 'the session reached its time limit' },
    { type: 'connection', status: 'renewed', reason: '' },
    { type: 'closed', reason: 'server_ended', detail: 'The session reached its maximum duration.' },
  ];
  for (const event of events) printer.onEvent(event);
  assert.deepEqual(out, ['→ agent [h1]: find the file\n', '    · agent [h1]: The agent service was busy; trying again in 2 s.\n']);
  assert.deepEqual(err, [
    'parley: connected\n',
    'parley: Connection lost (the connection dropped); reconnecting in 1.2 s (attempt 1 of 6)…\n',
    'parley: 2.3 s of microphone audio could not be sent (no connection) and was dropped.\n',
    'parley: Reconnected after 2.3 s.\n',
    'parley: Renewing the session (the session reached its time limit)…\n',
    'parley: Session renewed.\n',
    'parley: The server ended the session: The session reached its maximum duration.\n',
  ]);
});

test('JSON lines print the linear events as they are, and a key split across deltas never in one line or across lines', () => {
  const key = 'sk-proj-SplitAcrossDeltas0123456789';
  const lines: string[] = [];
  const print = createJsonLinesPrinter((text) => lines.push(text));
  const said = `The key is ${key}, right?`;
  const cut = said.indexOf('Delta');
  print({ type: 'transcript.delta', role: 'assistant', delta: said.slice(0, cut) });
  print({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: said.slice(0, cut) });
  print({ type: 'transcript.delta', role: 'assistant', delta: said.slice(cut) });
  print({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: said.slice(cut) });
  print({ type: 'connection', status: 'reconnected', reason: '', downtimeMs: 2300 });
  print({ type: 'closed', reason: 'requested' });
  const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  const all = lines.join('');
  assert.ok(!all.includes('SplitAcross') && !all.includes('Deltas0123'), all);
  const entries = events.filter((event) => event['type'] === 'transcript.entry');
  assert.equal(entries.map((event) => (event['text'] ?? event['append']) as string).join(''), 'The key is sk-[redacted], right?');
  assert.ok(entries.slice(1).every((event) => event['text'] === undefined), 'later entry lines carry only their piece');
  assert.deepEqual({ ...events.find((event) => event['type'] === 'connection'), atMs: 0 }, { type: 'connection', status: 'reconnected', reason: '', downtimeMs: 2300, atMs: 0 });
});
