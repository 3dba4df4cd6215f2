import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeRateLimit, isRateLimitNear, nearRateLimitMessage } from '../../src-shared/rate-limits';
import { addUsage, describeUsage, EMPTY_USAGE_TOTALS } from '../../src-shared/usage';

const ONE = { input: { text: 20, audio: 100, cached: 64 }, output: { text: 10, audio: 40 }, total: 170 };
const TWO = { input: { text: 5, audio: 0, cached: 0 }, output: { text: 7, audio: 30 }, total: 42 };

test('usage is summed per field over the responses', () => {
  const totals = addUsage(addUsage(EMPTY_USAGE_TOTALS, ONE), TWO);
  assert.deepEqual(totals, { input: { text: 25, audio: 100, cached: 64 }, output: { text: 17, audio: 70 }, total: 212, responses: 2 });
  assert.equal(EMPTY_USAGE_TOTALS.responses, 0, 'the empty totals are not changed');
});

test('usage reads as in/out with their parts', () => {
  assert.equal(describeUsage(ONE), 'in 120 (text 20, audio 100, cached 64) · out 50 (text 10, audio 40) · total 170 tokens');
});

test('a rate limit is near when less than a tenth is left', () => {
  assert.equal(isRateLimitNear({ name: 'tokens', limit: 40_000, remaining: 3_999, resetSeconds: 1 }), true);
  assert.equal(isRateLimitNear({ name: 'tokens', limit: 40_000, remaining: 4_000, resetSeconds: 1 }), false);
  assert.equal(isRateLimitNear({ name: 'requests', limit: 0, remaining: 0, resetSeconds: 1 }), false);
  assert.equal(describeRateLimit({ name: 'tokens', limit: 40_000, remaining: 1_000, resetSeconds: 12.5 }), 'tokens: 1,000 of 40,000 left, resets in 13 s');
  assert.equal(nearRateLimitMessage([{ name: 'requests', limit: 100, remaining: 90, resetSeconds: 1 }]), undefined);
  assert.match(nearRateLimitMessage([{ name: 'requests', limit: 100, remaining: 90, resetSeconds: 1 }, { name: 'tokens', limit: 40_000, remaining: 1_000, resetSeconds: 12.5 }]) ?? '', /nearly reached \(tokens: 1,000 of 40,000 left/);
});
