// createAgentBackend for the coding agents, against the REAL Codex binary and a mock provider:
// the defaults Parley uses while it cannot ask the user (allow what only reads, Codex writing in
// the working folder only) and what happens to a request nobody can answer: denied at once, with
// a notice for the card, instead of the agent waiting out the approval timeout (60 s).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { AgentError, type AgentStreamEvent } from '../../../src-main/core/agent/agent-backend';
import { silentLogger } from '../../../src-main/core/util/logger';
import { createAgentBackend, type AgentBackendSettings } from '../../../src-main/adapters/agent/create-agent-backend';
import { findCodexBinary } from '../../support/codex-binary';
import { startCodexMockProvider, type CodexMockReply } from '../../support/codex-mock-provider';

const binary = findCodexBinary();
const skip = binary.path === undefined ? `the Codex platform binary is missing: ${binary.reason}` : false;
/** Far below the 60 s an unanswered approval would otherwise hold the agent. */
const DENIED_WITHIN_MS = 15_000;

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

  test('by default a command that needs permission is denied at once, with a notice naming it, and does not run', { timeout: 60_000 }, async (t) => {
    const { backend, cwd, provider } = await codexBackend(t, [
      { kind: 'exec', command: 'touch outside.txt', justification: 'Create the marker file?' },
      { kind: 'message', text: 'I could not create it.' },
    ]);
    const startedAt = performance.now();
    const { events, error } = await run(backend.runRequest(request('Create the marker file.')));
    const elapsedMs = performance.now() - startedAt;
    t.diagnostic(`request to denial and end: ${elapsedMs.toFixed(0)} ms; model requests: ${provider.requests.length}`);
    assert.ok(elapsedMs < DENIED_WITHIN_MS, `ended in ${elapsedMs.toFixed(0)} ms`);
    assert.equal(existsSync(join(cwd, 'outside.txt')), false, 'the denied command did not run');
    const notices = events.flatMap((event) => (event.type === 'notice' ? [event.text] : []));
    assert.equal(notices.length, 1, JSON.stringify(events));
    assert.match(notices[0]!, /^Denied the agent's request to run touch outside\.txt: Parley cannot ask you for approval yet\. To let the agent do this without asking, set its approval policy to never ask/);
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
