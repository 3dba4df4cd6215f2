// What the echo path adds to the audio host per 10 ms: one captured device chunk conditioned and
// cancelled, and two 5 ms speaker chunks turned into the reference, with the real WebRTC
// canceller on 48 kHz stereo devices (the common case). Prints p50/p99; bounded loosely because
// other tests share this machine's two cores.
// (the budget in issue 11: p99 under 2 ms per 20 ms frame)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ECHO_CANCELLATION } from '../../../../src-shared/echo-cancellation';
import { CaptureConditioner } from '../../../../src-main/adapters/audio/native/capture-conditioner';
import { EchoReferenceFeed } from '../../../../src-main/adapters/audio/native/echo-reference-feed';
import { EchoStage } from '../../../../src-main/adapters/audio/native/echo-stage';
import { speechLike } from '../echo-canceller/synthetic-room';
import { distribution } from '../../../support/stats';

const RATE = 48_000;
const CHANNELS = 2;
const SECONDS = 20;
const WARM_UP_CHUNKS = 200;
/**
 * Measured here: p50 about 260 µs and p99 420-500 µs per 10 ms (about 190 µs of it the canceller;
 * conditioning alone is p50 70 µs, p99 100 µs), and a p99 of 1.9 ms once when other tests loaded
 * both cores. So the median carries the verdict and the p99 only catches the absurd.
 */
const MAX_P50_US = 1_000;
const MAX_P99_US = 5_000;

test('the echo path costs well under a millisecond per 10 ms of audio (p50/p99 printed)', (t) => {
  // Speech at 24 kHz, upsampled by repetition: the cost does not depend on the exact signal.
  const voice = speechLike(SECONDS, { pitchHz: 140, seed: 3, levelDbfs: -20 });
  const stage = new EchoStage({ onProtectionChange: () => {} });
  assert.equal(stage.open(DEFAULT_ECHO_CANCELLATION, 50).kind, 'canceller');
  let sent = 0;
  const conditioner = new CaptureConditioner({ sampleRate: RATE, channels: CHANNELS }, (frame) => {
    stage.processCapture(frame);
    sent++;
  });
  const reference = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, stage);
  const capture = Buffer.alloc(480 * CHANNELS * 2);
  const speaker = new Int16Array(240 * CHANNELS);
  const costsUs: number[] = [];
  const chunks = SECONDS * 100;
  for (let chunk = 0; chunk < chunks; chunk++) {
    for (let frame = 0; frame < 480; frame++) {
      const value = Math.round(voice[chunk * 240 + (frame >> 1)]! * 0.3);
      capture.writeInt16LE(value, frame * 4);
      capture.writeInt16LE(value, frame * 4 + 2);
    }
    const started = process.hrtime.bigint();
    for (let half = 0; half < 2; half++) {
      for (let frame = 0; frame < 240; frame++) speaker[frame * 2] = speaker[frame * 2 + 1] = Math.round(voice[chunk * 240 + half * 120 + (frame >> 1)]!);
      reference.push(speaker, 240, chunk * 10 + half * 5);
    }
    conditioner.push(capture, chunk * 10);
    const elapsedUs = Number(process.hrtime.bigint() - started) / 1_000;
    if (chunk >= WARM_UP_CHUNKS) costsUs.push(elapsedUs);
  }
  stage.close();
  assert.ok(sent >= chunks - 1, `${sent} frames for ${chunks} chunks`);
  const cost = distribution(costsUs);
  t.diagnostic(`echo path per 10 ms (capture chunk + 2 reference chunks, 48 kHz stereo): p50 ${cost.median.toFixed(0)} µs, p99 ${cost.p99.toFixed(0)} µs, max ${cost.max.toFixed(0)} µs over ${cost.count} chunks`);
  assert.ok(cost.median < MAX_P50_US, `p50 ${cost.median.toFixed(0)} µs`);
  assert.ok(cost.p99 < MAX_P99_US, `p99 ${cost.p99.toFixed(0)} µs`);
});
