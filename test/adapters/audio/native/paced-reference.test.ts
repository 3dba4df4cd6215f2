// The speaker pump's chunk length changes between silence and speech (OutputPacer), so naudiodon's
// queue, which holds a number of chunks, holds 10 ms of silence but 20 ms of speech. The echo
// reference must not take that change for an underrun: stamped with when each chunk reaches the
// sound server (hand-over + the queue ahead of it), the timeline stays whole; stamped at the
// hand-over, every answer's end would look like a 10 ms underrun and shift the canceller's echo.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputPacer } from '../../../../src-main/adapters/audio/native/output-pacer';
import { EchoReferenceFeed, type EchoReferenceTarget } from '../../../../src-main/adapters/audio/native/echo-reference-feed';

const RATE = 48_000;
const CHANNELS = 2;
/** naudiodon's queue: three chunks waiting, plus the one being played; the host keeps one more write in flight. */
const QUEUED_CHUNKS = 3;
const CHUNKS_IN_FLIGHT = 1;
const CALLBACK_FRAMES = 256;

class CountingTarget implements EchoReferenceTarget {
  readonly isCancelling = true;
  frames = 0;
  processReverse(): void {
    this.frames++;
  }
}

/**
 * A device that plays in real time, CALLBACK_FRAMES per callback, from a queue of whole chunks
 * (at most QUEUED_CHUNKS waiting); a pump, as the host's, with one write in flight: when the queue
 * takes it, the next chunk is handed over, its length from the pacer (speech during the
 * `speaking` stretches, silence otherwise).
 */
function run(stampAtSoundServer: boolean, speaking: (atMs: number) => boolean, seconds: number) {
  const pacer = new OutputPacer({ sampleRate: RATE, chunkMs: 5, idleChunkMs: 2.5, chunksAhead: CHUNKS_IN_FLIGHT + QUEUED_CHUNKS });
  const target = new CountingTarget();
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target);
  const samples = new Int16Array(pacer.chunkFrames * CHANNELS).fill(3_000);
  const waiting: number[] = [];
  let inFlight: number | undefined;
  let playing = 0;
  let silentFrames = 0;
  const frameMs = 1000 / RATE;
  const maxQueuedMs: number[] = [];
  for (let frame = 0; frame < seconds * RATE; frame += CALLBACK_FRAMES) {
    const nowMs = frame * frameMs;
    while (inFlight === undefined || waiting.length < QUEUED_CHUNKS) {
      if (inFlight !== undefined) waiting.push(inFlight);
      const frames = pacer.framesFor(speaking(nowMs));
      const aheadMs = pacer.handedOver(frames);
      feed.push(samples, frames, stampAtSoundServer ? nowMs + aheadMs : nowMs);
      inFlight = frames;
    }
    maxQueuedMs.push((playing + waiting.reduce((sum, frames) => sum + frames, 0) + inFlight) * frameMs);
    let need = CALLBACK_FRAMES;
    while (need > 0) {
      if (playing === 0) {
        const next = waiting.shift();
        if (next === undefined) break;
        playing = next;
      }
      const take = Math.min(need, playing);
      playing -= take;
      need -= take;
    }
    silentFrames += need;
  }
  return { feed, target, underrunMs: silentFrames * frameMs, maxQueuedMs: Math.max(...maxQueuedMs) };
}

/** Two answers of 2 s with 2 s of silence around them. */
const answers = (atMs: number): boolean => (atMs >= 2_000 && atMs < 4_000) || (atMs >= 6_000 && atMs < 8_000);

test('stamped when it reaches the sound server, the reference follows silence ↔ speech without a fill', () => {
  const { feed, target, underrunMs, maxQueuedMs } = run(true, answers, 10);
  assert.equal(underrunMs, 0, 'the device never ran dry');
  assert.ok(maxQueuedMs <= 25.1, `at most five full chunks past the hand-over: the one playing, three queued, one in flight (${maxQueuedMs.toFixed(1)} ms)`);
  assert.equal(feed.filledGapsMs, 0, `nothing filled (${feed.filledGapsMs.toFixed(2)} ms)`);
  assert.ok(Math.abs(target.frames - 1000) <= 2, `one 10 ms reference frame per 10 ms of device time (${target.frames})`);
});

test('stamped at the hand-over, the same pump would fill silence at each answer’s end: why the host stamps later', () => {
  const { feed, underrunMs } = run(false, answers, 10);
  assert.equal(underrunMs, 0);
  assert.ok(feed.filledGapsMs >= 15, `a shrinking queue read as underruns: ${feed.filledGapsMs.toFixed(2)} ms filled over two answers`);
});
