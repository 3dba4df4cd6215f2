// Dialect v2 in a room, against the GA stand-in server: noise reduction and turn detection written
// out in full (every frame valid by the official schema), and remain_silent answered with an empty
// output and no response.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { NoiseReduction, RealtimeSessionConfig, SemanticEagerness, TurnDetection } from '../../../src-main/core/protocol/session-config';
import { ANSWER_APPROVAL_TOOL_NAME, REMAIN_SILENT_TOOL_NAME } from '../../../src-main/core/protocol/v2-codec';
import { startGaRealtimeServer, type GaRealtimeServer } from '../../support/ga-realtime-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, type SessionHarness } from '../../support/session-harness';

interface Stage {
  server: GaRealtimeServer;
  harness: SessionHarness;
}

async function stage(t: TestContext, overrides: Partial<RealtimeSessionConfig>): Promise<Stage> {
  const server = await startGaRealtimeServer();
  const harness = createSessionHarness();
  t.after(async () => {
    await harness.dispose();
    await server.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url, overrides), apiKey: TEST_API_KEY }), true);
  await server.waitForSession();
  return { server, harness };
}

const framesOfType = (server: GaRealtimeServer, type: string) => server.frames.filter((frame: any) => frame?.type === type) as any[];

function assertNoViolations(server: GaRealtimeServer): void {
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
}

interface Combination {
  turnDetection: TurnDetection;
  noiseReduction: NoiseReduction;
  vadSilenceMs?: number;
  semanticEagerness?: SemanticEagerness;
  expectedTurnDetection: Record<string, unknown> | null;
}

const COMBINATIONS: Combination[] = [
  {
    turnDetection: 'server_vad',
    noiseReduction: 'near_field',
    vadSilenceMs: 800,
    expectedTurnDetection: { type: 'server_vad', silence_duration_ms: 800, interrupt_response: true, create_response: true },
  },
  {
    turnDetection: 'server_vad',
    noiseReduction: 'far_field',
    expectedTurnDetection: { type: 'server_vad', silence_duration_ms: 500, interrupt_response: true, create_response: true },
  },
  {
    turnDetection: 'server_vad',
    noiseReduction: 'off',
    vadSilenceMs: 2_000,
    expectedTurnDetection: { type: 'server_vad', silence_duration_ms: 2_000, interrupt_response: true, create_response: true },
  },
  {
    turnDetection: 'semantic_vad',
    noiseReduction: 'far_field',
    semanticEagerness: 'low',
    expectedTurnDetection: { type: 'semantic_vad', eagerness: 'low', interrupt_response: true, create_response: true },
  },
  {
    turnDetection: 'semantic_vad',
    noiseReduction: 'near_field',
    expectedTurnDetection: { type: 'semantic_vad', eagerness: 'auto', interrupt_response: true, create_response: true },
  },
  {
    turnDetection: 'semantic_vad',
    noiseReduction: 'off',
    semanticEagerness: 'high',
    expectedTurnDetection: { type: 'semantic_vad', eagerness: 'high', interrupt_response: true, create_response: true },
  },
  { turnDetection: 'none', noiseReduction: 'far_field', vadSilenceMs: 300, expectedTurnDetection: null },
  { turnDetection: 'none', noiseReduction: 'off', semanticEagerness: 'medium', expectedTurnDetection: null },
];

for (const combination of COMBINATIONS) {
  const { expectedTurnDetection, ...config } = combination;
  test(`session.update for ${JSON.stringify(config)} is valid by the GA schema and says exactly that`, async (t) => {
    const { server } = await stage(t, config);
    const [update] = framesOfType(server, 'session.update');
    const input = update.session.audio.input;
    assert.deepEqual(input.turn_detection, expectedTurnDetection);
    if (config.noiseReduction === 'off') assert.equal('noise_reduction' in input, false, 'off is the server default: left out');
    else assert.deepEqual(input.noise_reduction, { type: config.noiseReduction });
    // The server took it as sent.
    const serverInput = (server.session as any).audio.input;
    // The server fills in what Parley leaves to it (threshold, padding); what Parley said stands.
    if (expectedTurnDetection === null) assert.equal(serverInput.turn_detection, null);
    else for (const [key, value] of Object.entries(expectedTurnDetection)) assert.deepEqual(serverInput.turn_detection[key], value, key);
    if (config.noiseReduction !== 'off') assert.deepEqual(serverInput.noise_reduction, { type: config.noiseReduction });
    assertNoViolations(server);
  });
}

test('the session offers remain_silent and answer_agent_approval beside background_agent', async (t) => {
  const { server } = await stage(t, {});
  const [update] = framesOfType(server, 'session.update');
  assert.deepEqual(
    update.session.tools.map((tool: any) => tool.name),
    ['background_agent', REMAIN_SILENT_TOOL_NAME, ANSWER_APPROVAL_TOOL_NAME],
  );
  assertNoViolations(server);
});

test('a change of silence length and noise reduction mid-session sends both, valid, in one update', async (t) => {
  const initial: Partial<RealtimeSessionConfig> = { noiseReduction: 'far_field', vadSilenceMs: 500 };
  const { server, harness } = await stage(t, initial);
  harness.session.updateConfig(sessionConfig('v2', server.url, { noiseReduction: 'near_field', vadSilenceMs: 1_200 }));
  const change = await server.waitForFrame((frame) => frame?.type === 'session.update' && frame.session?.audio?.input?.noise_reduction?.type === 'near_field');
  assert.deepEqual(change.session.audio.input.turn_detection, { type: 'server_vad', silence_duration_ms: 1_200, interrupt_response: true, create_response: true });
  await settle();
  assertNoViolations(server);
});

test('remain_silent gets exactly one empty function_call_output, no response.create, and no handoff', async (t) => {
  const { server, harness } = await stage(t, { turnDetection: 'server_vad' });
  server.respondWithCall({ name: REMAIN_SILENT_TOOL_NAME, arguments: {}, callId: 'call_quiet' });
  server.userSpeaks({ transcript: 'Did you feed the cat, Sam?' });
  await server.waitForFrame((frame) => frame?.type === 'conversation.item.create' && frame.item?.type === 'function_call_output');
  await settle(300);

  const outputs = framesOfType(server, 'conversation.item.create').filter((frame) => frame.item?.type === 'function_call_output');
  assert.deepEqual(
    outputs.map((frame) => frame.item),
    [{ type: 'function_call_output', call_id: 'call_quiet', output: '' }],
  );
  assert.deepEqual(framesOfType(server, 'response.create'), [], 'the model is not asked to speak');
  assert.equal(server.responses.length, 1, 'only the response that made the call');
  const handoffEvents = harness.events.filter((event) => event.type.startsWith('handoff.'));
  assert.deepEqual(handoffEvents, []);
  assertNoViolations(server);
});

test('a background_agent call still starts a handoff beside remain_silent (the two tools are told apart)', async (t) => {
  const { server, harness } = await stage(t, { turnDetection: 'server_vad' });
  server.respondWithCall({ name: REMAIN_SILENT_TOOL_NAME, arguments: {}, callId: 'call_quiet' });
  server.userSpeaks({ transcript: 'Talking to my colleague here.' });
  await server.waitForFrame((frame) => frame?.type === 'conversation.item.create' && frame.item?.call_id === 'call_quiet');
  server.respondWithCall({ say: 'On it.', name: 'background_agent', callId: 'call_work', arguments: { prompt: 'Find the report' } });
  server.userSpeaks({ transcript: 'Parley, find the report.' });
  const requested = await harness.waitForEvent('handoff.requested');
  assert.equal(requested.handoffId, 'call_work');
  assert.equal(harness.eventsOf('handoff.requested').some((event) => event.handoffId === 'call_quiet'), false);
  assertNoViolations(server);
});
