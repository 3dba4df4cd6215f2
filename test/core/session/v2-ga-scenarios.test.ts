// Dialect v2 against the GA stand-in server (test/support/ga-realtime-server.ts), which keeps the
// conversation and enforces the live API's rules: items in conversation order, asynchronous
// transcription, one output per call_id. What the user sees is the session's events folded
// through the timeline reducer; what the server saw is its own record of the conversation.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { SessionEvent } from '../../../src-shared/session-events';
import { handoffAnswerText } from '../../../src-shared/conversation-reducer';
import { startGaRealtimeServer, type GaRealtimeServer } from '../../support/ga-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, type ScriptedReply } from '../../support/mock-responses-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, type SessionHarness } from '../../support/session-harness';
import { cards, shown, timeline } from '../../support/v2-scenario';
import { entryText } from '../../support/entry-text';

async function stage(t: TestContext, agentReplies: ScriptedReply[] = []): Promise<{ server: GaRealtimeServer; harness: SessionHarness; agentRequests: () => number }> {
  const server = await startGaRealtimeServer();
  const agent = await startMockResponsesServer(agentReplies);
  const harness = createSessionHarness({ agentBaseUrl: agent.baseUrl });
  t.after(async () => {
    await harness.dispose();
    await server.close();
    await agent.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true);
  await server.waitForSession();
  return { server, harness, agentRequests: () => agent.requests.length };
}

/** The server saw nothing it would refuse: every frame schema-valid, no rule broken. */
function assertNoViolations(server: GaRealtimeServer): void {
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
}

const finalEntryOf = (itemId: string) => (event: Extract<SessionEvent, { type: 'transcript.entry' }>) => event.itemId === itemId && event.final === true;

test('GA: a user turn transcribed after the reply is shown above the reply, on its own item', async (t) => {
  const { server, harness } = await stage(t);
  server.respond({ say: 'Sure, which day?' });
  const userItem = server.userSpeaks({ transcript: 'Book a table for two.', late: true });
  await harness.waitForEvent('transcript.entry', finalEntryOf(userItem));
  assert.deepEqual(shown(timeline(harness.events)), ['user: Book a table for two.', 'assistant: Sure, which day?']);
  assertNoViolations(server);
});

test('GA: transcriptions delivered out of order each land on their own item', async (t) => {
  const { server, harness } = await stage(t);
  server.respond({ say: 'Noted.' });
  const first = server.userSpeaks({ transcript: 'First thing.', late: 'held' });
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && entryText(harness.events, event) === 'Noted.');
  server.respond({ say: 'Noted too.' });
  const second = server.userSpeaks({ transcript: 'Second thing.', late: 'held' });
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && entryText(harness.events, event) === 'Noted too.');
  server.deliverTranscription(second);
  server.deliverTranscription(first);
  await harness.waitForEvent('transcript.entry', finalEntryOf(first));
  assert.deepEqual(shown(timeline(harness.events)), ['user: First thing.', 'assistant: Noted.', 'user: Second thing.', 'assistant: Noted too.']);
  assertNoViolations(server);
});

test('GA: a typed message, then the reply: the reply has its own bubble below the message and the earlier reply keeps its words', async (t) => {
  const { server, harness } = await stage(t);
  server.respond({ say: 'Hello, how can I help?' });
  server.userSpeaks({ transcript: 'Hi.' });
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && event.role === 'assistant');
  server.respond({ say: 'It is noon.' });
  harness.session.sendText('What time is it?');
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && entryText(harness.events, event) === 'It is noon.');
  assert.deepEqual(shown(timeline(harness.events)), ['user: Hi.', 'assistant: Hello, how can I help?', 'typed: What time is it?', 'assistant: It is noon.']);
  assert.equal(harness.eventsOf('user.text.placed').length, 1);
  assertNoViolations(server);
});

test('GA: a completed call is one handoff with one output; the context is the items before it, in order', async (t) => {
  const { server, harness, agentRequests } = await stage(t, [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'Two flights at 9 and 11.') }]);
  server.respondWithCall({ say: 'Let me check.', name: 'background_agent', callId: 'call_ga', arguments: { prompt: 'Find flights to Lisbon tomorrow' } });
  server.userSpeaks({ transcript: 'Find me flights to Lisbon.' });
  server.respond({ say: 'There are two flights.' });
  const requested = await harness.waitForEvent('handoff.requested');
  assert.equal(requested.handoffId, 'call_ga');
  assert.equal(requested.agentText, 'Find flights to Lisbon tomorrow\n\nConversation since the last handoff:\nuser: Find me flights to Lisbon.\nassistant: Let me check.');
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && entryText(harness.events, event) === 'There are two flights.');
  await settle();
  assert.equal(agentRequests(), 1);
  const outputs = server.frames.filter((frame: any) => frame?.item?.type === 'function_call_output') as any[];
  assert.deepEqual(outputs.map((frame) => [frame.item.call_id, frame.item.output]), [['call_ga', 'Two flights at 9 and 11.']]);
  assert.equal(server.conversation.find((entry) => entry.item['call_id'] === 'call_ga')?.hasOutput, true);
  assert.deepEqual(shown(timeline(harness.events)), [
    'user: Find me flights to Lisbon.',
    'assistant: Let me check.',
    'card call_ga (answered)',
    'assistant: There are two flights.',
  ]);
  assertNoViolations(server);
});

test('GA: a call cut off by a token limit is shown as cut off, never delegated, and gets no output', async (t) => {
  const { server, harness, agentRequests } = await stage(t, [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'should not run') }]);
  server.respondWithCall({ name: 'background_agent', callId: 'call_cut', arguments: { prompt: 'Refactor the whole audio pipeline' }, status: 'incomplete' });
  server.userSpeaks({ transcript: 'Refactor the audio pipeline.' });
  const incomplete = await harness.waitForEvent('handoff.incomplete');
  assert.equal(incomplete.handoffId, 'call_cut');
  await settle();
  assert.equal(harness.eventsOf('handoff.requested').length, 0);
  assert.equal(agentRequests(), 0);
  assert.equal(server.frames.filter((frame: any) => frame?.item?.type === 'function_call_output').length, 0);
  const [card] = cards(timeline(harness.events));
  assert.equal(card?.status, 'incomplete');
  assertNoViolations(server);
});

test('GA: a call made while the agent works joins its turn: one card, both requests, one output per call', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  t.after(() => release());
  const { server, harness } = await stage(t, [
    { kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'Flights found.'), gate },
    { kind: 'sse', events: assistantMessageEvents('r2', 'm2', 'Flights and a hotel found.') },
  ]);
  server.respondWithCall({ say: 'On it.', name: 'background_agent', callId: 'call_a', arguments: { prompt: 'Find flights to Lisbon' } });
  server.userSpeaks({ transcript: 'Find flights to Lisbon.' });
  await harness.waitForEvent('handoff.started');
  server.respondWithCall({ name: 'background_agent', callId: 'call_b', arguments: { prompt: 'Also find a hotel' } });
  server.userSpeaks({ transcript: 'And a hotel.' });
  await harness.waitForEvent('handoff.steered');
  server.respond({ say: 'Working on both.' });
  server.respond({ say: 'Flights and a hotel are found.' });
  release();
  await harness.waitForEvent('handoff.completed');
  await server.waitForFrame((frame) => frame?.item?.type === 'function_call_output' && frame.item.call_id === 'call_b');
  await settle();
  const outputs = server.frames.filter((frame: any) => frame?.item?.type === 'function_call_output') as any[];
  assert.deepEqual(
    outputs.map((frame) => frame.item.call_id),
    ['call_a', 'call_b'],
    'each call took exactly one output',
  );
  assert.equal(outputs[1].item.output, 'Flights and a hotel found.');
  const state = timeline(harness.events);
  assert.equal(cards(state).length, 1);
  const [card] = cards(state);
  assert.deepEqual(card!.handoffIds, ['call_a', 'call_b']);
  assert.equal(card!.requests.length, 2);
  assert.equal(handoffAnswerText(card!), 'Flights found.\n\nFlights and a hotel found.');
  assertNoViolations(server);
});
