// A long answer arriving at once: the playback buffer keeps it unconverted and converts about a
// pull's worth per pull, with the same sound, accounting and barge-in as audio converted on
// arrival. Converting 25 s on arrival held the audio process for 160-190 ms, the speaker ran dry
// and the echo moved against the canceller's reference (issue #11).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONVERT_AHEAD_MS, DEFAULT_START_THRESHOLD_MS, PlaybackBuffer } from '../../../src-main/core/audio/playback-buffer';

const INPUT_RATE = 24_000;
const FRAME_SAMPLES = 480; // 20 ms at 24 kHz, as the server's deltas are cut here
const PULL_FRAMES = 240; // 5 ms at 48 kHz, the audio host's chunk

/** A voice-like test signal: two tones, so resampling has something to get wrong. */
function signal(samples: number): Int16Array {
  const values = new Int16Array(samples);
  for (let index = 0; index < samples; index++) {
    values[index] = Math.round(9000 * Math.sin((2 * Math.PI * 220 * index) / INPUT_RATE) + 4000 * Math.sin((2 * Math.PI * 3100 * index) / INPUT_RATE));
  }
  return values;
}

function bytesOf(values: Int16Array, from: number, to: number): Uint8Array {
  const part = values.slice(from, to);
  return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
}

function stereo48k(maxBufferedMs = 60_000): PlaybackBuffer {
  return new PlaybackBuffer({ deviceSampleRate: 48_000, deviceChannels: 2, maxBufferedMs });
}

function pushInFrames(buffer: PlaybackBuffer, values: Int16Array, itemId: string): void {
  for (let from = 0; from < values.length; from += FRAME_SAMPLES) {
    buffer.push({ pcm: bytesOf(values, from, Math.min(values.length, from + FRAME_SAMPLES)), sampleRate: INPUT_RATE, channels: 1, itemId });
  }
}

/** Pulls 5 ms blocks until the buffer is idle; every sample handed over, and the most converted ahead seen. */
function drain(buffer: PlaybackBuffer): { samples: Int16Array; maxConvertedMs: number; pulls: number } {
  const out = new Int16Array(PULL_FRAMES * 2);
  const chunks: Int16Array[] = [];
  let maxConvertedMs = buffer.convertedMs;
  let pulls = 0;
  while (buffer.isPlaying() && pulls < 100_000) {
    buffer.pull(out, PULL_FRAMES);
    chunks.push(out.slice());
    maxConvertedMs = Math.max(maxConvertedMs, buffer.convertedMs);
    pulls++;
  }
  const samples = new Int16Array(chunks.length * out.length);
  chunks.forEach((chunk, index) => samples.set(chunk, index * out.length));
  return { samples, maxConvertedMs, pulls };
}

test('25 s pushed at once waits unconverted: at most the start threshold and the look-ahead are converted', () => {
  const buffer = stereo48k();
  pushInFrames(buffer, signal(25 * INPUT_RATE), 'answer');
  buffer.markItemEnded('answer');
  const readyMs = DEFAULT_START_THRESHOLD_MS + CONVERT_AHEAD_MS + 20; // plus the frame that crossed the mark
  assert.ok(buffer.convertedMs <= readyMs, `converted ${buffer.convertedMs} ms on arrival, want ≤ ${readyMs}`);
  assert.ok(Math.abs(buffer.stats.bufferedMs - 25_000) < 5, `${buffer.stats.bufferedMs} ms buffered`);
  assert.equal(buffer.isPlaying(), true);
  const { maxConvertedMs } = drain(buffer);
  // Each pull converts what it takes plus at most one input frame beyond the look-ahead.
  assert.ok(maxConvertedMs <= readyMs + 5, `up to ${maxConvertedMs} ms converted ahead while playing`);
});

test('a burst plays sample for sample what one whole push converted at once plays, and ends without an underrun', () => {
  const values = signal(3 * INPUT_RATE);
  const lazy = stereo48k();
  pushInFrames(lazy, values, 'a');
  lazy.markItemEnded('a');
  const eager = stereo48k();
  eager.push({ pcm: bytesOf(values, 0, values.length), sampleRate: INPUT_RATE, channels: 1, itemId: 'a' });
  eager.markItemEnded('a');
  assert.ok(eager.convertedMs > 2_900, 'one push into an empty buffer converts at once');

  const fromLazy = drain(lazy);
  const fromEager = drain(eager);
  assert.equal(fromLazy.samples.length, fromEager.samples.length);
  let differing = 0;
  for (let index = 0; index < fromLazy.samples.length; index++) if (fromLazy.samples[index] !== fromEager.samples[index]) differing++;
  assert.equal(differing, 0, `${differing} samples differ`);
  assert.equal(lazy.stats.underruns, 0);
  assert.equal(Math.round(lazy.playedMs('a')), Math.round(eager.playedMs('a')));
  assert.ok(Math.abs(lazy.playedMs('a') - 3_000) < 10, `played ${lazy.playedMs('a')} ms of 3000`);
});

test('barge-in during a burst drops what waits unconverted and ignores the rest of that item', () => {
  const buffer = stereo48k();
  pushInFrames(buffer, signal(10 * INPUT_RATE), 'long');
  const out = new Int16Array(PULL_FRAMES * 2);
  for (let pull = 0; pull < 200; pull++) buffer.pull(out, PULL_FRAMES); // 1 s played
  const report = buffer.interrupt();
  assert.deepEqual(report, { itemId: 'long', playedMs: 1_000 });
  assert.equal(buffer.stats.bufferedMs, 0);
  pushInFrames(buffer, signal(INPUT_RATE), 'long'); // the server's late audio for the cut item
  assert.equal(buffer.stats.bufferedMs, 0);
  drain(buffer);
  assert.equal(buffer.isPlaying(), false);
  pushInFrames(buffer, signal(INPUT_RATE / 2), 'next');
  assert.ok(buffer.stats.bufferedMs > 490, 'a new item plays again');
});

test('barge-in before the first pull reports an item whose audio is all unconverted, with 0 ms heard', () => {
  const buffer = stereo48k();
  pushInFrames(buffer, signal(INPUT_RATE / 10), 'first'); // converted at once: 100 ms
  pushInFrames(buffer, signal(INPUT_RATE), 'second'); // waits
  const report = buffer.interrupt();
  assert.deepEqual(report, { itemId: 'first', playedMs: 0 });
  pushInFrames(buffer, signal(INPUT_RATE), 'second');
  assert.equal(buffer.stats.bufferedMs, 0, 'late audio of an item waiting at the barge-in is ignored too');
});

test('an end marked for the item being received waits behind its audio; one for another item is ignored', () => {
  const buffer = stereo48k();
  pushInFrames(buffer, signal(2 * INPUT_RATE), 'a');
  buffer.markItemEnded('other');
  buffer.markItemEnded('a');
  const { pulls } = drain(buffer);
  assert.equal(buffer.stats.underruns, 0, 'the end was known when the queue ran out');
  assert.ok(Math.abs(buffer.playedMs('a') - 2_000) < 10);
  assert.ok(pulls <= 2_000 / 5 + 4, `${pulls} pulls for 2 s`);
});

test('the overrun bound still holds for audio waiting unconverted: the oldest goes and is counted', () => {
  const buffer = stereo48k(2_000);
  pushInFrames(buffer, signal(3 * INPUT_RATE), 'a');
  assert.ok(buffer.stats.bufferedMs <= 2_000 + 20, `${buffer.stats.bufferedMs} ms buffered`);
  assert.ok(Math.abs(buffer.stats.droppedMs - 1_000) <= 20, `${buffer.stats.droppedMs} ms dropped`);
});
