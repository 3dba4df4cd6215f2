// What headless prints about cost: a line per priced response or agent request, the 80 % warning
// on stderr, and the session's total at the end (readable), or `cost.total` (JSON lines).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import { createJsonLinesPrinter, createReadablePrinter } from '../../src-main/headless/event-printers';

const EVENTS: SessionEvent[] = [
  { type: 'cost', source: 'response', id: 'resp_1', model: 'gpt-realtime', usd: 0.0123, turnUsd: 0.0123, sessionUsd: 0.0123, dayUsd: 1.2 },
  { type: 'cost', source: 'agent', id: 'call_1', model: 'gpt-5-mini', usd: 0.002, turnUsd: 0.005, sessionUsd: 0.0143, dayUsd: 1.202 },
  { type: 'cost', source: 'agent', id: 'call_2', model: 'my-model', turnUsd: 0, sessionUsd: 0.0143, dayUsd: 1.202 },
  { type: 'budget', level: 'warning', scope: 'day', capUsd: 1.5, spentUsd: 1.202, message: "Today's spending is $1.20 of the $1.50 daily budget (80 %)." },
  { type: 'budget', level: 'reached', scope: 'day', capUsd: 1.5, spentUsd: 1.6, message: 'Stopped: printed by run-headless as the last word.' },
  { type: 'closed', reason: 'requested' },
];

test('readable output prices each response and agent request, warns once, and totals the session at the end', () => {
  let out = '';
  let err = '';
  const printer = createReadablePrinter(
    (text) => (out += text),
    (text) => (err += text),
  );
  for (const event of EVENTS) printer.onEvent(event);
  assert.equal(out, '');
  assert.equal(
    err,
    'parley: cost [resp_1]: $0.0123 · session $0.0123 · today $1.20\n' +
      'parley: agent cost [call_1]: $0.002 (turn $0.005) · session $0.0143 · today $1.20\n' +
      'parley: agent cost [call_2]: no price for my-model · session $0.0143 · today $1.20\n' +
      "parley: Today's spending is $1.20 of the $1.50 daily budget (80 %).\n" +
      'parley: session cost $0.0143 · $1.20 today\n',
  );
});

test('JSON lines carry every cost and budget event and a cost.total line when the session ends', () => {
  let out = '';
  const print = createJsonLinesPrinter((text) => (out += text));
  for (const event of EVENTS) print(event);
  const lines = out.trim().split('\n').map((line) => JSON.parse(line));
  assert.deepEqual(
    lines.map((line) => line.type),
    ['cost', 'cost', 'cost', 'budget', 'budget', 'cost.total', 'closed'],
  );
  const total = lines.find((line) => line.type === 'cost.total');
  assert.equal(total.sessionUsd, 0.0143);
  assert.equal(total.dayUsd, 1.202);
});
