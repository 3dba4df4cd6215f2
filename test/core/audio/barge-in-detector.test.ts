// The barge-in detector's allowance for the canceller's residual echo: loose while a new
// canceller converges, strict once it has heard a few seconds of playback, and strict from the
// first word of every later answer (a converged canceller keeps its echo path between answers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BargeInDetector, CANCELLER_CONVERGENCE_MS, PLAYBACK_HANGOVER_MS, RECOVERING_RESIDUAL_ECHO_DB, RESIDUAL_ECHO_DB, SPEECH_CONTINUATION_DB, UNDERRUN_RECOVERY_MS } from '../../../src-main/core/audio/barge-in-detector';

const FRAME_MS = 20;
const PLAYBACK_DBFS = -20;
/** 15 dB under the playback: what a canceller that lost the echo leaves, and louder than a converged one's residue. */
const LEAKED_ECHO_DBFS = -35;
const QUIET_ROOM_DBFS = -80;

/** Feeds frames of a level while the speaker plays at `playback`; true when one of them barged in. */
function feed(detector: BargeInDetector, clock: { ms: number }, frames: number, micDbfs: number, playbackDbfs: number): boolean {
  let barged = false;
  for (let index = 0; index < frames; index++) {
    clock.ms += FRAME_MS;
    if (detector.process(micDbfs, playbackDbfs, clock.ms)) barged = true;
  }
  return barged;
}

test('echo 15 dB under the playback barges in once the answer has played past the convergence time, not before', () => {
  const detector = new BargeInDetector();
  const clock = { ms: 0 };
  const converging = CANCELLER_CONVERGENCE_MS / FRAME_MS;
  feed(detector, clock, 50, QUIET_ROOM_DBFS, -Infinity); // the noise floor is learned in silence
  assert.equal(feed(detector, clock, converging - 15, LEAKED_ECHO_DBFS, PLAYBACK_DBFS), false, 'while the canceller settles on an answer, leaked echo is not the user');
  // Past convergence the same level is 15 dB over the strict allowance: a person, as far as the detector can tell.
  feed(detector, clock, 20, QUIET_ROOM_DBFS, PLAYBACK_DBFS);
  assert.equal(feed(detector, clock, 30, LEAKED_ECHO_DBFS, PLAYBACK_DBFS), true);
});

test('an answer after a silence of the speaker is held to the strict allowance from its start', () => {
  const detector = new BargeInDetector();
  const clock = { ms: 0 };
  feed(detector, clock, 50, QUIET_ROOM_DBFS, -Infinity);
  feed(detector, clock, CANCELLER_CONVERGENCE_MS / FRAME_MS + 20, QUIET_ROOM_DBFS, PLAYBACK_DBFS); // the first answer has converged
  feed(detector, clock, Math.ceil(PLAYBACK_HANGOVER_MS / FRAME_MS) + 10, QUIET_ROOM_DBFS, -Infinity); // the speaker goes quiet
  feed(detector, clock, 5, QUIET_ROOM_DBFS, PLAYBACK_DBFS); // the next answer starts
  assert.equal(feed(detector, clock, 30, LEAKED_ECHO_DBFS, PLAYBACK_DBFS), true, 'a voice 15 dB under the playback is a person once the canceller converged');
});

test('reset() starts the convergence over: a new canceller gets the loose allowance again', () => {
  const detector = new BargeInDetector();
  const clock = { ms: 0 };
  feed(detector, clock, 50, QUIET_ROOM_DBFS, -Infinity);
  feed(detector, clock, CANCELLER_CONVERGENCE_MS / FRAME_MS + 20, QUIET_ROOM_DBFS, PLAYBACK_DBFS);
  detector.reset();
  feed(detector, clock, 50, QUIET_ROOM_DBFS, -Infinity);
  assert.equal(feed(detector, clock, CANCELLER_CONVERGENCE_MS / FRAME_MS - 15, LEAKED_ECHO_DBFS, PLAYBACK_DBFS), false, 'leaked echo while the new canceller settles is not the user');
});

test('a person within 10 dB of the playback barges in at the start of an answer, about 250 ms after their onset', () => {
  const detector = new BargeInDetector();
  const clock = { ms: 0 };
  feed(detector, clock, 50, QUIET_ROOM_DBFS, -Infinity);
  feed(detector, clock, 10, QUIET_ROOM_DBFS, PLAYBACK_DBFS);
  const onsetMs = clock.ms + FRAME_MS;
  let bargedAtMs: number | undefined;
  for (let index = 0; index < 30 && bargedAtMs === undefined; index++) {
    clock.ms += FRAME_MS;
    if (detector.process(-26, PLAYBACK_DBFS, clock.ms)) bargedAtMs = clock.ms;
  }
  assert.ok(bargedAtMs !== undefined, 'the person barged in');
  assert.ok(bargedAtMs - onsetMs >= 230 && bargedAtMs - onsetMs <= 270, `barged in ${bargedAtMs - onsetMs} ms after the onset`);
});

/** A converged detector over a loud answer: the floor learned, the canceller's convergence heard. */
function converged(options: ConstructorParameters<typeof BargeInDetector>[0] = {}): { detector: BargeInDetector; clock: { ms: number } } {
  const detector = new BargeInDetector(options);
  const clock = { ms: 0 };
  feed(detector, clock, 50, QUIET_ROOM_DBFS, -Infinity);
  feed(detector, clock, CANCELLER_CONVERGENCE_MS / FRAME_MS + 20, QUIET_ROOM_DBFS, PLAYBACK_DBFS);
  return { detector, clock };
}

test('once speech has started over the assistant, its quieter sounds count: a word and a softer one barge in', () => {
  // The strict allowance is 30 dB under the playback; the softer sound sits 3 dB under it, within the continuation.
  const softer = PLAYBACK_DBFS + RESIDUAL_ECHO_DB - SPEECH_CONTINUATION_DB + 3;
  const withContinuation = converged();
  assert.equal(feed(withContinuation.detector, withContinuation.clock, 6, PLAYBACK_DBFS - 10, PLAYBACK_DBFS), false, '120 ms is not yet a barge-in');
  assert.equal(feed(withContinuation.detector, withContinuation.clock, 10, softer, PLAYBACK_DBFS), true, 'the softer sound carries the speech to its minimum length');

  const without = converged({ continuationDb: 0 });
  feed(without.detector, without.clock, 6, PLAYBACK_DBFS - 10, PLAYBACK_DBFS);
  assert.equal(feed(without.detector, without.clock, 10, softer, PLAYBACK_DBFS), false, 'without the continuation the softer sound is taken for echo');
});

test('the continuation never starts speech: sounds under the allowance alone do not barge in', () => {
  const { detector, clock } = converged();
  const softer = PLAYBACK_DBFS + RESIDUAL_ECHO_DB - SPEECH_CONTINUATION_DB + 3;
  assert.equal(feed(detector, clock, 50, softer, PLAYBACK_DBFS), false);
  assert.equal(detector.speaking, false);
});

test('after a speaker underrun the allowance is the recovering one for a while of playback, then strict again', () => {
  const { detector, clock } = converged();
  // Between the recovering allowance (20 dB under) and the strict one (30 dB under): echo the recovering canceller may leave.
  const leak = PLAYBACK_DBFS + RECOVERING_RESIDUAL_ECHO_DB - 3;
  detector.recoverFromUnderrun();
  assert.equal(feed(detector, clock, 20, leak, PLAYBACK_DBFS), false, 'echo while the canceller finds it again is not the user');
  assert.equal(feed(detector, clock, 20, PLAYBACK_DBFS - 12, PLAYBACK_DBFS), true, 'a person over the recovering allowance still barges in');
  feed(detector, clock, UNDERRUN_RECOVERY_MS / FRAME_MS + 20, QUIET_ROOM_DBFS, PLAYBACK_DBFS);
  assert.equal(feed(detector, clock, 20, leak, PLAYBACK_DBFS), true, 'recovered: the same level is over the strict allowance');
});

test('an underrun while the speaker is silent waits for playback: the recovery counts played time only', () => {
  const { detector, clock } = converged();
  const leak = PLAYBACK_DBFS + RECOVERING_RESIDUAL_ECHO_DB - 3;
  detector.recoverFromUnderrun();
  feed(detector, clock, UNDERRUN_RECOVERY_MS / FRAME_MS + 20, QUIET_ROOM_DBFS, -Infinity);
  assert.equal(feed(detector, clock, 20, leak, PLAYBACK_DBFS), false, 'the next answer starts with the recovering allowance');
});

test('a wrong recovery or continuation option is named in the error', () => {
  assert.throws(() => new BargeInDetector({ continuationDb: -1 }), /continuationDb must be ≥ 0 dB, got -1/);
  assert.throws(() => new BargeInDetector({ continuationDb: Infinity }), /continuationDb must be a finite number of dB/);
  assert.throws(() => new BargeInDetector({ recoveringResidualEchoDb: Number.NaN }), /recoveringResidualEchoDb must be a finite number of dB/);
  assert.throws(() => new BargeInDetector({ underrunRecoveryMs: -5 }), /underrunRecoveryMs must be ≥ 0, got -5/);
});
