import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RESILIENCE, reconnectDelayMs, renewalSchedule } from '../../../src-main/core/session/resilience';

test('reconnect waits: the first attempt at once, then doubling with jitter up to the maximum', () => {
  const options = { ...DEFAULT_RESILIENCE, reconnectBaseDelayMs: 500, reconnectMaxDelayMs: 15_000 };
  assert.equal(reconnectDelayMs(1, options, () => 0.99), 0);
  assert.equal(reconnectDelayMs(2, options, () => 0), 250, 'jitter takes at most half');
  assert.equal(reconnectDelayMs(2, options, () => 0.999), 500);
  assert.equal(reconnectDelayMs(4, options, () => 0.5), 1_500, 'base × 4 for the fourth attempt, jitter 0.75');
  assert.equal(reconnectDelayMs(30, options, () => 0.5), 11_250, 'capped at the maximum before the jitter');
  assert.ok(reconnectDelayMs(30, options, () => 0.999_999) <= 15_000, 'never above the maximum');
});

test('the 60-minute limit is renewed from minute 55 at a quiet moment and forced at 59:30', () => {
  const { lookFrom, forceAt } = renewalSchedule(0, DEFAULT_RESILIENCE);
  assert.equal(lookFrom, 55 * 60_000);
  assert.equal(forceAt, 59.5 * 60_000);
});

test('a short limit keeps the renewal window in the second half of the session', () => {
  const { lookFrom, forceAt } = renewalSchedule(1_000, { ...DEFAULT_RESILIENCE, maxSessionMs: 60_000 });
  assert.equal(lookFrom, 1_000 + 30_000);
  assert.equal(forceAt, 1_000 + 54_000);
});
