// The speaker side of the canceller: what the pump hands to the device becomes 10 ms frames of
// 24 kHz mono, only while a canceller runs, and silence the device played because the pump was
// late (an underrun) is fed too, to the device's sample, so the reference keeps the device's
// timeline: AEC3 aligns the two streams by their sample counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoReferenceFeed, LAG_WINDOW_MS, type EchoReferenceTarget } from '../../../../src-main/adapters/audio/native/echo-reference-feed';
import { seededNoise } from '../../../support/seeded-noise';

const RATE = 48_000;
const CHANNELS = 2;
/** 5 ms chunks, as the host's pump hands them over. */
const CHUNK_FRAMES = 240;
const CHUNK_MS = 5;
/** What the device holds past the hand-over, as in the host: three chunks queued and one in flight. */
const DEVICE_QUEUE_FRAMES = 4 * CHUNK_FRAMES;
/** PortAudio's callback takes this many frames at a time (naudiodon's 256). */
const CALLBACK_FRAMES = 256;

/** The simulated clock, ms (runPump moves it). */
let simulatedNowMs = 0;

class RecordingTarget implements EchoReferenceTarget {
  isCancelling = true;
  frames: Int16Array[] = [];
  filled = 0;
  /** When the first filled frame came, on the simulated clock. */
  firstFilledAtMs: number | undefined;
  underrunsReported = 0;
  underrunFilled(): void {
    this.underrunsReported++;
  }
  processReverse(frame: Int16Array, filled: boolean): void {
    this.frames.push(frame.slice());
    if (filled) {
      this.filled++;
      this.firstFilledAtMs ??= simulatedNowMs;
    }
  }
}

function loudChunk(): Int16Array {
  const chunk = new Int16Array(CHUNK_FRAMES * CHANNELS);
  for (let frame = 0; frame < CHUNK_FRAMES; frame++) {
    const value = Math.round(10_000 * Math.sin((2 * Math.PI * 300 * frame) / RATE));
    chunk[frame * 2] = value;
    chunk[frame * 2 + 1] = value;
  }
  return chunk;
}

interface PumpScenario {
  readonly seconds: number;
  /** The pump's event loop is blocked from `atMs` for `forMs`. */
  readonly stalls?: readonly { readonly atMs: number; readonly forMs: number }[];
  /** How late the pump reads the clock after a write resolves, ms (its event loop's latency). */
  readonly latencyMs?: (atMs: number) => number;
  /** The device's clock against the wall clock, parts per million (positive: it plays slower). */
  readonly deviceDriftPpm?: number;
}

/**
 * A device that plays in real time from a queue of DEVICE_QUEUE_FRAMES, pulling CALLBACK_FRAMES
 * per callback, and plays silence when the queue is empty; a pump that hands it 5 ms chunks as
 * soon as there is room, unless stalled. Returns the silence the device played, ms.
 */
function runPump(feed: EchoReferenceFeed, scenario: PumpScenario): { underrunMs: number } {
  const chunk = loudChunk();
  const frameMs = 1000 / RATE;
  /** The simulation's step: the pump looks for room this often. */
  const stepFrames = 4;
  let queued = 0;
  let silenceFrames = 0;
  let pumpFreeAtMs = 0;
  let untilCallback = CALLBACK_FRAMES;
  const total = scenario.seconds * RATE;
  const callbackFrames = CALLBACK_FRAMES * (1 + (scenario.deviceDriftPpm ?? 0) / 1e6);
  for (let frame = 0; frame < total; frame += stepFrames) {
    const nowMs = frame * frameMs;
    simulatedNowMs = nowMs;
    const stalled = scenario.stalls?.some((stall) => nowMs >= stall.atMs && nowMs < stall.atMs + stall.forMs) ?? false;
    // A write resolves when the queue has room; the pump reads the clock (late by its loop's latency) and writes the next.
    while (!stalled && nowMs >= pumpFreeAtMs && queued + CHUNK_FRAMES <= DEVICE_QUEUE_FRAMES) {
      const handedAtMs = nowMs + (scenario.latencyMs?.(nowMs) ?? 0);
      feed.push(chunk, CHUNK_FRAMES, handedAtMs);
      queued += CHUNK_FRAMES;
      pumpFreeAtMs = handedAtMs;
    }
    untilCallback -= stepFrames;
    if (untilCallback <= 0) {
      untilCallback += callbackFrames;
      const take = Math.min(queued, CALLBACK_FRAMES);
      queued -= take;
      silenceFrames += CALLBACK_FRAMES - take;
    }
  }
  return { underrunMs: silenceFrames * frameMs };
}

test('chunks handed over on time become one 24 kHz frame per 10 ms, and nothing is filled in', () => {
  const target = new RecordingTarget();
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target);
  const chunk = loudChunk();
  // Handed over with the jitter of a device that takes 20 ms at a time (4 chunks at once).
  for (let index = 0; index < 400; index++) feed.push(chunk, CHUNK_FRAMES, Math.floor(index / 4) * 20);
  assert.ok(target.frames.length >= 199 && target.frames.length <= 200, `${target.frames.length} frames for 2 s`);
  for (const frame of target.frames) assert.equal(frame.length, 240);
  assert.equal(feed.filledGapsMs, 0);
});

test('nothing is done while no canceller runs, and the next chunk starts a fresh stream', () => {
  const target = new RecordingTarget();
  target.isCancelling = false;
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target);
  for (let index = 0; index < 10; index++) feed.push(loudChunk(), CHUNK_FRAMES, index * CHUNK_MS);
  assert.equal(target.frames.length, 0);
  target.isCancelling = true;
  // Much later: a new stream, so the time before is not taken for an underrun.
  for (let index = 0; index < 100; index++) feed.push(loudChunk(), CHUNK_FRAMES, 10_000 + index * CHUNK_MS);
  assert.equal(feed.filledGapsMs, 0);
  assert.ok(target.frames.length >= 49);
});

test('underruns of 7, 30 and 120 ms are fed as that much silence, to within a quarter of a millisecond', () => {
  for (const stallMs of [27, 50, 140]) {
    const target = new RecordingTarget();
    const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target);
    const { underrunMs } = runPump(feed, { seconds: 3, stalls: [{ atMs: 1_000, forMs: stallMs }] });
    assert.ok(underrunMs > 5, `the ${stallMs} ms stall made the device run dry (${underrunMs.toFixed(2)} ms)`);
    assert.ok(Math.abs(feed.filledGapsMs - underrunMs) < 0.25, `a ${stallMs} ms stall: the device played ${underrunMs.toFixed(2)} ms of silence, the reference got ${feed.filledGapsMs.toFixed(2)} ms`);
    assert.ok(target.filled >= Math.floor(underrunMs / 10), `the filled frames are marked as such (${target.filled})`);
  }
});

test('several underruns add up: the reference ends on the device’s timeline', () => {
  const target = new RecordingTarget();
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target);
  const stalls = [
    { atMs: 800, forMs: 26 },
    { atMs: 2_100, forMs: 33 },
    { atMs: 3_300, forMs: 90 },
    { atMs: 5_000, forMs: 24 },
  ];
  const { underrunMs } = runPump(feed, { seconds: 6, stalls });
  assert.ok(Math.abs(feed.filledGapsMs - underrunMs) < 0.5, `device silence ${underrunMs.toFixed(2)} ms, filled ${feed.filledGapsMs.toFixed(2)} ms`);
  assert.equal(target.underrunsReported, feed.underrunsFilled, 'each fill is reported to the canceller’s owner');
  assert.ok(feed.underrunsFilled >= 4, `${feed.underrunsFilled} fills for 4 underruns`);
  // Every 10 ms of the device's timeline (audio and silence) is one reference frame.
  assert.ok(Math.abs(target.frames.length - 600) <= 2, `${target.frames.length} frames for 6 s of device time`);
});

test('a pump that is late but never lets the device run dry fills nothing: jitter, and a short burst of load', () => {
  const random = seededNoise(7);
  const jitter = new RecordingTarget();
  const jittery = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, jitter);
  const calm = runPump(jittery, { seconds: 5, latencyMs: () => 2 * Math.abs(random()) });
  assert.equal(calm.underrunMs, 0);
  assert.equal(jittery.filledGapsMs, 0, 'up to 2 ms of latency on every write');

  const spike = new RecordingTarget();
  const spiky = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, spike);
  // Every write 3 ms late for one window: the floor rises once, and the next window does not agree.
  const loaded = runPump(spiky, { seconds: 3, latencyMs: (atMs) => (atMs >= 1_000 && atMs < 1_000 + LAG_WINDOW_MS ? 3 : 0) });
  assert.equal(loaded.underrunMs, 0);
  assert.equal(spiky.filledGapsMs, 0);
});

test('the silence goes in about a tenth of a second after the pump resumes, so the canceller is soon back in step', () => {
  const target = new RecordingTarget();
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target);
  const stall = { atMs: 1_000, forMs: 60 };
  runPump(feed, { seconds: 2, stalls: [stall] });
  assert.equal(feed.underrunsFilled, 1);
  const afterMs = target.firstFilledAtMs! - (stall.atMs + stall.forMs);
  assert.ok(afterMs >= 0 && afterMs <= LAG_WINDOW_MS + 10, `filled ${afterMs.toFixed(1)} ms after the pump resumed`);
});

test('a device clock 300 ppm off the wall clock either way is followed, not taken for underruns', () => {
  for (const deviceDriftPpm of [300, -300]) {
    const target = new RecordingTarget();
    const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target);
    const { underrunMs } = runPump(feed, { seconds: 20, deviceDriftPpm });
    assert.equal(underrunMs, 0);
    assert.equal(feed.filledGapsMs, 0, `${deviceDriftPpm} ppm: filled ${feed.filledGapsMs} ms`);
  }
});
