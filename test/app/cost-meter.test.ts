// The cost meter: every usage priced into turn, session and local-day totals; the day kept in a
// private file across restarts and rolled over at local midnight; warnings once at 80 %, the cap
// reached once, and a raised cap lifting it.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { PricingTable } from '../../src-shared/pricing';
import type { SessionEvent } from '../../src-shared/session-events';
import { DaySpendFile, localDay, MemoryDaySpend } from '../../src-main/adapters/usage/day-spend-file';
import { CostMeter, type BudgetCaps } from '../../src-main/app/cost-meter';
import { tempDir } from '../support/temp-dir';

/** Round prices: 1M text output tokens of "voice" cost $1, so N tokens cost N / 1M dollars. */
const PRICING: PricingTable = {
  voice: { textInput: 0, cachedTextInput: 0, textOutput: 1, audioInput: 0, cachedAudioInput: 0, audioOutput: 0 },
  agent: { textInput: 1, cachedTextInput: 0.5, textOutput: 2 },
};

function usage(responseId: string, usd: number): SessionEvent {
  return { type: 'usage', responseId, input: { text: 0, audio: 0, cached: 0 }, output: { text: Math.round(usd * 1_000_000), audio: 0 }, total: 0 };
}

function meter(options: { caps?: BudgetCaps; daySpend?: MemoryDaySpend; now?: () => Date } = {}): CostMeter {
  return new CostMeter({
    pricing: PRICING,
    realtimeModel: 'voice',
    caps: options.caps ?? { sessionUsd: 0, dayUsd: 0 },
    daySpend: options.daySpend ?? new MemoryDaySpend(),
    now: options.now ?? (() => new Date(2026, 11, 1, 12, 0)),
  });
}

const costs = (events: SessionEvent[]) => events.filter((event) => event.type === 'cost');
const budgets = (events: SessionEvent[]) => events.filter((event): event is Extract<SessionEvent, { type: 'budget' }> => event.type === 'budget');

test('each response is priced, and the session and the day add up', () => {
  const daySpend = new MemoryDaySpend();
  daySpend.add('2026-12-01', 1.5); // an earlier session today
  const subject = meter({ daySpend });
  const first = subject.observe(usage('resp_1', 0.25));
  const second = subject.observe(usage('resp_2', 0.1));
  assert.deepEqual(first, [{ type: 'cost', source: 'response', id: 'resp_1', model: 'voice', usd: 0.25, turnUsd: 0.25, sessionUsd: 0.25, dayUsd: 1.75 }]);
  assert.equal(costs(second).length, 1);
  const [cost] = costs(second) as Extract<SessionEvent, { type: 'cost' }>[];
  assert.ok(Math.abs(cost!.sessionUsd - 0.35) < 1e-9 && Math.abs(cost!.dayUsd - 1.85) < 1e-9);
  assert.deepEqual(subject.observe({ type: 'state', state: 'live' }), [], 'only usage is priced');
});

test("an agent turn's requests add up under its handoff; an unknown model is counted as unpriced", () => {
  const subject = meter();
  const request = { type: 'agent.usage', handoffId: 'call_1', model: 'agent', inputTokens: 100_000, cachedInputTokens: 50_000, outputTokens: 10_000 } as const;
  // 50,000 × $1 + 50,000 × $0.5 + 10,000 × $2 = $95,000 per million = $0.095.
  const [first] = subject.observe(request) as Extract<SessionEvent, { type: 'cost' }>[];
  const [second] = subject.observe(request) as Extract<SessionEvent, { type: 'cost' }>[];
  assert.ok(Math.abs(first!.usd! - 0.095) < 1e-12);
  assert.ok(Math.abs(second!.turnUsd - 0.19) < 1e-12, 'the turn sums its requests');
  const [unpriced] = subject.observe({ ...request, handoffId: 'call_2', model: 'mystery' }) as Extract<SessionEvent, { type: 'cost' }>[];
  assert.equal(unpriced!.usd, undefined);
  assert.equal(unpriced!.model, 'mystery');
  assert.ok(Math.abs(unpriced!.sessionUsd - 0.19) < 1e-12, 'nothing added for it');
});

test('the warning comes once at 80 % of the session cap, and the cap reached once', () => {
  const subject = meter({ caps: { sessionUsd: 2, dayUsd: 0 } });
  assert.deepEqual(budgets(subject.observe(usage('r1', 1.5))), []);
  const warned = budgets(subject.observe(usage('r2', 0.1)));
  assert.deepEqual(warned, [{ type: 'budget', level: 'warning', scope: 'session', capUsd: 2, spentUsd: warned[0]!.spentUsd, message: 'This session has used $1.60 of its $2.00 budget (80 %).' }]);
  assert.deepEqual(budgets(subject.observe(usage('r3', 0.1))), [], 'not again');
  const reached = budgets(subject.observe(usage('r4', 0.3)));
  assert.equal(reached.length, 1);
  assert.equal(reached[0]!.level, 'reached');
  assert.equal(reached[0]!.message, 'Stopped: this session reached its $2.00 budget. Raise the cap in Settings › Usage to go on.');
  assert.deepEqual(budgets(subject.observe(usage('r5', 0.01))), [], 'the cap is reported once');
  assert.match(subject.declineReason() ?? '', /spending cap is reached \(this session's budget of \$2\.00\)/);
  subject.setCaps({ sessionUsd: 5, dayUsd: 0 });
  assert.equal(subject.capReached(), undefined, 'a raised cap lifts it');
  assert.equal(subject.declineReason(), undefined);
});

test("the day cap counts the day's earlier sessions", () => {
  const daySpend = new MemoryDaySpend();
  daySpend.add('2026-12-01', 4.9);
  const subject = meter({ caps: { sessionUsd: 0, dayUsd: 5 }, daySpend });
  assert.equal(subject.capReached(), undefined);
  const [reached] = budgets(subject.observe(usage('r1', 0.2)));
  assert.equal(reached!.scope, 'day');
  assert.equal(reached!.message, "Stopped: today's spending reached the $5.00 daily budget. Raise the cap in Settings › Usage to go on.");
});

test('the day total starts again at local midnight', () => {
  let now = new Date(2026, 11, 1, 23, 59, 30);
  const daySpend = new MemoryDaySpend();
  const subject = meter({ daySpend, now: () => now, caps: { sessionUsd: 0, dayUsd: 1 } });
  subject.observe(usage('r1', 0.9));
  assert.ok(Math.abs(subject.dayUsd - 0.9) < 1e-12);
  now = new Date(2026, 11, 2, 0, 0, 10);
  assert.equal(subject.dayUsd, 0, 'a new day');
  assert.equal(subject.capReached(), undefined);
  const [cost] = costs(subject.observe(usage('r2', 0.2))) as Extract<SessionEvent, { type: 'cost' }>[];
  assert.ok(Math.abs(cost!.dayUsd - 0.2) < 1e-12);
  assert.ok(Math.abs(cost!.sessionUsd - 1.1) < 1e-12, 'the session goes on across midnight');
  assert.equal(localDay(new Date(2026, 0, 5, 0, 0)), '2026-01-05');
});

test("today's spending survives a restart in a file only its owner can read", () => {
  const dir = tempDir('parley-spend-');
  const path = join(dir, 'nested', 'day-spend.json');
  const first = new DaySpendFile(path);
  first.add('2026-12-01', 0.5);
  first.add('2026-12-01', 0.25);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { '2026-12-01': 0.75 });
  const restarted = new DaySpendFile(path);
  assert.equal(restarted.spentOn('2026-12-01'), 0.75);
  assert.equal(restarted.spentOn('2026-12-02'), 0);
});

test('a total exactly at 80 % or at the cap counts, whatever the floating point sum says', () => {
  // 0.8 × 0.8 is 0.6400000000000001 in floating point; $0.64 is 80 % all the same.
  const subject = meter({ caps: { sessionUsd: 0.8, dayUsd: 0 } });
  assert.deepEqual(
    budgets(subject.observe(usage('r1', 0.64))).map((event) => event.level),
    ['warning'],
  );
  // 0.7 + 0.1 is 0.7999999999999999: the $0.80 cap is reached all the same.
  const sum = meter({ caps: { sessionUsd: 0.8, dayUsd: 0 } });
  sum.observe(usage('a', 0.7));
  assert.deepEqual(
    budgets(sum.observe(usage('b', 0.1))).map((event) => event.level),
    ['reached'],
  );
});
