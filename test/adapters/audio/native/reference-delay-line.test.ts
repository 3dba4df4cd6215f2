// The reference delay line: exactly N frames late, silence until then, one frame out per frame in,
// and a change of N takes effect at the next push without losing the history it needs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceDelayLine } from '../../../../src-main/adapters/audio/native/reference-delay-line';

const FRAME = 240;

/** A frame whose every sample is `index + 1` (so silence is told apart from frame 0). */
function numbered(index: number): Int16Array {
  return new Int16Array(FRAME).fill(index + 1);
}

/** Which frame came out: its number, or -1 for silence. */
function which(frame: Int16Array): number {
  assert.ok(frame.every((value) => value === frame[0]), 'a whole frame, not a mix');
  return frame[0]! - 1;
}

test('frames come out exactly N frames late, silence before the first one', () => {
  for (const delay of [0, 1, 7, 50]) {
    const line = new ReferenceDelayLine(50);
    line.delayFrames = delay;
    const out: number[] = [];
    for (let index = 0; index < 120; index++) out.push(which(line.push(numbered(index))));
    assert.deepEqual(out, Array.from({ length: 120 }, (_, index) => (index < delay ? -1 : index - delay)), `delay ${delay}`);
  }
});

test('a longer delay replays from the history, a shorter one skips ahead', () => {
  const line = new ReferenceDelayLine(100);
  line.delayFrames = 10;
  const out: number[] = [];
  for (let index = 0; index < 300; index++) {
    if (index === 100) line.delayFrames = 60;
    if (index === 200) line.delayFrames = 5;
    out.push(which(line.push(numbered(index))));
  }
  assert.equal(out[99], 89);
  assert.equal(out[100], 40, 'from the history, 60 frames back');
  assert.equal(out[199], 139);
  assert.equal(out[200], 195);
  assert.equal(out[299], 294);
});

test('the delay is clamped to the line\'s length, and reset forgets the history but keeps the delay', () => {
  const line = new ReferenceDelayLine(20);
  line.delayFrames = 500;
  assert.equal(line.delayFrames, 20);
  line.delayFrames = -3;
  assert.equal(line.delayFrames, 0);
  line.delayFrames = 3;
  for (let index = 0; index < 10; index++) line.push(numbered(index));
  line.reset();
  assert.equal(line.delayFrames, 3);
  assert.deepEqual([0, 1, 2, 3].map((index) => which(line.push(numbered(100 + index)))), [-1, -1, -1, 100]);
});

test('a frame of the wrong length is refused', () => {
  assert.throws(() => new ReferenceDelayLine(10).push(new Int16Array(480)), /240-sample frames/);
});
