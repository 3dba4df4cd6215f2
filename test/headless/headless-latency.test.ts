// The latency waterfall through the built headless command against the GA stand-in server: each
// answered turn is one `latency` JSON line, and the session's median and p90 close the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGaRealtimeServer } from '../support/ga-realtime-server';
import { jsonLines, runHeadlessProcess } from '../support/run-headless-process';

test('--events jsonl prints a latency line per answered turn and a latency.summary at the close', async (t) => {
  const server = await startGaRealtimeServer();
  t.after(() => server.close());
  server.respond({ say: 'Hello back.', audioMs: 300 });
  const run = await runHeadlessProcess(
    ['--realtime-url', server.url, '--agent', 'none', '--input-device', 'none', '--output-device', 'none', '--text', 'hello', '--events', 'jsonl', '--exit-after-idle-ms', '600'],
    { OPENAI_API_KEY: 'sk-test-latency' },
  ).done;
  assert.equal(run.code, 0, run.stderr);
  const events = jsonLines(run.stdout);
  const latencies = events.filter((event) => event.type === 'latency');
  assert.equal(latencies.length, 1, run.stdout);
  const [turn] = latencies as any[];
  assert.equal(turn.kind, 'spoken');
  assert.equal(turn.start, 'text', 'a typed message starts the turn');
  assert.equal(turn.heard, false, 'no speaker: the waterfall ends at the first audio');
  assert.deepEqual(
    turn.steps.map((step: any) => `${step.name}:${step.owner}`),
    ['response_started:server', 'first_audio:server'],
  );
  assert.ok(turn.steps.every((step: any) => step.ms >= 0 && step.ms < 5_000), JSON.stringify(turn.steps));
  const summary = events.find((event) => event.type === 'latency.summary') as any;
  assert.ok(summary, run.stdout);
  assert.equal(summary.count, 1);
  assert.equal(summary.medianMs, turn.totalMs);
});
