// The room check end to end on a port: the test sound, the order of listening and playing, the
// watchdog, and (with the real WebRTC canceller in a simulated room) the verdicts it reaches.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOM_CHECK_TIMING, runRoomCheck, type RoomCheckPort } from '../../src-main/app/room-check';
import { ROOM_SOUND_MS, ROOM_SOUND_RMS_DBFS, roomSoundPcm, roomSoundSamples } from '../../src-main/app/room-check-sound';
import type { ChunkLevels } from '../../src-main/app/room-measure';
import { pcmLevels } from '../../src-main/core/audio/pcm';
import { simulatedRoom, type SimulatedRoomOptions } from './room-check-simulated-room';

test('the test sound: 3 s of 24 kHz mono PCM16 at -18 dBFS RMS, headroom left, silent at both ends', () => {
  const pcm = roomSoundPcm();
  assert.equal(pcm.byteLength, (ROOM_SOUND_MS / 1000) * 24_000 * 2);
  const levels = pcmLevels(pcm);
  assert.ok(Math.abs(levels.rmsDbfs - ROOM_SOUND_RMS_DBFS) < 0.1, `RMS ${levels.rmsDbfs.toFixed(2)} dBFS`);
  assert.ok(levels.peakDbfs < -3, `peak ${levels.peakDbfs.toFixed(1)} dBFS leaves no headroom`);
  const samples = roomSoundSamples();
  assert.equal(Math.abs(samples[0]!), 0, 'starts from silence (no click)');
  assert.ok(Math.abs(samples.at(-1)!) < 1e-3, 'ends in silence (no click)');
  assert.deepEqual(roomSoundPcm(), pcm, 'the same sound every time');
});

/** A port whose microphone hears `echoDbfs` (raw) and `cleanedDbfs` from `delayChunks` after the sound is handed over. */
function scriptedPort(script: { delayChunks: number; echoDbfs: number; cleanedDbfs: number; backgroundDbfs: number; failPlay?: string }) {
  const events: string[] = [];
  let listener: ((levels: ChunkLevels) => void) | undefined;
  let chunk = 0;
  let playedAt: number | undefined;
  let timer: NodeJS.Immediate | undefined;
  const tick = () => {
    timer = undefined;
    if (!listener) return;
    const since = playedAt === undefined ? -1 : chunk - playedAt;
    const sounding = since >= script.delayChunks && since < script.delayChunks + 300;
    chunk += 1;
    listener({
      rawRmsDbfs: sounding ? script.echoDbfs : script.backgroundDbfs,
      cleanedRmsDbfs: sounding ? script.cleanedDbfs : script.backgroundDbfs - 10,
      capturedAtMs: chunk * 10,
    });
    timer = setImmediate(tick);
  };
  const port: RoomCheckPort = {
    echoProtection: { kind: 'canceller', delayHintMs: 40 },
    onCaptureLevels(next) {
      events.push('listen');
      listener = next;
      timer = setImmediate(tick);
      return () => {
        events.push('stop listening');
        listener = undefined;
        if (timer) clearImmediate(timer);
      };
    },
    async play(pcm) {
      events.push(`play ${pcm.byteLength} bytes after ${chunk} chunks`);
      if (script.failPlay) throw new Error(script.failPlay);
      playedAt = chunk;
    },
  };
  return { port, events, chunks: () => chunk };
}

test('listens first (settling, then half a second of background), then plays once, and stops listening when judged', async () => {
  const { port, events, chunks } = scriptedPort({ delayChunks: 12, echoDbfs: -32, cleanedDbfs: -75, backgroundDbfs: -60 });
  const result = await runRoomCheck(port);
  const listenedBefore = (ROOM_CHECK_TIMING.settleMs + ROOM_CHECK_TIMING.backgroundMs) / 10;
  assert.deepEqual(events, ['listen', `play ${roomSoundPcm().byteLength} bytes after ${listenedBefore} chunks`, 'stop listening']);
  assert.equal(result.verdict, 'hands-free');
  assert.equal(result.numbers.delayMs, 120);
  assert.equal(result.numbers.backgroundDbfs, -60);
  assert.deepEqual(result.protection, { kind: 'canceller', delayHintMs: 40 });
  // It ended once the sound (and a short tail) had been heard, not after the longest delay allowed.
  const heardUntil = listenedBefore + 12 + ROOM_SOUND_MS / 10 + ROOM_CHECK_TIMING.tailMs / 10;
  assert.ok(chunks() <= heardUntil + 2, `listened for ${chunks()} chunks, the sound ended at ${heardUntil}`);
});

test('a sound the microphone never hears ends the check after the longest delay allowed: inconclusive', async () => {
  const { port, chunks } = scriptedPort({ delayChunks: 10_000, echoDbfs: -30, cleanedDbfs: -30, backgroundDbfs: -62 });
  const result = await runRoomCheck(port);
  assert.equal(result.reason, 'not-heard');
  const expected = (ROOM_CHECK_TIMING.settleMs + ROOM_CHECK_TIMING.backgroundMs + ROOM_CHECK_TIMING.maxDelayMs + ROOM_SOUND_MS) / 10;
  assert.ok(Math.abs(chunks() - expected) <= 2, `listened for ${chunks()} chunks, expected about ${expected}`);
});

test('a sound that cannot be played rejects with the reason, and the check stops listening', async () => {
  const { port, events } = scriptedPort({ delayChunks: 5, echoDbfs: -30, cleanedDbfs: -70, backgroundDbfs: -60, failPlay: 'the speaker could not be opened' });
  await assert.rejects(runRoomCheck(port), /the speaker could not be opened/);
  assert.equal(events.at(-1), 'stop listening');
});

test('a microphone that delivers nothing ends the check by its watchdog: inconclusive, no sound played', async () => {
  const events: string[] = [];
  const port: RoomCheckPort = {
    echoProtection: undefined,
    onCaptureLevels: () => () => events.push('stop listening'),
    play: async () => void events.push('play'),
  };
  const started = performance.now();
  const result = await runRoomCheck(port, { timing: { firstChunkTimeoutMs: 100 } });
  assert.equal(result.reason, 'no-microphone-audio');
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.protection, null);
  assert.deepEqual(events, ['stop listening']);
  assert.ok(performance.now() - started < 1_000);
});

// ---- With the real WebRTC canceller (AEC3) in a simulated room ------------------------------

async function checkRoom(options: SimulatedRoomOptions) {
  const room = simulatedRoom(options);
  try {
    return { result: await runRoomCheck(room, { timing: { stallTimeoutMs: 300 } }), room };
  } finally {
    room.close();
  }
}

for (const delayMs of [60, 250]) {
  test(`real canceller, laptop-like room (-20 dB coupling, ${delayMs} ms): hands-free, at least ${30} dB removed`, async () => {
    const { result, room } = await checkRoom({ couplingDb: -20, delayMs, backgroundDbfs: -65, canceller: true });
    assert.equal(result.verdict, 'hands-free', result.sentence);
    assert.ok(result.numbers.echoRemovedDb! >= 30, `removed ${result.numbers.echoRemovedDb} dB`);
    assert.ok(Math.abs(result.numbers.heardDb! - -20) <= 1, `heard ${result.numbers.heardDb} dB (coupling -20)`);
    assert.ok(Math.abs(result.numbers.delayMs! - delayMs) <= 20, `delay ${result.numbers.delayMs} ms (room ${delayMs})`);
    assert.equal(room.played.length, 1);
    assert.equal(room.listening, false, 'stopped listening');
  });
}

test('no canceller (the gate), same room: headphones, because the microphone hears the speaker at -20 dB', async () => {
  const { result } = await checkRoom({ couplingDb: -20, delayMs: 60, backgroundDbfs: -65, canceller: false });
  assert.equal(result.verdict, 'headphones');
  assert.equal(result.reason, 'gate-loud-echo');
  assert.equal(result.numbers.echoRemovedDb, 0);
});

test('a microphone that hears nothing of the speaker: inconclusive, with the muted-microphone sentence', async () => {
  const { result } = await checkRoom({ couplingDb: undefined, delayMs: 60, backgroundDbfs: -65, canceller: true });
  assert.equal(result.verdict, 'inconclusive');
  assert.match(result.sentence, /did not hear the test sound/);
});

test('a microphone that dies mid-check: inconclusive instead of hanging', async () => {
  const { result } = await checkRoom({ couplingDb: -20, delayMs: 60, backgroundDbfs: -65, canceller: true, stopAfterChunks: 150 });
  assert.equal(result.reason, 'no-microphone-audio');
});
