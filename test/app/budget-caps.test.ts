// Budget caps end to end: a real voice runtime over the ws transport against the GA realtime
// stand-in, whose responses carry usage. The warning at 80 % comes once, the cap stops the session
// with its message, a handoff at the cap starts no agent (the voice model is told why), a day
// already spent does not connect at all, and an agent's own usage is priced under its handoff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PRICING } from '../../src-shared/pricing';
import type { SessionEvent } from '../../src-shared/session-events';
import type { AgentBackend } from '../../src-main/core/agent/agent-backend';
import { MemoryDaySpend, localDay } from '../../src-main/adapters/usage/day-spend-file';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import type { BudgetCaps } from '../../src-main/app/cost-meter';
import { createVoiceRuntime, type VoiceRuntime } from '../../src-main/app/voice-runtime';
import { silentLogger } from '../../src-main/core/util/logger';
import { startGaRealtimeServer, type GaRealtimeServer, type UsageOverride } from '../support/ga-realtime-server';
import { ScriptedAgent } from '../support/scripted-agent';
import { sessionConfig, settle, TEST_API_KEY } from '../support/session-harness';

const AGENT_SETTINGS = { kind: 'responses', apiKey: undefined, url: undefined, model: undefined, instructions: undefined, command: undefined, cwd: undefined, timeoutMs: undefined } as const;

/** Usage of only spoken output: gpt-realtime's $64 per 1M audio output tokens, so N tokens cost N × $0.000064. */
function spokenTokens(audio: number): UsageOverride {
  return {
    input_token_details: { text_tokens: 0, audio_tokens: 0, cached_tokens_details: { text_tokens: 0, audio_tokens: 0 } },
    output_token_details: { text_tokens: 0, audio_tokens: audio },
  };
}

function startRuntime(server: GaRealtimeServer, caps: BudgetCaps, daySpend = new MemoryDaySpend()) {
  const events: SessionEvent[] = [];
  const agent = new ScriptedAgent();
  const runtime: VoiceRuntime = createVoiceRuntime({
    config: sessionConfig('v2', server.url),
    transport: connectWebSocket,
    agent: AGENT_SETTINGS,
    createAgent: () => agent,
    talk: { mode: 'hands-free' },
    logger: silentLogger,
    now: Date.now,
    onEvent: (event) => events.push(event),
    costs: { pricing: DEFAULT_PRICING, caps, daySpend },
  });
  return { runtime, events, agent };
}

async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await settle(10);
  }
}

const budgetEvents = (events: SessionEvent[]) => events.filter((event): event is Extract<SessionEvent, { type: 'budget' }> => event.type === 'budget');

test('the 80 % warning comes once and the session cap stops the session with its message', async (t) => {
  const server = await startGaRealtimeServer();
  const { runtime, events } = startRuntime(server, { sessionUsd: 1, dayUsd: 0 });
  t.after(async () => {
    await runtime.stop();
    await server.close();
  });
  assert.equal(await runtime.start(TEST_API_KEY, 'test'), true);

  // 12,500 tokens = $0.80 (80 %), then $0.064, then $0.192: over the $1.00 cap.
  for (const [index, audio] of [12_500, 1_000, 3_000].entries()) {
    const reply = server.respond({ say: `Reply ${index + 1}.`, usage: spokenTokens(audio) });
    runtime.session.sendText(`question ${index + 1}`);
    await reply.done;
    await until(() => events.filter((event) => event.type === 'cost').length === index + 1, `the cost of reply ${index + 1}`);
  }
  await until(() => events.some((event) => event.type === 'closed'), 'the session to stop');

  const budgets = budgetEvents(events);
  assert.deepEqual(
    budgets.map((event) => [event.level, event.scope]),
    [
      ['warning', 'session'],
      ['reached', 'session'],
    ],
    'one warning, then the cap',
  );
  assert.equal(budgets[0]!.message, 'This session has used $0.80 of its $1.00 budget (80 %).');
  assert.equal(budgets[1]!.message, 'Stopped: this session reached its $1.00 budget. Raise the cap in Settings › Usage to go on.');
  const costs = events.filter((event): event is Extract<SessionEvent, { type: 'cost' }> => event.type === 'cost');
  assert.deepEqual(
    costs.map((event) => Number(event.usd!.toFixed(6))),
    [0.8, 0.064, 0.192],
  );
  assert.ok(Math.abs(costs[2]!.sessionUsd - 1.056) < 1e-9);
  assert.equal(runtime.session.state, 'closed');
  const closedAt = events.findIndex((event) => event.type === 'closed');
  assert.ok(closedAt > events.indexOf(budgets[1]!), 'the message comes before the session closes');
  await server.waitForClose();
});

test('a handoff at the cap starts no agent: the voice model is told why, and the session then stops', async (t) => {
  const server = await startGaRealtimeServer();
  const { runtime, events, agent } = startRuntime(server, { sessionUsd: 0, dayUsd: 0 });
  t.after(async () => {
    await runtime.stop();
    await server.close();
  });
  assert.equal(await runtime.start(TEST_API_KEY, 'test'), true);
  const first = server.respond({ say: 'Sure.', usage: spokenTokens(10_000) }); // $0.64
  runtime.session.sendText('hello');
  await first.done;
  await until(() => events.some((event) => event.type === 'cost'), 'the first cost');

  // The user lowers the session cap under what the session already cost: the next handoff is refused.
  runtime.costMeter!.setCaps({ sessionUsd: 0.5, dayUsd: 0 });
  const call = server.respondWithCall({ name: 'background_agent', callId: 'call_over_cap', arguments: { prompt: 'Refactor the parser.' }, usage: spokenTokens(100) });
  runtime.session.sendText('please refactor the parser');
  await call.done;
  await until(() => events.some((event) => event.type === 'closed'), 'the session to stop');

  const failed = events.find((event) => event.type === 'handoff.failed');
  assert.ok(failed && failed.type === 'handoff.failed');
  assert.equal(failed.cause, 'not_delegated');
  assert.match(failed.reason, /spending cap is reached \(this session's budget of \$0\.50\)/);
  assert.equal(events.some((event) => event.type === 'handoff.started'), false, 'no agent turn started');
  assert.equal(agent.requests.length, 0, 'the agent got no request');
  const output = (server.frames as any[]).find((frame) => frame?.type === 'conversation.item.create' && frame.item?.type === 'function_call_output' && frame.item.call_id === 'call_over_cap');
  assert.ok(output, 'the call got its output');
  assert.match(output.item.output, /spending cap is reached/);
  assert.deepEqual(
    budgetEvents(events).map((event) => event.level),
    ['reached'],
  );
});

test('a day already spent to its cap does not connect, says why, and starts no agent', async (t) => {
  const server = await startGaRealtimeServer();
  const daySpend = new MemoryDaySpend();
  daySpend.add(localDay(new Date()), 3);
  const { runtime, events, agent } = startRuntime(server, { sessionUsd: 0, dayUsd: 3 }, daySpend);
  t.after(async () => {
    await runtime.stop();
    await server.close();
  });
  assert.equal(await runtime.start(TEST_API_KEY, 'test'), false);
  await settle(50);
  assert.equal(server.connections.length, 0, 'no connection was made');
  assert.equal(agent.requests.length, 0);
  assert.deepEqual(
    events.map((event) => event.type),
    ['budget'],
  );
  assert.equal(budgetEvents(events)[0]!.message, "Stopped: today's spending reached the $3.00 daily budget. Raise the cap in Settings › Usage to go on.");
  // Raised: the same runtime starts.
  runtime.costMeter!.setCaps({ sessionUsd: 0, dayUsd: 10 });
  assert.equal(await runtime.start(TEST_API_KEY, 'test'), true);
});

test("an agent request's usage reaches the session as agent.usage under its handoff and is priced with the agent's model", { timeout: 20_000 }, async (t) => {
  const server = await startGaRealtimeServer();
  const events: SessionEvent[] = [];
  const agent: AgentBackend = {
    kind: 'responses',
    delegates: true,
    async *runRequest() {
      yield { type: 'message.completed', text: 'The parser is refactored.' };
      yield { type: 'usage', model: 'gpt-5-mini', inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 2_000 };
    },
    reset: () => {},
    dispose: async () => {},
  };
  const runtime = createVoiceRuntime({
    config: sessionConfig('v2', server.url),
    transport: connectWebSocket,
    agent: AGENT_SETTINGS,
    createAgent: () => agent,
    talk: { mode: 'hands-free' },
    logger: silentLogger,
    now: Date.now,
    onEvent: (event) => events.push(event),
    costs: { pricing: DEFAULT_PRICING, caps: { sessionUsd: 0, dayUsd: 0 }, daySpend: new MemoryDaySpend() },
  });
  t.after(async () => {
    await runtime.stop();
    await server.close();
  });
  assert.equal(await runtime.start(TEST_API_KEY, 'test'), true);
  const call = server.respondWithCall({ name: 'background_agent', callId: 'call_agent', arguments: { prompt: 'Refactor the parser.' } });
  server.respond({ say: 'Done: the parser is refactored.' }); // the reply to the agent's answer
  runtime.session.sendText('refactor the parser');
  await call.done;
  await until(() => events.some((event) => event.type === 'cost' && event.source === 'agent'), 'the agent cost');

  assert.deepEqual(
    events.find((event) => event.type === 'agent.usage'),
    { type: 'agent.usage', handoffId: 'call_agent', model: 'gpt-5-mini', inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 2_000 },
  );
  const cost = events.find((event): event is Extract<SessionEvent, { type: 'cost' }> => event.type === 'cost' && event.source === 'agent');
  // gpt-5-mini: 6000 × $0.25 + 4000 × $0.025 + 2000 × $2 per 1M = $0.0056.
  assert.equal(cost!.id, 'call_agent');
  assert.ok(Math.abs(cost!.usd! - 0.0056) < 1e-12);
});
