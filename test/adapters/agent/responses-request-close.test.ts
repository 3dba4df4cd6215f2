// When the Responses backend closes its request: after a whole answer, only once the consumer has
// acted on it (the abort costs 0.7-0.9 ms, which bench:turns saw between the agent's answer and
// its text at the voice session); when the consumer stops early, at once. Against the SSE
// stand-in on loopback, through the real fetch.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { createResponsesBackend } from '../../../src-main/adapters/agent/responses-backend';
import { startMockResponsesServer, type ScriptedReply } from '../../support/mock-responses-server';
import { collect } from '../../support/agent-stream';

const request = { turnInputs: ['q'], newInputs: ['q'], signal: new AbortController().signal };

/** A backend against one scripted reply, and the abort signal of every request it made. */
async function backendRecordingSignals(t: TestContext, reply: ScriptedReply) {
  const server = await startMockResponsesServer([reply]);
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
  return { backend, signals };
}

test('after a whole answer the consumer acts first; the request is closed on the next turn of the event loop', async (t) => {
  const { backend, signals } = await backendRecordingSignals(t, {
    kind: 'sse',
    events: [
      { type: 'response.output_text.delta', item_id: 'm', delta: 'a' },
      { type: 'response.completed', response: { id: 'r', status: 'completed', output: [] } },
    ],
  });
  const produced = await collect(backend.runRequest(request));
  assert.deepEqual(produced.at(-1), { type: 'message.completed', text: 'a' });
  assert.equal(signals.length, 1);
  assert.equal(signals[0]!.aborted, false, 'the request is still open when the consumer has the whole answer');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(signals[0]!.aborted, true, 'the request is closed on the next turn of the event loop: nothing is left open');
});

test('a consumer that stops early closes the request at once', async (t) => {
  const { backend, signals } = await backendRecordingSignals(t, {
    kind: 'sse',
    events: [
      { type: 'response.output_text.delta', item_id: 'm', delta: 'first' },
      { type: 'response.output_text.delta', item_id: 'm', delta: ' second' },
    ],
    delayMsBetweenEvents: 200,
  });
  for await (const event of backend.runRequest(request)) {
    if (event.type === 'text.delta') break;
  }
  assert.equal(signals.length, 1);
  assert.equal(signals[0]!.aborted, true);
});
