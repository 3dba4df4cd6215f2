import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlaybackBuffer, type PlaybackBufferOptions } from '../../../src-main/core/audio/playback-buffer';

/** Int16 sample values (interleaved) as PCM16LE bytes. */
function pcm(values: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(values.length * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < values.length; index++) view.setInt16(index * 2, values[index]!, true);
  return bytes;
}

/** Mono samples whose value is their position (mod 30000), so tests can see which ones came out. */
function numbered(count: number, first = 0): number[] {
  return Array.from({ length: count }, (_, index) => (first + index) % 30000);
}

function constant(count: number, value: number): number[] {
  return new Array<number>(count).fill(value);
}

function tone(frequencyHz: number, sampleRate: number, count: number, amplitude = 16000): number[] {
  return Array.from({ length: count }, (_, index) => Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * index) / sampleRate)));
}

/** Full-scale square wave: +32767 for the first half period, -32768 for the second. */
function square(periodFrames: number, count: number): number[] {
  return Array.from({ length: count }, (_, index) => (index % periodFrames < periodFrames / 2 ? 32767 : -32768));
}

function mono48k(options: Partial<PlaybackBufferOptions> = {}): PlaybackBuffer {
  return new PlaybackBuffer({ deviceSampleRate: 48_000, deviceChannels: 1, ...options });
}

function push48k(buffer: PlaybackBuffer, values: number[], itemId: string | undefined): void {
  buffer.push({ pcm: pcm(values), sampleRate: 48_000, channels: 1, itemId });
}

interface Pulled {
  /** Every sample handed to the device, concatenated. */
  readonly samples: number[];
  /** Real frames per pull. */
  readonly real: number[];
}

function pullBlocks(buffer: PlaybackBuffer, frames: number, blocks: number): Pulled {
  const out = new Int16Array(frames * buffer.deviceChannels);
  const samples: number[] = [];
  const real: number[] = [];
  for (let block = 0; block < blocks; block++) {
    real.push(buffer.pull(out, frames));
    samples.push(...out);
  }
  return { samples, real };
}

/** Pulls until nothing is queued or fading (bounded), returning everything pulled. */
function pullUntilIdle(buffer: PlaybackBuffer, frames: number, maxBlocks = 10_000): Pulled {
  const out = new Int16Array(frames * buffer.deviceChannels);
  const samples: number[] = [];
  const real: number[] = [];
  for (let block = 0; block < maxBlocks && buffer.isPlaying(); block++) {
    real.push(buffer.pull(out, frames));
    samples.push(...out);
  }
  assert.equal(buffer.isPlaying(), false, 'buffer never went idle');
  return { samples, real };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function largestStep(samples: number[], from = 1, to = samples.length, skip: number[] = []): number {
  let largest = 0;
  for (let index = Math.max(1, from); index < to; index++) {
    if (skip.includes(index)) continue;
    largest = Math.max(largest, Math.abs(samples[index]! - samples[index - 1]!));
  }
  return largest;
}

describe('PlaybackBuffer start threshold', () => {
  test('stays silent below the threshold and starts the pull after it is reached', () => {
    const buffer = mono48k({ startThresholdMs: 50, fadeMs: 0 });
    push48k(buffer, constant(1920, 1000), 'a'); // 40 ms
    const before = pullBlocks(buffer, 480, 1);
    assert.deepEqual(before.real, [0]);
    assert.ok(before.samples.every((value) => value === 0));
    assert.equal(buffer.isPlaying(), true, 'queued audio counts as playing');
    assert.equal(buffer.stats.bufferedMs, 40);

    push48k(buffer, constant(480, 1000), 'a'); // now 50 ms
    const after = pullBlocks(buffer, 480, 1);
    assert.deepEqual(after.real, [480]);
    assert.ok(after.samples.every((value) => value === 1000));
    assert.equal(buffer.stats.bufferedMs, 40);
  });

  test('a short item marked ended plays at once, without waiting for the threshold', () => {
    const buffer = mono48k({ startThresholdMs: 50, fadeMs: 0 });
    push48k(buffer, numbered(960), 'short'); // 20 ms
    assert.deepEqual(pullBlocks(buffer, 480, 1).real, [0]);
    buffer.markItemEnded('short');
    const pulled = pullBlocks(buffer, 480, 3);
    assert.deepEqual(pulled.real, [480, 480, 0]);
    assert.deepEqual(pulled.samples.slice(0, 960), numbered(960));
    assert.equal(buffer.playedMs('short'), 20);
    assert.equal(buffer.stats.underruns, 0, 'a complete item draining is not an underrun');
    assert.equal(buffer.isPlaying(), false);
  });

  test('markItemEnded for another item does not open the gate', () => {
    const buffer = mono48k({ startThresholdMs: 50 });
    push48k(buffer, constant(960, 1000), 'current');
    buffer.markItemEnded('stale');
    assert.deepEqual(pullBlocks(buffer, 480, 1).real, [0]);
  });

  test('queued audio below the threshold starts after the device waited startTimeoutMs', () => {
    const buffer = mono48k({ startThresholdMs: 50, startTimeoutMs: 100, fadeMs: 0 });
    push48k(buffer, constant(960, 1000), 'slow'); // 20 ms, never marked ended
    const pulled = pullBlocks(buffer, 480, 12);
    assert.deepEqual(pulled.real, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 480, 480]);
  });

  test('after an underrun the threshold applies again', () => {
    const buffer = mono48k({ startThresholdMs: 20, fadeMs: 0 });
    push48k(buffer, constant(960, 1000), 'a');
    assert.deepEqual(pullBlocks(buffer, 480, 3).real, [480, 480, 0]);
    assert.equal(buffer.stats.underruns, 1);
    push48k(buffer, constant(480, 1000), 'a'); // 10 ms < 20 ms threshold
    assert.deepEqual(pullBlocks(buffer, 480, 1).real, [0]);
    push48k(buffer, constant(480, 1000), 'a');
    assert.deepEqual(pullBlocks(buffer, 480, 2).real, [480, 480]);
    assert.equal(buffer.playedMs('a'), 40, 'played time keeps adding up across the underrun');
  });
});

describe('PlaybackBuffer played-time accounting', () => {
  test('two items back to back: each is credited exactly the frames the device pulled of it', () => {
    const buffer = mono48k({ startThresholdMs: 50 });
    push48k(buffer, numbered(1440), 'first'); // 30 ms
    push48k(buffer, numbered(1200, 5000), 'second'); // 25 ms
    buffer.markItemEnded('second');

    const out = new Int16Array(336); // 7 ms pulls straddle the item boundary
    assert.equal(buffer.pull(out, 336), 336);
    assert.equal(buffer.stats.playedMsByCurrentItem, 7);
    let real = 336;
    for (let block = 0; block < 3; block++) real += buffer.pull(out, 336);
    assert.equal(real, 1344);
    assert.equal(buffer.playedMs('first'), 28);
    real += buffer.pull(out, 336); // 96 frames of the first, 240 of the second
    assert.equal(buffer.playedMs('first'), 30);
    assert.equal(buffer.playedMs('second'), 5);
    assert.equal(buffer.stats.playedMsByCurrentItem, 5);
    real += sum(pullUntilIdle(buffer, 336).real);
    assert.equal(real, 2640);
    assert.equal(buffer.playedMs('first'), 30);
    assert.equal(buffer.playedMs('second'), 25);
    assert.equal(buffer.stats.playedMsByCurrentItem, 0, 'nothing is current once the last item drained');
  });

  test('resampled items are credited in device frames: 24 kHz items on a 48 kHz stereo device', () => {
    const buffer = new PlaybackBuffer({ deviceSampleRate: 48_000, deviceChannels: 2 });
    buffer.push({ pcm: pcm(tone(300, 24_000, 1000)), sampleRate: 24_000, channels: 1, itemId: 'first' });
    buffer.push({ pcm: pcm(tone(300, 24_000, 600)), sampleRate: 24_000, channels: 1, itemId: 'second' });
    buffer.markItemEnded();
    const pulled = pullUntilIdle(buffer, 480);
    assert.equal(sum(pulled.real), 3200, 'each item is exactly twice its input length, tails included');
    assert.equal(buffer.playedMs('first'), 2000 / 48);
    assert.equal(buffer.playedMs('second'), 1200 / 48);
  });

  test('audio dropped by an overrun is not credited as played', () => {
    const buffer = mono48k({ maxBufferedMs: 100 });
    push48k(buffer, numbered(7200), 'long'); // 150 ms into a 100 ms buffer
    buffer.markItemEnded();
    pullUntilIdle(buffer, 480);
    assert.equal(buffer.playedMs('long'), 100);
    assert.equal(buffer.stats.droppedMs, 50);
  });
});

describe('PlaybackBuffer item starts (the latency waterfall)', () => {
  test("each pull says whose first frame it handed over, and where in the pull; a pull without one says none", () => {
    const buffer = mono48k({ startThresholdMs: 50 });
    const out = new Int16Array(336);
    assert.equal(buffer.pull(out, 336), 0);
    assert.equal(buffer.lastPullItemStart, undefined, 'nothing queued: nothing began');
    push48k(buffer, numbered(1440), 'first'); // 30 ms
    push48k(buffer, numbered(1200, 5000), 'second'); // 25 ms
    buffer.markItemEnded('second');

    buffer.pull(out, 336);
    assert.deepEqual(buffer.lastPullItemStart, { itemId: 'first', frameOffset: 0 });
    for (let block = 0; block < 3; block++) {
      buffer.pull(out, 336);
      assert.equal(buffer.lastPullItemStart, undefined, 'the rest of the first item is not a start');
    }
    buffer.pull(out, 336); // 96 frames of the first, then the second begins
    assert.deepEqual(buffer.lastPullItemStart, { itemId: 'second', frameOffset: 96 });
    buffer.pull(out, 336);
    assert.equal(buffer.lastPullItemStart, undefined);
  });

  test('an item that resumes after an underrun is not reported as starting again', () => {
    const buffer = mono48k({ startThresholdMs: 20 });
    const out = new Int16Array(480);
    push48k(buffer, numbered(960), 'reply'); // 20 ms
    buffer.pull(out, 480);
    assert.equal(buffer.lastPullItemStart?.itemId, 'reply');
    pullBlocks(buffer, 480, 3); // drains, then underruns
    push48k(buffer, numbered(960), 'reply');
    buffer.markItemEnded('reply');
    const starts: unknown[] = [];
    for (let block = 0; block < 4; block++) {
      buffer.pull(out, 480);
      starts.push(buffer.lastPullItemStart);
    }
    assert.deepEqual(starts, [undefined, undefined, undefined, undefined]);
    assert.equal(buffer.playedMs('reply'), 40);
  });
});

describe('PlaybackBuffer barge-in', () => {
  test('interrupt reports what was played, not what was received, and empties the queue', () => {
    const buffer = mono48k({ fadeMs: 0 });
    push48k(buffer, constant(9600, 12000), 'speaking'); // 200 ms received
    pullBlocks(buffer, 480, 6); // 60 ms played
    assert.deepEqual(buffer.interrupt(), { itemId: 'speaking', playedMs: 60 });
    assert.equal(buffer.stats.bufferedMs, 0);
    assert.equal(buffer.isPlaying(), false);
    const next = pullBlocks(buffer, 480, 1);
    assert.deepEqual(next.real, [0]);
    assert.ok(next.samples.every((value) => value === 0), 'the next pull is silence');
    assert.equal(buffer.interrupt(), undefined, 'nothing is playing any more');
  });

  test('device latency is subtracted from the played time, floored at zero', () => {
    const latency = mono48k();
    push48k(latency, constant(9600, 12000), 'a');
    pullBlocks(latency, 480, 6);
    assert.deepEqual(latency.interrupt(25), { itemId: 'a', playedMs: 35 });

    const early = mono48k();
    push48k(early, constant(9600, 12000), 'b');
    pullBlocks(early, 480, 1);
    assert.deepEqual(early.interrupt(40), { itemId: 'b', playedMs: 0 });
  });

  test('an item queued but not yet started is reported with 0 ms', () => {
    const buffer = mono48k({ startThresholdMs: 50 });
    push48k(buffer, constant(960, 12000), 'waiting');
    pullBlocks(buffer, 480, 1);
    assert.deepEqual(buffer.interrupt(), { itemId: 'waiting', playedMs: 0 });
  });

  test('nothing to report after the item finished playing', () => {
    const buffer = mono48k();
    push48k(buffer, constant(960, 12000), 'done');
    buffer.markItemEnded();
    pullUntilIdle(buffer, 480);
    assert.equal(buffer.interrupt(), undefined);
  });

  test('the stop ramps the last sample to zero instead of stepping (no click), then silence', () => {
    const buffer = mono48k({ fadeMs: 5 });
    push48k(buffer, constant(9600, 30000), 'a');
    const before = pullBlocks(buffer, 480, 4);
    buffer.interrupt();
    const after = pullBlocks(buffer, 480, 2);
    assert.deepEqual(after.real, [0, 0]);
    const joined = [...before.samples.slice(-10), ...after.samples];
    assert.ok(largestStep(joined) <= Math.ceil(30000 / 240) + 1, `step ${largestStep(joined)}`);
    assert.ok(after.samples.slice(240).every((value) => value === 0), 'silent after the 5 ms ramp');
  });

  test('late audio for the interrupted item is ignored until another item arrives', () => {
    const buffer = mono48k({ fadeMs: 0, startThresholdMs: 10 });
    push48k(buffer, constant(4800, 12000), 'old');
    pullBlocks(buffer, 480, 2);
    buffer.interrupt();
    push48k(buffer, constant(4800, 12000), 'old');
    assert.equal(buffer.stats.bufferedMs, 0);
    assert.equal(buffer.isPlaying(), false);
    assert.deepEqual(pullBlocks(buffer, 480, 1).real, [0]);

    push48k(buffer, numbered(960), 'new');
    push48k(buffer, constant(480, 12000), 'old'); // once another item arrived, ids are no longer filtered
    assert.equal(buffer.stats.bufferedMs, 30);
    const pulled = pullBlocks(buffer, 480, 2);
    assert.deepEqual(pulled.samples, numbered(960));
    assert.equal(buffer.playedMs('new'), 20);
  });
});

describe('PlaybackBuffer underrun', () => {
  const halfPeriod = 960; // 25 Hz square wave at 48 kHz: 20 ms high, 20 ms low
  const fadeFrames = 240; // 5 ms
  const bound = Math.ceil(32768 / fadeFrames) + 1;

  for (const pullFrames of [480, 500]) {
    test(`a full-scale square wave running dry fades out and back in with no step over ${bound} (pulls of ${pullFrames})`, () => {
      const buffer = mono48k({ startThresholdMs: 20, fadeMs: 5 });
      push48k(buffer, square(2 * halfPeriod, 1440), 'a'); // ends 10 ms into the low half
      const first = pullBlocks(buffer, pullFrames, 5);
      assert.equal(sum(first.real), 1440);
      assert.equal(buffer.stats.underruns, 1);
      assert.equal(buffer.isPlaying(), false);

      push48k(buffer, square(2 * halfPeriod, 1440), 'a'); // resumes on a high half
      buffer.markItemEnded();
      const second = pullUntilIdle(buffer, pullFrames);
      assert.equal(sum(second.real), 1440);
      assert.equal(buffer.stats.underruns, 1, 'the drain of the ended item is not an underrun');

      const all = [0, ...first.samples, ...second.samples];
      // The square wave's own edges (inside the audio, not at a transition) are exempt.
      const firstEdge = 1 + halfPeriod;
      const secondEdge = 1 + first.samples.length + halfPeriod;
      assert.ok(largestStep(all, 1, all.length, [firstEdge, secondEdge]) <= bound, `largest step ${largestStep(all, 1, all.length, [firstEdge, secondEdge])}`);
      assert.ok(Math.abs(all[firstEdge]! - all[firstEdge - 1]!) > 60000, 'the wave itself is untouched mid-item');
      assert.equal(all[all.length - 1], 0);
      assert.equal(buffer.playedMs('a'), 60);
    });
  }

  test('without a fade the same transition is a full-scale step (the check above can fail)', () => {
    const buffer = mono48k({ startThresholdMs: 20, fadeMs: 0 });
    push48k(buffer, square(1920, 1440), 'a');
    const pulled = pullBlocks(buffer, 480, 4);
    assert.ok(largestStep([0, ...pulled.samples], 1, pulled.samples.length + 1, [961]) >= 32767);
  });
});

describe('PlaybackBuffer overrun', () => {
  test('drops the oldest queued audio and counts it', () => {
    const buffer = mono48k({ maxBufferedMs: 100, fadeMs: 0 });
    push48k(buffer, numbered(3600), 'a'); // 75 ms
    push48k(buffer, numbered(3600, 3600), 'a'); // 150 ms in a 100 ms buffer
    assert.equal(buffer.stats.droppedMs, 50);
    assert.equal(buffer.stats.bufferedMs, 100);
    const pulled = pullBlocks(buffer, 480, 1);
    assert.deepEqual(pulled.samples, numbered(480, 2400), 'playback resumes at the newest 100 ms');

    push48k(buffer, numbered(9600, 10000), 'a'); // a push larger than the whole buffer keeps its newest part
    assert.equal(buffer.stats.droppedMs, 50 + 100 + 90);
    assert.deepEqual(pullBlocks(buffer, 480, 1).samples, numbered(480, 14800));
  });
});

describe('PlaybackBuffer format conversion', () => {
  test('24 kHz mono into a 48 kHz stereo device keeps the duration and the pitch of a 440 Hz tone', () => {
    const buffer = new PlaybackBuffer({ deviceSampleRate: 48_000, deviceChannels: 2 });
    const input = tone(440, 24_000, 24_000); // 1 s
    for (let offset = 0; offset < input.length; offset += 480) {
      buffer.push({ pcm: pcm(input.slice(offset, offset + 480)), sampleRate: 24_000, channels: 1, itemId: 'tone' });
    }
    buffer.markItemEnded();
    const pulled = pullUntilIdle(buffer, 480);
    const realFrames = sum(pulled.real);
    assert.ok(Math.abs(realFrames - 48_000) <= 1, `${realFrames} frames`);
    assert.ok(Math.abs(buffer.playedMs('tone') - 1000) <= 1000 / 48_000);

    const left: number[] = [];
    for (let frame = 0; frame < realFrames; frame++) {
      assert.equal(pulled.samples[2 * frame], pulled.samples[2 * frame + 1], 'mono is copied to both channels');
      left.push(pulled.samples[2 * frame]!);
    }
    // Rising zero crossings away from the fades, located to sub-sample precision.
    const crossings: number[] = [];
    for (let index = 1000; index < realFrames - 1000; index++) {
      const before = left[index - 1]!;
      const after = left[index]!;
      if (before < 0 && after >= 0) crossings.push(index - 1 + before / (before - after));
    }
    const frequency = ((crossings.length - 1) * 48_000) / (crossings[crossings.length - 1]! - crossings[0]!);
    assert.ok(Math.abs(frequency - 440) < 0.5, `${frequency} Hz`);
  });

  test('stereo input on a stereo device keeps its channels apart; a frame split across pushes waits', () => {
    const buffer = new PlaybackBuffer({ deviceSampleRate: 48_000, deviceChannels: 2, fadeMs: 0 });
    const interleaved: number[] = [];
    for (let frame = 0; frame < 960; frame++) interleaved.push(frame, -frame | 0); // | 0: no -0 to compare
    const bytes = pcm(interleaved);
    buffer.push({ pcm: bytes.subarray(0, 1001), sampleRate: 48_000, channels: 2, itemId: 's' }); // 250 frames and a quarter
    buffer.push({ pcm: bytes.subarray(1001), sampleRate: 48_000, channels: 2, itemId: 's' });
    buffer.markItemEnded();
    const pulled = pullBlocks(buffer, 960, 1);
    assert.deepEqual(pulled.samples, interleaved);
  });

  test('stereo input on a mono device is averaged', () => {
    const buffer = mono48k({ fadeMs: 0 });
    const interleaved: number[] = [];
    for (let frame = 0; frame < 480; frame++) interleaved.push(1000, 3000);
    buffer.push({ pcm: pcm(interleaved), sampleRate: 48_000, channels: 2, itemId: 'm' });
    buffer.markItemEnded();
    assert.deepEqual(pullBlocks(buffer, 480, 1).samples, constant(480, 2000));
  });

  test('switching input format mid-stream keeps every frame: 24 kHz then 16 kHz, each flushed', () => {
    const buffer = mono48k();
    buffer.push({ pcm: pcm(tone(200, 24_000, 480)), sampleRate: 24_000, channels: 1, itemId: 'x' });
    buffer.push({ pcm: pcm(tone(200, 16_000, 320)), sampleRate: 16_000, channels: 1, itemId: 'x' });
    buffer.markItemEnded();
    assert.equal(sum(pullUntilIdle(buffer, 480).real), 960 + 960);
  });
});

describe('PlaybackBuffer ring', () => {
  test('reads and writes wrap around the ring without losing or reordering a sample', () => {
    const buffer = mono48k({ maxBufferedMs: 100, startThresholdMs: 10, fadeMs: 0 }); // 4800-frame ring
    push48k(buffer, numbered(3840), 'w'); // 80 ms
    const first = pullBlocks(buffer, 960, 3); // 60 ms: read position 2880
    push48k(buffer, numbered(2880, 3840), 'w'); // writes 3840..4799 then wraps to 0..1919
    assert.equal(buffer.stats.droppedMs, 0);
    buffer.markItemEnded();
    const rest = pullUntilIdle(buffer, 960);
    assert.deepEqual([...first.samples, ...rest.samples.slice(0, 3840)], numbered(6720));
  });

  test('a 20 ms pull on a 100 ms queue makes no typed array (no new, slice or subarray) and only moves the read position', () => {
    const buffer = mono48k({ fadeMs: 5 });
    push48k(buffer, numbered(4800), 'q');
    const out = new Int16Array(960);
    buffer.pull(out, 960); // the first pull starts playback (fade-in), also without allocating

    const typedArrayPrototype = Object.getPrototypeOf(Int16Array.prototype) as Record<string, unknown>;
    const methods = ['slice', 'subarray', 'map', 'filter'] as const;
    const constructors = ['Int16Array', 'Float32Array', 'Float64Array', 'Uint8Array'] as const;
    const originalMethods = methods.map((name) => typedArrayPrototype[name]);
    const globals = globalThis as unknown as Record<string, unknown>;
    const originalConstructors = constructors.map((name) => globals[name]);
    const made: string[] = [];
    methods.forEach((name, index) => {
      const original = originalMethods[index] as (...args: unknown[]) => unknown;
      typedArrayPrototype[name] = function (this: unknown, ...args: unknown[]) {
        made.push(name);
        return original.apply(this, args);
      };
    });
    constructors.forEach((name, index) => {
      const original = originalConstructors[index] as new (...args: unknown[]) => object;
      globals[name] = new Proxy(original, {
        construct(target, args) {
          made.push(`new ${name}`);
          return Reflect.construct(target, args);
        },
      });
    });
    let real: number;
    try {
      real = buffer.pull(out, 960);
    } finally {
      methods.forEach((name, index) => (typedArrayPrototype[name] = originalMethods[index]));
      constructors.forEach((name, index) => (globals[name] = originalConstructors[index]));
    }
    assert.deepEqual(made, []);
    assert.equal(real, 960);
    assert.deepEqual([...out], numbered(960, 960));
    assert.equal(buffer.stats.bufferedMs, 60);
  });

  test('outputLevelDbfs is the RMS of the last pulled block, -Infinity for silence', () => {
    const buffer = new PlaybackBuffer({ deviceSampleRate: 48_000, deviceChannels: 2, fadeMs: 0 });
    assert.equal(buffer.outputLevelDbfs, -Infinity);
    buffer.push({ pcm: pcm(constant(960, 16384)), sampleRate: 48_000, channels: 1, itemId: 'l' });
    buffer.markItemEnded();
    pullBlocks(buffer, 480, 1);
    assert.ok(Math.abs(buffer.outputLevelDbfs - 20 * Math.log10(0.5)) < 1e-9, `${buffer.outputLevelDbfs}`);
    pullBlocks(buffer, 960, 1); // half audio, half silence
    assert.ok(Math.abs(buffer.outputLevelDbfs - 20 * Math.log10(0.5 * Math.SQRT1_2)) < 1e-9, `${buffer.outputLevelDbfs}`);
    pullBlocks(buffer, 480, 1);
    assert.equal(buffer.outputLevelDbfs, -Infinity);
  });

  test('pull refuses an output array too small for the frames asked', () => {
    const buffer = new PlaybackBuffer({ deviceSampleRate: 48_000, deviceChannels: 2 });
    assert.throws(() => buffer.pull(new Int16Array(960), 960), /at least frames \* 2 samples/);
  });
});
