// The speaker pump's chunk lengths and its estimate of what is queued ahead of each chunk.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OutputPacer } from '../../../../src-main/adapters/audio/native/output-pacer';

const pacer = (): OutputPacer => new OutputPacer({ sampleRate: 48_000, chunkMs: 5, idleChunkMs: 2.5, chunksAhead: 4 });

test('full chunks while audio plays, half chunks while only silence goes out', () => {
  const paced = pacer();
  assert.equal(paced.framesFor(true), 240);
  assert.equal(paced.framesFor(false), 120);
  assert.equal(new OutputPacer({ sampleRate: 44_100, chunkMs: 5, idleChunkMs: 2.5, chunksAhead: 4 }).framesFor(false), 110);
});

test('the queue ahead starts at four full chunks and follows the last four handed over', () => {
  const paced = pacer();
  assert.equal(paced.aheadMs, 20);
  // Silence: each half chunk replaces a full one in the device queue, until it holds only halves.
  assert.deepEqual([1, 2, 3, 4, 5].map(() => paced.handedOver(paced.framesFor(false))), [20, 17.5, 15, 12.5, 10]);
  assert.equal(paced.aheadMs, 10, 'while silent, 10 ms is queued: the next answer waits behind half as much');
  // The answer starts: its first chunk has 10 ms ahead of it, and the queue is full depth again after four chunks.
  assert.deepEqual([1, 2, 3, 4, 5].map(() => paced.handedOver(paced.framesFor(true))), [10, 12.5, 15, 17.5, 20]);
  assert.equal(paced.aheadMs, 20);
});

test('settings that make no sense are refused, naming the setting', () => {
  assert.throws(() => new OutputPacer({ sampleRate: 0, chunkMs: 5, idleChunkMs: 2.5, chunksAhead: 4 }), /sampleRate must be positive, got 0/);
  assert.throws(() => new OutputPacer({ sampleRate: 48_000, chunkMs: 5, idleChunkMs: 10, chunksAhead: 4 }), /idleChunkMs must be above 0 and at most chunkMs \(5\), got 10/);
  assert.throws(() => new OutputPacer({ sampleRate: 48_000, chunkMs: 5, idleChunkMs: 0, chunksAhead: 4 }), /idleChunkMs must be above 0/);
  assert.throws(() => new OutputPacer({ sampleRate: 48_000, chunkMs: 5, idleChunkMs: 2.5, chunksAhead: 0 }), /chunksAhead must be a positive integer, got 0/);
});
