import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { AgentError, type AgentBackend, type AgentStreamEvent } from '../../../src-main/core/agent/agent-backend';
import { createResponsesBackend, type ResponsesBackendOptions } from '../../../src-main/adapters/agent/responses-backend';
import { retryAfterMs } from '../../../src-main/adapters/agent/retry-policy';
import { registerSecret } from '../../../src-main/core/util/redact';
import { agentFailure, collect } from '../../support/agent-stream';
import { startScriptedProvider, type ProviderReply, type ScriptedProvider } from './scripted-http-provider';

const API_KEY = 'sk-test-RETRY-0123456789abcdef';

async function providerFor(t: TestContext, replies: ProviderReply[]): Promise<ScriptedProvider> {
  const provider = await startScriptedProvider(replies);
  t.after(() => provider.close());
  return provider;
}

function backendFor(t: TestContext, provider: ScriptedProvider, overrides: Partial<ResponsesBackendOptions> = {}): AgentBackend {
  // random 0.5 → no jitter: backoff is exactly base, 2 × base, 4 × base.
  const backend = createResponsesBackend({ apiKey: API_KEY, baseUrl: provider.baseUrl, random: () => 0.5, ...overrides });
  t.after(() => backend.dispose());
  return backend;
}

function request(inputs: string[], newInputs = inputs, signal = new AbortController().signal) {
  return { turnInputs: inputs, newInputs, signal };
}

function notices(events: AgentStreamEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'notice' ? [event.text] : []));
}

const busy = (headers: Record<string, string> = {}): ProviderReply => ({
  kind: 'error',
  status: 429,
  headers,
  body: JSON.stringify({ error: { message: 'Rate limit reached' } }),
});

describe('responses backend retries', () => {
  test('a 429 with retry-after: 1 is sent again after a second, with a notice, and then answers', async (t) => {
    const provider = await providerFor(t, [busy({ 'retry-after': '1' }), { kind: 'answer', text: 'done' }]);
    const started = Date.now();
    const events = await collect(backendFor(t, provider).runRequest(request(['q'])));
    const elapsed = Date.now() - started;

    assert.equal(provider.bodies.length, 2, 'exactly one retry');
    assert.deepEqual(notices(events), ["The agent's provider is busy (HTTP 429); retrying in 1 s (attempt 2 of 4)."]);
    assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'done' });
    assert.ok(elapsed >= 950, `the retry must wait for retry-after (took ${elapsed} ms)`);
    assert.ok(elapsed < 3_000, `and not much longer (took ${elapsed} ms)`);
    assert.deepEqual(provider.bodies[1], provider.bodies[0], 'the retry resends the same request');
  });

  test('503 three times then success: four requests with doubling waits and a notice for each retry', async (t) => {
    const unavailable: ProviderReply = { kind: 'error', status: 503, body: '{"error":{"message":"overloaded"}}' };
    const provider = await providerFor(t, [unavailable, unavailable, unavailable, { kind: 'answer', text: 'finally' }]);
    const events = await collect(backendFor(t, provider, { retryBaseDelayMs: 100 }).runRequest(request(['q'])));

    assert.equal(provider.bodies.length, 4);
    assert.deepEqual(notices(events), [
      "The agent's provider had a server error (HTTP 503); retrying in 0.1 s (attempt 2 of 4).",
      "The agent's provider had a server error (HTTP 503); retrying in 0.2 s (attempt 3 of 4).",
      "The agent's provider had a server error (HTTP 503); retrying in 0.4 s (attempt 4 of 4).",
    ]);
    const gaps = provider.arrivals.slice(1).map((arrival, index) => arrival - provider.arrivals[index]!);
    assert.ok(gaps[0]! >= 90 && gaps[1]! >= 190 && gaps[2]! >= 390, `backoff doubles (gaps ${gaps.join(', ')} ms)`);
    assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'finally' });
  });

  test('five hundreds until the attempts run out fail with the last answer', async (t) => {
    const failing: ProviderReply = { kind: 'error', status: 500, body: '{"error":{"message":"still broken"}}' };
    const provider = await providerFor(t, [failing, failing, failing]);
    const error = await agentFailure(backendFor(t, provider, { maxAttempts: 3, retryBaseDelayMs: 10 }).runRequest(request(['q'])));
    assert.equal(provider.bodies.length, 3);
    assert.equal(error.code, 'agent_http_error');
    assert.equal(error.message, 'the agent API answered 500: still broken');
  });

  test('a 400 is never retried', async (t) => {
    const provider = await providerFor(t, [
      { kind: 'error', status: 400, body: '{"error":{"message":"bad input"}}' },
      { kind: 'answer', text: 'must not be reached' },
    ]);
    const events: AgentStreamEvent[] = [];
    const error = await agentFailure(
      (async function* () {
        for await (const event of backendFor(t, provider, { retryBaseDelayMs: 10 }).runRequest(request(['q']))) {
          events.push(event);
          yield event;
        }
      })(),
    );
    assert.equal(provider.bodies.length, 1);
    assert.equal(error.message, 'the agent API answered 400: bad input');
    assert.deepEqual(notices(events), []);
  });

  test('aborting during the backoff ends the request within 100 ms', async (t) => {
    const provider = await providerFor(t, [busy({ 'retry-after': '10' }), { kind: 'answer', text: 'too late' }]);
    const controller = new AbortController();
    const iterator = backendFor(t, provider).runRequest(request(['q'], ['q'], controller.signal))[Symbol.asyncIterator]();

    assert.equal((await iterator.next()).value?.type, 'request.sent');
    const first = await iterator.next();
    assert.equal(first.done, false);
    assert.equal(first.value?.type, 'notice', 'the retry notice comes before the wait');
    const pending = iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50)); // now inside the 10 s wait
    const started = Date.now();
    controller.abort();
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(!(error instanceof AgentError), 'an abort is not an agent failure');
      assert.equal((error as Error).name, 'AbortError');
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 100, `the abort must not wait out the backoff (took ${elapsed} ms)`);
    assert.equal(provider.bodies.length, 1, 'no request after the abort');
  });

  test('a retry-after beyond the limit fails at once saying when to try again', async (t) => {
    const provider = await providerFor(t, [busy({ 'retry-after': '120' }), { kind: 'answer', text: 'never' }]);
    const started = Date.now();
    const error = await agentFailure(backendFor(t, provider).runRequest(request(['q'])));
    assert.ok(Date.now() - started < 1_000);
    assert.equal(provider.bodies.length, 1);
    assert.equal(error.code, 'agent_http_error');
    assert.match(error.message, /^the agent's provider is busy \(HTTP 429\) and asks to wait 2 min; try again after \d\d:\d\d$/);
  });

  test('retry-after-ms wins over retry-after', async (t) => {
    const provider = await providerFor(t, [busy({ 'retry-after-ms': '200', 'retry-after': '20' }), { kind: 'answer', text: 'ok' }]);
    const started = Date.now();
    const events = await collect(backendFor(t, provider).runRequest(request(['q'])));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 190 && elapsed < 2_000, `waited ${elapsed} ms`);
    assert.deepEqual(notices(events), ["The agent's provider is busy (HTTP 429); retrying in 0.2 s (attempt 2 of 4)."]);
  });

  test('a wait that would outlast the request timeout fails at once instead', async (t) => {
    const provider = await providerFor(t, [busy({ 'retry-after': '5' }), { kind: 'answer', text: 'never' }]);
    const started = Date.now();
    const error = await agentFailure(backendFor(t, provider, { requestTimeoutMs: 2_000 }).runRequest(request(['q'])));
    assert.ok(Date.now() - started < 1_000);
    assert.equal(error.message, 'the agent API answered 429: Rate limit reached');
    assert.equal(provider.bodies.length, 1);
  });

  test('a stream that had begun is not sent again when it breaks', async (t) => {
    const provider = await providerFor(t, [{ kind: 'drop_after_first_event' }, { kind: 'answer', text: 'duplicate' }]);
    const error = await agentFailure(backendFor(t, provider, { retryBaseDelayMs: 10 }).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_stream_error');
    assert.equal(provider.bodies.length, 1);
  });

  test('a registered secret quoted in a 500 body at the cut point never reaches the error', async (t) => {
    // Not shaped like an OpenAI key: only the exact-value rule can catch it, and only before cutting.
    const secret = 'zqxjSecretValue-0123456789-ABCDEFGHIJ';
    t.after(registerSecret(secret));
    const body = 'x'.repeat(190) + secret + ' trailing words';
    const provider = await providerFor(t, [{ kind: 'error', status: 500, body }]);
    const error = await agentFailure(backendFor(t, provider, { maxAttempts: 1 }).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_http_error');
    assert.ok(!error.message.includes('zqxj'), `no part of the secret may appear: ${error.message}`);
    assert.match(error.message, /\[redacted\]/);
  });

  test('retry-after as an HTTP date is the time until that date', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const headers = new Headers({ 'retry-after': 'Thu, 01 Jan 2026 12:00:07 GMT' });
    assert.equal(retryAfterMs(headers, now), 7_000);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now), undefined);
    assert.equal(retryAfterMs(new Headers({ 'retry-after': '1.5' }), now), 1_500);
  });
});

describe('responses backend history budget', () => {
  const turnText = (label: string): string => `${label} `.padEnd(400, '.');

  test('the oldest turns are left out beyond the budget, with one line saying so and a notice', async (t) => {
    const provider = await providerFor(t, [
      { kind: 'answer', text: turnText('answer 1') },
      { kind: 'answer', text: turnText('answer 2') },
      { kind: 'answer', text: turnText('answer 3') },
    ]);
    const backend = backendFor(t, provider, { historyBudgetChars: 1_900 });

    const first = await collect(backend.runRequest(request([turnText('question 1')])));
    await collect(backend.runRequest(request([turnText('question 2')])));
    assert.deepEqual(notices(first), []);
    // Two turns of 2 × 400 so far; the third question makes 2000 > 1900: turn 1 must go.
    const third = await collect(backend.runRequest(request([turnText('question 3')])));

    assert.deepEqual(notices(third), ["1 earlier turn was left out of the agent's history to stay within its limit."]);
    const sent = provider.bodies[2].input as Array<{ role: string; content: Array<{ text: string }> }>;
    assert.deepEqual(
      sent.map((item) => `${item.role}: ${item.content[0]!.text.slice(0, 12)}`),
      [
        'user: [1 earlier t',
        'user: question 2 .',
        'assistant: answer 2 ...',
        'user: question 3 .',
      ],
    );
    assert.match(sent[0]!.content[0]!.text, /^\[1 earlier turn of this conversation was left out to stay within the history limit\.\]$/);
    const total = sent.reduce((sum, item) => sum + item.content[0]!.text.length, 0);
    assert.ok(total <= 1_900, `what is sent fits the budget (${total} characters)`);
  });

  test('the current turn is never dropped, and an input above the budget is cut with a note inside it', async (t) => {
    const provider = await providerFor(t, [{ kind: 'answer', text: 'ok' }]);
    const backend = backendFor(t, provider, { historyBudgetChars: 1_000 });
    const long = 'A'.repeat(600) + 'B'.repeat(1_400);

    const events = await collect(backend.runRequest(request([long])));

    const sentText = provider.bodies[0].input[0].content[0].text as string;
    assert.ok(sentText.length <= 1_000, `cut to the budget (${sentText.length})`);
    assert.ok(sentText.startsWith('AAAA') && sentText.endsWith('BBBB'), 'the beginning and the end are kept');
    const cut = /\[… (\d+) characters cut …\]/.exec(sentText);
    assert.ok(cut, 'the cut is said inside the text');
    assert.equal(Number(cut[1]) + sentText.length - cut[0].length - 2, long.length, 'the note counts exactly what was cut');
    assert.deepEqual(notices(events), [`The request was too long for the agent; ${Number(cut[1]).toLocaleString('en-US')} characters were cut from its middle.`]);
  });

  test('a steered turn keeps all its inputs even when older turns must go', async (t) => {
    const provider = await providerFor(t, [
      { kind: 'answer', text: turnText('answer 1') },
      { kind: 'answer', text: turnText('answer 2a') },
      { kind: 'answer', text: turnText('answer 2b') },
    ]);
    const backend = backendFor(t, provider, { historyBudgetChars: 1_500 });
    await collect(backend.runRequest(request([turnText('question 1')])));
    await collect(backend.runRequest(request([turnText('question 2a')])));
    const steered = await collect(backend.runRequest(request([turnText('question 2a'), turnText('question 2b')], [turnText('question 2b')])));

    assert.deepEqual(notices(steered), ["1 earlier turn was left out of the agent's history to stay within its limit."]);
    const sent = provider.bodies[2].input as Array<{ role: string; content: Array<{ text: string }> }>;
    assert.deepEqual(
      sent.slice(1).map((item) => item.content[0]!.text.slice(0, 11)),
      ['question 2a', 'answer 2a .', 'question 2b'],
    );
  });
});
