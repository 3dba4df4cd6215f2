// The room check's arithmetic and judgement on scripted level series: what the microphone heard
// (raw) and what the canceller left (cleaned), 10 ms per chunk, as the engine reports them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROOM_SOUND_MS } from '../../src-main/app/room-check-sound';
import { CONVERGENCE_MS, measureRoom, ROOM_CHUNK_MS, type ChunkLevels } from '../../src-main/app/room-measure';
import { judgeRoom, MIN_ECHO_REMOVED_DB } from '../../src-main/app/room-verdict';
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import { ROOM_CHECK_SENTENCES, roomCheckDetails } from '../../src-shared/room-check';

const CANCELLER: EchoProtection = { kind: 'canceller', delayHintMs: 60 };
const GATE: EchoProtection = { kind: 'gate', reason: 'unavailable', message: 'the echo canceller could not load.' };
/** The test sound at -18 dBFS, one level per 10 ms chunk. */
const SOUND_CHUNKS = ROOM_SOUND_MS / ROOM_CHUNK_MS;
const PLAYED = Array.from({ length: SOUND_CHUNKS }, () => 10 ** (-18 / 10));
/** The sound as heard, with the room's tail. */
const HEARD = SOUND_CHUNKS + 10;

function chunks(count: number, rawRmsDbfs: number, cleanedRmsDbfs: number): ChunkLevels[] {
  return Array.from({ length: count }, (_, index) => ({ rawRmsDbfs, cleanedRmsDbfs, capturedAtMs: index * 10 }));
}

interface Room {
  readonly background: [raw: number, cleaned: number];
  /** Chunks of background between handing the sound over and hearing it. */
  readonly delayChunks: number;
  /** [chunks, raw, cleaned] stretches while the sound plays, in order. */
  readonly sound: readonly [number, number, number][];
}

function judge(room: Room, protection: EchoProtection | null = CANCELLER) {
  const background = chunks(50, ...room.background);
  const during = [...chunks(room.delayChunks, ...room.background), ...room.sound.flatMap(([count, raw, cleaned]) => chunks(count, raw, cleaned))];
  return judgeRoom(measureRoom({ background, during, playedChunkPower: PLAYED, maxDelayMs: 1_500 }), protection);
}

test('hands-free: the canceller leaves the echo at the background, and the delay is found', () => {
  const result = judge({ background: [-60, -72], delayChunks: 8, sound: [[HEARD, -30, -72]] });
  assert.equal(result.verdict, 'hands-free');
  assert.equal(result.reason, 'echo-removed');
  assert.equal(result.numbers.residualAtBackground, true);
  assert.equal(result.numbers.residualEchoDbfs, null);
  assert.equal(result.numbers.delayMs, 80);
  assert.equal(result.numbers.echoDbfs, -30);
  assert.equal(result.numbers.heardDb, -12);
  // At the background, the removal is a lower bound: echo minus the cleaned background.
  assert.equal(result.numbers.echoRemovedDb, 42);
  assert.equal(result.numbers.judgedMs, ROOM_SOUND_MS - CONVERGENCE_MS - 50, 'the sound after the convergence, less its release');
  assert.match(result.sentence, /^Hands-free works on these speakers/);
});

test(`hands-free: ${MIN_ECHO_REMOVED_DB} dB removed is enough even where the residual stands above a silent background`, () => {
  const result = judge({ background: [-100, -100], delayChunks: 6, sound: [[HEARD, -30, -30 - MIN_ECHO_REMOVED_DB]] });
  assert.equal(result.verdict, 'hands-free');
  assert.equal(result.numbers.residualAtBackground, false);
  assert.equal(result.numbers.echoRemovedDb, MIN_ECHO_REMOVED_DB);
  assert.equal(result.numbers.residualEchoDbfs, -30 - MIN_ECHO_REMOVED_DB);
});

test('headphones: a residual echo well above the background with too little removed', () => {
  const result = judge({ background: [-100, -100], delayChunks: 6, sound: [[HEARD, -30, -30 - MIN_ECHO_REMOVED_DB + 1]] });
  assert.equal(result.verdict, 'headphones');
  assert.equal(result.reason, 'echo-too-strong');
  assert.equal(result.sentence, ROOM_CHECK_SENTENCES['echo-too-strong']);
  assert.match(result.sentence, /^Use headphones: the echo here is too strong/);
  assert.equal(result.numbers.echoRemovedDb, MIN_ECHO_REMOVED_DB - 1);
});

test("the canceller's settling time is not judged: a slow start passes, an echo that stays does not", () => {
  const settling = CONVERGENCE_MS / ROOM_CHUNK_MS;
  const converges = judge({ background: [-60, -72], delayChunks: 5, sound: [[settling - 10, -30, -40], [HEARD - settling + 10, -30, -72]] });
  assert.equal(converges.verdict, 'hands-free');
  const judgedChunks = HEARD - settling;
  const stays = judge({ background: [-60, -72], delayChunks: 5, sound: [[settling + Math.ceil(judgedChunks * 0.6), -30, -40], [Math.floor(judgedChunks * 0.4), -30, -72]] });
  assert.equal(stays.verdict, 'headphones', 'a strong residual over most of the judged stretch fails it');
});

test('a moment when the canceller loses the echo (a loaded machine) does not decide the verdict; the room does', () => {
  const settling = CONVERGENCE_MS / ROOM_CHUNK_MS;
  const blip = judge({ background: [-60, -72], delayChunks: 5, sound: [[settling + 50, -30, -72], [50, -30, -40], [HEARD - settling - 100, -30, -72]] });
  assert.equal(blip.verdict, 'hands-free');
  assert.ok(blip.numbers.echoRemovedDb! >= 40, `removed ${blip.numbers.echoRemovedDb} dB`);
});

test('gate: a microphone that hears the speaker loudly needs headphones; a faint one works hands-free with a caveat', () => {
  const loud = judge({ background: [-60, -60], delayChunks: 6, sound: [[HEARD, -30, -30]] }, GATE);
  assert.equal(loud.verdict, 'headphones');
  assert.equal(loud.reason, 'gate-loud-echo');
  assert.equal(loud.numbers.echoRemovedDb, 0);
  const faint = judge({ background: [-70, -70], delayChunks: 6, sound: [[HEARD, -50, -50]] }, GATE);
  assert.equal(faint.verdict, 'hands-free');
  assert.equal(faint.reason, 'gate-faint-echo');
  assert.match(faint.sentence, /echo cancellation is not running/);
  // An engine that cannot say which protection it has is judged like the gate.
  assert.equal(judge({ background: [-60, -60], delayChunks: 6, sound: [[HEARD, -30, -70]] }, null).reason, 'gate-loud-echo');
});

test('inconclusive: nothing of the sound reached the microphone (muted microphone, speaker off)', () => {
  const result = judge({ background: [-62, -75], delayChunks: 0, sound: [[400, -62, -75]] });
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'not-heard');
  assert.equal(result.sentence, 'The microphone did not hear the test sound: check that the speaker is on and the microphone is not muted.');
  assert.equal(result.numbers.echoDbfs, null);
  assert.equal(result.numbers.echoRemovedDb, null);
  assert.equal(result.numbers.delayMs, null);
});

test('inconclusive: a sound that arrives later than the longest delay allowed is not taken for the test sound', () => {
  assert.equal(judge({ background: [-60, -72], delayChunks: 160, sound: [[HEARD, -30, -72]] }).reason, 'not-heard');
});

test('inconclusive: a loud room drowns the sound, and says so rather than blaming the devices', () => {
  const result = judge({ background: [-38, -50], delayChunks: 0, sound: [[400, -37, -50]] });
  assert.equal(result.reason, 'too-noisy');
  assert.equal(result.verdict, 'inconclusive');
});

test('inconclusive: a microphone that stopped delivering before the judged stretch', () => {
  const result = judge({ background: [-60, -72], delayChunks: 5, sound: [[60, -30, -72]] });
  assert.equal(result.reason, 'no-microphone-audio');
  assert.equal(result.numbers.judgedMs, 0);
});

test('digital silence (-Infinity) is measured at the floor, never as NaN or Infinity in the result', () => {
  const result = judge({ background: [-Infinity, -Infinity], delayChunks: 3, sound: [[HEARD, -40, -Infinity]] });
  assert.equal(result.verdict, 'hands-free');
  assert.equal(result.numbers.backgroundDbfs, -100);
  assert.equal(result.numbers.echoRemovedDb, 60);
  const json = JSON.parse(JSON.stringify(result));
  assert.deepEqual(json, result, 'the result survives JSON (the IPC) unchanged');
});

test('details: every number has a row; a residual at the background reads as a lower bound', () => {
  const rows = roomCheckDetails(judge({ background: [-60, -72], delayChunks: 8, sound: [[HEARD, -30, -72]] }));
  const byLabel = new Map(rows.map((row) => [row.label, row.value]));
  assert.equal(byLabel.get('Echo removed'), 'at least 42.0 dB');
  assert.equal(byLabel.get('Heard relative to played'), '-12.0 dB');
  assert.equal(byLabel.get('Heard after'), '80 ms');
  assert.equal(byLabel.get('Protection'), 'echo canceller');
});
