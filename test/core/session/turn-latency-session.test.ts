// The latency waterfall from the real VoiceSession against the GA stand-in server: a spoken turn
// and a handoff each produce one `latency` event, with the steps in order, owned by whom they
// belong to, ending at the speaker's report of the reply's first sample.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AssistantAudioFrame, AudioSink, PlaybackInterruption, PlaybackStart } from '../../../src-main/core/audio/audio-io';
import { startGaRealtimeServer } from '../../support/ga-realtime-server';
import { ScriptedAgent } from '../../support/scripted-agent';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle } from '../../support/session-harness';

/** What the stand-in speaker says its device adds before a sample is heard. */
const DEVICE_LATENCY_MS = 25;

/** A speaker that hands each item's first frame to its "device" as it arrives and reports it, as the native speaker does. */
class StartReportingSink implements AudioSink {
  private readonly started = new Set<string | undefined>();
  private readonly listeners = new Set<(start: PlaybackStart) => void>();

  write(frame: AssistantAudioFrame): void {
    if (this.started.has(frame.itemId)) return;
    this.started.add(frame.itemId);
    const handedAt = performance.timeOrigin + performance.now();
    for (const listener of this.listeners) listener({ itemId: frame.itemId, handedAt, heardAt: handedAt + DEVICE_LATENCY_MS });
  }
  onPlaybackStart(listener: (start: PlaybackStart) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  isPlaying(): boolean {
    return false;
  }
  interrupt(): PlaybackInterruption | undefined {
    return undefined;
  }
  async close(): Promise<void> {}
}

test('latency: a spoken turn and a handoff each emit one waterfall, from the end of speech or the request to the first sample heard', async (t) => {
  const server = await startGaRealtimeServer();
  const agent = new ScriptedAgent();
  const sink = new StartReportingSink();
  const harness = createSessionHarness({ agent, sink });
  t.after(async () => {
    await harness.dispose();
    await server.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true);
  await server.waitForSession();

  // A spoken turn: the server's speech_stopped starts it (no local detector here).
  server.respond({ say: 'Hello there.', audioMs: 300 });
  server.userSpeaks({ transcript: 'Hi.' });
  const spoken = await harness.waitForEvent('latency', (event) => event.kind === 'spoken');
  assert.equal(spoken.start, 'server_vad');
  assert.equal(spoken.heard, true);
  assert.deepEqual(
    spoken.steps.map((step) => `${step.name}:${step.owner}`),
    ['response_started:server', 'first_audio:server', 'buffering:parley', 'device:device'],
  );
  assert.equal(spoken.steps.at(-1)!.ms, DEVICE_LATENCY_MS);
  assert.ok(spoken.steps.every((step) => step.ms >= 0 && step.ms < 2_000), JSON.stringify(spoken.steps));
  assert.equal(Math.round(spoken.totalMs * 10), Math.round(spoken.steps.reduce((sum, step) => sum + step.ms, 0) * 10));
  const spokenItem = harness.eventsOf('audio.output')[0]?.itemId;
  assert.equal(spoken.itemId, spokenItem, "the waterfall names the reply's item, for its bubble");

  // A handoff: the model calls the agent, the agent answers, the answer is spoken.
  server.respondWithCall({ say: 'Checking.', name: 'background_agent', callId: 'call_1', arguments: { prompt: 'Look it up' } });
  server.userSpeaks({ transcript: 'Look it up.' });
  await agent.waitForRequests(1);
  server.respond({ say: 'Found it.', audioMs: 200 });
  agent.reply('Found it.');
  const handoff = await harness.waitForEvent('latency', (event) => event.kind === 'handoff');
  assert.equal(handoff.turnId, 'call_1', "the waterfall belongs on the handoff's card");
  assert.equal(handoff.start, 'handoff');
  assert.deepEqual(
    handoff.steps.map((step) => `${step.name}:${step.owner}`),
    [
      'agent_request:parley',
      'agent_first_token:agent',
      'agent_answer:agent',
      'answer_sent:parley',
      'response_started:server',
      'first_audio:server',
      'buffering:parley',
      'device:device',
    ],
  );
  assert.equal(handoff.heard, true);

  // The "Checking." reply to the call was a spoken turn of its own; nothing else is measured.
  await settle();
  assert.deepEqual(
    harness.eventsOf('latency').map((event) => event.kind),
    ['spoken', 'spoken', 'handoff'],
  );
});
