// One realistic GA conversation, end to end: the real VoiceSession against the GA stand-in server
// (server VAD on), every session event folded through the UI's timeline reducer. The sequence is
// the one the live service produces: transcriptions that arrive after the reply started (and one
// held past a later turn), a barge-in mid-reply, a function call cut off, a failed response, a
// completed call handed to the agent, and usage on every response.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AssistantAudioFrame, AudioSink, PlaybackInterruption } from '../../../src-main/core/audio/audio-io';
import { conversationReducer, initialConversationState, type ConversationState, type HandoffItem } from '../../../src-shared/conversation-reducer';
import { isForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import type { SessionEvent } from '../../../src-shared/session-events';
import { addUsage, EMPTY_USAGE_TOTALS } from '../../../src-shared/usage';
import { startGaRealtimeServer } from '../../support/ga-realtime-server';
import type { JsonRecord } from '../../support/ga-realtime-response';
import { ScriptedAgent } from '../../support/scripted-agent';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle } from '../../support/session-harness';
import { entryText } from '../../support/entry-text';

/** PCM16 mono at 24 kHz: 2 bytes per sample, 24 samples per millisecond. */
const PCM_BYTES_PER_MS = 48;
const STORY = 'Porto is a city of bridges, port wine cellars and tiled churches along the Douro river.';
const STORY_AUDIO_MS = 1_000;
const STORY_SENT_BEFORE_BARGE_IN_MS = 500;
/** What the speaker says it played when the user cut in; a fraction, as a real clock reports it. */
const PLAYED_AT_BARGE_IN_MS = 320.7;
const AGENT_ANSWER = 'Trains to Porto leave at 8:05 and 10:40.';

/**
 * A speaker that plays an item to its end as soon as all of its audio has arrived, and reports
 * exactly `playedMs` of the item it was still playing when interrupted (the held reply).
 */
class ReportingSink implements AudioSink {
  playedMs = 0;
  readonly frames: AssistantAudioFrame[] = [];
  private readonly silenced = new Set<string>();
  private playing: string | undefined;

  write(frame: AssistantAudioFrame): void {
    if (frame.itemId !== undefined && this.silenced.has(frame.itemId)) return;
    this.frames.push(frame);
    this.playing = frame.itemId;
  }
  endItem(itemId: string | undefined): void {
    if (itemId !== undefined && itemId === this.playing) this.playing = undefined;
  }
  isPlaying(): boolean {
    return this.playing !== undefined;
  }
  interrupt(): PlaybackInterruption | undefined {
    const itemId = this.playing;
    this.playing = undefined;
    if (itemId === undefined) return undefined;
    this.silenced.add(itemId);
    return { itemId, playedMs: this.playedMs };
  }
  async close(): Promise<void> {}
}

function timeline(events: readonly SessionEvent[]): ConversationState {
  let at = 0;
  return events.filter(isForwardedSessionEvent).reduce((state, event) => conversationReducer(state, { type: 'session-event', event, at: at++ }), initialConversationState);
}

/** The timeline as the user reads it, notes included. */
function shown(state: ConversationState): string[] {
  return state.items.flatMap((item) => {
    if (item.kind === 'entry') return [`${item.role}: ${item.text}${item.note ? ` [${item.note}]` : ''}`];
    if (item.kind === 'typed') return [`typed: ${item.text}`];
    if (item.kind === 'handoff') return [`card ${item.handoffId} (${item.status})`];
    return [];
  });
}

/** Milliseconds of assistant audio the server sent for one item. */
function audioSentMs(sent: readonly JsonRecord[], itemId: string): number {
  const bytes = sent
    .filter((event) => event['type'] === 'response.output_audio.delta' && event['item_id'] === itemId)
    .reduce((total, event) => total + Buffer.from(String(event['delta']), 'base64').length, 0);
  return bytes / PCM_BYTES_PER_MS;
}

test('GA end to end: late transcriptions, a barge-in, a cut-off call, a failed reply and a handoff make one ordered timeline, the right frames and summed usage', async (t) => {
  const server = await startGaRealtimeServer();
  const agent = new ScriptedAgent();
  const sink = new ReportingSink();
  const harness = createSessionHarness({ agent, sink });
  t.after(async () => {
    await harness.dispose();
    await server.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true);
  const session = await server.waitForSession();
  assert.equal((session as any).audio.input.turn_detection.type, 'server_vad');

  // 1. The user asks; the words are transcribed only after the reply has started (late).
  server.respond({ say: STORY, audioMs: STORY_AUDIO_MS, holdAfterAudioMs: STORY_SENT_BEFORE_BARGE_IN_MS });
  const askedAboutPorto = server.userSpeaks({ transcript: 'Tell me about Porto.', late: true });
  await harness.waitForEvent('audio.output', () => sink.frames.length === STORY_SENT_BEFORE_BARGE_IN_MS / 100);
  const storyItem = sink.frames[0]!.itemId!;

  // 2. The user cuts in mid-reply: the speaker stops, the item is truncated at what was heard.
  sink.playedMs = PLAYED_AT_BARGE_IN_MS;
  server.userStartsSpeaking();
  const truncate = await server.waitForFrame((frame) => frame?.type === 'conversation.item.truncate');
  await server.waitForEvent((event) => event.type === 'conversation.item.truncated');
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === askedAboutPorto && event.final === true);

  // 3. The user goes on speaking; the model's call is cut off (a token limit): not delegated. The
  //    transcription of this turn is held until after the next, failed, turn.
  server.respondWithCall({ say: 'Let me look.', name: 'background_agent', callId: 'call_cut', arguments: { prompt: 'Find train times to Porto' }, status: 'incomplete' });
  const askedForTrains = server.userStopsSpeaking({ transcript: 'Actually, find train times to Porto.', late: 'held' });
  const incomplete = await harness.waitForEvent('handoff.incomplete');
  assert.equal(incomplete.handoffId, 'call_cut');

  // 4. The next reply fails on the server.
  server.respond({ say: 'Sorry, I', outcome: { status: 'failed', error: { type: 'server_error', code: 'internal_error' } } });
  server.userSpeaks({ transcript: 'Hello?' });
  const failed = await harness.waitForEvent('response.ended', (event) => event.status === 'failed');
  server.deliverTranscription(askedForTrains);
  await harness.waitForEvent('transcript.entry', (event) => event.itemId === askedForTrains && event.final === true);

  // 5. The user asks again; this call completes and goes to the agent.
  server.respondWithCall({ say: 'Checking now.', name: 'background_agent', callId: 'call_ok', arguments: { prompt: 'Find train times from Lisbon to Porto tomorrow' } });
  server.userSpeaks({ transcript: 'Please find the trains to Porto.' });
  const requested = await harness.waitForEvent('handoff.requested', (event) => event.handoffId === 'call_ok');
  await agent.waitForRequests(1);
  server.respond({ say: AGENT_ANSWER });
  agent.reply(AGENT_ANSWER);
  await harness.waitForEvent('handoff.completed');
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && entryText(harness.events, event) === AGENT_ANSWER);
  await harness.waitForEvent('usage', () => harness.eventsOf('usage').length === server.responses.length && server.responses.length === 5);
  await settle(); // anything the session would still send (a stray output, a second truncate) arrives now

  // What the user sees: every user line above the reply it came before, late words in place,
  // the interrupted reply trimmed to what was heard, and each reply that did not complete noted.
  const state = timeline(harness.events);
  assert.deepEqual(shown(state), [
    'user: Tell me about Porto.',
    'assistant: Porto is a city of [cancelled]',
    'user: Actually, find train times to Porto.',
    'assistant: Let me look. [cut off]',
    'card call_cut (incomplete)',
    'user: Hello?',
    'assistant: Sorry, I [failed]',
    'user: Please find the trains to Porto.',
    'assistant: Checking now.',
    'card call_ok (answered)',
    `assistant: ${AGENT_ANSWER}`,
  ]);
  const failedEntry = state.items.find((item) => item.kind === 'entry' && item.itemId === failed.itemIds[0]);
  assert.equal(failedEntry?.kind === 'entry' ? failedEntry.noteDetail : undefined, 'The reply failed: internal_error.');
  assert.deepEqual(
    state.items.filter((item): item is HandoffItem => item.kind === 'handoff').map((card) => [card.handoffId, card.status]),
    [
      ['call_cut', 'incomplete'],
      ['call_ok', 'answered'],
    ],
  );

  // The agent gets the ordered items since the last handoff (here: since the start), with the
  // heard part of the interrupted reply; the cut-off call itself is not a request.
  assert.equal(
    requested.agentText,
    [
      'Find train times from Lisbon to Porto tomorrow',
      '',
      'Conversation since the last handoff:',
      'user: Tell me about Porto.',
      'assistant: Porto is a city of',
      'user: Actually, find train times to Porto.',
      'assistant: Let me look.',
      'user: Hello?',
      'assistant: Sorry, I',
      'user: Please find the trains to Porto.',
      'assistant: Checking now.',
    ].join('\n'),
  );
  assert.equal(agent.requests.length, 1);

  // What Parley sent: one truncate, within the audio the server sent, and one output, for the
  // completed call only; no response.cancel, since server VAD cancels on its own.
  assert.deepEqual(
    server.frames.map((frame: any) => frame?.type),
    ['session.update', 'conversation.item.truncate', 'conversation.item.create', 'response.create'],
  );
  assert.equal(truncate.item_id, storyItem);
  assert.equal(truncate.audio_end_ms, Math.floor(PLAYED_AT_BARGE_IN_MS));
  assert.ok(truncate.audio_end_ms <= audioSentMs(server.sent, storyItem), 'truncate claims no more than the audio sent');
  const outputs = server.frames.filter((frame: any) => frame?.item?.type === 'function_call_output') as any[];
  assert.deepEqual(
    outputs.map((frame) => [frame.item.call_id, frame.item.output]),
    [['call_ok', AGENT_ANSWER]],
  );

  // Every response reported its usage once, and the session's sum is the server's sum.
  assert.deepEqual(
    server.responses.map((response) => response.status),
    ['cancelled', 'incomplete', 'failed', 'completed', 'completed'],
  );
  const usages = harness.eventsOf('usage');
  assert.deepEqual(
    usages.map((usage) => usage.responseId),
    server.responses.map((response) => response.id),
  );
  const totals = usages.reduce(addUsage, EMPTY_USAGE_TOTALS);
  const serverTotal = server.responses.reduce((total, response) => total + response.usage.total_tokens, 0);
  const serverOutputAudio = server.responses.reduce((total, response) => total + response.usage.output_token_details.audio_tokens, 0);
  assert.equal(totals.responses, 5);
  assert.equal(totals.total, serverTotal);
  assert.equal(totals.output.audio, serverOutputAudio);
  assert.ok(totals.total > 0);

  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
  assert.deepEqual(server.invalidServerEvents, []);
  assert.deepEqual(harness.eventsOf('error'), []);
});
