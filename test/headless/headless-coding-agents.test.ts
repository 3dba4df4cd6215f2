// A handoff from the voice session to a REAL coding agent and back, end to end through the real
// headless command: the GA realtime stand-in on loopback plays the voice model (it calls the
// background agent), the agent is the real Codex app server (@openai/codex) or the real codex-acp
// ACP agent (@zed-industries/codex-acp), each pointed by config overrides at a mock Responses
// provider on loopback, with a throwaway CODEX_HOME. The agent's answer (the mock provider's
// text) must come back into the voice session as the function call's output. Each skips only
// where its platform binary is missing.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { codexOverridesFor, startAcpMockProvider } from '../support/acp-mock-provider';
import { acpSkip, codex, codexAcp, codexSkip, scratch } from '../support/coding-agent-binaries';
import { startCodexMockProvider } from '../support/codex-mock-provider';
import { startGaRealtimeServer, type GaRealtimeServer } from '../support/ga-realtime-server';
import { jsonLines, runHeadlessProcess } from '../support/run-headless-process';

const IDLE_EXIT_MS = '1500';
const RUN_TIMEOUT_MS = 60_000;
const FRAME_WAIT_MS = 45_000;


async function voiceSession(t: TestContext): Promise<GaRealtimeServer> {
  const server = await startGaRealtimeServer();
  t.after(() => server.close());
  server.respondWithCall({ say: 'Let me ask the agent.', name: 'background_agent', callId: 'call_agent', arguments: { prompt: 'How many tests are there?' } });
  server.respond({ say: 'The agent says there are forty-two tests.' });
  return server;
}

function functionOutput(server: GaRealtimeServer): string | undefined {
  const frame = server.frames.find((candidate: any) => candidate.type === 'conversation.item.create' && candidate.item?.type === 'function_call_output') as any;
  return frame ? String(frame.item.output) : undefined;
}

async function handOffThrough(t: TestContext, server: GaRealtimeServer, agentFlags: string[], env: Record<string, string>) {
  const startedAt = performance.now();
  const run = runHeadlessProcess(
    ['--realtime-url', server.url, ...agentFlags, '--text', 'How many tests are there?', '--events', 'jsonl', '--exit-after-idle-ms', IDLE_EXIT_MS],
    { OPENAI_API_KEY: 'sk-test-voice', ...env },
    RUN_TIMEOUT_MS,
  );
  t.after(() => {
    if (run.child.exitCode === null) run.child.kill('SIGKILL');
  });
  await server.waitForFrame((frame: any) => frame.type === 'conversation.item.create' && frame.item?.type === 'function_call_output', FRAME_WAIT_MS);
  const answeredMs = performance.now() - startedAt;
  const result = await run.done;
  t.diagnostic(`handoff to answer in the voice session: ${answeredMs.toFixed(0)} ms; whole run ${(performance.now() - startedAt).toFixed(0)} ms`);
  return { ...result, events: jsonLines(result.stdout) };
}

test('--agent codex: the voice model hands off, real Codex answers from the mock provider, and the answer returns as the function output', { skip: codexSkip, timeout: 90_000 }, async (t) => {
  const provider = await startCodexMockProvider([{ kind: 'message', text: 'There are 42 tests in the suite.' }]);
  t.after(() => provider.close());
  const server = await voiceSession(t);
  const home = scratch(t, 'parley-e2e-codex-home-');
  const work = scratch(t, 'parley-e2e-codex-work-');
  const { code, stderr, events } = await handOffThrough(
    t,
    server,
    ['--agent', 'codex', '--agent-command', codex.path!, '--agent-cwd', work, ...provider.configOverrides().flatMap((entry) => ['--agent-config', entry])],
    { CODEX_HOME: home },
  );
  assert.equal(code, 0, stderr);
  assert.match(functionOutput(server) ?? '', /There are 42 tests in the suite\./);
  assert.equal(events.find((event) => event.type === 'handoff.answered')?.text, 'There are 42 tests in the suite.');
  assert.ok(provider.requests[0]!.userTexts.some((text) => text.includes('How many tests are there?')), 'Codex sent the handoff to its model');
  assert.deepEqual(server.violations, []);
});

test('--agent acp: the voice model hands off, real codex-acp answers from the mock provider, and the answer returns as the function output', { skip: acpSkip, timeout: 90_000 }, async (t) => {
  const provider = await startAcpMockProvider([{ kind: 'message', text: 'The suite has 42 tests.' }]);
  t.after(() => provider.close());
  const server = await voiceSession(t);
  const home = scratch(t, 'parley-e2e-acp-home-');
  const work = scratch(t, 'parley-e2e-acp-work-');
  const command = [codexAcp!, ...codexOverridesFor(provider).flatMap((entry) => ['-c', entry])].map((part) => `'${part}'`).join(' ');
  const { code, stderr, events } = await handOffThrough(t, server, ['--agent', 'acp', '--agent-command', command, '--agent-cwd', work], {
    CODEX_HOME: home,
    PARLEY_MOCK_API_KEY: 'parley-mock-key',
    RUST_LOG: 'error',
  });
  assert.equal(code, 0, stderr);
  assert.match(functionOutput(server) ?? '', /The suite has 42 tests\./);
  assert.equal(events.find((event) => event.type === 'handoff.answered')?.text, 'The suite has 42 tests.');
  const [sent] = await provider.waitForResponseRequests(1);
  assert.ok(JSON.stringify(sent!.body).includes('How many tests are there?'), 'codex-acp sent the handoff to its model');
  assert.deepEqual(server.violations, []);
});
