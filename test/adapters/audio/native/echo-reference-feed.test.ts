// The speaker side of the canceller: what the pump hands to the device becomes 10 ms frames of
// 24 kHz mono, only while a canceller runs, and a device that ran dry (the pump late past what
// the device holds) is fed as silence so the reference keeps time with the echo.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EchoReferenceFeed, type EchoReferenceTarget } from '../../../../src-main/adapters/audio/native/echo-reference-feed';

const RATE = 48_000;
const CHANNELS = 2;
/** 5 ms chunks, as the host's pump hands them over. */
const CHUNK_FRAMES = 240;
const CHUNK_MS = 5;
const BUFFERED_MS = 20;

class RecordingTarget implements EchoReferenceTarget {
  isCancelling = true;
  frames: Int16Array[] = [];
  filled = 0;
  processReverse(frame: Int16Array, filled: boolean): void {
    this.frames.push(frame.slice());
    if (filled) this.filled++;
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

function energy(frame: Int16Array): number {
  let sum = 0;
  for (const value of frame) sum += value * value;
  return sum;
}

test('chunks handed over on time become one 24 kHz frame per 10 ms, and nothing is filled in', () => {
  const target = new RecordingTarget();
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target, BUFFERED_MS);
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
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target, BUFFERED_MS);
  for (let index = 0; index < 10; index++) feed.push(loudChunk(), CHUNK_FRAMES, index * CHUNK_MS);
  assert.equal(target.frames.length, 0);
  target.isCancelling = true;
  // Much later: a new stream, so the time before is not taken for an underrun.
  for (let index = 0; index < 10; index++) feed.push(loudChunk(), CHUNK_FRAMES, 10_000 + index * CHUNK_MS);
  assert.equal(feed.filledGapsMs, 0);
  assert.ok(target.frames.length >= 4);
});

test('a pump late by more than the device holds feeds the gap as silence, so the reference keeps time', () => {
  const target = new RecordingTarget();
  const feed = new EchoReferenceFeed({ sampleRate: RATE, channels: CHANNELS }, target, BUFFERED_MS);
  const chunk = loudChunk();
  let nowMs = 0;
  for (let index = 0; index < 100; index++, nowMs += CHUNK_MS) feed.push(chunk, CHUNK_FRAMES, nowMs);
  const before = target.frames.length;
  // The event loop stalls for 120 ms: the device held 20 ms, then played 100 ms of silence.
  nowMs += 120;
  for (let index = 0; index < 100; index++, nowMs += CHUNK_MS) feed.push(chunk, CHUNK_FRAMES, nowMs);
  assert.ok(Math.abs(feed.filledGapsMs - 100) < 1, `filled ${feed.filledGapsMs} ms`);
  const added = target.frames.slice(before);
  // 500 ms of chunks plus 100 ms of silence: 60 frames, about 10 of them silent.
  assert.ok(Math.abs(added.length - 60) <= 1, `${added.length} frames`);
  const silent = added.filter((frame) => energy(frame) < 1e3).length;
  assert.ok(silent >= 9 && silent <= 10, `${silent} silent frames`);
  assert.ok(target.filled >= 9 && target.filled <= 10, `the filled frames are marked as such (${target.filled})`);
});
