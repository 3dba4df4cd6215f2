// Barge-in on a real (PulseAudio null-sink) speaker: while a long answer plays, interrupt()
// silences the device within 40 ms and reports the item that was playing.
// The speaker's output is watched sample by sample through spk.monitor (test/support/pulse-monitor).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { NativeAudioEngine } from '../../../../src-main/adapters/audio/native/native-audio-engine';
import { PulseMonitor } from '../../../support/pulse-monitor';
import { pulseAudioUnavailableReason, startPulseAudio, type PulseAudioFixture } from '../../../support/pulse-audio';

const unavailable = pulseAudioUnavailableReason();
let pulse: PulseAudioFixture | undefined;
before(() => {
  if (!unavailable) pulse = startPulseAudio();
});
after(() => pulse?.close());

const LOUD = 2_000; // the tone peaks at 12 000
const SILENCE_HOLD_SAMPLES = 480; // 10 ms at 48 kHz

function loudMilliseconds(monitor: PulseMonitor, from: number, to: number): number {
  const window = 48; // 1 ms at 48 kHz
  let loud = 0;
  for (let start = from; start + window <= to; start += window) {
    for (let index = start; index < start + window; index++) {
      const value = monitor.sample(index);
      if (value >= LOUD || value <= -LOUD) {
        loud++;
        break;
      }
    }
  }
  return loud;
}

function tone(seconds: number): Buffer {
  const samples = 24_000 * seconds;
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) pcm.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 1_000 * index) / 24_000) * 12_000), index * 2);
  return pcm;
}

test('barge-in silences the speaker within 40 ms and reports the item being played', { skip: unavailable, timeout: 40_000 }, async (t) => {
  const engine = new NativeAudioEngine();
  const monitor = new PulseMonitor({ device: 'spk.monitor', sampleRate: 48_000, latencyMs: 2, maxSeconds: 30 });
  t.after(async () => {
    await monitor.close();
    await engine.shutdown();
  });
  await engine.start();
  await engine.prepareSpeaker();
  await monitor.waitForSamples(48_000, 10_000); // the speaker has been running for a second
  const answer = tone(2);
  const silenceMs: number[] = [];
  const reportErrorMs: number[] = [];
  for (let trial = 0; trial < 3; trial++) {
    const from = monitor.sampleAtTime(performance.now() - 5);
    for (let offset = 0; offset < answer.length; offset += 960) {
      engine.speaker.write({ pcm: answer.subarray(offset, offset + 960), sampleRate: 24_000, channels: 1, itemId: `answer_${trial}` });
    }
    const onset = await monitor.until(() => (monitor.findLoud(from, LOUD) === -1 ? undefined : monitor.findLoud(from, LOUD)), 5_000);
    assert.ok(onset !== undefined, 'the answer became audible');
    const onsetAt = monitor.timeOfSample(onset!);
    while (performance.now() < onsetAt + 300) await new Promise((resolve) => setTimeout(resolve, 2));
    const calledAt = performance.now();
    const report = await engine.speaker.interrupt();
    const quiet = await monitor.until(() => {
      const index = monitor.findQuietFrom(monitor.sampleAtTime(calledAt - 5), LOUD, SILENCE_HOLD_SAMPLES);
      return index === -1 ? undefined : index;
    }, 5_000);
    assert.ok(quiet !== undefined, 'the speaker fell silent');
    silenceMs.push(monitor.timeOfSample(quiet) - calledAt);
    assert.equal(report?.itemId, `answer_${trial}`);
    // What was heard: the tone's samples rendered before interrupt() (gaps from device
    // underruns on a loaded machine are not audio, so count loud 1 ms windows, not wall time).
    const heardMs = loudMilliseconds(monitor, onset, monitor.sampleAtTime(calledAt));
    reportErrorMs.push(report!.playedMs - heardMs);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  silenceMs.sort((a, b) => a - b);
  assert.ok(silenceMs[1]! <= 40, `barge-in to silence, median of 3: ${silenceMs.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  // How close the reported played duration comes to what was heard depends on PulseAudio's own
  // buffer, which grows after underruns on a loaded machine: bench:audio measures it on a quiet
  // one (0.6 ms median); here it is reported, not asserted.
  t.diagnostic(`reported played duration minus heard: ${reportErrorMs.map((ms) => ms.toFixed(1)).join(', ')} ms`);
});
