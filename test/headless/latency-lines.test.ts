import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import type { TurnLatency } from '../../src-shared/latency';
import { createJsonLinesPrinter, createReadablePrinter } from '../../src-main/headless/event-printers';
import { createLatencyTotals, latencyLine } from '../../src-main/headless/latency-lines';

const spoken = (turnId: string, totalMs: number, heard = true): TurnLatency => ({
  kind: 'spoken',
  turnId,
  start: 'local_vad',
  startedAt: 1_000,
  steps: [
    { name: 'response_started', owner: 'server', ms: totalMs - 100 },
    { name: 'first_audio', owner: 'server', ms: 60 },
    ...(heard
      ? ([
          { name: 'buffering', owner: 'parley', ms: 12 },
          { name: 'device', owner: 'device', ms: 28 },
        ] as const)
      : []),
  ],
  totalMs: heard ? totalMs : totalMs - 40,
  heard,
});

const handoff: TurnLatency = {
  kind: 'handoff',
  turnId: 'call_7',
  start: 'handoff',
  startedAt: 1_000,
  steps: [
    { name: 'agent_request', owner: 'parley', ms: 4.2 },
    { name: 'agent_first_token', owner: 'agent', ms: 850 },
    { name: 'agent_answer', owner: 'agent', ms: 2_400 },
    { name: 'answer_sent', owner: 'parley', ms: 1.1 },
    { name: 'response_started', owner: 'server', ms: 310 },
    { name: 'first_audio', owner: 'server', ms: 190 },
  ],
  totalMs: 3_755.3,
  heard: false,
};

test("a turn's line names each step, whose it is when not Parley's, and says when nothing was heard", () => {
  assert.equal(
    latencyLine(spoken('resp_1', 640)),
    'latency [resp_1]: 640 ms · Server response 540 ms (server) · First audio 60 ms (server) · Parley buffering 12 ms · Speaker output 28 ms (device)',
  );
  assert.equal(
    latencyLine(handoff),
    'handoff latency [call_7]: 3.8 s (not heard at the speaker) · Agent request sent 4 ms · Agent\'s first token 850 ms (agent) · Agent\'s answer 2.4 s (agent) · Answer to the voice 1 ms · Server response 310 ms (server) · First audio 190 ms (server)',
  );
});

test('the totals take the median and p90 of heard turns, or of the partial ones when no speaker heard any', () => {
  const totals = createLatencyTotals();
  assert.equal(totals.line(), undefined, 'no turn: no line');
  totals.onLatency(spoken('a', 900, false));
  assert.equal(totals.line(), 'latency over 1 turn, to the first audio (no speaker): median 860 ms · p90 860 ms');
  for (const [index, ms] of [500, 700, 600, 1_500, 800].entries()) totals.onLatency(spoken(`r${index}`, ms));
  assert.deepEqual(totals.summary(), { medianMs: 700, p90Ms: 1_500, count: 5, heard: true });
  assert.equal(totals.line(), 'latency over 5 turns: median 700 ms · p90 1.5 s');
});

test('readable output prints each turn on the progress stream and the summary when the session closes', () => {
  const out: string[] = [];
  const err: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), (text) => err.push(text));
  const events: SessionEvent[] = [
    { type: 'latency', ...spoken('resp_1', 600) },
    { type: 'latency', ...spoken('resp_2', 800) },
    { type: 'closed', reason: 'requested' },
  ];
  for (const event of events) printer.onEvent(event);
  printer.flush();
  assert.deepEqual(out, [], 'the transcript stream stays the conversation');
  assert.ok(err[0]!.startsWith('parley: latency [resp_1]: 600 ms · '), err[0]);
  assert.ok(err[1]!.startsWith('parley: latency [resp_2]: 800 ms · '), err[1]);
  assert.equal(err.at(-1), 'parley: latency over 2 turns: median 600 ms · p90 800 ms\n');
});

test('JSON lines carry each waterfall whole and a latency.summary line at the close', () => {
  const lines: string[] = [];
  const print = createJsonLinesPrinter((text) => lines.push(text));
  print({ type: 'latency', ...handoff });
  print({ type: 'latency', ...spoken('resp_1', 600) });
  print({ type: 'closed', reason: 'requested' });
  const parsed = lines.map((line) => JSON.parse(line));
  assert.equal(parsed[0].type, 'latency');
  assert.equal(parsed[0].turnId, 'call_7');
  assert.deepEqual(parsed[0].steps, handoff.steps);
  assert.equal(parsed[1].heard, true);
  const summary = parsed.find((line) => line.type === 'latency.summary');
  assert.deepEqual({ ...summary, atMs: 0 }, { type: 'latency.summary', atMs: 0, medianMs: 600, p90Ms: 600, count: 1, heard: true });
});
