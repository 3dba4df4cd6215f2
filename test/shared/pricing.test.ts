// Pricing: each number below is worked out by hand from the table's USD per 1M tokens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pricingTableFromText, pricingTableTextProblem } from '../../src-shared/budget-settings';
import { agentCostOf, checkPricingTable, costOf, DEFAULT_PRICING, formatUsd, PRICES_TAKEN_ON } from '../../src-shared/pricing';
import type { TokenUsage } from '../../src-shared/usage';

const close = (actual: number | undefined, expected: number) => {
  assert.ok(actual !== undefined, 'priced');
  assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} is not ${expected}`);
};

test('a gpt-realtime response is priced per token kind, cached text at the cached rate', () => {
  const usage: TokenUsage = { input: { text: 1000, audio: 2000, cached: 400, cachedText: 400, cachedAudio: 0 }, output: { text: 100, audio: 500 }, total: 3600 };
  // 600 × $4 + 400 × $0.40 + 2000 × $32 + 100 × $16 + 500 × $64 = $100,160 per million tokens.
  close(costOf(usage, 'gpt-realtime', DEFAULT_PRICING), 0.10016);
});

test('cached audio is priced at the cached audio rate when the server gives the split', () => {
  const usage: TokenUsage = { input: { text: 1000, audio: 2000, cached: 1400, cachedText: 400, cachedAudio: 1000 }, output: { text: 100, audio: 500 }, total: 3600 };
  // 600 × 4 + 400 × 0.4 + 1000 × 32 + 1000 × 0.4 + 100 × 16 + 500 × 64 = 68,560.
  close(costOf(usage, 'gpt-realtime', DEFAULT_PRICING), 0.06856);
});

test('without the split, cached tokens count as text first: the dearer guess', () => {
  const usage: TokenUsage = { input: { text: 1000, audio: 2000, cached: 1400 }, output: { text: 100, audio: 500 }, total: 3600 };
  // cached text 1000, cached audio 400: 1000 × 0.4 + 1600 × 32 + 400 × 0.4 + 100 × 16 + 500 × 64 = 85,360.
  close(costOf(usage, 'gpt-realtime', DEFAULT_PRICING), 0.08536);
});

test('gpt-realtime-mini has its own cached rates for text and audio', () => {
  const usage: TokenUsage = { input: { text: 2000, audio: 1000, cached: 1500, cachedText: 1000, cachedAudio: 500 }, output: { text: 0, audio: 1000 }, total: 4000 };
  // 1000 × 0.6 + 1000 × 0.06 + 500 × 10 + 500 × 0.3 + 1000 × 20 = 25,810.
  close(costOf(usage, 'gpt-realtime-mini', DEFAULT_PRICING), 0.02581);
});

test('a dated snapshot is priced as its model; an unknown model has no price', () => {
  const usage: TokenUsage = { input: { text: 1_000_000, audio: 0, cached: 0 }, output: { text: 0, audio: 0 }, total: 1_000_000 };
  close(costOf(usage, 'gpt-realtime-2025-08-28', DEFAULT_PRICING), 4);
  assert.equal(costOf(usage, 'my-local-model', DEFAULT_PRICING), undefined);
});

test('audio used by a model without audio prices leaves the response unpriced rather than guessed', () => {
  const usage: TokenUsage = { input: { text: 10, audio: 10, cached: 0 }, output: { text: 0, audio: 0 }, total: 20 };
  assert.equal(costOf(usage, 'gpt-5', DEFAULT_PRICING), undefined);
});

test('an agent request is priced with cached input at the cached rate', () => {
  // gpt-5-mini: 6000 × $0.25 + 4000 × $0.025 + 2000 × $2 = 5,600 per million.
  close(agentCostOf({ inputTokens: 10_000, cachedInputTokens: 4_000, outputTokens: 2_000 }, 'gpt-5-mini', DEFAULT_PRICING), 0.0056);
  // gpt-4.1: 1000 × 2 + 1000 × 8 = 10,000.
  close(agentCostOf({ inputTokens: 1_000, cachedInputTokens: 0, outputTokens: 1_000 }, 'gpt-4.1', DEFAULT_PRICING), 0.01);
  assert.equal(agentCostOf({ inputTokens: 1, cachedInputTokens: 0, outputTokens: 1 }, 'claude-sonnet', DEFAULT_PRICING), undefined);
});

test('the defaults cover the realtime and Responses agent models and say when they were taken', () => {
  for (const model of ['gpt-realtime', 'gpt-realtime-mini', 'gpt-4o-realtime-preview', 'gpt-4o-mini-realtime-preview', 'gpt-5', 'gpt-5-mini', 'gpt-4.1', 'gpt-4.1-mini']) {
    assert.ok(DEFAULT_PRICING[model], model);
  }
  assert.match(PRICES_TAKEN_ON, /^\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(checkPricingTable(DEFAULT_PRICING), { ok: true, table: DEFAULT_PRICING });
});

test('a pricing table problem names the model and the field', () => {
  const checked = checkPricingTable({ 'gpt-realtime': { textInput: 4, cachedTextInput: -1, textOutput: 16, audioInput: 32 }, 'gpt-x': { textInput: 'cheap' } });
  assert.equal(checked.ok, false);
  assert.deepEqual(!checked.ok && checked.problems, [
    'gpt-realtime: cachedTextInput must be a number of USD per 1M tokens, 0 or more',
    'gpt-realtime: give all of audioInput, cachedAudioInput and audioOutput, or none',
    'gpt-x: textInput must be a number of USD per 1M tokens, 0 or more',
    'gpt-x: cachedTextInput is missing',
    'gpt-x: textOutput is missing',
  ]);
  assert.match(pricingTableTextProblem('{"gpt-5": ') ?? '', /^is not valid JSON/);
  assert.equal(pricingTableTextProblem(''), undefined, 'empty: the defaults');
  assert.equal(pricingTableFromText(''), DEFAULT_PRICING);
  assert.deepEqual(pricingTableFromText('{"m": {"textInput": 1, "cachedTextInput": 0.5, "textOutput": 2}}'), { m: { textInput: 1, cachedTextInput: 0.5, textOutput: 2 } });
});

test('amounts show in dollars and cents, and under 10 cents keep three digits', () => {
  assert.equal(formatUsd(0), '$0.00');
  assert.equal(formatUsd(0.42), '$0.42');
  assert.equal(formatUsd(1.805), '$1.80');
  assert.equal(formatUsd(0.0123), '$0.0123');
  assert.equal(formatUsd(0.064), '$0.064');
  assert.equal(formatUsd(0.0031234), '$0.00312');
});
