// History keeps each priced cost beside its usage record (and an agent request's usage), and the
// Markdown export ends with the session's cost, naming a model that had no price.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { historyToMarkdown, readHistory, sessionCost } from '../../../src-main/adapters/history/history-library';
import { HistoryRecorder } from '../../../src-main/adapters/history/history-recorder';
import type { SessionEvent } from '../../../src-shared/session-events';
import { tempDir } from '../../support/temp-dir';

const events: SessionEvent[] = [
  { type: 'transcript.entry', entryId: 0, index: 0, role: 'user', text: 'Fix the build.', itemId: 'u1', previousItemId: null, final: true },
  { type: 'usage', responseId: 'resp_1', input: { text: 20, audio: 100, cached: 0 }, output: { text: 10, audio: 40 }, total: 170 },
  { type: 'cost', source: 'response', id: 'resp_1', model: 'gpt-realtime', usd: 0.25, turnUsd: 0.25, sessionUsd: 0.25, dayUsd: 0.25 },
  { type: 'agent.usage', handoffId: 'call_1', model: 'gpt-5-mini', inputTokens: 1000, cachedInputTokens: 200, outputTokens: 50 },
  { type: 'cost', source: 'agent', id: 'call_1', model: 'gpt-5-mini', usd: 0.05, turnUsd: 0.05, sessionUsd: 0.3, dayUsd: 0.3 },
  { type: 'agent.usage', handoffId: 'call_2', model: 'house-model', inputTokens: 10, cachedInputTokens: 0, outputTokens: 5 },
  { type: 'cost', source: 'agent', id: 'call_2', model: 'house-model', turnUsd: 0, sessionUsd: 0.3, dayUsd: 0.3 },
  { type: 'closed', reason: 'requested' },
];

test('cost and agent usage records are stored, summed, and end the Markdown export', () => {
  const dir = tempDir('parley-history-cost-');
  let clock = 1_700_000_000_000;
  const recorder = new HistoryRecorder(dir, 'session-cost', () => clock++);
  for (const event of events) recorder.onEvent(event);
  const records = readHistory(dir, 'session-cost');
  assert.deepEqual(
    records.filter((record) => record.kind === 'cost').map((record) => (record.kind === 'cost' ? [record.source, record.id, record.model, record.usd] : [])),
    [
      ['response', 'resp_1', 'gpt-realtime', 0.25],
      ['agent', 'call_1', 'gpt-5-mini', 0.05],
      ['agent', 'call_2', 'house-model', undefined],
    ],
  );
  const agentUsage = records.find((record) => record.kind === 'agent.usage');
  assert.deepEqual(agentUsage && { ...agentUsage, at: 0 }, { kind: 'agent.usage', at: 0, handoffId: 'call_1', model: 'gpt-5-mini', inputTokens: 1000, cachedInputTokens: 200, outputTokens: 50 });
  const cost = sessionCost(records);
  assert.ok(Math.abs(cost.usd - 0.3) < 1e-12);
  assert.deepEqual(cost.unpricedModels, ['house-model']);
  assert.match(historyToMarkdown('session-cost', records), /\nCost: \$0\.30 \(no price for house-model\)\.\n$/);
});
