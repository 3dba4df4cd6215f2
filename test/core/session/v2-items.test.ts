// Dialect v2 by the live API's rules (realtime-protocol.md, "v2 rules the live API enforces"):
// the conversation is ordered by items, not by arrival; function calls are decided per call_id
// from their items and answered exactly once. A real VoiceSession over a real websocket; the
// session's events are folded through the UI's timeline reducer to check what the user sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { handoffAnswerText } from '../../../src-shared/conversation-reducer';
import { ACKNOWLEDGE_PROMPT, progressItemText } from '../../../src-main/core/handoff/agent-voice-prompts';
import { assistantMessageEvents, userInputTexts } from '../../support/mock-responses-server';
import { TEST_API_KEY, sessionConfig, settle } from '../../support/session-harness';
import { sessionStarted, spokenPreamble } from '../../support/v2-server-events';
import { cards, shown, startV2Scenario, timeline, typeIs } from '../../support/v2-scenario';

// GA server events, shaped as the API reference has them.
const committed = (itemId: string, previous: string | null) => ({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId });
const userAudioItem = (itemId: string, previous: string | null) => ({
  type: 'conversation.item.added',
  previous_item_id: previous,
  item: { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] },
});
const typedItem = (itemId: string, previous: string | null, text: string) => ({
  type: 'conversation.item.added',
  previous_item_id: previous,
  item: { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text }] },
});
const assistantItem = (itemId: string, previous: string | null) => [
  { type: 'response.output_item.added', response_id: 'resp', output_index: 0, item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
  { type: 'conversation.item.added', previous_item_id: previous, item: { id: itemId, type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
];
const said = (itemId: string, delta: string) => ({ type: 'response.output_audio_transcript.delta', item_id: itemId, delta });
const saidDone = (itemId: string, transcript: string) => ({ type: 'response.output_audio_transcript.done', item_id: itemId, transcript });
const heard = (itemId: string, delta: string) => ({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, delta });
const heardDone = (itemId: string, transcript: string) => ({ type: 'conversation.item.input_audio_transcription.completed', item_id: itemId, transcript });
const responseCreated = (id: string) => ({ type: 'response.created', response: { id, status: 'in_progress' } });
const responseDone = (id: string, status = 'completed') => ({ type: 'response.done', response: { id, status, output: [] } });
const callItem = (itemId: string, callId: string, status: string, args: string) => ({ id: itemId, type: 'function_call', status, name: 'background_agent', call_id: callId, arguments: args });
/** Every event the live API sends about one function call, from first to last. */
function callEvents(itemId: string, callId: string, previous: string | null, prompt: string, status: 'completed' | 'incomplete' = 'completed') {
  const whole = JSON.stringify({ prompt });
  const sent = status === 'completed' ? whole : whole.slice(0, Math.floor(whole.length / 2));
  return [
    { type: 'response.output_item.added', response_id: 'resp', output_index: 1, item: callItem(itemId, callId, 'in_progress', '') },
    { type: 'conversation.item.added', previous_item_id: previous, item: callItem(itemId, callId, 'in_progress', '') },
    { type: 'response.function_call_arguments.delta', response_id: 'resp', item_id: itemId, output_index: 1, call_id: callId, delta: sent },
    ...(status === 'completed'
      ? [{ type: 'response.function_call_arguments.done', response_id: 'resp', item_id: itemId, output_index: 1, call_id: callId, name: 'background_agent', arguments: whole }]
      : []),
    { type: 'response.output_item.done', response_id: 'resp', output_index: 1, item: callItem(itemId, callId, status, sent) },
    { type: 'conversation.item.done', previous_item_id: previous, item: callItem(itemId, callId, status, sent) },
  ];
}

test('v2: user speech transcribed after the assistant replied lands on the user\'s own item, above the reply', async (t) => {
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [
      {
        batches: [
          [
            ...sessionStarted('sess_late'),
            committed('item_u1', null),
            userAudioItem('item_u1', null),
            responseCreated('resp_1'),
            ...assistantItem('item_a1', 'item_u1'),
            said('item_a1', 'Sure, '),
            said('item_a1', 'which day?'),
            // Transcription is asynchronous: the user's words arrive in the middle of the reply.
            heard('item_u1', 'book a '),
            said('item_a1', ' For how many?'),
            heardDone('item_u1', 'Book a table.'),
            saidDone('item_a1', 'Sure, which day? For how many?'),
            responseDone('resp_1'),
          ],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === 'item_a1' && event.final === true);
  const userEntry = harness.eventsOf('transcript.entry').find((event) => event.itemId === 'item_u1');
  assert.equal(userEntry?.previousItemId, null, 'the user item is the first of the conversation');
  assert.deepEqual(shown(timeline(harness.events)), ['user: Book a table.', 'assistant: Sure, which day? For how many?']);
});

test('v2: a .completed event replaces the text of its own item only', async (t) => {
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [
      {
        batches: [
          [
            ...sessionStarted('sess_own'),
            committed('item_u1', null),
            heard('item_u1', 'first thing'),
            committed('item_u2', 'item_u1'),
            heard('item_u2', 'second thing'),
            heardDone('item_u1', 'First thing.'), // late, for the older item: the newer one keeps its words
            ...assistantItem('item_a1', 'item_u2'),
            said('item_a1', 'Noted both.'),
            saidDone('item_a1', 'Noted both.'),
          ],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === 'item_a1' && event.final === true);
  assert.deepEqual(shown(timeline(harness.events)), ['user: First thing.', 'user: second thing', 'assistant: Noted both.']);
});

test('v2: after a typed message the reply gets its own bubble, below the message; the previous reply is untouched', async (t) => {
  const { realtime, harness } = await startV2Scenario(t, {
    realtime: [
      {
        batches: [
          [...sessionStarted('sess_typed'), responseCreated('resp_0'), ...assistantItem('item_a0', null), said('item_a0', 'Hello!'), saidDone('item_a0', 'Hello!'), responseDone('resp_0')],
          // answers the client's conversation.item.create (frame 1)
          [typedItem('item_t1', 'item_a0', 'what time is it?')],
          // answers its response.create (frame 2)
          [responseCreated('resp_1'), ...assistantItem('item_a1', 'item_t1'), said('item_a1', 'It is '), said('item_a1', 'noon.'), saidDone('item_a1', 'It is noon.'), responseDone('resp_1')],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === 'item_a0' && event.final === true);
  harness.session.sendText('what time is it?');
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === 'item_a1' && event.final === true);
  const placed = await harness.waitForEvent('user.text.placed');
  assert.deepEqual(placed, { type: 'user.text.placed', itemId: 'item_t1', text: 'what time is it?' });
  const state = timeline(harness.events);
  assert.deepEqual(shown(state), ['assistant: Hello!', 'typed: what time is it?', 'assistant: It is noon.']);
  assert.equal(harness.eventsOf('handoff.requested').length, 0);
});

test('v2: the handoff context is the items before the call in conversation order, and a handoff takes only what is new', async (t) => {
  const { agent, realtime, harness } = await startV2Scenario(t, {
    agentReplies: [
      { kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'Two flights.') },
      { kind: 'sse', events: assistantMessageEvents('r2', 'm2', 'One hotel.') },
    ],
    realtime: [
      {
        batches: [
          [
            ...sessionStarted('sess_ctx'),
            committed('item_u1', null),
            responseCreated('resp_1'),
            ...assistantItem('item_a1', 'item_u1'),
            said('item_a1', 'Let me check.'),
            spokenPreamble('item_a1'), // heard: the handoff needs no acknowledgement
            heardDone('item_u1', 'Find flights to Oslo.'), // arrives after the reply started
            ...callEvents('item_f1', 'call_1', 'item_a1', 'Find flights to Oslo'),
            responseDone('resp_1'),
          ],
          [],
          [
            committed('item_u2', 'item_f1'),
            heardDone('item_u2', 'And a hotel.'),
            ...callEvents('item_f2', 'call_2', 'item_u2', 'Find a hotel in Oslo'),
          ],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  const first = await harness.waitForEvent('handoff.requested', (event) => event.handoffId === 'call_1');
  assert.equal(first.agentText, 'Find flights to Oslo\n\nConversation since the last handoff:\nuser: Find flights to Oslo.\nassistant: Let me check.');
  await harness.waitForEvent('handoff.completed', (event) => event.handoffId === 'call_1');
  await realtime.waitForFrame(0, typeIs('response.create')); // frame 2 releases the next batch
  const second = await harness.waitForEvent('handoff.requested', (event) => event.handoffId === 'call_2');
  assert.equal(second.agentText, 'Find a hotel in Oslo\n\nConversation since the last handoff:\nuser: And a hotel.');
  const requests = await agent.waitForRequests(2);
  assert.deepEqual(userInputTexts(requests[0]!), [first.agentText]);
});

test('v2: a call cut off by a barge-in is shown as cut off, never delegated, and gets no output', async (t) => {
  const { agent, realtime, harness } = await startV2Scenario(t, {
    agentReplies: [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'should not run') }],
    realtime: [
      {
        batches: [
          [
            ...sessionStarted('sess_cut'),
            committed('item_u1', null),
            heardDone('item_u1', 'Delete the old logs.'),
            responseCreated('resp_1'),
            ...callEvents('item_f1', 'call_cut', 'item_u1', 'Delete every log older than a week', 'incomplete'),
            responseDone('resp_1', 'cancelled'),
          ],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  const incomplete = await harness.waitForEvent('handoff.incomplete');
  assert.equal(incomplete.handoffId, 'call_cut');
  assert.match(incomplete.arguments, /^\{"prompt":"Delete/);
  await settle();
  assert.equal(harness.eventsOf('handoff.requested').length, 0);
  assert.equal(agent.requests.length, 0);
  assert.equal(realtime.connections[0]!.frames.filter((frame: any) => frame.item?.type === 'function_call_output').length, 0);
  const state = timeline(harness.events);
  assert.deepEqual(shown(state), ['user: Delete the old logs.', 'card call_cut (incomplete)']);
});

test('v2: every event the API sends about one call makes one handoff, and a two-message answer makes one output', async (t) => {
  const first = assistantMessageEvents('resp-1', 'msg-1', 'Checking the disk.');
  const second = assistantMessageEvents('resp-1', 'msg-2', 'The disk is full.');
  const twoMessages = [...first.slice(0, -1), ...second.slice(1)];
  const { agent, realtime, harness } = await startV2Scenario(t, {
    agentReplies: [{ kind: 'sse', events: twoMessages }],
    realtime: [
      {
        batches: [
          [
            ...sessionStarted('sess_once'),
            committed('item_u1', null),
            heardDone('item_u1', 'Why is the build failing?'),
            responseCreated('resp_1'),
            ...callEvents('item_f1', 'call_once', 'item_u1', 'Find why the build fails'),
            // a repeat of the final item event must not delegate again
            { type: 'conversation.item.done', previous_item_id: 'item_u1', item: callItem('item_f1', 'call_once', 'completed', '{"prompt":"Find why the build fails"}') },
            responseDone('resp_1'),
          ],
        ],
      },
    ],
  });
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await harness.waitForEvent('handoff.completed');
  await realtime.waitForFrame(0, (frame) => frame.item?.type === 'function_call_output');
  await settle();
  assert.equal(harness.eventsOf('handoff.requested').length, 1);
  assert.equal(agent.requests.length, 1);
  const frames = realtime.connections[0]!.frames as any[];
  const outputs = frames.filter((frame) => frame.item?.type === 'function_call_output').map((frame) => [frame.item.call_id, frame.item.output]);
  assert.deepEqual(outputs, [['call_once', 'The disk is full.']]);
  // Nothing was heard before the call: first the acknowledgement, then the earlier message as progress.
  const progress = frames.filter((frame) => frame.item?.type === 'message').map((frame) => frame.item.content[0].text);
  assert.deepEqual(progress, [ACKNOWLEDGE_PROMPT, progressItemText(['- The agent said: Checking the disk.'], false)]);
  const [card] = cards(timeline(harness.events));
  assert.equal(handoffAnswerText(card!), 'Checking the disk.\n\nThe disk is full.', 'the card shows both messages as one answer');
});

test('v2: a handoff that steers the running turn is one card with both requests and one answer', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { agent, realtime, harness } = await startV2Scenario(t, {
    agentReplies: [
      { kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'Flights found.'), gate },
      { kind: 'sse', events: assistantMessageEvents('r2', 'm2', 'Flights and hotel found.') },
    ],
    realtime: [
      {
        batches: [
          [...sessionStarted('sess_steer_card'), committed('item_u1', null), heardDone('item_u1', 'Find flights.'), ...callEvents('item_f1', 'call_a', 'item_u1', 'Find flights')],
          [committed('item_u2', 'item_f1'), heardDone('item_u2', 'And a hotel.'), ...callEvents('item_f2', 'call_b', 'item_u2', 'Also find a hotel')],
        ],
      },
    ],
  });
  t.after(() => release());
  await harness.session.start({ config: sessionConfig('v2', realtime.url), apiKey: TEST_API_KEY });
  await agent.waitForRequests(1);
  harness.session.sendAudio(Buffer.alloc(960)); // releases the second batch
  await harness.waitForEvent('handoff.steered');
  release();
  await harness.waitForEvent('handoff.completed');
  const state = timeline(harness.events);
  assert.deepEqual(shown(state), ['user: Find flights.', 'card call_a (answered)', 'user: And a hotel.']);
  const [card] = cards(state);
  assert.equal(card!.requests.length, 2);
  assert.match(card!.requests[0]!, /^Find flights/);
  assert.match(card!.requests[1]!, /^Also find a hotel/);
  assert.deepEqual(card!.handoffIds, ['call_a', 'call_b']);
  assert.equal(handoffAnswerText(card!), 'Flights found.\n\nFlights and hotel found.');
});
