import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { AgentError, type AgentBackend, type AgentStreamEvent } from '../../../src-main/core/agent/agent-backend';
import { createResponsesBackend, type ResponsesBackendOptions } from '../../../src-main/adapters/agent/responses-backend';
import {
  assistantMessageEvents,
  startMockResponsesServer,
  userInputTexts,
  type MockResponsesServer,
  type ScriptedReply,
} from '../../support/mock-responses-server';
import { agentFailure as anyAgentFailure, collect } from '../../support/agent-stream';

const API_KEY = 'sk-test-SECRET-0123456789abcdef';

async function startServer(t: TestContext, replies: ScriptedReply[]): Promise<MockResponsesServer> {
  const server = await startMockResponsesServer(replies);
  t.after(() => server.close());
  return server;
}

function backendFor(t: TestContext, server: MockResponsesServer, overrides: Partial<ResponsesBackendOptions> = {}): AgentBackend {
  const backend = createResponsesBackend({ apiKey: API_KEY, baseUrl: server.baseUrl, model: 'test-model', ...overrides });
  t.after(() => backend.dispose());
  return backend;
}

function request(inputs: string[], newInputs = inputs, signal = new AbortController().signal) {
  return { turnInputs: inputs, newInputs, signal };
}

/** The stream's AgentError, which must not contain the API key or any part of it. */
async function agentFailure(stream: AsyncIterable<AgentStreamEvent>): Promise<AgentError> {
  const error = await anyAgentFailure(stream);
  assert.ok(!error.message.includes(API_KEY), 'the API key must never appear in an error');
  assert.ok(!error.message.includes('SECRET'), 'no part of the API key may appear in an error');
  return error;
}

describe('responses backend', () => {
  test('streams text deltas and then the completed message, with the documented request shape', async (t) => {
    const server = await startServer(t, [
      { kind: 'sse', events: assistantMessageEvents('resp_1', 'msg_1', 'Hello there', { deltas: ['Hel', 'lo ', 'there'] }) },
    ]);
    const backend = backendFor(t, server, { baseUrl: server.baseUrl + '/', instructions: 'be brief' });

    const events = await collect(backend.runRequest(request(['what time is it'])));

    assert.deepEqual(events, [
      { type: 'request.sent' },
      { type: 'text.delta', delta: 'Hel' },
      { type: 'text.delta', delta: 'lo ' },
      { type: 'text.delta', delta: 'there' },
      { type: 'message.completed', text: 'Hello there' },
    ]);
    const [recorded] = server.requests;
    assert.ok(recorded);
    assert.equal(recorded.path, '/v1/responses');
    assert.equal(recorded.headers['authorization'], `Bearer ${API_KEY}`);
    assert.equal(recorded.headers['content-type'], 'application/json');
    assert.equal(recorded.headers['accept'], 'text/event-stream');
    assert.deepEqual(recorded.body, {
      model: 'test-model',
      instructions: 'be brief',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'what time is it' }] }],
      stream: true,
      store: false,
    });
  });

  test('the conversation continues: the second request holds the first input, its answer and the new input', async (t) => {
    const server = await startServer(t, [
      { kind: 'sse', events: assistantMessageEvents('resp_1', 'msg_1', 'first answer') },
      { kind: 'sse', events: assistantMessageEvents('resp_2', 'msg_2', 'second answer') },
    ]);
    const backend = backendFor(t, server);

    await collect(backend.runRequest(request(['first question'])));
    const second = await collect(backend.runRequest(request(['first question', 'second question'], ['second question'])));

    assert.deepEqual(second.at(-1), { type: 'message.completed', text: 'second answer' });
    assert.deepEqual(server.requests[1]?.body.input, [
      { role: 'user', content: [{ type: 'input_text', text: 'first question' }] },
      { role: 'assistant', content: [{ type: 'output_text', text: 'first answer' }] },
      { role: 'user', content: [{ type: 'input_text', text: 'second question' }] },
    ]);
  });

  test('reset() forgets the conversation', async (t) => {
    const server = await startServer(t, [
      { kind: 'sse', events: assistantMessageEvents('resp_1', 'msg_1', 'first answer') },
      { kind: 'sse', events: assistantMessageEvents('resp_2', 'msg_2', 'second answer') },
    ]);
    const backend = backendFor(t, server);

    await collect(backend.runRequest(request(['old question'])));
    backend.reset();
    await collect(backend.runRequest(request(['new question'])));

    assert.deepEqual(userInputTexts(server.requests[1]!), ['new question']);
    assert.equal(server.requests[1]?.body.input.length, 1);
  });

  test('a message is yielded once even though output_item.done and response.completed both carry it', async (t) => {
    const server = await startServer(t, [
      { kind: 'sse', events: assistantMessageEvents('resp_1', 'msg_1', 'only once') },
    ]);
    const events = await collect(backendFor(t, server).runRequest(request(['q'])));
    assert.deepEqual(
      events.filter((event) => event.type === 'message.completed'),
      [{ type: 'message.completed', text: 'only once' }],
    );
  });

  test('without output_item.done the completed response supplies the message', async (t) => {
    const events = assistantMessageEvents('resp_1', 'msg_1', 'from completed').filter(
      (event) => event['type'] !== 'response.output_item.done',
    );
    const server = await startServer(t, [{ kind: 'sse', events }]);
    const backend = backendFor(t, server);

    const produced = await collect(backend.runRequest(request(['q'])));

    assert.deepEqual(produced, [
      { type: 'request.sent' },
      { type: 'text.delta', delta: 'from completed' },
      { type: 'message.completed', text: 'from completed' },
    ]);
  });

  test('streamed text with neither output_item.done nor output in response.completed still completes', async (t) => {
    const server = await startServer(t, [
      {
        kind: 'sse',
        events: [
          { type: 'response.created', response: { id: 'r', output: [] } },
          { type: 'response.output_text.delta', item_id: 'm', delta: 'streamed ' },
          { type: 'response.output_text.delta', item_id: 'm', delta: 'only' },
          { type: 'response.completed', response: { id: 'r', status: 'completed', output: [] } },
        ],
      },
    ]);
    const produced = await collect(backendFor(t, server).runRequest(request(['q'])));
    assert.deepEqual(produced.at(-1), { type: 'message.completed', text: 'streamed only' });
    assert.equal(produced.filter((event) => event.type === 'message.completed').length, 1);
  });

  test('a 401 becomes agent_http_error with the API message and never the key', async (t) => {
    const server = await startServer(t, [
      {
        kind: 'http_error',
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${API_KEY}.`, type: 'invalid_request_error' } },
      },
    ]);
    const error = await agentFailure(backendFor(t, server).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_http_error');
    assert.match(error.message, /^the agent API answered 401: Incorrect API key provided/);
  });

  test('a non-JSON error body is quoted, cut to 200 characters', async (t) => {
    const server = await startServer(t, [{ kind: 'http_error', status: 502, body: 'x'.repeat(500) }]);
    // One attempt: retrying a 502 is pinned in responses-retry.test.ts.
    const error = await agentFailure(backendFor(t, server, { maxAttempts: 1 }).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_http_error');
    assert.equal(error.message, `the agent API answered 502: ${'x'.repeat(200)}…`);
  });

  test('a server that never answers hits the request timeout (agent_timeout)', async (t) => {
    const server = await startServer(t, [{ kind: 'hang' }]);
    const backend = backendFor(t, server, { requestTimeoutMs: 150 });
    const started = Date.now();
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_timeout');
    assert.ok(Date.now() - started < 2_000, 'the timeout should fire promptly');
  });

  test('a stream held open past the timeout also ends with agent_timeout', async (t) => {
    const server = await startServer(t, [
      { kind: 'sse', events: assistantMessageEvents('r', 'm', 'late'), gate: new Promise<void>(() => {}) },
    ]);
    const error = await agentFailure(backendFor(t, server, { requestTimeoutMs: 200 }).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_timeout');
  });

  test('aborting mid-stream stops the request quickly with an abort, not an AgentError', async (t) => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    t.after(() => release());
    const server = await startServer(t, [
      {
        kind: 'sse',
        events: [
          { type: 'response.output_text.delta', item_id: 'm', delta: 'partial' },
          { type: 'response.output_text.delta', item_id: 'm', delta: ' never sent' },
          { type: 'response.completed', response: { id: 'r', output: [] } },
        ],
        gate,
      },
    ]);
    const backend = backendFor(t, server);
    const controller = new AbortController();
    const iterator = backend.runRequest(request(['q'], ['q'], controller.signal))[Symbol.asyncIterator]();

    // The request goes out, the first delta arrives, then the server holds the stream open.
    assert.deepEqual(await iterator.next(), { done: false, value: { type: 'request.sent' } });
    assert.deepEqual(await iterator.next(), { done: false, value: { type: 'text.delta', delta: 'partial' } });
    const pending = iterator.next();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(!(error instanceof AgentError), 'an abort is not an agent failure');
      assert.equal((error as Error).name, 'AbortError');
      return true;
    });
    assert.ok(Date.now() - started < 1_000, 'the abort should end the stream at once');
  });

  test('a socket dropped mid-stream is agent_stream_error', async (t) => {
    const server = await startServer(t, [{ kind: 'drop' }]);
    const error = await agentFailure(backendFor(t, server).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_stream_error');
  });

  test('a stream that closes cleanly without response.completed ended early', async (t) => {
    const events = assistantMessageEvents('r', 'm', 'almost').filter((event) => event['type'] !== 'response.completed');
    const server = await startServer(t, [{ kind: 'sse', events }]);
    const produced: AgentStreamEvent[] = [];
    const error = await agentFailure(
      (async function* () {
        for await (const event of backendFor(t, server).runRequest(request(['q']))) {
          produced.push(event);
          yield event;
        }
      })(),
    );
    assert.equal(error.code, 'agent_stream_error');
    assert.equal(error.message, 'the agent stream ended early');
    // The message that did complete was still delivered before the failure.
    assert.deepEqual(produced.at(-1), { type: 'message.completed', text: 'almost' });
  });

  test('response.failed, response.incomplete and error events are agent_stream_error with the reason', async (t) => {
    const server = await startServer(t, [
      { kind: 'sse', events: [{ type: 'response.failed', response: { error: { code: 'server_error', message: 'model overloaded' } } }] },
      { kind: 'sse', events: [{ type: 'response.incomplete', response: { incomplete_details: { reason: 'max_output_tokens' } } }] },
      { kind: 'sse', events: [{ type: 'error', code: 'rate_limit', message: 'slow down' }] },
    ]);
    const backend = backendFor(t, server);

    const failed = await agentFailure(backend.runRequest(request(['a'])));
    assert.equal(failed.code, 'agent_stream_error');
    assert.match(failed.message, /model overloaded/);

    const incomplete = await agentFailure(backend.runRequest(request(['b'])));
    assert.equal(incomplete.code, 'agent_stream_error');
    assert.match(incomplete.message, /max output tokens/);

    const errorEvent = await agentFailure(backend.runRequest(request(['c'])));
    assert.equal(errorEvent.code, 'agent_stream_error');
    assert.match(errorEvent.message, /slow down/);
  });

  test('a closed port is agent_unreachable naming the host', async (t) => {
    const server = await startMockResponsesServer([]);
    const baseUrl = server.baseUrl;
    await server.close();
    // A refused connection is retried (responses-retry.test.ts); short waits keep this test quick.
    const backend = createResponsesBackend({ apiKey: API_KEY, baseUrl, retryBaseDelayMs: 10 });
    t.after(() => backend.dispose());
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_unreachable');
    assert.match(error.message, new RegExp(new URL(baseUrl).host.replace(/\./g, '\\.')));
  });

  test('a missing API key is agent_misconfigured and sends nothing', async (t) => {
    const server = await startServer(t, []);
    const error = await agentFailure(backendFor(t, server, { apiKey: '  ' }).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_misconfigured');
    assert.equal(server.requests.length, 0);
  });

  test('dispose() stops a running request', async (t) => {
    const server = await startServer(t, [{ kind: 'hang' }]);
    const backend = backendFor(t, server);
    const outcome = collect(backend.runRequest(request(['q']))).then(
      () => 'completed',
      (error: unknown) => (error instanceof AgentError ? error.code : 'other'),
    );
    await server.waitForRequests(1);
    await backend.dispose();
    assert.equal(await outcome, 'agent_stream_error');
  });
});
