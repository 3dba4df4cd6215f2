// Dialect v2 with an echo canceller, against the GA stand-in: the server's turn detection does not
// interrupt (interrupt_response false), so its speech_started leaves the assistant talking; the
// client's barge-in (interruptPlayback) cancels the response and truncates what was heard; and the
// server failing to start its automatic response over a running one is no error for the user.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { AssistantAudioFrame, AudioSink, PlaybackInterruption } from '../../../src-main/core/audio/audio-io';
import { ACTIVE_RESPONSE_ERROR_CODE } from '../../../src-main/core/protocol/v2-codec';
import { startGaRealtimeServer, type GaRealtimeServer } from '../../support/ga-realtime-server';
import { startMockResponsesServer } from '../../support/mock-responses-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, type SessionHarness } from '../../support/session-harness';

/** A speaker that says it heard exactly `playedMs` of the item it was playing. */
class ReportingSink implements AudioSink {
  playedMs = 0;
  readonly frames: AssistantAudioFrame[] = [];
  private silenced = new Set<string>();
  private current: string | undefined;

  write(frame: AssistantAudioFrame): void {
    if (frame.itemId !== undefined && this.silenced.has(frame.itemId)) return;
    this.frames.push(frame);
    this.current = frame.itemId;
  }
  isPlaying(): boolean {
    return this.current !== undefined;
  }
  interrupt(): PlaybackInterruption | undefined {
    const itemId = this.current;
    this.current = undefined;
    if (itemId === undefined) return undefined;
    this.silenced.add(itemId);
    return { itemId, playedMs: this.playedMs };
  }
  async close(): Promise<void> {}
}

interface Stage {
  server: GaRealtimeServer;
  harness: SessionHarness;
  sink: ReportingSink;
}

async function stage(t: TestContext, interruptResponse: boolean): Promise<Stage> {
  const server = await startGaRealtimeServer();
  const agent = await startMockResponsesServer([]);
  const sink = new ReportingSink();
  const harness = createSessionHarness({ agentBaseUrl: agent.baseUrl, sink });
  t.after(async () => {
    await harness.dispose();
    await server.close();
    await agent.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url, { interruptResponse }), apiKey: TEST_API_KEY }), true);
  await server.waitForSession();
  return { server, harness, sink };
}

const framesOfType = (server: GaRealtimeServer, type: string) => server.frames.filter((frame: any) => frame?.type === type) as any[];

const STORY = 'Once upon a time there were three bears who lived in a house deep in the woods.';

/** The assistant is telling a story, held after 500 ms of audio so the test can talk over it. */
async function assistantTalking({ server, harness, sink }: Stage) {
  const story = server.respond({ say: STORY, audioMs: 1_000, holdAfterAudioMs: 500 });
  server.userSpeaks({ transcript: 'Tell me a story.' });
  await story.held;
  await harness.waitForEvent('audio.output', () => sink.frames.length === 5);
  return story;
}

test('the server accepts interrupt_response false, and its speech_started then leaves the assistant talking', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t, false);
  const { server, harness, sink } = staged;
  assert.equal((server.session as any).audio.input.turn_detection.interrupt_response, false);
  await assistantTalking(staged);
  server.userStartsSpeaking(); // a cough, as the server's VAD hears it
  await harness.waitForEvent('user.speech_started');
  await settle();
  assert.equal(sink.isPlaying(), true, 'the speaker goes on');
  assert.equal(server.responseActive, true, 'the response goes on');
  assert.deepEqual(framesOfType(server, 'conversation.item.truncate'), []);
  assert.deepEqual(framesOfType(server, 'response.cancel'), []);
  assert.deepEqual(harness.eventsOf('playback.interrupted'), []);
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
});

test('with interrupt_response true (the gate) speech_started still stops the speaker, as before', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t, true);
  const { server, sink } = staged;
  await assistantTalking(staged);
  server.userStartsSpeaking();
  await server.waitForFrame((frame) => frame?.type === 'conversation.item.truncate');
  assert.equal(sink.isPlaying(), false);
  assert.deepEqual(framesOfType(server, 'response.cancel'), [], 'the server cancelled its own response');
});

test('a local barge-in sends response.cancel for the active response and truncates at what was heard', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t, false);
  const { server, harness, sink } = staged;
  const story = await assistantTalking(staged);
  const storyItem = sink.frames[0]!.itemId!;
  server.userStartsSpeaking();
  sink.playedMs = 300;
  harness.session.interruptPlayback(); // the barge-in detector: the user talked over it for 250 ms
  harness.session.interruptPlayback(); // a second call (the talk key) cancels nothing twice
  const finished = await story.done;
  assert.equal(finished.status, 'cancelled');
  const truncate = await server.waitForFrame((frame) => frame?.type === 'conversation.item.truncate');
  assert.equal(truncate.item_id, storyItem);
  assert.equal(truncate.audio_end_ms, 300);
  await server.waitForEvent((event) => event.type === 'conversation.item.truncated');
  assert.equal(framesOfType(server, 'response.cancel').length, 1);
  await harness.waitForEvent('playback.interrupted', (event) => event.itemId === storyItem && event.playedMs === 300);
  // The user finishes; the server answers the new turn (the old response is gone).
  const answer = server.respond({ say: 'Sure.', audioMs: 200 });
  server.userStopsSpeaking({ transcript: 'Stop, tell me another one.' });
  await answer.done;
  await settle();
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
  assert.deepEqual(harness.eventsOf('error'), []);
});

test('the server failing to start its automatic response over an active one is a log notice, not an error for the user', { timeout: 15_000 }, async (t) => {
  const staged = await stage(t, false);
  const { server, harness } = staged;
  await assistantTalking(staged);
  server.send({
    type: 'error',
    error: { type: 'invalid_request_error', code: ACTIVE_RESPONSE_ERROR_CODE, message: 'Conversation already has an active response in progress: resp_1.', param: null, event_id: null },
  });
  // Another server error without a cause of ours still reaches the user: the two are told apart.
  server.send({ type: 'error', error: { type: 'server_error', code: 'server_error', message: 'The server had an error.', param: null, event_id: null } });
  const shown = await harness.waitForEvent('error');
  assert.match(shown.message, /The server had an error/);
  await settle();
  assert.equal(harness.eventsOf('error').length, 1, 'only the other error is shown');
  assert.equal(harness.session.state, 'live');
});
