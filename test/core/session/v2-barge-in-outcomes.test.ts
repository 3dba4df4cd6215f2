// Dialect v2 against the GA stand-in server: barge-in (truncate within the audio sent, cancel
// without server VAD, the transcript trimmed to what was heard) and nothing failing silently
// (responses that did not complete, failed transcriptions, rate limits, usage).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { AssistantAudioFrame, AudioSink, PlaybackInterruption } from '../../../src-main/core/audio/audio-io';
import type { TurnDetection } from '../../../src-main/core/protocol/session-config';
import { heardWords } from '../../../src-main/core/transcript/item-transcript';
import { conversationReducer, initialConversationState, NOT_TRANSCRIBED_NOTE, type ConversationState, type EntryItem } from '../../../src-shared/conversation-reducer';
import { isForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import type { SessionEvent } from '../../../src-shared/session-events';
import { startGaRealtimeServer, type GaRealtimeServer } from '../../support/ga-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, type ScriptedReply } from '../../support/mock-responses-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, type SessionHarness } from '../../support/session-harness';
import { entryText } from '../../support/entry-text';

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

async function stage(t: TestContext, turnDetection: TurnDetection = 'server_vad', agentReplies: ScriptedReply[] = []): Promise<Stage> {
  const server = await startGaRealtimeServer();
  const agent = await startMockResponsesServer(agentReplies);
  const sink = new ReportingSink();
  const harness = createSessionHarness({ agentBaseUrl: agent.baseUrl, sink });
  t.after(async () => {
    await harness.dispose();
    await server.close();
    await agent.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url, { turnDetection }), apiKey: TEST_API_KEY }), true);
  await server.waitForSession();
  return { server, harness, sink };
}

function assertNoViolations(server: GaRealtimeServer): void {
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
}

function timeline(events: readonly SessionEvent[]): ConversationState {
  let at = 0;
  return events.filter(isForwardedSessionEvent).reduce((state, event) => conversationReducer(state, { type: 'session-event', event, at: at++ }), initialConversationState);
}

function entryOf(state: ConversationState, itemId: string): EntryItem | undefined {
  return state.items.find((item): item is EntryItem => item.kind === 'entry' && item.itemId === itemId);
}

const framesOfType = (server: GaRealtimeServer, type: string) => server.frames.filter((frame: any) => frame?.type === type) as any[];

/** Push-to-talk: 120 ms of speech, then the release. */
function pushToTalkTurn(harness: SessionHarness): void {
  for (let frame = 0; frame < 6; frame++) harness.session.sendAudio(Buffer.alloc(960));
  harness.session.commitAudio();
}

const STORY = 'Once upon a time there were three bears who lived in a house deep in the woods.';

test('GA barge-in: a speaker that claims more than was sent truncates at the audio the server sent, which it accepts', async (t) => {
  const { server, harness, sink } = await stage(t);
  server.respond({ say: STORY, audioMs: 1_000, holdAfterAudioMs: 500 });
  server.userSpeaks({ transcript: 'Tell me a story.' });
  await harness.waitForEvent('audio.output', () => sink.frames.length === 5);
  sink.playedMs = 612.9; // the speaker's clock ran ahead of the 500 ms the server sent
  server.userStartsSpeaking();
  const truncate = await server.waitForFrame((frame) => frame?.type === 'conversation.item.truncate');
  assert.equal(truncate.audio_end_ms, 500);
  await server.waitForEvent((event) => event.type === 'conversation.item.truncated');
  await settle();
  assertNoViolations(server);
});

test('GA barge-in: truncate claims the heard time rounded down, and the transcript and the next handoff keep only what was heard', async (t) => {
  const { server, harness, sink } = await stage(t, 'server_vad', [{ kind: 'sse', events: assistantMessageEvents('r', 'm', 'Done.') }]);
  server.respond({ say: STORY, audioMs: 1_000, holdAfterAudioMs: 500 });
  server.userSpeaks({ transcript: 'Tell me a story.' });
  await harness.waitForEvent('audio.output', () => sink.frames.length === 5);
  const story = sink.frames[0]!.itemId!;
  const textBefore = entryOf(timeline(harness.events), story)?.text ?? '';
  assert.ok(textBefore.length > 0, 'some of the story was transcribed before the barge-in');
  sink.playedMs = 250.8;
  server.userStartsSpeaking();
  const truncate = await server.waitForFrame((frame) => frame?.type === 'conversation.item.truncate');
  assert.deepEqual(truncate, { type: 'conversation.item.truncate', item_id: story, content_index: 0, audio_end_ms: 250, ...(truncate.event_id ? { event_id: truncate.event_id } : {}) });
  const heard = heardWords(textBefore, 250 / 500);
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === story && event.final === true && entryText(harness.events, event) === heard);
  assert.ok(heard.length < textBefore.length);
  assert.equal(entryOf(timeline(harness.events), story)?.text, heard);

  server.respondWithCall({ name: 'background_agent', callId: 'call_after', arguments: { prompt: 'Write the story down' } });
  server.userStopsSpeaking({ transcript: 'Write that down.' });
  const requested = await harness.waitForEvent('handoff.requested');
  assert.deepEqual(
    requested.transcript.filter((entry) => entry.role === 'assistant').map((entry) => entry.text),
    [heard],
    'the agent gets the words that were heard, not the whole story',
  );
  assertNoViolations(server);
});

test('GA barge-in: an item played to its end is not truncated', async (t) => {
  const { server, harness, sink } = await stage(t, 'none');
  const reply = server.respond({ say: 'Short answer.', audioMs: 300, holdBeforeDone: true });
  server.transcribeNext({ transcript: 'Question?' });
  pushToTalkTurn(harness);
  await harness.waitForEvent('audio.output', () => sink.frames.length === 3);
  await server.waitForEvent((event) => event.type === 'response.output_audio.done');
  await settle();
  sink.playedMs = 300;
  harness.session.interruptPlayback();
  await server.waitForFrame((frame) => frame?.type === 'response.cancel');
  await settle();
  assert.equal(framesOfType(server, 'conversation.item.truncate').length, 0);
  reply.release();
  assertNoViolations(server);
});

test('GA push-to-talk: a local barge-in cancels the active response (once); with none active it sends no cancel', async (t) => {
  const { server, harness, sink } = await stage(t, 'none');
  server.respond({ say: STORY, audioMs: 1_000, holdAfterAudioMs: 400 });
  server.transcribeNext({ transcript: 'Tell me a story.' });
  pushToTalkTurn(harness);
  await harness.waitForEvent('audio.output', () => sink.frames.length === 4);
  assert.equal(server.responseActive, true);
  sink.playedMs = 150.5;
  harness.session.interruptPlayback();
  harness.session.interruptPlayback(); // key auto-repeat: still one cancel
  const ended = await harness.waitForEvent('response.ended');
  assert.equal(ended.status, 'cancelled');
  assert.match(ended.reason, /cancelled/);
  const truncate = await server.waitForFrame((frame) => frame?.type === 'conversation.item.truncate');
  assert.equal(truncate.audio_end_ms, 150);
  assert.equal(framesOfType(server, 'response.cancel').length, 1);
  assert.equal(server.responseActive, false);

  harness.session.interruptPlayback(); // nothing is active now
  await settle();
  assert.equal(framesOfType(server, 'response.cancel').length, 1);
  assertNoViolations(server);
});

test('GA server VAD: a local barge-in leaves cancelling to the server', async (t) => {
  const { server, harness, sink } = await stage(t);
  const reply = server.respond({ say: STORY, audioMs: 1_000, holdAfterAudioMs: 300 });
  server.userSpeaks({ transcript: 'Tell me a story.' });
  await harness.waitForEvent('audio.output', () => sink.frames.length === 3);
  sink.playedMs = 100;
  harness.session.interruptPlayback();
  await server.waitForFrame((frame) => frame?.type === 'conversation.item.truncate');
  assert.equal(framesOfType(server, 'response.cancel').length, 0);
  reply.release();
  assertNoViolations(server);
});

test('GA: failed and cut-off responses are reported with their reason and noted on the reply', async (t) => {
  const { server, harness } = await stage(t);
  server.respond({ say: 'I will tell you all about', outcome: { status: 'incomplete', reason: 'max_output_tokens' } });
  server.userSpeaks({ transcript: 'Tell me everything.' });
  const cutOff = await harness.waitForEvent('response.ended');
  assert.equal(cutOff.status, 'incomplete');
  assert.equal(cutOff.reason, 'The reply was cut off: it reached the output token limit.');
  assert.equal(cutOff.itemIds.length, 1);
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === cutOff.itemIds[0] && event.final === true);

  server.respond({ say: 'Sorry.', outcome: { status: 'failed', error: { type: 'server_error', code: 'internal_error' } } });
  server.userSpeaks({ transcript: 'Try again.' });
  const failed = await harness.waitForEvent('response.ended', (event) => event.status === 'failed');
  assert.match(failed.reason, /^The reply failed: .*internal_error/);

  const state = timeline(harness.events);
  assert.equal(entryOf(state, cutOff.itemIds[0]!)?.note, 'cut off');
  assert.equal(entryOf(state, cutOff.itemIds[0]!)?.noteDetail, cutOff.reason);
  assert.equal(entryOf(state, failed.itemIds[0]!)?.note, 'failed');
  assertNoViolations(server);
});

test('GA: a failed transcription shows "not transcribed" on the user\'s own item, above the reply', async (t) => {
  const { server, harness } = await stage(t);
  server.respond({ say: 'Could you repeat that?' });
  const userItem = server.userSpeaks({ transcript: 'mumble', fails: 'audio too noisy' });
  const failed = await harness.waitForEvent('transcription.failed');
  assert.equal(failed.itemId, userItem);
  assert.match(failed.reason, /audio too noisy/);
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && entryText(harness.events, event) === 'Could you repeat that?');
  const shown = timeline(harness.events).items.flatMap((item) => (item.kind === 'entry' ? [`${item.role}: ${item.text}${item.note ? ` [${item.note}]` : ''}`] : []));
  assert.deepEqual(shown, [`user:  [${NOT_TRANSCRIBED_NOTE}]`, 'assistant: Could you repeat that?']);
  assertNoViolations(server);
});

test('GA: rate limits are passed on as reported and usage comes once per response', async (t) => {
  const { server, harness } = await stage(t);
  server.respond({ say: 'One.', rateLimits: [{ name: 'tokens', limit: 40_000, remaining: 1_000, reset_seconds: 12.5 }] });
  server.userSpeaks({ transcript: 'Count.' });
  server.respond({ say: 'Two.' });
  server.userSpeaks({ transcript: 'Again.' });
  await harness.waitForEvent('usage', () => harness.eventsOf('usage').length === 2);
  const [limits] = harness.eventsOf('rate_limits');
  assert.deepEqual(limits?.limits, [{ name: 'tokens', limit: 40_000, remaining: 1_000, resetSeconds: 12.5 }]);
  const usages = harness.eventsOf('usage');
  assert.deepEqual(
    usages.map(({ type: _type, ...usage }) => usage),
    server.responses.map((response) => ({
      responseId: response.id,
      input: {
        text: response.usage.input_token_details.text_tokens,
        audio: response.usage.input_token_details.audio_tokens,
        cached: response.usage.input_token_details.cached_tokens,
        cachedText: response.usage.input_token_details.cached_tokens_details.text_tokens,
        cachedAudio: response.usage.input_token_details.cached_tokens_details.audio_tokens,
      },
      output: { text: response.usage.output_token_details.text_tokens, audio: response.usage.output_token_details.audio_tokens },
      total: response.usage.total_tokens,
    })),
  );
  assert.ok(usages.every((usage) => usage.total > 0));
  assertNoViolations(server);
});
