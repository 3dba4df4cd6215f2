// The headless command prices each reply, stops at --budget-session with the cap's message as its
// last line, keeps today's spending in --spend-file (mode 600), and does not connect once
// --budget-day is spent.
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startGaRealtimeServer, type UsageOverride } from '../support/ga-realtime-server';
import { runHeadlessProcess } from '../support/run-headless-process';
import { tempDir } from '../support/temp-dir';

/** Only spoken output: 10,000 tokens at gpt-realtime's $64 per 1M = $0.64. */
const SPOKEN_10K: UsageOverride = {
  input_token_details: { text_tokens: 0, audio_tokens: 0, cached_tokens_details: { text_tokens: 0, audio_tokens: 0 } },
  output_token_details: { text_tokens: 0, audio_tokens: 10_000 },
};

test('--budget-session stops the run at the cap with its message; the day is kept in --spend-file and --budget-day then refuses to start', async (t) => {
  const server = await startGaRealtimeServer();
  t.after(() => server.close());
  const spendFile = join(tempDir('parley-budget-'), 'day-spend.json');
  server.respond({ say: 'Here you go.', usage: SPOKEN_10K });
  const first = await runHeadlessProcess(
    ['--realtime-url', server.url, '--agent', 'none', '--text', 'hello', '--exit-after-idle-ms', '3000', '--budget-session', '0.5', '--spend-file', spendFile],
    { OPENAI_API_KEY: 'sk-test-budget' },
  ).done;
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /parley: cost \[[^\]]+\]: \$0\.64 · session \$0\.64 · today \$0\.64\n/);
  assert.match(first.stderr, /parley: session cost \$0\.64 · \$0\.64 today\n/);
  assert.ok(first.stderr.endsWith('parley: Stopped: this session reached its $0.50 budget. Raise it with --budget-session to go on.\n'), first.stderr);
  assert.equal(statSync(spendFile).mode & 0o777, 0o600);
  const [day] = Object.values(JSON.parse(readFileSync(spendFile, 'utf8'))) as number[];
  assert.ok(Math.abs(day! - 0.64) < 1e-9);

  const second = await runHeadlessProcess(
    ['--realtime-url', server.url, '--agent', 'none', '--text', 'again', '--exit-after-idle-ms', '3000', '--budget-day', '0.6', '--spend-file', spendFile],
    { OPENAI_API_KEY: 'sk-test-budget' },
  ).done;
  assert.equal(second.code, 1, second.stderr);
  assert.ok(second.stderr.endsWith("parley: Stopped: today's spending reached the $0.60 daily budget. Raise it with --budget-day to go on.\n"), second.stderr);
  assert.equal(server.connections.length, 1, 'the second run did not connect');
});

test('a budget flag that is not an amount of dollars is refused with the reason', async () => {
  const run = await runHeadlessProcess(['--budget-session', 'lots'], {}).done;
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /--budget-session must be a number of US dollars from 0 \(no cap\) to 100000, not "lots"/);
});
