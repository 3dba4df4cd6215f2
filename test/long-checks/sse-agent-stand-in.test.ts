import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSseAgentStandIn } from '../../long-checks/sse-agent-stand-in';

/** The `text` of the completed assistant message in an SSE body. */
function answeredText(body: string): string | undefined {
  for (const block of body.split('\n\n')) {
    const data = block.split('\n').find((line) => line.startsWith('data: '));
    if (!data) continue;
    const event = JSON.parse(data.slice('data: '.length)) as { type?: string; response?: { output?: Array<{ content?: Array<{ text?: string }> }> } };
    if (event.type === 'response.completed') return event.response?.output?.[0]?.content?.[0]?.text;
  }
  return undefined;
}

test('every POST /v1/responses gets its own numbered streamed answer, and the body sizes are counted', async () => {
  const agent = await startSseAgentStandIn({ name: 'test agent server', answerText: (number) => `answer ${number}` });
  try {
    const texts: Array<string | undefined> = [];
    for (const body of ['{"a":1}', '{"history":"longer body"}']) {
      const response = await fetch(`${agent.baseUrl}/responses`, { method: 'POST', body });
      assert.equal(response.headers.get('content-type'), 'text/event-stream');
      texts.push(answeredText(await response.text()));
    }
    assert.deepEqual(texts, ['answer 1', 'answer 2']);
    assert.equal(agent.requestCount, 2);
    assert.equal(agent.answersSent, 2);
    assert.equal(agent.largestRequestBytes, '{"history":"longer body"}'.length);
    assert.equal(agent.totalRequestBytes, '{"a":1}'.length + '{"history":"longer body"}'.length);
  } finally {
    await agent.close();
  }
});

test('another route is a 404 naming the stand-in and is not counted as a request', async () => {
  const agent = await startSseAgentStandIn({ name: 'test agent server', answerText: () => 'unused' });
  try {
    const response = await fetch(`${agent.baseUrl}/models`);
    assert.equal(response.status, 404);
    assert.match(await response.text(), /test agent server: no route for GET \/v1\/models/);
    assert.equal(agent.requestCount, 0);
  } finally {
    await agent.close();
  }
});

test('a delayed answer waits for its delay, and close cuts off an answer still thinking', async () => {
  const DELAY_MS = 150;
  const agent = await startSseAgentStandIn({ name: 'test agent server', answerText: (number) => `late ${number}`, answerDelayMs: DELAY_MS });
  const started = performance.now();
  const response = await fetch(`${agent.baseUrl}/responses`, { method: 'POST', body: '{}' });
  assert.equal(answeredText(await response.text()), 'late 1');
  assert.ok(performance.now() - started >= DELAY_MS - 5, `answered after ${(performance.now() - started).toFixed(0)} ms`);

  const pending = fetch(`${agent.baseUrl}/responses`, { method: 'POST', body: '{}' }).then(
    () => 'answered',
    () => 'cut',
  );
  while (agent.requestCount < 2) await new Promise((resolve) => setTimeout(resolve, 5));
  await agent.close();
  assert.equal(await pending, 'cut');
  assert.equal(agent.answersSent, 1);
});
