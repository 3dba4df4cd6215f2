/**
 * The ACP backend against the real codex-acp agent (@zed-industries/codex-acp, its native binary
 * from the platform package), pointed by `-c` config overrides at a mock Responses provider on
 * loopback, with a throwaway CODEX_HOME.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import type { AgentStreamEvent } from '../../../../src-main/core/agent/agent-backend';
import { createAcpBackend, type AcpBackend } from '../../../../src-main/adapters/agent/acp/acp-backend';
import { codexOverridesFor, startAcpMockProvider, type AcpMockProvider, type AcpMockReply } from '../../../support/acp-mock-provider';
import { collect } from '../../../support/agent-stream';
import { userInputTexts } from '../../../support/mock-responses-server';
import { tempDir } from '../../../support/temp-dir';
import { isGone } from '../process-table';

/** How long codex-acp may take to close the held model stream after a cancel. */
const STREAM_CLOSE_WAIT_MS = 2_000;
const TEST_TIMEOUT_MS = 30_000;

function codexAcpBinary(): string | undefined {
  const name = `@zed-industries/codex-acp-${process.platform}-${process.arch}/bin/codex-acp${process.platform === 'win32' ? '.exe' : ''}`;
  try {
    const path = fileURLToPath(import.meta.resolve(name));
    return existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

const binary = codexAcpBinary();
const skip = binary ? false : `the codex-acp platform binary for ${process.platform}-${process.arch} is not installed (@zed-industries/codex-acp's optional dependency)`;

async function setUp(t: TestContext, script: AcpMockReply[]): Promise<{ backend: AcpBackend; provider: AcpMockProvider }> {
  const provider = await startAcpMockProvider(script);
  t.after(() => provider.close());
  const command = [binary!, ...codexOverridesFor(provider).flatMap((override) => ['-c', override])].map((part) => `'${part}'`).join(' ');
  const backend = createAcpBackend({
    command,
    cwd: tempDir('parley-codex-acp-work-'),
    env: { CODEX_HOME: tempDir('parley-codex-acp-home-'), PARLEY_MOCK_API_KEY: 'parley-mock-key', RUST_LOG: 'error' },
  });
  t.after(() => backend.dispose());
  return { backend, provider };
}

function request(inputs: string[], signal = new AbortController().signal) {
  return { turnInputs: inputs, newInputs: inputs, signal };
}

function answerOf(events: AgentStreamEvent[]): string | undefined {
  return events.find((event) => event.type === 'message.completed')?.text;
}

describe('ACP backend against the real codex-acp', { skip, timeout: 120_000 }, () => {
  test('starts, answers one prompt from the mock provider, and stops on dispose', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { backend, provider } = await setUp(t, [{ kind: 'message', text: 'Hello from the mock model.', deltas: ['Hello ', 'from the mock model.'] }]);
    const startedAt = performance.now();
    await backend.start();
    const startMs = performance.now() - startedAt;
    const askedAt = performance.now();
    const events = await collect(backend.runRequest(request(['Say hello'])));
    const answerMs = performance.now() - askedAt;
    t.diagnostic(`codex-acp start (spawn, initialize, session/new): ${startMs.toFixed(0)} ms; prompt to answer: ${answerMs.toFixed(0)} ms`);
    assert.equal(answerOf(events), 'Hello from the mock model.');
    assert.ok(events.some((event) => event.type === 'text.delta'));
    const [sent] = await provider.waitForResponseRequests(1);
    assert.ok(userInputTexts({ path: sent!.path, headers: {}, body: sent!.body }).some((text) => text.includes('Say hello')));
    const pid = backend.agentPid!;
    await backend.dispose();
    assert.ok(isGone(pid), 'codex-acp is gone after dispose');
  });

  test('two prompts in one session keep the context', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { backend, provider } = await setUp(t, [
      { kind: 'message', text: 'Noted: the colour is teal.' },
      { kind: 'message', text: 'It was teal.' },
    ]);
    assert.equal(answerOf(await collect(backend.runRequest(request(['Remember the colour teal'])))), 'Noted: the colour is teal.');
    assert.equal(answerOf(await collect(backend.runRequest(request(['Which colour was it?'])))), 'It was teal.');
    const [, second] = await provider.waitForResponseRequests(2);
    const body = JSON.stringify(second!.body);
    assert.ok(body.includes('Remember the colour teal'), 'the second model call carries the first input');
    assert.ok(body.includes('Noted: the colour is teal.'), 'and the first answer');
    assert.ok(body.includes('Which colour was it?'));
  });

  test('cancel ends the prompt at once, and the same session answers the next prompt', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const { backend, provider } = await setUp(t, [{ kind: 'hold' }, { kind: 'message', text: 'Still here.' }]);
    const controller = new AbortController();
    const running = collect(backend.runRequest(request(['Work for a long time'], controller.signal)));
    await provider.waitForResponseRequests(1);
    const pid = backend.agentPid;
    const abortedAt = performance.now();
    controller.abort();
    await assert.rejects(running, (error: Error) => error.name === 'AbortError');
    const cancelMs = performance.now() - abortedAt;
    t.diagnostic(`codex-acp cancel to end of request: ${cancelMs.toFixed(0)} ms`);
    assert.ok(cancelMs < 5_000);
    // Whether Codex then drops its model stream is Codex's business, not the client's: it did
    // within 21 ms in most runs and not within 20 s in about one run in three (codex-acp 0.16.0),
    // so it is reported, not asserted. The client's part is asserted: the prompt ended as
    // cancelled at once, and the same session goes on.
    const closeWaitStarted = performance.now();
    while (provider.heldStreamsClosedByClient === 0 && performance.now() - closeWaitStarted < STREAM_CLOSE_WAIT_MS) await new Promise((resolve) => setTimeout(resolve, 20));
    t.diagnostic(
      provider.heldStreamsClosedByClient === 1
        ? `codex-acp closed the model stream ${(performance.now() - closeWaitStarted).toFixed(0)} ms after the request ended`
        : `codex-acp kept the model stream open ${STREAM_CLOSE_WAIT_MS} ms after the request ended`,
    );

    assert.equal(answerOf(await collect(backend.runRequest(request(['Are you there?'])))), 'Still here.');
    assert.equal(backend.agentPid, pid, 'the same agent and session');
  });
});
