// The API key never reaches what the headless command prints, even when the realtime server quotes
// it in an `error` event, the command agent prints it on stderr before failing and the model says
// it: the real command, a real socket (the GA stand-in on 127.0.0.1) and a real agent process. The
// messages themselves still arrive, with the key redacted.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startGaRealtimeServer } from '../support/ga-realtime-server';
import { jsonLines, runHeadlessProcess } from '../support/run-headless-process';
import { tempDir } from '../support/temp-dir';

const REDACTED = '[redacted]';
const IDLE_EXIT_MS = '800';

/** An agent that fails the way a misconfigured one does: its error output quotes the key. */
function keyQuotingAgent(dir: string): string {
  const script = join(dir, 'agent.mjs');
  writeFileSync(script, "process.stderr.write(`401 Unauthorized: the key ${process.env.OPENAI_API_KEY} was refused\\n`);\nprocess.exit(1);\n");
  return `'${process.execPath}' '${script}'`;
}

async function runQuotingTheKey(mode: 'text' | 'jsonl') {
  const key = `sk-test-${randomBytes(16).toString('hex')}`;
  const server = await startGaRealtimeServer({ apiKey: key });
  try {
    const dir = tempDir('parley-secrets-');
    server.respondWithCall({ say: 'Let me check.', name: 'background_agent', arguments: { prompt: 'find my notes' } });
    server.respond({ say: `The agent could not use ${key}.` });
    const run = runHeadlessProcess(
      [
        '--realtime-url', server.url,
        '--agent', 'command',
        '--agent-command', keyQuotingAgent(dir),
        '--text', 'find my notes',
        '--exit-after-idle-ms', IDLE_EXIT_MS,
        // Debug diagnostics too: they quote frames and failures in more detail.
        ...(mode === 'jsonl' ? ['--events', 'jsonl'] : ['--log-level', 'debug']),
      ],
      { OPENAI_API_KEY: key },
    );
    // After the agent failed (its answer went back to the model), the server quotes the key.
    await server.waitForFrame((frame) => frame.type === 'conversation.item.create' && frame.item?.type === 'function_call_output', 10_000);
    server.send({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'invalid_value', message: `Key ${key} may not do that.`, param: null, event_id: null },
    });
    const result = await run.done;
    const toModel = server.frames.find((frame: any) => frame.type === 'conversation.item.create' && frame.item?.type === 'function_call_output') as any;
    return { key, ...result, toModel: String(toModel.item.output) };
  } finally {
    await server.close();
  }
}

test('text mode with debug logs: a key quoted by the server, the agent and the model is printed as [redacted], never in full', { timeout: 30_000 }, async () => {
  const { key, code, stdout, stderr, toModel } = await runQuotingTheKey('text');
  assert.ok(!toModel.includes(key) && toModel.includes(REDACTED), `the failure told to the model: ${toModel}`);
  assert.ok(!stdout.includes(key), `stdout carries the key:\n${stdout}`);
  assert.ok(!stderr.includes(key), `stderr carries the key:\n${stderr}`);
  const output = stdout + stderr;
  assert.match(output, /Key \[redacted\] may not do that/, `the server's error is still shown:\n${output}`);
  assert.match(output, /401 Unauthorized: the key \[redacted\] was refused/, `the agent's failure is still shown:\n${output}`);
  assert.equal(code, 0, stderr);
});

test('--events jsonl: a key quoted by the server, the agent and the model is printed as [redacted], never in full', { timeout: 30_000 }, async () => {
  const { key, code, stdout, stderr } = await runQuotingTheKey('jsonl');
  assert.ok(!stdout.includes(key), `stdout carries the key:\n${stdout}`);
  assert.ok(!stderr.includes(key), `stderr carries the key:\n${stderr}`);
  const events = jsonLines(stdout);
  const serverError = events.find((event) => event.type === 'error' && String(event.message).includes('may not do that'));
  assert.ok(serverError, `the server's error is an event:\n${stdout}`);
  assert.ok(String(serverError.message).includes(`Key ${REDACTED}`), serverError.message);
  const agentFailure = events.find((event) => JSON.stringify(event).includes('401 Unauthorized'));
  assert.ok(agentFailure, `the agent's failure is an event:\n${stdout}`);
  assert.ok(JSON.stringify(agentFailure).includes(`the key ${REDACTED} was refused`), JSON.stringify(agentFailure));
  const spoken = events.filter((event) => event.type === 'transcript.delta' && event.itemId === events.findLast((entry) => entry.type === 'transcript.delta')?.itemId);
  assert.equal(spoken.map((event) => event.delta).join(''), `The agent could not use ${REDACTED}.`, `the assistant's words are still events:\n${stdout}`);
  assert.equal(code, 0, stderr);
});
