// The echo delay estimator on speech-like signals: the microphone hears the speaker's sound late,
// quieter and over noise; the estimator must name that delay (to a frame) within a few seconds,
// and say nothing when the reference is silent or the microphone hears something unrelated.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoDelayEstimator } from '../../../../src-main/adapters/audio/native/echo-delay-estimator';
import { roomSoundSamples } from '../../../../src-main/app/room-check-sound';
import { seededNoise } from '../../../support/seeded-noise';
import { speechLike } from '../echo-canceller/synthetic-room';

const FRAME = 240;
const RATE_HZ = 24_000;
const FRAME_TOLERANCE_MS = 10;

interface Run {
  /** Seconds of audio until the estimate was first right (Infinity if never). */
  readonly foundAfterS: number;
  readonly finalMs: number | undefined;
  /** Estimates that were accepted and wrong. */
  readonly wrong: number[];
}

/**
 * Feeds `far` as the reference and `far` delayed by `delayMs`, `attenuationDb` quieter, over noise
 * at `noiseDbfs` (plus `near`, if given) as the capture, 10 ms at a time, reference first.
 */
function run(far: Float32Array, delayMs: number, options: { attenuationDb?: number; noiseDbfs?: number; capture?: Float32Array; referenceFirstBurst?: number } = {}): Run {
  const estimator = new EchoDelayEstimator();
  const gain = 10 ** ((options.attenuationDb ?? -20) / 20);
  const noiseAmplitude = 10 ** ((options.noiseDbfs ?? -60) / 20) * 32_768 * Math.sqrt(3);
  const noise = seededNoise(7);
  const delaySamples = Math.round((delayMs * RATE_HZ) / 1000);
  const reference = new Int16Array(FRAME);
  const capture = new Int16Array(FRAME);
  const frames = Math.floor(far.length / FRAME);
  let foundAfterS = Infinity;
  const wrong: number[] = [];
  for (let frame = 0; frame < frames; frame++) {
    for (let index = 0; index < FRAME; index++) {
      const at = frame * FRAME + index;
      reference[index] = Math.round(far[at]!);
      const echo = at >= delaySamples ? far[at - delaySamples]! * gain : 0;
      const other = options.capture ? options.capture[at]! : echo;
      capture[index] = Math.max(-32_768, Math.min(32_767, Math.round(other + noise() * noiseAmplitude)));
    }
    estimator.addReference(reference);
    if (estimator.addCapture(capture)) {
      const found = estimator.delayMs!;
      if (Math.abs(found - delayMs) <= FRAME_TOLERANCE_MS) foundAfterS = Math.min(foundAfterS, (frame + 1) / 100);
      else wrong.push(found);
    }
  }
  return { foundAfterS, finalMs: estimator.delayMs, wrong };
}

const speech = speechLike(10, { pitchHz: 130, seed: 5, levelDbfs: -20 });

for (const delayMs of [60, 250, 480, 700]) {
  test(`finds a ${delayMs} ms echo of speech, 20 dB down over noise, within 2.5 s and never a wrong one`, (t) => {
    const result = run(speech, delayMs);
    t.diagnostic(`${delayMs} ms: found after ${result.foundAfterS} s, final ${result.finalMs} ms, wrong ${JSON.stringify(result.wrong)}`);
    assert.deepEqual(result.wrong, []);
    assert.ok(result.foundAfterS <= 2.5 + delayMs / 1000, `found after ${result.foundAfterS} s`);
    assert.ok(Math.abs(result.finalMs! - delayMs) <= FRAME_TOLERANCE_MS, `final ${result.finalMs} ms`);
  });
}

test('finds a 480 ms echo 35 dB down with noise only 15 dB under it', (t) => {
  const result = run(speech, 480, { attenuationDb: -35, noiseDbfs: -70 });
  t.diagnostic(`found after ${result.foundAfterS} s, final ${result.finalMs} ms, wrong ${JSON.stringify(result.wrong)}`);
  assert.deepEqual(result.wrong, []);
  assert.ok(Math.abs(result.finalMs! - 480) <= FRAME_TOLERANCE_MS, `final ${result.finalMs} ms`);
});

for (const delayMs of [150, 480]) {
  test(`the room check's test sound (regular 300 ms syllables, 1 s of silence before it) gives ${delayMs} ms, not a syllable off`, (t) => {
    const sound = roomSoundSamples();
    const far = new Float32Array(RATE_HZ * 5);
    for (let index = 0; index < sound.length; index++) far[RATE_HZ + index] = sound[index]! * 32_768;
    const result = run(far, delayMs, { attenuationDb: -24 });
    t.diagnostic(`found after ${result.foundAfterS} s (the sound starts at 1 s), wrong ${JSON.stringify(result.wrong)}`);
    assert.deepEqual(result.wrong, []);
    assert.ok(result.foundAfterS <= 1 + 1.5 + delayMs / 1000, `found after ${result.foundAfterS} s`);
  });
}

test('a silent speaker gives no estimate, whatever the microphone hears', () => {
  const result = run(new Float32Array(speech.length), 250, { capture: speechLike(10, { pitchHz: 200, seed: 9, levelDbfs: -30 }) });
  assert.equal(result.finalMs, undefined);
});

test('a microphone that hears something unrelated to the speaker gives no estimate', () => {
  for (const seed of [9, 13, 17]) {
    const result = run(speech, 250, { capture: speechLike(10, { pitchHz: 200, seed, levelDbfs: -30 }) });
    assert.equal(result.finalMs, undefined, `seed ${seed}: ${JSON.stringify(result)}`);
  }
});

test('a microphone that hears only steady noise gives no estimate', () => {
  const result = run(speech, 250, { capture: new Float32Array(speech.length), noiseDbfs: -50 });
  assert.equal(result.finalMs, undefined);
});

test('reset forgets the estimate, and the next streams are measured anew', () => {
  const estimator = new EchoDelayEstimator();
  const frame = new Int16Array(FRAME);
  const echo = new Int16Array(FRAME);
  const delayFrames = 30;
  const history: Int16Array[] = [];
  for (let index = 0; index < 600; index++) {
    for (let sample = 0; sample < FRAME; sample++) frame[sample] = Math.round(speech[index * FRAME + sample]!);
    history.push(frame.slice());
    const heard = history[index - delayFrames];
    echo.fill(0);
    if (heard) for (let sample = 0; sample < FRAME; sample++) echo[sample] = heard[sample]! >> 3;
    estimator.addReference(frame);
    estimator.addCapture(echo);
  }
  assert.equal(estimator.delayMs, delayFrames * 10);
  estimator.reset();
  assert.equal(estimator.delayMs, undefined);
});
