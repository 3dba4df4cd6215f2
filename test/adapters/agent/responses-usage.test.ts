// The Responses backend reports each request's usage (from response.completed) with the model
// the server names, so the cost meter can price the agent's work.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createResponsesBackend } from '../../../src-main/adapters/agent/responses-backend';
import { startMockResponsesServer } from '../../support/mock-responses-server';
import { collect } from '../../support/agent-stream';

const request = { turnInputs: ['q'], newInputs: ['q'], signal: new AbortController().signal };

test("response.completed's usage becomes a usage event after the answer, with the server's model", async (t) => {
  const server = await startMockResponsesServer([
    {
      kind: 'sse',
      events: [
        { type: 'response.output_text.delta', item_id: 'm', delta: 'done' },
        {
          type: 'response.completed',
          response: { id: 'r', model: 'gpt-5-mini-2025-08-07', status: 'completed', output: [], usage: { input_tokens: 1200, input_tokens_details: { cached_tokens: 1000 }, output_tokens: 80, total_tokens: 1280 } },
        },
      ],
    },
  ]);
  t.after(() => server.close());
  const backend = createResponsesBackend({ apiKey: 'sk-test-0123456789', baseUrl: server.baseUrl, model: 'gpt-5-mini' });
  t.after(() => backend.dispose());
  const produced = await collect(backend.runRequest(request));
  assert.deepEqual(produced.slice(-2), [
    { type: 'message.completed', text: 'done' },
    { type: 'usage', model: 'gpt-5-mini-2025-08-07', inputTokens: 1200, cachedInputTokens: 1000, outputTokens: 80 },
  ]);
});

test('a response without usage reports none, and one without a model is priced as the model asked for', async (t) => {
  const server = await startMockResponsesServer([
    { kind: 'sse', events: [{ type: 'response.completed', response: { id: 'r', output: [{ type: 'message', id: 'm', content: [{ type: 'output_text', text: 'a' }] }] } }] },
    { kind: 'sse', events: [{ type: 'response.completed', response: { id: 'r2', output: [], usage: { input_tokens: 5, output_tokens: 7 } } }] },
  ]);
  t.after(() => server.close());
  const backend = createResponsesBackend({ apiKey: 'sk-test-0123456789', baseUrl: server.baseUrl, model: 'gpt-4.1' });
  t.after(() => backend.dispose());
  assert.equal((await collect(backend.runRequest(request))).some((event) => event.type === 'usage'), false);
  assert.deepEqual((await collect(backend.runRequest(request))).filter((event) => event.type === 'usage'), [
    { type: 'usage', model: 'gpt-4.1', inputTokens: 5, cachedInputTokens: 0, outputTokens: 7 },
  ]);
});

test('after a whole answer the consumer acts first; the request is closed on the next turn of the event loop', async (t) => {
  const server = await startMockResponsesServer([
    {
      kind: 'sse',
      events: [
        { type: 'response.output_text.delta', item_id: 'm', delta: 'a' },
        { type: 'response.completed', response: { id: 'r', status: 'completed', output: [] } },
      ],
    },
  ]);
  t.after(() => server.close());
  const signals: AbortSignal[] = [];
  const backend = createResponsesBackend({
    apiKey: 'sk-test-0123456789',
    baseUrl: server.baseUrl,
    model: 'gpt-5-mini',
    fetchImpl: (input, init) => {
      if (init?.signal) signals.push(init.signal);
      return fetch(input, init);
    },
  });
  t.after(() => backend.dispose());
  const produced = await collect(backend.runRequest(request));
  assert.deepEqual(produced.at(-1), { type: 'message.completed', text: 'a' });
  assert.equal(signals.length, 1);
  // The 0.7-0.9 ms the abort costs comes after the answer has been acted on…
  assert.equal(signals[0]!.aborted, false, 'the request is still open when the consumer has the whole answer');
  await new Promise((resolve) => setImmediate(resolve));
  // …but it does come: nothing is left open.
  assert.equal(signals[0]!.aborted, true, 'the request is closed on the next turn of the event loop');
});

test('a consumer that stops early closes the request at once', async (t) => {
  const server = await startMockResponsesServer([
    {
      kind: 'sse',
      events: [
        { type: 'response.output_text.delta', item_id: 'm', delta: 'first' },
        { type: 'response.output_text.delta', item_id: 'm', delta: ' second' },
      ],
      delayMsBetweenEvents: 200,
    },
  ]);
  t.after(() => server.close());
  const signals: AbortSignal[] = [];
  const backend = createResponsesBackend({
    apiKey: 'sk-test-0123456789',
    baseUrl: server.baseUrl,
    model: 'gpt-5-mini',
    fetchImpl: (input, init) => {
      if (init?.signal) signals.push(init.signal);
      return fetch(input, init);
    },
  });
  t.after(() => backend.dispose());
  for await (const event of backend.runRequest(request)) {
    if (event.type === 'text.delta') break;
  }
  assert.equal(signals[0]!.aborted, true);
});
