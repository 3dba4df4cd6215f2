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
