// The app state keeps the session's token use and warns when a rate limit is nearly reached; a
// failed reply is a warning too. A new session starts from nothing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import { foldAppInput, initialAppState, type FoldState } from '../../../src-main/app/state/fold-app-input';

function start(): FoldState {
  return initialAppState({
    talk: { mode: 'hands-free', muted: false, talking: false },
    devices: { input: null, output: null },
    apiKeySet: true,
    onboardingDone: true,
    hotkeys: { talk: { accelerator: '', active: false, problem: null }, holdToTalk: { accelerator: '', active: false, problem: null, mode: 'off' } },
  });
}

function send(state: FoldState, ...events: ForwardedSessionEvent[]): FoldState {
  return events.reduce((current, event, index) => foldAppInput(current, { type: 'session-event', event, at: index }), state);
}

const usage = (responseId: string, total: number): ForwardedSessionEvent => ({
  type: 'usage',
  responseId,
  input: { text: 1, audio: 2, cached: 1 },
  output: { text: 3, audio: total - 6 },
  total,
});

test('usage is summed over the session\'s responses and starts again with the next session', () => {
  let state = send(start(), { type: 'state', state: 'connecting' }, { type: 'state', state: 'live' }, usage('r1', 100), usage('r2', 50));
  assert.deepEqual(state.usage, { input: { text: 2, audio: 4, cached: 2 }, output: { text: 6, audio: 138 }, total: 150, responses: 2 });
  state = send(state, { type: 'state', state: 'closed' }, { type: 'closed', reason: 'requested' });
  assert.equal(state.usage.total, 150, 'the last session\'s use stays shown after it ends');
  state = send(state, { type: 'state', state: 'connecting' });
  assert.equal(state.usage.total, 0);
  assert.equal(state.usage.responses, 0);
});

test('a rate limit near its end is a warning until a report says it is not', () => {
  let state = send(start(), { type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  state = send(state, { type: 'rate_limits', limits: [{ name: 'tokens', limit: 40_000, remaining: 20_000, resetSeconds: 3 }] });
  assert.deepEqual(state.rateLimits, [{ name: 'tokens', limit: 40_000, remaining: 20_000, resetSeconds: 3 }]);
  assert.equal(state.problems.length, 0);
  state = send(state, { type: 'rate_limits', limits: [{ name: 'tokens', limit: 40_000, remaining: 1_000, resetSeconds: 12.5 }] });
  const [warning] = state.problems;
  assert.equal(warning?.code, 'rate_limit_near');
  assert.equal(warning?.severity, 'warning');
  assert.match(warning?.message ?? '', /tokens: 1,000 of 40,000 left, resets in 13 s/);
  assert.equal(state.status, 'listening', 'a warning is not an error status');
  state = send(state, { type: 'rate_limits', limits: [{ name: 'tokens', limit: 40_000, remaining: 39_000, resetSeconds: 60 }] });
  assert.equal(state.problems.length, 0);
});

test('a failed reply is a warning with its reason; a cancelled one is only noted on its bubble', () => {
  let state = send(start(), { type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  state = send(state, { type: 'response.ended', responseId: 'r1', itemIds: [], status: 'cancelled', reason: 'The reply was cancelled: the user started speaking.' });
  assert.equal(state.problems.length, 0);
  state = send(state, { type: 'response.ended', responseId: 'r2', itemIds: [], status: 'failed', reason: 'The reply failed: {"error":{"message":"Internal error"}}' });
  const [failed] = state.problems;
  assert.equal(failed?.code, 'reply_failed');
  assert.equal(failed?.severity, 'warning');
  assert.doesNotMatch(failed?.message ?? '', /\{/, 'no raw JSON reaches the user');
});
