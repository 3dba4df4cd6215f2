// The whole voice runtime in a simulated room (PulseAudio null sinks: the speaker looped back into
// the microphone 60 ms late and 10 dB down): the real VoiceRuntime with the real NativeAudioEngine
// (echo canceller on) against the GA realtime stand-in. The stand-in's answer (its test tone)
// plays through the room; the person talks over it. With the canceller the runtime asks the
// server not to interrupt by itself, so the barge-in is Parley's own: response.cancel and
// conversation.item.truncate reach the server after the person starts talking, and never while
// only the assistant's echo is in the room.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NativeAudioEngine } from '../../src-main/adapters/audio/native/native-audio-engine';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { createVoiceRuntime, engineAudio } from '../../src-main/app/voice-runtime';
import { silentLogger } from '../../src-main/core/util/logger';
import { DEFAULT_ECHO_CANCELLATION } from '../../src-shared/echo-cancellation';
import { LevelTrack, onsetIn } from '../../long-checks/room-levels';
import { startGaRealtimeServer } from '../support/ga-realtime-server';
import { pulseRoomUnavailableReason, startPulseRoom } from '../support/pulse-room';
import { sessionConfig, TEST_API_KEY } from '../support/session-harness';
import { atLevel, renderSpeech, speechUnavailableReason } from '../support/speech-assets';
import { sleep } from '../support/stats';

const unavailable = pulseRoomUnavailableReason() ?? speechUnavailableReason();
const ROOM = { echoDelayMs: 60, echoAttenuationDb: 10 };
const DELAY_TOLERANCE_MS = 30;
const ATTENUATION_TOLERANCE_DB = 2;
const PERSON_LEVEL_DBFS = -28;
const ANSWER_MS = 12_000;
/** The barge-in (250 ms of speech) and the cancel and truncate on the wire, from the onset in what was sent. */
const MAX_TRUNCATE_AFTER_ONSET_MS = 800;
/** How late paplay may start the person's speech on a loaded machine. */
const MAX_PLAYER_START_MS = 2_500;
/** The assistant alone in the room this long before the person talks: its echo must not barge in. */
const ASSISTANT_ALONE_MS = 4_000;
const LOUD_FRAME_DBFS = -45;
/** The person's onset in what leaves for the session: 14 dB under their speech level. */
const SENT_ONSET_DBFS = -42;
const FULL_SCALE = 32_768;

function frameDbfs(base64: string): number {
  const pcm = Buffer.from(base64, 'base64');
  let sum = 0;
  for (let offset = 0; offset + 1 < pcm.length; offset += 2) sum += pcm.readInt16LE(offset) ** 2;
  return 10 * Math.log10(sum / (pcm.length / 2) / 32768 ** 2);
}

test('with the canceller, the person talking over the answer cancels and truncates it on the server, and the echo never does', { skip: unavailable, timeout: 90_000 }, async (t) => {
  const room = await startPulseRoom(ROOM);
  const server = await startGaRealtimeServer();
  const engine = new NativeAudioEngine({ echoCancellation: DEFAULT_ECHO_CANCELLATION });
  const runtime = createVoiceRuntime({
    config: sessionConfig('v2', server.url),
    transport: connectWebSocket,
    agent: { kind: 'none', apiKey: undefined, url: undefined, model: undefined, instructions: undefined, command: undefined, cwd: undefined, timeoutMs: undefined },
    audio: engineAudio(engine, { input: true, output: true }),
    talk: { mode: 'hands-free' },
    logger: silentLogger,
    now: () => Date.now(),
  });
  t.after(async () => {
    await runtime.stop();
    await server.close();
    await room.close();
  });
  t.diagnostic(room.describe());
  assert.ok(room.volumeApplied, 'PulseAudio took the loopback volume');
  assert.ok(Math.abs(room.measured.delayMs - ROOM.echoDelayMs) <= DELAY_TOLERANCE_MS, room.describe());
  assert.ok(Math.abs(room.measured.attenuationDb - ROOM.echoAttenuationDb) <= ATTENUATION_TOLERANCE_DB, room.describe());

  // What leaves the engine for the session, per 10 ms, to find the person's onset in it.
  const cleaned = new LevelTrack();
  engine.onCaptureLevels(({ cleanedRmsDbfs, capturedAtMs }) => cleaned.addSum(capturedAtMs - 10, 240 * FULL_SCALE * FULL_SCALE * 10 ** (cleanedRmsDbfs / 10), 240));
  await engine.start();
  await engine.prepareSpeaker();
  assert.equal(await runtime.start(TEST_API_KEY, 'a test key'), true);
  // As the app does: the runtime follows what protects the microphone once it has opened.
  const deadline = Date.now() + 10_000;
  while (engine.echoProtection === undefined && Date.now() < deadline) await sleep(20);
  assert.equal(engine.echoProtection?.kind, 'canceller', `the canceller runs (${JSON.stringify(engine.echoProtection)})`);
  runtime.setEchoProtection(engine.echoProtection!);
  await server.waitForFrame((frame) => frame.type === 'session.update' && frame.session?.audio?.input?.turn_detection?.interrupt_response === false, 5_000);
  await sleep(1_000); // the microphone's first buffers (PulseAudio starts capture about a second late)

  const person = atLevel(renderSpeech('person', 'What time does the train leave tomorrow?'), PERSON_LEVEL_DBFS);
  server.respond({ say: 'Here is what I found about your trip.', audioMs: ANSWER_MS, holdBeforeDone: true });
  server.userSpeaks({ transcript: 'Tell me about my trip.' });
  const firstAudio = await server.waitForEvent((event) => event.type === 'response.output_audio.delta', 5_000);
  const itemId = firstAudio.item_id as string;
  await sleep(ASSISTANT_ALONE_MS);
  const before = server.frames.filter((frame: any) => frame.type === 'response.cancel' || frame.type === 'conversation.item.truncate');
  assert.deepEqual(before, [], 'nothing cancelled the answer while only its echo was in the room');

  const framesBefore = server.frames.length;
  const spoken = room.speakInRoom(person.wavPath);
  const truncate = await server.waitForFrame((frame) => frame.type === 'conversation.item.truncate', 5_000);
  const truncatedAt = Date.now();
  await spoken.done;
  const after = server.frames.slice(framesBefore) as any[];
  const cancels = after.filter((frame) => frame.type === 'response.cancel');
  const fromSpeech = truncatedAt - (spoken.startedAtMs + person.onsetMs);
  const onset = onsetIn(cleaned, spoken.startedAtMs + person.onsetMs, spoken.startedAtMs + MAX_PLAYER_START_MS + 1_000, SENT_ONSET_DBFS);
  t.diagnostic(
    `the truncate reached the server ${onset === undefined ? '?' : truncatedAt - onset} ms after the person's onset in what was sent ` +
      `(${fromSpeech} ms after their player started); audio_end_ms ${truncate.audio_end_ms}`,
  );
  assert.equal(cancels.length, 1, 'one response.cancel after the person spoke');
  assert.equal(truncate.item_id, itemId);
  assert.ok(truncate.audio_end_ms >= ASSISTANT_ALONE_MS && truncate.audio_end_ms < ANSWER_MS, `truncated at ${truncate.audio_end_ms} ms of ${ANSWER_MS}`);
  // Timed from the person's onset in what was sent: the player itself may start late on a loaded
  // machine (measured in CI: their speech reached the microphone 1.65 s after paplay started).
  assert.ok(onset !== undefined, "the person's onset is in what was sent");
  const fromOnset = truncatedAt - onset;
  assert.ok(fromOnset > 0 && fromOnset < MAX_TRUNCATE_AFTER_ONSET_MS, `the barge-in followed the person's onset (${fromOnset} ms)`);
  assert.ok(fromSpeech > 0 && fromSpeech < MAX_PLAYER_START_MS + MAX_TRUNCATE_AFTER_ONSET_MS, `the barge-in followed the person's speech (${fromSpeech} ms)`);
  // What the person said went to the server (the canceller did not take it for echo).
  const appends = after.filter((frame) => frame.type === 'input_audio_buffer.append');
  const loud = appends.filter((frame) => frameDbfs(frame.audio) >= LOUD_FRAME_DBFS).length;
  t.diagnostic(`${loud} of ${appends.length} frames sent while the person spoke were louder than ${LOUD_FRAME_DBFS} dBFS`);
  assert.ok(loud >= 40, `the person's speech reached the server (${loud} loud frames)`);
  assert.deepEqual(server.violations, []);
});
