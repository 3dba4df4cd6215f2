/**
 * The ACP backend against the real codex-acp agent (@zed-industries/codex-acp, its native binary
 * from the platform package), pointed by `-c` config overrides at a mock Responses provider on
 * loopback, with a throwaway CODEX_HOME.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test, type TestContext } from 'node:test';
import type { AgentActivityEvent, AgentStreamEvent } from '../../../../src-main/core/agent/agent-backend';
import { createAcpBackend, type AcpBackend, type AcpBackendOptions } from '../../../../src-main/adapters/agent/acp/acp-backend';
import { codexOverridesFor, startAcpMockProvider, type AcpMockProvider, type AcpMockReply } from '../../../support/acp-mock-provider';
import { collect } from '../../../support/agent-stream';
import { userInputTexts } from '../../../support/mock-responses-server';
import { isGone } from '../process-table';

/** How long codex-acp may take to close the held model stream after a cancel. */
const STREAM_CLOSE_WAIT_MS = 2_000;
const TEST_TIMEOUT_MS = 30_000;
const APPROVAL_WAIT_MS = 20_000;

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

interface Rig {
  readonly backend: AcpBackend;
  readonly provider: AcpMockProvider;
  readonly cwd: string;
  readonly activity: AgentActivityEvent[];
}

async function setUp(t: TestContext, script: AcpMockReply[], options: Partial<AcpBackendOptions> = {}): Promise<Rig> {
  const provider = await startAcpMockProvider(script);
  t.after(() => provider.close());
  const command = [binary!, ...codexOverridesFor(provider).flatMap((override) => ['-c', override])].map((part) => `'${part}'`).join(' ');
  // Made here, not with tempDir: they must go after codex-acp has stopped writing to them (it
  // keeps its session files in CODEX_HOME), and a failed removal must not skip the dispose.
  const cwd = mkdtempSync(join(tmpdir(), 'parley-codex-acp-work-'));
  const home = mkdtempSync(join(tmpdir(), 'parley-codex-acp-home-'));
  const backend = createAcpBackend({
    command,
    cwd,
    env: { CODEX_HOME: home, PARLEY_MOCK_API_KEY: 'parley-mock-key', RUST_LOG: 'error' },
    ...options,
  });
  const activity: AgentActivityEvent[] = [];
  backend.onActivity((event) => activity.push(event));
  t.after(async () => {
    await backend.dispose();
    rmSync(cwd, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  return { backend, provider, cwd, activity };
}

async function firstApproval(rig: Rig): Promise<string> {
  const deadline = performance.now() + APPROVAL_WAIT_MS;
  for (;;) {
    const asked = rig.activity.find((event) => event.type === 'approval.requested');
    if (asked?.type === 'approval.requested') return asked.approval.id;
    if (performance.now() > deadline) assert.fail(`no approval was requested: ${JSON.stringify(rig.activity)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function resolutions(rig: Rig): string[] {
  return rig.activity.flatMap((event) => (event.type === 'approval.resolved' ? [`${event.id} ${event.decision} ${event.decidedBy}`] : []));
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

  test('a command Codex asks about runs once allowed by voice: resolved once as allow by voice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await setUp(t, [
      { kind: 'exec', command: 'touch approved.txt', justification: 'Create the marker file?' },
      { kind: 'message', text: 'Created approved.txt.' },
    ]);
    const running = collect(rig.backend.runRequest(request(['Create the marker file'])));
    const id = await firstApproval(rig);
    t.diagnostic(`asked: ${JSON.stringify(rig.activity.find((event) => event.type === 'approval.requested'))}`);
    assert.equal(rig.backend.answerApproval(id, 'allow', 'voice'), true);
    assert.equal(answerOf(await running), 'Created approved.txt.');
    assert.ok(existsSync(join(rig.cwd, 'approved.txt')), 'the allowed command ran');
    assert.deepEqual(resolutions(rig), [`${id} allow voice`]);
  });

  test('cancelling the request while codex-acp waits for an answer resolves it as "ended"; nothing runs', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await setUp(t, [
      { kind: 'exec', command: 'touch cancelled.txt', justification: 'Create the marker file?' },
      { kind: 'message', text: 'Still here.' },
    ]);
    const controller = new AbortController();
    const running = collect(rig.backend.runRequest(request(['Create the marker file'], controller.signal)));
    const id = await firstApproval(rig);
    controller.abort();
    await assert.rejects(running, (error: Error) => error.name === 'AbortError');
    assert.deepEqual(resolutions(rig), [`${id} deny ended`]);
    assert.equal(rig.backend.answerApproval(id, 'allow', 'click'), false);
    assert.equal(answerOf(await collect(rig.backend.runRequest(request(['Are you there?'])))), 'Still here.');
    assert.equal(existsSync(join(rig.cwd, 'cancelled.txt')), false);
    assert.deepEqual(resolutions(rig), [`${id} deny ended`], 'still once');
  });
});
