// Device chunks → 10 ms frames of 24 kHz mono for the echo canceller: exact frame lengths, the
// signal kept (a tone keeps its pitch and level through downmix and resampling), and stamps
// that name each frame's last sample.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CaptureConditioner, rmsDbfs } from '../../../../src-main/adapters/audio/native/capture-conditioner';
import { MONO_FRAME_SAMPLES, MonoFrameCutter } from '../../../../src-main/adapters/audio/native/mono-frame-cutter';

const TONE_HZ = 440;
const TONE_AMPLITUDE = 8_000;

/** Interleaved PCM16LE of a tone at `rate`, the same on every channel, `ms` long starting at sample `from`. */
function toneChunk(rate: number, channels: number, from: number, frames: number): Buffer {
  const chunk = Buffer.alloc(frames * channels * 2);
  for (let frame = 0; frame < frames; frame++) {
    const value = Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * (from + frame)) / rate));
    for (let channel = 0; channel < channels; channel++) chunk.writeInt16LE(value, (frame * channels + channel) * 2);
  }
  return chunk;
}

/** Zero crossings per second of a mono signal: 2 × the pitch of a pure tone. */
function crossingsPerSecond(samples: Int16Array, rate: number): number {
  let crossings = 0;
  for (let index = 1; index < samples.length; index++) if ((samples[index - 1]! < 0) !== (samples[index]! < 0)) crossings++;
  return crossings / (samples.length / rate);
}

for (const [rate, channels] of [
  [48_000, 2],
  [44_100, 1],
  [24_000, 1],
] as const) {
  test(`${rate} Hz ${channels === 2 ? 'stereo' : 'mono'} device chunks become exact 240-sample frames of the same tone at 24 kHz`, () => {
    const frames: Int16Array[] = [];
    const conditioner = new CaptureConditioner({ sampleRate: rate, channels }, (frame) => frames.push(frame.slice()));
    const chunkFrames = Math.round(rate / 100);
    for (let chunk = 0; chunk < 100; chunk++) conditioner.push(toneChunk(rate, channels, chunk * chunkFrames, chunkFrames), 1_000 + chunk * 10);
    // One second in: 100 frames, less the resampler's look-ahead (at most one frame).
    assert.ok(frames.length === 100 || frames.length === 99, `${frames.length} frames`);
    for (const frame of frames) assert.equal(frame.length, MONO_FRAME_SAMPLES);
    const joined = new Int16Array(frames.length * MONO_FRAME_SAMPLES);
    frames.forEach((frame, index) => joined.set(frame, index * MONO_FRAME_SAMPLES));
    const steady = joined.subarray(MONO_FRAME_SAMPLES * 5);
    assert.ok(Math.abs(crossingsPerSecond(steady, 24_000) - 2 * TONE_HZ) < 10, `pitch moved: ${crossingsPerSecond(steady, 24_000)} crossings a second`);
    const expectedDbfs = 20 * Math.log10(TONE_AMPLITUDE / Math.SQRT2 / 32_768);
    assert.ok(Math.abs(rmsDbfs(steady) - expectedDbfs) < 0.2, `level ${rmsDbfs(steady).toFixed(2)} dBFS, expected ${expectedDbfs.toFixed(2)}`);
  });
}

test('24 kHz mono passes through bit-exact', () => {
  const input = toneChunk(24_000, 1, 0, 480);
  const frames: Int16Array[] = [];
  const cutter = new MonoFrameCutter({ sampleRate: 24_000, channels: 1 }, (frame) => frames.push(frame.slice()));
  cutter.pushPcm16le(input);
  assert.equal(frames.length, 2);
  for (let index = 0; index < 480; index++) assert.equal(frames[index >= 240 ? 1 : 0]![index % 240], input.readInt16LE(index * 2));
});

test('each frame is stamped with its last sample: the chunk arrival minus the audio received after it', () => {
  const stamps: number[] = [];
  const raw: number[] = [];
  const conditioner = new CaptureConditioner({ sampleRate: 24_000, channels: 1 }, (_frame, capturedAtMs, rawRmsDbfs) => {
    stamps.push(capturedAtMs);
    raw.push(rawRmsDbfs);
  });
  // 15 ms chunks: the second frame ends 5 ms before the second chunk arrived.
  conditioner.push(toneChunk(24_000, 1, 0, 360), 1_015);
  conditioner.push(toneChunk(24_000, 1, 360, 360), 1_030);
  assert.deepEqual(stamps, [1_010, 1_020, 1_030]);
  for (const level of raw) assert.ok(Math.abs(level - 20 * Math.log10(TONE_AMPLITUDE / Math.SQRT2 / 32_768)) < 0.5, `raw level ${level}`);
  // A late chunk never makes a stamp go back; silence reads -Infinity.
  const late: number[] = [];
  const silent: number[] = [];
  const jittery = new CaptureConditioner({ sampleRate: 24_000, channels: 1 }, (_frame, capturedAtMs, rawRmsDbfs) => (late.push(capturedAtMs), silent.push(rawRmsDbfs)));
  jittery.push(new Uint8Array(480), 1_050);
  jittery.push(new Uint8Array(480), 1_040);
  assert.deepEqual(late, [1_050, 1_050]);
  assert.deepEqual(silent, [-Infinity, -Infinity]);
});
