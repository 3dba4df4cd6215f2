// createAgentBackend for the coding agents, against the REAL Codex binary and a mock provider (and
// the scripted ACP agent): the backends come back as they are, reporting activity and taking
// answers, with Parley's defaults (allow what only reads, Codex writing in the working folder
// only): a request beyond that is put to the user, and the approval timeout set here is the one
// the request carries and the one that denies it.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { AgentError, type AgentActivityEvent, type AgentStreamEvent } from '../../../src-main/core/agent/agent-backend';
import { silentLogger } from '../../../src-main/core/util/logger';
import { createAgentBackend, type AgentBackendSettings } from '../../../src-main/adapters/agent/create-agent-backend';
import { findCodexBinary } from '../../support/codex-binary';
import { startCodexMockProvider, type CodexMockReply } from '../../support/codex-mock-provider';
import { scriptedAgentCommand } from '../../support/acp-scripted-command';
import { tempDir } from '../../support/temp-dir';

const binary = findCodexBinary();
const skip = binary.path === undefined ? `the Codex platform binary is missing: ${binary.reason}` : false;
/** Short, so that a test can wait it out. */
const SHORT_APPROVAL_TIMEOUT_MS = 400;

async function codexBackend(t: TestContext, replies: CodexMockReply[], extra: Partial<AgentBackendSettings> = {}) {
  const provider = await startCodexMockProvider(replies);
  const cwd = mkdtempSync(join(tmpdir(), 'parley-factory-cwd-'));
  const home = mkdtempSync(join(tmpdir(), 'parley-factory-home-'));
  const backend = createAgentBackend(
    {
      kind: 'codex',
      apiKey: undefined,
      url: undefined,
      model: undefined,
      instructions: undefined,
      command: binary.path,
      cwd,
      timeoutMs: undefined,
      config: provider.configOverrides(),
      env: { CODEX_HOME: home },
      ...extra,
    },
    silentLogger,
  );
  t.after(async () => {
    await backend.dispose();
    await provider.close();
    rmSync(cwd, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  return { backend, provider, cwd };
}

async function run(stream: AsyncIterable<AgentStreamEvent>): Promise<{ events: AgentStreamEvent[]; error: unknown }> {
  const events: AgentStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: undefined };
  } catch (error) {
    return { events, error };
  }
}

function request(text: string) {
  return { turnInputs: [text], newInputs: [text], signal: new AbortController().signal };
}

describe('createAgentBackend: codex against the real binary', { skip, timeout: 120_000 }, () => {
  test('kind codex answers a handoff from the mock provider and offers steering', { timeout: 60_000 }, async (t) => {
    const { backend } = await codexBackend(t, [{ kind: 'message', text: 'Hello from Codex.' }]);
    assert.equal(backend.kind, 'codex');
    assert.equal(typeof backend.steer, 'function');
    const { events, error } = await run(backend.runRequest(request('Say hello.')));
    assert.equal(error, undefined);
    assert.deepEqual(events.filter((event) => event.type === 'message.completed'), [{ type: 'message.completed', text: 'Hello from Codex.' }]);
  });

  test('by default a command that needs permission is put to the user, and an answer by voice lets it run', { timeout: 60_000 }, async (t) => {
    const { backend, cwd } = await codexBackend(t, [
      { kind: 'exec', command: 'touch outside.txt', justification: 'Create the marker file?' },
      { kind: 'message', text: 'Created it.' },
    ]);
    const activity: AgentActivityEvent[] = [];
    backend.onActivity!((event) => {
      activity.push(event);
      if (event.type === 'approval.requested') backend.answerApproval!(event.approval.id, 'allow', 'voice');
    });
    const { events, error } = await run(backend.runRequest(request('Create the marker file.')));
    assert.equal(error, undefined);
    assert.equal(existsSync(join(cwd, 'outside.txt')), true, 'the allowed command ran');
    assert.deepEqual(events.filter((event) => event.type === 'notice'), [], 'nothing is denied behind the user\'s back');
    const requested = activity.filter((event) => event.type === 'approval.requested');
    assert.equal(requested.length, 1);
    assert.equal(requested[0]!.type === 'approval.requested' && requested[0]!.timeoutMs, 60_000, 'the default approval timeout');
    assert.deepEqual(
      activity.filter((event) => event.type === 'approval.resolved').map((event) => event.type === 'approval.resolved' && `${event.decision} ${event.decidedBy}`),
      ['allow voice'],
    );
  });

  test('the approval timeout set in the settings denies an unanswered request', { timeout: 60_000 }, async (t) => {
    const { backend, cwd } = await codexBackend(t, [{ kind: 'exec', command: 'touch unanswered.txt', justification: 'Create the marker file?' }], {
      approvalTimeoutMs: SHORT_APPROVAL_TIMEOUT_MS,
    });
    const activity: AgentActivityEvent[] = [];
    backend.onActivity!((event) => activity.push(event));
    const startedAt = performance.now();
    const { error } = await run(backend.runRequest(request('Create the marker file.')));
    const elapsedMs = performance.now() - startedAt;
    t.diagnostic(`request to denial and end: ${elapsedMs.toFixed(0)} ms`);
    assert.ok(elapsedMs >= SHORT_APPROVAL_TIMEOUT_MS);
    assert.equal(existsSync(join(cwd, 'unanswered.txt')), false, 'the unanswered command did not run');
    const requested = activity.find((event) => event.type === 'approval.requested');
    assert.equal(requested?.type === 'approval.requested' && requested.timeoutMs, SHORT_APPROVAL_TIMEOUT_MS);
    assert.deepEqual(
      activity.filter((event) => event.type === 'approval.resolved').map((event) => event.type === 'approval.resolved' && `${event.decision} ${event.decidedBy}`),
      ['deny timeout'],
    );
    // Codex 0.171 offers no "decline" for an escalation, so the denial ends the turn; a later Codex may carry on.
    if (error !== undefined) {
      assert.ok(error instanceof AgentError, String(error));
      assert.equal(error.message, 'Codex stopped the task because its request was not allowed.');
    }
  });

  test('with never-ask the same command runs without a notice', { timeout: 60_000 }, async (t) => {
    const { backend, cwd } = await codexBackend(
      t,
      [
        { kind: 'exec', command: 'touch allowed.txt', justification: 'Create the marker file?' },
        { kind: 'message', text: 'Created it.' },
      ],
      { approvalPolicy: 'never-ask' },
    );
    const { events, error } = await run(backend.runRequest(request('Create the marker file.')));
    assert.equal(error, undefined);
    assert.equal(existsSync(join(cwd, 'allowed.txt')), true);
    assert.deepEqual(events.filter((event) => event.type === 'notice'), []);
    assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'Created it.' });
  });
});

test('createAgentBackend: kind acp asks with the approval timeout set in the settings', { timeout: 30_000 }, async (t) => {
  const backend = createAgentBackend(
    {
      kind: 'acp',
      apiKey: undefined,
      url: undefined,
      model: undefined,
      instructions: undefined,
      command: scriptedAgentCommand(),
      cwd: tempDir('parley-factory-acp-'),
      timeoutMs: undefined,
      approvalTimeoutMs: SHORT_APPROVAL_TIMEOUT_MS,
    },
    silentLogger,
  );
  t.after(() => backend.dispose());
  const activity: AgentActivityEvent[] = [];
  backend.onActivity!((event) => activity.push(event));
  const { events, error } = await run(backend.runRequest(request('ask execute')));
  assert.equal(error, undefined);
  assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'permission: reject-once' });
  const requested = activity.find((event) => event.type === 'approval.requested');
  assert.equal(requested?.type === 'approval.requested' && requested.timeoutMs, SHORT_APPROVAL_TIMEOUT_MS);
  assert.deepEqual(
    activity.filter((event) => event.type === 'approval.resolved').map((event) => event.type === 'approval.resolved' && `${event.decision} ${event.decidedBy}`),
    ['deny timeout'],
  );
});
