import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as nodeTest, type TestContext } from 'node:test';
import { WebSocket, type RawData } from 'ws';
import { startGaRealtimeServer, type FinishedResponse, type GaRealtimeServer, type GaRealtimeServerOptions, type ResponseHandle } from './ga-realtime-server';
import { pcm16Base64 } from './mock-realtime-server';
import { loadRealtimeSpec, validateClientEvent, validateServerEvent } from './realtime-spec';

type Event = Record<string, any>;

const SAMPLES_PER_MS = 24;
/** A rule the server stops enforcing must fail the test, not hang it on a promise that never settles. */
const TEST_TIMEOUT_MS = 10_000;
const test = (name: string, body: (t: TestContext) => void | Promise<void>) => nodeTest(name, { timeout: TEST_TIMEOUT_MS }, body);
const API_KEY = 'sk-test-standin';

/** The shape of Parley's v2 session.update: push-to-talk, transcription, the handoff tool with descriptions. */
const PARLEY_SESSION = {
  type: 'realtime',
  instructions: 'Be brief.',
  output_modalities: ['audio'],
  audio: {
    input: { format: { type: 'audio/pcm', rate: 24_000 }, transcription: { model: 'gpt-4o-mini-transcribe' }, turn_detection: null },
    output: { format: { type: 'audio/pcm', rate: 24_000 }, voice: 'marin' },
  },
  tools: [
    {
      type: 'function',
      name: 'background_agent',
      description: 'Hand the request to a background agent.',
      parameters: { type: 'object', properties: { prompt: { type: 'string', description: 'The request.' } }, required: ['prompt'] },
    },
  ],
  tool_choice: 'auto',
};

interface RawClient {
  socket: WebSocket;
  /** Every server event received, parsed. */
  events: Event[];
  send(event: Event): void;
  /** The first event at or after `from` matching (a type or a predicate). */
  waitFor(match: string | ((event: Event) => boolean), from?: number, timeoutMs?: number): Promise<Event>;
  /** Types of the events received from index `from` on. */
  typesFrom(from: number): string[];
}

async function startServer(t: TestContext, options: GaRealtimeServerOptions = {}): Promise<GaRealtimeServer> {
  const server = await startGaRealtimeServer({ apiKey: API_KEY, ...options });
  t.after(async () => {
    await server.close(); // first: a failed check below must not leave the server listening
    // The stand-in must never send an event the spec does not allow, whatever the test did.
    assert.deepEqual(server.invalidServerEvents, [], 'every server event validates against the spec');
    assert.deepEqual(server.errorsSent.filter((error) => error.code === 'stand_in_failure'), [], 'the stand-in never failed');
  });
  return server;
}

/** A raw ws client; after the test it checks every event it received against the spec. */
async function connect(t: TestContext, server: GaRealtimeServer, headers: Record<string, string> = { Authorization: `Bearer ${API_KEY}` }): Promise<RawClient> {
  const socket = new WebSocket(`${server.wsUrl}?model=gpt-realtime`, { headers });
  const events: Event[] = [];
  const wakers = new Set<() => void>();
  socket.on('message', (data: RawData) => {
    events.push(JSON.parse(data.toString()) as Event);
    for (const wake of [...wakers]) wake();
  });
  t.after(() => {
    socket.terminate();
    const invalid = events.flatMap((event) => validateServerEvent(event));
    assert.deepEqual(invalid, [], 'every event the client received validates');
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    events,
    send: (event) => socket.send(JSON.stringify(event)),
    typesFrom: (from) => events.slice(from).map((event) => event['type'] as string),
    waitFor(match, from = 0, timeoutMs = 2_000) {
      const predicate = typeof match === 'string' ? (event: Event) => event['type'] === match : match;
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = events.slice(from).find(predicate);
          if (!found) return false;
          clearTimeout(timer);
          wakers.delete(check);
          resolve(found);
          return true;
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`no ${typeof match === 'string' ? match : 'matching event'} after #${from}; got ${JSON.stringify(events.slice(from).map((event) => event['type']))}`));
        }, timeoutMs);
        if (!check()) wakers.add(check);
      });
    },
  };
}

/** Connects and configures the session (Parley-like by default, with changes merged in). */
async function session(t: TestContext, options: GaRealtimeServerOptions = {}, changes: Event = {}) {
  const server = await startServer(t, options);
  const client = await connect(t, server);
  client.send({ type: 'session.update', event_id: 'evt_setup', session: { ...PARLEY_SESSION, ...changes } });
  await server.waitForSession();
  await client.waitFor('session.updated');
  return { server, client };
}

/** Sends `ms` of audio then a commit, as push-to-talk does. */
function speakAndCommit(client: RawClient, ms: number, eventId = 'evt_commit'): void {
  client.send({ type: 'input_audio_buffer.append', audio: pcm16Base64(ms * SAMPLES_PER_MS) });
  client.send({ type: 'input_audio_buffer.commit', event_id: eventId });
}

/** Waits for a scripted response to finish and for the client to have received its response.done. */
async function received(client: RawClient, handle: ResponseHandle): Promise<FinishedResponse> {
  const finished = await handle.done;
  await client.waitFor((event) => event['type'] === 'response.done' && event['response']['id'] === finished.id);
  return finished;
}

function audioSamples(events: Event[], itemId?: string): number {
  return events
    .filter((event) => event['type'] === 'response.output_audio.delta' && (itemId === undefined || event['item_id'] === itemId))
    .reduce((total, event) => total + Buffer.from(event['delta'] as string, 'base64').length / 2, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---- the spec validator ---------------------------------------------------------------------

test('spec: a Parley-style session.update with described function tools is valid', () => {
  assert.deepEqual(validateClientEvent({ type: 'session.update', event_id: 'e1', session: PARLEY_SESSION }), []);
});

test('spec: violations name the event type and the JSON path', () => {
  assert.deepEqual(validateClientEvent({ type: 'session.update', session: { type: 'realtime', temperature: 0.8 } }), [
    'session.update session.temperature: unknown field',
  ]);
  assert.deepEqual(validateClientEvent({ type: 'conversation.item.create', item: { type: 'function_call_output', output: 'x' } }), [
    'conversation.item.create item.call_id: is required',
  ]);
  assert.deepEqual(validateClientEvent({ type: 'conversation.item.truncate', item_id: 'a', content_index: 0, audio_end_ms: '5' }), [
    'conversation.item.truncate audio_end_ms: must be integer',
  ]);
  assert.deepEqual(
    validateClientEvent({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'output_text', text: 'hi' }] } }),
    ['conversation.item.create item.content[0].type: must be one of "input_text", "input_audio", "input_image"'],
  );
  // The raw JSON text is accepted too.
  assert.deepEqual(validateClientEvent('{"type":"response.cancel","response_idd":"r"}'), ['response.cancel response_idd: unknown field']);
});

test('spec: beta names, unknown types and non-JSON are violations', () => {
  assert.match(validateClientEvent({ type: 'transcription_session.update', session: {} })[0]!, /beta event type/);
  assert.match(validateClientEvent({ type: 'response.audio.delta' })[0]!, /not a GA client event type/);
  assert.match(validateServerEvent({ type: 'response.audio.delta', event_id: 'e' })[0]!, /not a GA server event type/);
  assert.deepEqual(validateClientEvent('not json'), ['(no type) (frame): is not valid JSON']);
});

test('spec: server events are checked against the server schemas', () => {
  assert.deepEqual(validateServerEvent({ type: 'response.done', event_id: 'e', response: { id: 'r', status: 'completed' } }), []);
  assert.deepEqual(validateServerEvent({ type: 'response.done', event_id: 'e', response: { id: 'r', status: 'completed', status_details: null } }), [
    'response.done response.status_details: must be object',
  ]);
  assert.deepEqual(validateServerEvent({ type: 'input_audio_buffer.committed', item_id: 'i' }), ['input_audio_buffer.committed event_id: is required']);
});

test('spec: a missing spec file throws naming where it is expected', () => {
  const folder = mkdtempSync(join(tmpdir(), 'parley-spec-'));
  try {
    assert.throws(() => loadRealtimeSpec(join(folder, 'realtime-ga.schema.json')), /is missing.*shared\/spec\/ beside the checkout/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

// ---- handshake and session ------------------------------------------------------------------

test('handshake: wrong path is 404, no bearer and a wrong key are 401 without echoing the key, the beta header is 400', async (t) => {
  const server = await startServer(t);
  const statusOf = (url: string, headers: Record<string, string>) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(url, { headers });
      socket.on('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      socket.on('open', () => reject(new Error(`${url} was accepted`)));
      socket.on('error', () => {});
    });
  const base = server.url.replace('http', 'ws');
  assert.equal((await statusOf(`${base}/v1/other?model=m`, { Authorization: `Bearer ${API_KEY}` })).status, 404);
  assert.equal((await statusOf(server.wsUrl, {})).status, 401);
  const wrongKey = await statusOf(server.wsUrl, { Authorization: 'Bearer sk-wrong-secret' });
  assert.equal(wrongKey.status, 401);
  assert.doesNotMatch(wrongKey.body, /sk-wrong-secret/);
  assert.equal(JSON.parse(wrongKey.body).error.code, 'invalid_api_key');
  assert.equal((await statusOf(server.wsUrl, { Authorization: `Bearer ${API_KEY}`, 'OpenAI-Beta': 'realtime=v1' })).status, 400);
  assert.deepEqual(server.refusedHandshakes.map((refused) => refused.status), [404, 401, 401, 400]);
  assert.equal(server.connections.length, 0);
});

test('session.created comes first with server defaults; session.updated answers session.update with the merged session', async (t) => {
  const server = await startServer(t);
  const client = await connect(t, server);
  const created = await client.waitFor('session.created');
  assert.equal(client.events[0]!['type'], 'session.created');
  assert.equal(created['session']['model'], 'gpt-realtime');
  assert.equal(created['session']['audio']['input']['turn_detection']['type'], 'server_vad');
  assert.equal(created['session']['audio']['output']['voice'], 'alloy');
  assert.equal(created['session']['audio']['input']['transcription'], undefined, 'no transcription until the client asks');
  assert.equal(server.connections[0]!.handshake.query['model'], 'gpt-realtime');

  client.send({ type: 'session.update', event_id: 'evt_1', session: PARLEY_SESSION });
  const session = await server.waitForSession();
  const updated = await client.waitFor('session.updated');
  assert.equal(updated['session']['id'], created['session']['id']);
  assert.equal(updated['session']['instructions'], 'Be brief.');
  assert.equal(updated['session']['audio']['output']['voice'], 'marin');
  assert.equal(updated['session']['audio']['input']['turn_detection'], null);
  assert.deepEqual(updated['session']['audio']['input']['transcription'], { model: 'gpt-4o-mini-transcribe' });
  assert.equal(updated['session']['tools'][0]['name'], 'background_agent');
  assert.deepEqual(session, updated['session']);

  // A later update changes only what it names.
  client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'Be briefer.' } });
  const second = await client.waitFor((event) => event['type'] === 'session.updated' && event['session']['instructions'] === 'Be briefer.');
  assert.equal(second['session']['audio']['output']['voice'], 'marin');
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
});

test('an unknown field in session.update is answered by error unknown_parameter naming the event_id, and nothing is applied', async (t) => {
  const server = await startServer(t);
  const client = await connect(t, server);
  client.send({ type: 'session.update', event_id: 'evt_bad', session: { ...PARLEY_SESSION, temperature: 0.7 } });
  const error = await client.waitFor('error');
  assert.equal(error['error']['type'], 'invalid_request_error');
  assert.equal(error['error']['code'], 'unknown_parameter');
  assert.equal(error['error']['param'], 'session.temperature');
  assert.equal(error['error']['event_id'], 'evt_bad');
  assert.match(error['error']['message'], /Unknown parameter: 'session.temperature'/);
  assert.equal(server.session['instructions'], 'You are a helpful, witty, and friendly AI.', 'the server still runs on its defaults');
  assert.equal(client.events.filter((event) => event['type'] === 'session.updated').length, 0);
  assert.equal(server.violations.length, 1);
  assert.deepEqual(server.violations[0]!.violations, ['session.update session.temperature: unknown field']);
  await assert.rejects(server.waitForSession(50), /no session.update was answered.*unknown_parameter/);
});

test('a schema violation in any frame is answered by invalid_request_error naming the path and recorded', async (t) => {
  const { server, client } = await session(t);
  const from = client.events.length;
  client.send({ type: 'conversation.item.truncate', event_id: 'evt_t', item_id: 'x', content_index: 0, audio_end_ms: '12' });
  client.send({ type: 'response.audio.delta', event_id: 'evt_beta' });
  client.socket.send('{not json');
  await client.waitFor((event) => event['type'] === 'error' && event['error']['code'] === 'invalid_json', from);
  const errors = client.events.slice(from).map((event) => event['error']);
  assert.deepEqual(
    errors.map((error) => [error['code'], error['param'], error['event_id']]),
    [
      ['invalid_type', 'audio_end_ms', 'evt_t'],
      ['invalid_value', 'type', 'evt_beta'],
      ['invalid_json', null, null],
    ],
  );
  assert.equal(server.violations.length, 3);
  assert.equal(server.errorsSent.length, 3);
  assert.equal(server.frames.length, 4, 'session.update plus the three bad frames are all recorded');
});

// ---- items and input audio ------------------------------------------------------------------

test('conversation.item.create answers added then done with previous_item_id and honours previous_item_id', async (t) => {
  const { server, client } = await session(t);
  const from = client.events.length;
  const text = (value: string) => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text: value }] });
  client.send({ type: 'conversation.item.create', item: { id: 'item_a', ...text('first') } });
  client.send({ type: 'conversation.item.create', item: { id: 'item_b', ...text('second') } });
  client.send({ type: 'conversation.item.create', previous_item_id: 'item_a', item: { id: 'item_c', ...text('between') } });
  client.send({ type: 'conversation.item.create', event_id: 'evt_x', previous_item_id: 'item_zzz', item: text('lost') });
  client.send({ type: 'conversation.item.create', event_id: 'evt_dup', item: { id: 'item_a', ...text('again') } });
  await client.waitFor((event) => event['type'] === 'error' && event['error']['event_id'] === 'evt_dup', from);
  const events = client.events.slice(from);
  assert.deepEqual(
    events.map((event) => [event['type'], event['item']?.['id'] ?? event['error']['event_id'], event['previous_item_id']]),
    [
      ['conversation.item.added', 'item_a', null],
      ['conversation.item.done', 'item_a', null],
      ['conversation.item.added', 'item_b', 'item_a'],
      ['conversation.item.done', 'item_b', 'item_a'],
      ['conversation.item.added', 'item_c', 'item_a'],
      ['conversation.item.done', 'item_c', 'item_a'],
      ['error', 'evt_x', undefined],
      ['error', 'evt_dup', undefined],
    ],
  );
  assert.deepEqual(server.conversation.map((entry) => entry.item['id']), ['item_a', 'item_c', 'item_b']);
  assert.deepEqual(server.violations, [], 'rule errors are not schema violations');
});

test('conversation.item.delete and .retrieve act on existing items only', async (t) => {
  const { server, client } = await session(t);
  client.send({ type: 'conversation.item.create', item: { id: 'item_a', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } });
  client.send({ type: 'conversation.item.retrieve', item_id: 'item_a' });
  const retrieved = await client.waitFor('conversation.item.retrieved');
  assert.equal(retrieved['item']['content'][0]['text'], 'hi');
  client.send({ type: 'conversation.item.delete', item_id: 'item_a' });
  await client.waitFor('conversation.item.deleted');
  client.send({ type: 'conversation.item.retrieve', event_id: 'evt_r', item_id: 'item_a' });
  const error = await client.waitFor('error');
  assert.equal(error['error']['event_id'], 'evt_r');
  assert.deepEqual(server.conversation, []);
});

test('commit needs at least 100 ms of audio: 99 ms is refused, 100 ms becomes a user item after the previous one', async (t) => {
  const { server, client } = await session(t);
  client.send({ type: 'conversation.item.create', item: { id: 'item_typed', type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] } });
  client.send({ type: 'input_audio_buffer.commit', event_id: 'evt_empty' });
  const empty = await client.waitFor('error');
  assert.equal(empty['error']['code'], 'input_audio_buffer_commit_empty');
  assert.equal(empty['error']['event_id'], 'evt_empty');

  speakAndCommit(client, 99, 'evt_short');
  const short = await client.waitFor((event) => event['type'] === 'error' && event['error']['event_id'] === 'evt_short');
  assert.match(short['error']['message'], /at least 100ms of audio, but buffer only has 99\.00ms/);

  client.send({ type: 'input_audio_buffer.append', audio: pcm16Base64(SAMPLES_PER_MS) }); // 99 + 1 = 100 ms in the buffer
  client.send({ type: 'input_audio_buffer.commit' });
  const committed = await client.waitFor('input_audio_buffer.committed');
  assert.equal(committed['previous_item_id'], 'item_typed');
  const added = await client.waitFor((event) => event['type'] === 'conversation.item.added' && event['item']['id'] === committed['item_id']);
  assert.equal(added['item']['role'], 'user');
  assert.equal(added['previous_item_id'], 'item_typed');
  assert.equal(server.conversation[1]!.userAudioMs, 100);

  client.send({ type: 'input_audio_buffer.append', audio: 'not base64!' });
  assert.match((await client.waitFor((event) => event['type'] === 'error' && event['error']['param'] === 'audio'))['error']['message'], /base64/);
});

// ---- responses ------------------------------------------------------------------------------

test('a scripted reply streams the live event order with the scripted audio length, transcript and usage', async (t) => {
  const { server, client } = await session(t);
  const reply = server.respond({ say: 'Let me check that.', audioMs: 450 });
  const from = client.events.length;
  client.send({ type: 'response.create', event_id: 'evt_go' });
  const finished = await received(client, reply);
  const types = client.typesFrom(from);
  assert.deepEqual(types, [
    'response.created',
    'response.output_item.added',
    'conversation.item.added',
    'response.content_part.added',
    // 450 ms in 100 ms chunks: five audio deltas, the four words ahead of the first four.
    ...Array.from({ length: 4 }, () => ['response.output_audio_transcript.delta', 'response.output_audio.delta']).flat(),
    'response.output_audio.delta',
    'response.output_audio.done',
    'response.output_audio_transcript.done',
    'response.content_part.done',
    'response.output_item.done',
    'conversation.item.done',
    'response.done',
  ]);
  const events = client.events.slice(from);
  assert.equal(audioSamples(events), 450 * SAMPLES_PER_MS);
  const transcript = events.filter((event) => event['type'] === 'response.output_audio_transcript.delta').map((event) => event['delta']).join('');
  assert.equal(transcript, 'Let me check that.');
  const done = events[events.length - 1]!;
  assert.equal(done['response']['status'], 'completed');
  assert.equal(done['response']['output'][0]['content'][0]['transcript'], 'Let me check that.');
  assert.equal(done['response']['output'][0]['status'], 'completed');
  const usage = done['response']['usage'];
  assert.equal(usage['output_token_details']['audio_tokens'], 9, '450 ms at 50 ms per token');
  assert.equal(usage['total_tokens'], usage['input_tokens'] + usage['output_tokens']);
  assert.equal(usage['input_tokens'], usage['input_token_details']['text_tokens'] + usage['input_token_details']['audio_tokens']);
  assert.equal(finished.status, 'completed');
  assert.equal(finished.audioMs, 450);
  assert.equal(server.responseActive, false);
  assert.deepEqual(server.conversation.map((entry) => entry.item['role']), ['assistant']);
});

test('a response waits, active, until the test scripts its reply', async (t) => {
  const { server, client } = await session(t);
  client.send({ type: 'response.create' });
  const created = await client.waitFor('response.created');
  await sleep(30);
  assert.equal(server.responseActive, true);
  assert.deepEqual(client.typesFrom(client.events.indexOf(created) + 1), []);
  const handle = server.respond({ say: 'Now.' });
  assert.equal((await received(client, handle)).id, created['response']['id']);
});

test('text modality streams response.output_text deltas and no audio', async (t) => {
  const { server, client } = await session(t, {}, { output_modalities: ['text'] });
  server.respond({ say: 'Written answer.' });
  client.send({ type: 'response.create' });
  const done = await client.waitFor('response.done');
  const from = client.events.findIndex((event) => event['type'] === 'response.created');
  const types = new Set(client.typesFrom(from));
  assert.ok(types.has('response.output_text.delta') && types.has('response.output_text.done'), 'text deltas and text done are sent');
  assert.ok(!types.has('response.output_audio.delta'), 'no audio in text modality');
  assert.deepEqual(done['response']['output'][0]['content'], [{ type: 'output_text', text: 'Written answer.' }]);
});

test('response.create while a response is active is refused with the active-response error', async (t) => {
  const { server, client } = await session(t);
  const reply = server.respond({ say: 'Still talking.', holdBeforeDone: true });
  client.send({ type: 'response.create', event_id: 'evt_first' });
  await reply.held;
  client.send({ type: 'response.create', event_id: 'evt_second' });
  const error = await client.waitFor('error');
  assert.equal(error['error']['code'], 'conversation_already_has_active_response');
  assert.match(error['error']['message'], /^Conversation already has an active response in progress/);
  assert.equal(error['error']['event_id'], 'evt_second');
  reply.release();
  assert.equal((await received(client, reply)).status, 'completed');
  server.respond({ say: 'Next.' });
  client.send({ type: 'response.create', event_id: 'evt_third' });
  await client.waitFor((event) => event['type'] === 'response.done' && event['response']['id'] !== reply.responseId);
  assert.equal(server.errorsSent.length, 1);
});

test('response.cancel ends the active response as cancelled with the open item incomplete; with none active it is an error', async (t) => {
  const { server, client } = await session(t);
  const reply = server.respond({ say: 'A long answer that gets cut off.', audioMs: 1_000, holdAfterAudioMs: 300 });
  client.send({ type: 'response.create' });
  await reply.held;
  client.send({ type: 'response.cancel', event_id: 'evt_cancel' });
  const finished = await received(client, reply);
  assert.equal(finished.status, 'cancelled');
  assert.deepEqual(finished.statusDetails, { type: 'cancelled', reason: 'client_cancelled' });
  assert.equal(finished.audioMs, 300, 'nothing more is sent after the cancel');
  const itemDone = client.events.find((event) => event['type'] === 'response.output_item.done')!;
  assert.equal(itemDone['item']['status'], 'incomplete');
  const spoken = client.events.filter((event) => event['type'] === 'response.output_audio_transcript.delta').map((event) => event['delta']).join('');
  assert.equal(itemDone['item']['content'][0]['transcript'], spoken);
  assert.ok(spoken.length < 'A long answer that gets cut off.'.length, 'only part of the answer was spoken');

  client.send({ type: 'response.cancel', event_id: 'evt_again' });
  const error = await client.waitFor('error');
  assert.equal(error['error']['code'], 'response_cancel_not_active');
  assert.equal(error['error']['event_id'], 'evt_again');
});

test('a cancel during paced streaming finishes the response at once', async (t) => {
  const { server, client } = await session(t, { eventDelayMs: 20 });
  const reply = server.respond({ say: 'One two three four five six.', audioMs: 2_000 });
  client.send({ type: 'response.create' });
  await client.waitFor('response.output_audio.delta');
  client.send({ type: 'response.cancel' });
  const finished = await received(client, reply);
  assert.equal(finished.status, 'cancelled');
  assert.ok(finished.audioMs < 2_000, `cancelled before the end (${finished.audioMs} ms sent)`);
  await sleep(60); // several event delays: a runner that kept going would have sent more by now
  const afterDone = client.events.slice(client.events.findIndex((event) => event['type'] === 'response.done') + 1);
  assert.deepEqual(afterDone, [], 'no stray delta follows response.done');
});

// ---- function calls -------------------------------------------------------------------------

test('a completed function call streams its arguments and accepts exactly one output for its call_id', async (t) => {
  const { server, client } = await session(t);
  const args = { prompt: 'Find the latest release notes of the project and summarise them.' };
  const reply = server.respondWithCall({ say: 'Let me check.', audioMs: 400, name: 'background_agent', callId: 'call_1', arguments: args });
  client.send({ type: 'response.create' });
  const finished = await received(client, reply);
  assert.deepEqual(finished.callIds, ['call_1']);
  const deltas = client.events.filter((event) => event['type'] === 'response.function_call_arguments.delta');
  assert.ok(deltas.length > 1, 'the arguments arrive in several deltas');
  assert.equal(deltas.map((event) => event['delta']).join(''), JSON.stringify(args));
  const argumentsDone = await client.waitFor('response.function_call_arguments.done');
  assert.equal(argumentsDone['arguments'], JSON.stringify(args));
  const callDone = await client.waitFor((event) => event['type'] === 'conversation.item.done' && event['item']['type'] === 'function_call');
  assert.equal(callDone['item']['status'], 'completed');
  assert.equal(callDone['previous_item_id'], finished.itemIds[0], 'the call follows the spoken message');

  const from = client.events.length;
  client.send({ type: 'conversation.item.create', event_id: 'evt_out1', item: { type: 'function_call_output', call_id: 'call_1', output: 'Done.' } });
  client.send({ type: 'conversation.item.create', event_id: 'evt_out2', item: { type: 'function_call_output', call_id: 'call_1', output: 'Again.' } });
  const error = await client.waitFor('error', from);
  assert.equal(error['error']['event_id'], 'evt_out2');
  assert.match(error['error']['message'], /already has an output/);
  assert.deepEqual(client.typesFrom(from), ['conversation.item.added', 'conversation.item.done', 'error']);
});

test('a function_call_output for an unknown call_id is refused', async (t) => {
  const { server, client } = await session(t);
  client.send({ type: 'conversation.item.create', event_id: 'evt_orphan', item: { type: 'function_call_output', call_id: 'call_nobody', output: 'x' } });
  const error = await client.waitFor('error');
  assert.equal(error['error']['param'], 'item.call_id');
  assert.equal(error['error']['event_id'], 'evt_orphan');
  assert.deepEqual(server.conversation, []);
});

test('an incomplete function call streams partial arguments, has no arguments.done, and the response ends incomplete', async (t) => {
  const { server, client } = await session(t);
  const reply = server.respondWithCall({ name: 'background_agent', callId: 'call_cut', arguments: { prompt: 'Refactor the whole audio pipeline' }, status: 'incomplete' });
  client.send({ type: 'response.create' });
  const finished = await received(client, reply);
  assert.equal(finished.status, 'incomplete');
  assert.deepEqual(finished.statusDetails, { type: 'incomplete', reason: 'max_output_tokens' });
  assert.ok(!client.events.some((event) => event['type'] === 'response.function_call_arguments.done'), 'a cut-off call has no arguments.done');
  const callDone = client.events.find((event) => event['type'] === 'conversation.item.done')!;
  assert.equal(callDone['item']['status'], 'incomplete');
  assert.throws(() => JSON.parse(callDone['item']['arguments']), 'the arguments are cut in half');
  // Even a cut-off call is a call: it takes one output.
  client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_cut', output: 'not delegated' } });
  await client.waitFor((event) => event['type'] === 'conversation.item.added' && event['item']['type'] === 'function_call_output');
});

test('a failed response carries status_details.error', async (t) => {
  const { server, client } = await session(t);
  const reply = server.respond({ items: [], outcome: { status: 'failed', error: { type: 'server_error', code: 'rate_limit_exceeded' } } });
  client.send({ type: 'response.create' });
  const finished = await received(client, reply);
  const done = await client.waitFor('response.done');
  assert.equal(finished.status, 'failed');
  assert.deepEqual(done['response']['status_details'], { type: 'failed', error: { type: 'server_error', code: 'rate_limit_exceeded' } });
  assert.deepEqual(done['response']['output'], []);
});

// ---- truncate and voice ---------------------------------------------------------------------

test('truncate within the audio sent is answered by conversation.item.truncated; a millisecond beyond is an error', async (t) => {
  const { server, client } = await session(t);
  const reply = server.respond({ say: 'One two three four.', audioMs: 400 });
  client.send({ type: 'response.create' });
  const [itemId] = (await received(client, reply)).itemIds;
  const from = client.events.length;
  client.send({ type: 'conversation.item.truncate', event_id: 'evt_long', item_id: itemId, content_index: 0, audio_end_ms: 401 });
  client.send({ type: 'conversation.item.truncate', event_id: 'evt_index', item_id: itemId, content_index: 1, audio_end_ms: 100 });
  client.send({ type: 'conversation.item.truncate', event_id: 'evt_ok', item_id: itemId, content_index: 0, audio_end_ms: 200 });
  const truncated = await client.waitFor('conversation.item.truncated', from);
  assert.deepEqual([truncated['item_id'], truncated['audio_end_ms']], [itemId, 200]);
  const errors = client.events.slice(from).filter((event) => event['type'] === 'error');
  assert.deepEqual(errors.map((event) => [event['error']['event_id'], event['error']['param']]), [
    ['evt_long', 'audio_end_ms'],
    ['evt_index', 'content_index'],
  ]);
  assert.match(errors[0]!['error']['message'], /400ms is already shorter than 401ms/);
  assert.equal((server.conversation[0]!.item['content'] as Event[])[0]!['transcript'], 'One two', 'the unheard half of the transcript is dropped');
});

test('truncate while the item is still streaming is bounded by the audio sent so far', async (t) => {
  const { server, client } = await session(t);
  const reply = server.respond({ say: 'Long.', audioMs: 1_000, holdAfterAudioMs: 200 });
  client.send({ type: 'response.create' });
  await reply.held;
  const itemId = (await client.waitFor('response.output_item.added'))['item']['id'];
  client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 201 });
  assert.match((await client.waitFor('error'))['error']['message'], /200ms is already shorter than 201ms/);
  client.send({ type: 'conversation.item.truncate', item_id: itemId, content_index: 0, audio_end_ms: 200 });
  await client.waitFor('conversation.item.truncated');
  client.send({ type: 'response.cancel' });
  assert.equal((await received(client, reply)).status, 'cancelled');
});

test('voice lock: the voice can change before any audio; afterwards an update containing it is rejected as a whole', async (t) => {
  const { server, client } = await session(t);
  client.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'cedar' } } } });
  await client.waitFor((event) => event['type'] === 'session.updated' && event['session']['audio']['output']['voice'] === 'cedar');

  server.respond({ say: 'Hello.', audioMs: 200 });
  client.send({ type: 'response.create' });
  await client.waitFor('response.done');
  const from = client.events.length;
  client.send({ type: 'session.update', event_id: 'evt_voice', session: { type: 'realtime', instructions: 'New.', audio: { output: { voice: 'cedar' } } } });
  const error = await client.waitFor('error', from);
  assert.equal(error['error']['code'], 'cannot_update_voice');
  assert.equal(error['error']['event_id'], 'evt_voice');
  assert.equal(server.session['instructions'], 'Be brief.', 'nothing of the rejected update is applied');

  client.send({ type: 'session.update', session: { type: 'realtime', instructions: 'New.', audio: { input: { turn_detection: { type: 'semantic_vad' } } } } });
  const updated = await client.waitFor('session.updated', from);
  assert.equal(updated['session']['instructions'], 'New.');
  assert.equal(updated['session']['audio']['input']['turn_detection']['eagerness'], 'auto', 'turn detection gets the defaults of its type');
  assert.deepEqual(server.violations, []);
});

test('the voice lock needs audio: a text-only reply leaves the voice changeable', async (t) => {
  const { server, client } = await session(t, {}, { output_modalities: ['text'] });
  server.respond({ say: 'Typed.' });
  client.send({ type: 'response.create' });
  await client.waitFor('response.done');
  client.send({ type: 'session.update', session: { type: 'realtime', audio: { output: { voice: 'ash' } } } });
  await client.waitFor((event) => event['type'] === 'session.updated' && event['session']['audio']['output']['voice'] === 'ash');
  assert.deepEqual(server.errorsSent, []);
});

// ---- transcription --------------------------------------------------------------------------

test('a late transcription arrives after the next response.done, on its own item', async (t) => {
  const { server, client } = await session(t);
  server.transcribeNext({ transcript: 'What is the weather?', late: true });
  speakAndCommit(client, 500);
  const committed = await client.waitFor('input_audio_buffer.committed');
  server.respond({ say: 'Checking.', audioMs: 200 });
  client.send({ type: 'response.create' });
  const completed = await client.waitFor('conversation.item.input_audio_transcription.completed');
  assert.equal(completed['item_id'], committed['item_id']);
  assert.equal(completed['transcript'], 'What is the weather?');
  const types = client.events.map((event) => event['type']);
  assert.ok(types.indexOf('response.done') < types.indexOf('conversation.item.input_audio_transcription.delta'), 'after the reply');
  const deltas = client.events.filter((event) => event['type'] === 'conversation.item.input_audio_transcription.delta');
  assert.equal(deltas.map((event) => event['delta']).join(''), 'What is the weather?');
  const assistantAdded = client.events.find((event) => event['type'] === 'conversation.item.added' && event['item']['role'] === 'assistant')!;
  assert.equal(assistantAdded['previous_item_id'], committed['item_id'], 'the reply sits after the user item in the conversation');
});

test('held transcriptions arrive in the order the test delivers them, after the replies', async (t) => {
  const { server, client } = await session(t);
  server.transcribeNext({ transcript: 'first words', late: 'held' });
  speakAndCommit(client, 300);
  const first = await client.waitFor('input_audio_buffer.committed');
  server.transcribeNext({ transcript: 'second words', late: 'held', deltas: false });
  speakAndCommit(client, 300);
  const second = await client.waitFor((event) => event['type'] === 'input_audio_buffer.committed' && event['item_id'] !== first['item_id']);
  assert.equal(second['previous_item_id'], first['item_id']);
  server.respond({ say: 'Both heard.' });
  client.send({ type: 'response.create' });
  await client.waitFor('response.done');
  assert.ok(!client.events.some((event) => event['type'].startsWith('conversation.item.input_audio_transcription')), 'held transcriptions wait');
  server.deliverTranscription(second['item_id']);
  server.deliverTranscription(first['item_id']);
  assert.throws(() => server.deliverTranscription(first['item_id']), /no held transcription/);
  await client.waitFor((event) => event['type'] === 'conversation.item.input_audio_transcription.completed' && event['item_id'] === first['item_id']);
  const transcription = client.events.filter((event) => event['type'].startsWith('conversation.item.input_audio_transcription'));
  assert.deepEqual(
    transcription.map((event) => [event['type'].split('.').pop(), event['item_id'] === first['item_id'] ? 'first' : 'second']),
    [['completed', 'second'], ['delta', 'first'], ['delta', 'first'], ['completed', 'first']],
  );
});

test('a failed transcription sends .failed for that item; without a transcription model nothing is sent', async (t) => {
  const { server, client } = await session(t);
  server.transcribeNext({ transcript: 'ignored', fails: 'Audio was unintelligible.' });
  speakAndCommit(client, 200);
  const failed = await client.waitFor('conversation.item.input_audio_transcription.failed');
  assert.equal(failed['error']['message'], 'Audio was unintelligible.');
  assert.equal(failed['item_id'], (await client.waitFor('input_audio_buffer.committed'))['item_id']);

  const plain = await startServer(t);
  const bare = await connect(t, plain);
  const { transcription: _omitted, ...inputWithoutTranscription } = PARLEY_SESSION.audio.input;
  bare.send({ type: 'session.update', session: { ...PARLEY_SESSION, audio: { ...PARLEY_SESSION.audio, input: inputWithoutTranscription } } });
  await plain.waitForSession();
  plain.transcribeNext({ transcript: 'unheard' });
  speakAndCommit(bare, 200);
  await bare.waitFor('conversation.item.done');
  await sleep(30);
  assert.ok(!bare.events.some((event) => event['type'].startsWith('conversation.item.input_audio_transcription')), 'no transcription without a model');
});

// ---- server VAD -----------------------------------------------------------------------------

test('server VAD: the user speaks a turn, it is committed after the previous item and a response follows', async (t) => {
  const { server, client } = await session(t, {}, { audio: { ...PARLEY_SESSION.audio, input: { ...PARLEY_SESSION.audio.input, turn_detection: { type: 'server_vad' } } } });
  client.send({ type: 'input_audio_buffer.append', audio: pcm16Base64(250 * SAMPLES_PER_MS) });
  await server.waitForFrame((frame) => frame.type === 'input_audio_buffer.append');
  const reply = server.respond({ say: 'Hi there.', audioMs: 300 });
  const from = client.events.length;
  const itemId = server.userSpeaks({ transcript: 'Hello.', audioMs: 800 });
  await received(client, reply);
  const events = client.events.slice(from);
  const headTypes = events.slice(0, 7).map((event) => event['type']);
  assert.deepEqual(headTypes, [
    'input_audio_buffer.speech_started',
    'input_audio_buffer.speech_stopped',
    'input_audio_buffer.committed',
    'conversation.item.added',
    'conversation.item.done',
    'conversation.item.input_audio_transcription.delta',
    'conversation.item.input_audio_transcription.completed',
  ]);
  assert.equal(events[0]!['audio_start_ms'], 250, 'speech starts where the appended audio ends');
  assert.equal(events[1]!['audio_end_ms'], 1_050);
  assert.ok(events.slice(0, 3).every((event) => event['item_id'] === itemId), 'speech events and commit name the user item');
  assert.equal(events[7]!['type'], 'response.created');
  assert.equal(server.responses.length, 1);
});

test('server VAD barge-in: speech_started cancels the active response (turn_detected) before speech_stopped', async (t) => {
  const { server, client } = await session(t, {}, { audio: { ...PARLEY_SESSION.audio, input: { ...PARLEY_SESSION.audio.input, turn_detection: { type: 'semantic_vad' } } } });
  const first = server.respond({ say: 'This answer will be interrupted halfway.', audioMs: 1_500, holdAfterAudioMs: 500 });
  client.send({ type: 'response.create' });
  await first.held;
  server.userStartsSpeaking();
  const from = client.events.indexOf(await client.waitFor('input_audio_buffer.speech_started'));
  const finished = await received(client, first);
  assert.deepEqual(finished.statusDetails, { type: 'cancelled', reason: 'turn_detected' });
  assert.equal(finished.audioMs, 500);
  server.respond({ say: 'Yes?' });
  server.userStopsSpeaking({ transcript: 'Wait.' });
  await client.waitFor((event) => event['type'] === 'response.done' && event['response']['id'] !== first.responseId);
  const types = client.typesFrom(from);
  assert.equal(types[0], 'input_audio_buffer.speech_started');
  assert.ok(types.indexOf('response.done') < types.indexOf('input_audio_buffer.speech_stopped'), 'the cancel comes before speech_stopped');
  assert.deepEqual(server.responses.map((response) => response.status), ['cancelled', 'completed']);
});

test('server VAD barge-in during a function call leaves the call incomplete with partial arguments', async (t) => {
  const { server, client } = await session(t, {}, { audio: { ...PARLEY_SESSION.audio, input: { ...PARLEY_SESSION.audio.input, turn_detection: { type: 'server_vad' } } } });
  const args = JSON.stringify({ prompt: 'Rewrite the whole installer and test it on three platforms.' });
  const reply = server.respondWithCall({ say: 'Sure.', name: 'background_agent', callId: 'call_barged', arguments: args, holdInCallArguments: true });
  client.send({ type: 'response.create' });
  await reply.held;
  server.userStartsSpeaking();
  const finished = await received(client, reply);
  assert.deepEqual([finished.status, finished.statusDetails?.['reason']], ['cancelled', 'turn_detected']);
  const callDone = await client.waitFor((event) => event['type'] === 'conversation.item.done' && event['item']['type'] === 'function_call');
  assert.equal(callDone['item']['status'], 'incomplete');
  assert.ok(args.startsWith(callDone['item']['arguments']) && callDone['item']['arguments'].length < args.length, 'the arguments stop where the user cut in');
  assert.ok(!client.events.some((event) => event['type'] === 'response.function_call_arguments.done'), 'no arguments.done for a cut call');
});

test('server VAD with interrupt_response false keeps the response running and starts no second one', async (t) => {
  const turnDetection = { type: 'server_vad', interrupt_response: false };
  const { server, client } = await session(t, {}, { audio: { ...PARLEY_SESSION.audio, input: { ...PARLEY_SESSION.audio.input, turn_detection: turnDetection } } });
  const reply = server.respond({ say: 'Uninterruptible.', holdBeforeDone: true });
  client.send({ type: 'response.create' });
  await reply.held;
  server.userSpeaks({ transcript: 'Hey.' });
  assert.equal(server.responseActive, true);
  reply.release();
  assert.equal((await received(client, reply)).status, 'completed');
  assert.equal(client.events.filter((event) => event['type'] === 'response.created').length, 1);
});

test('without server VAD the server detects no speech: userSpeaks throws with an instruction', async (t) => {
  const { server } = await session(t);
  assert.throws(() => server.userSpeaks({ transcript: 'x' }), /turn_detection null.*transcribeNext/);
});

// ---- rate limits, usage, connections, spec coverage ----------------------------------------

test('rate_limits.updated can be sent at any time or right after response.created', async (t) => {
  const { server, client } = await session(t);
  server.sendRateLimits([{ name: 'tokens', limit: 40_000, remaining: 1_000, reset_seconds: 12.5 }]);
  const direct = await client.waitFor('rate_limits.updated');
  assert.equal(direct['rate_limits'][0]['remaining'], 1_000);
  const reply = server.respond({ say: 'Ok.', rateLimits: [{ name: 'requests', limit: 100, remaining: 99, reset_seconds: 1 }] });
  const from = client.events.length;
  client.send({ type: 'response.create' });
  await received(client, reply);
  assert.deepEqual(client.typesFrom(from).slice(0, 2), ['response.created', 'rate_limits.updated']);
});

test('usage: a later response reports the earlier input as cached, and a scripted override wins', async (t) => {
  const { server, client } = await session(t);
  const first = server.respond({ say: 'First answer.' });
  client.send({ type: 'response.create' });
  const firstUsage = (await received(client, first)).usage;
  assert.equal(firstUsage.input_token_details.cached_tokens, 0);
  const second = server.respond({ say: 'Second.', usage: { input_token_details: { cached_tokens_details: { text_tokens: 3 } }, output_token_details: { audio_tokens: 77 } } });
  client.send({ type: 'response.create' });
  const secondUsage = (await received(client, second)).usage;
  assert.equal(secondUsage.input_token_details.cached_tokens_details.text_tokens, 3);
  assert.equal(secondUsage.input_token_details.cached_tokens, 3 + secondUsage.input_token_details.cached_tokens_details.audio_tokens);
  assert.ok(secondUsage.input_token_details.cached_tokens_details.audio_tokens > 0, 'the first reply audio is now cached input');
  assert.equal(secondUsage.output_token_details.audio_tokens, 77);
  assert.equal(secondUsage.output_tokens, 77 + secondUsage.output_token_details.text_tokens);
  assert.ok(secondUsage.input_tokens > firstUsage.input_tokens, 'the conversation grew');
});

test('a second connection gets its own session and conversation, and the helpers act on it', async (t) => {
  const server = await startServer(t);
  const first = await connect(t, server);
  first.send({ type: 'session.update', session: PARLEY_SESSION });
  await server.waitForSession();
  first.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'one' }] } });
  await first.waitFor('conversation.item.done');
  first.socket.close();
  await server.waitForClose();
  const second = await connect(t, server);
  await server.waitForConnection(2);
  assert.deepEqual(server.conversation, []);
  assert.equal(server.session['instructions'], 'You are a helpful, witty, and friendly AI.');
  const created = await second.waitFor('session.created');
  assert.notEqual(created['session']['id'], first.events[0]!['session']['id']);
  assert.equal(server.frames.length, 2, 'frames of both connections');
});

test('a busy session produces only spec-valid events and covers the GA event types the client handles', async (t) => {
  const { server, client } = await session(t, {}, { audio: { ...PARLEY_SESSION.audio, input: { ...PARLEY_SESSION.audio.input, turn_detection: { type: 'server_vad' } } } });
  server.respondWithCall({ say: 'On it.', name: 'background_agent', callId: 'call_busy', arguments: { prompt: 'Do it' } });
  const user = server.userSpeaks({ transcript: 'Please do it.', late: true });
  await client.waitFor((event) => event['type'] === 'conversation.item.input_audio_transcription.completed' && event['item_id'] === user);
  client.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: 'call_busy', output: 'Done it.' } });
  server.respond({ say: 'It is done.', audioMs: 300, holdAfterAudioMs: 100 });
  client.send({ type: 'response.create' });
  await client.waitFor((event) => event['type'] === 'response.output_audio.delta' && event['response_id'] !== server.responses[0]!.id);
  server.userSpeaks({ transcript: 'Thanks.', fails: true });
  server.sendRateLimits([{ name: 'tokens', limit: 10, remaining: 5, reset_seconds: 1 }]);
  await client.waitFor('rate_limits.updated');
  const types = new Set(client.events.map((event) => event['type']));
  for (const type of [
    'session.created',
    'session.updated',
    'input_audio_buffer.speech_started',
    'input_audio_buffer.speech_stopped',
    'input_audio_buffer.committed',
    'conversation.item.added',
    'conversation.item.done',
    'conversation.item.input_audio_transcription.delta',
    'conversation.item.input_audio_transcription.completed',
    'conversation.item.input_audio_transcription.failed',
    'response.created',
    'response.output_item.added',
    'response.content_part.added',
    'response.output_audio_transcript.delta',
    'response.output_audio.delta',
    'response.output_audio.done',
    'response.output_audio_transcript.done',
    'response.content_part.done',
    'response.function_call_arguments.delta',
    'response.function_call_arguments.done',
    'response.output_item.done',
    'response.done',
    'rate_limits.updated',
  ]) {
    assert.ok(types.has(type), `${type} was sent`);
  }
  const invalid = client.events.flatMap((event) => validateServerEvent(event));
  assert.deepEqual(invalid, []);
  assert.deepEqual(server.invalidServerEvents, []);
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.responses.map((response) => response.status), ['completed', 'cancelled'], 'the barge-in cancelled the second reply');
  assert.equal(server.responseActive, true, 'the third response waits for a script');
});
