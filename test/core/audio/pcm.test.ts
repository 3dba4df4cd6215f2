import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FRAME_SAMPLES_24K_20MS,
  FrameSplitter,
  float32ToPcm16le,
  floatToInt16,
  pcm16leToFloat32,
  pcm16leToInt16,
  pcmLevels,
} from '../../../src-main/core/audio/pcm';

function pcmOfLength(samples: number, first = 0): Uint8Array {
  const bytes = new Uint8Array(samples * 2);
  const view = new DataView(bytes.buffer);
  for (let index = 0; index < samples; index++) view.setInt16(index * 2, (first + index) % 30000, true);
  return bytes;
}

function sampleValues(frames: Uint8Array[]): number[] {
  return frames.flatMap((frame) => Array.from(pcm16leToInt16(frame)));
}

describe('float32 <-> PCM16LE', () => {
  test('scales asymmetrically so both ends of the int16 range are reachable, and clips', () => {
    const bytes = float32ToPcm16le(new Float32Array([0, 1, -1, 0.5, -0.5, 2, -3, NaN, Infinity, -Infinity]));
    assert.deepEqual(Array.from(pcm16leToInt16(bytes)), [0, 32767, -32768, 16384, -16384, 32767, -32768, 0, 32767, -32768]);
    assert.equal(floatToInt16(0.25), 8192);
  });

  test('bytes are little-endian', () => {
    const bytes = float32ToPcm16le(new Float32Array([-1 / 32768]));
    assert.deepEqual(Array.from(bytes), [0xff, 0xff]);
    assert.deepEqual(Array.from(float32ToPcm16le(new Float32Array([256 / 32767]))), [0x00, 0x01]);
  });

  test('round trip is within half a step, and reading tolerates unaligned Buffers and odd lengths', () => {
    const input = new Float32Array([0.1, -0.2, 0.3333, -0.9999]);
    const bytes = float32ToPcm16le(input);
    const unaligned = Buffer.alloc(bytes.byteLength + 2);
    unaligned.set(bytes, 1);
    const back = pcm16leToFloat32(unaligned.subarray(1, 1 + bytes.byteLength + 1));
    assert.equal(back.length, 4);
    input.forEach((value, index) => assert.ok(Math.abs(back[index]! - value) < 1 / 32767));
  });
});

describe('FrameSplitter', () => {
  test('N samples pushed at once give floor(N / 480) frames and keep the rest', () => {
    const splitter = new FrameSplitter();
    const frames = splitter.push(pcmOfLength(480 * 3 + 17));
    assert.equal(frames.length, 3);
    for (const frame of frames) assert.equal(frame.byteLength, 960);
    assert.equal(splitter.pendingSamples, 17);
  });

  test('leftovers carry between pushes of odd sizes (odd byte counts too) without losing or reordering a sample', () => {
    const splitter = new FrameSplitter(FRAME_SAMPLES_24K_20MS);
    const stream = pcmOfLength(5000);
    const frames: Uint8Array[] = [];
    const sizes = [1, 333, 958, 961, 2, 7, 1919, 819, 3001, 1999];
    let offset = 0;
    for (const size of sizes) {
      frames.push(...splitter.push(stream.subarray(offset, offset + size)));
      offset += size;
    }
    assert.equal(offset, 5000 * 2);
    assert.equal(frames.length, Math.floor(5000 / 480));
    assert.equal(splitter.pendingSamples, 5000 % 480);
    const last = splitter.flush()!;
    assert.equal(last.byteLength, 960);
    const values = sampleValues([...frames, last]);
    assert.deepEqual(values.slice(0, 5000), Array.from(pcm16leToInt16(stream)));
    assert.ok(values.slice(5000).every((value) => value === 0), 'final frame is padded with silence');
    assert.equal(splitter.flush(), undefined);
  });

  test('exact multiples leave nothing to flush; frames are independent copies', () => {
    const splitter = new FrameSplitter(4);
    const input = pcmOfLength(8, 1);
    const frames = splitter.push(input);
    assert.equal(frames.length, 2);
    input.fill(0);
    assert.deepEqual(Array.from(pcm16leToInt16(frames[1]!)), [5, 6, 7, 8]);
    assert.equal(splitter.flush(), undefined);
  });

  test('a lone half sample is dropped at flush, and frame size must be positive', () => {
    const splitter = new FrameSplitter(4);
    splitter.push(new Uint8Array([1]));
    assert.equal(splitter.flush(), undefined);
    assert.throws(() => new FrameSplitter(0), /frameSamples/);
  });
});

describe('pcmLevels', () => {
  function fullScaleSine(samples: number): Int16Array {
    const out = new Int16Array(samples);
    // 1 kHz at 24 kHz: whole periods, peaks land exactly on samples.
    for (let index = 0; index < samples; index++) out[index] = floatToInt16(Math.sin((2 * Math.PI * 1000 * index) / 24000));
    return out;
  }

  test('a full-scale sine reads about -3 dBFS rms and 0 dBFS peak, from bytes or samples', () => {
    const sine = fullScaleSine(2400);
    for (const input of [sine, float32ToPcm16le(new Float32Array(sine).map((value) => value / 32768))]) {
      const levels = pcmLevels(input);
      assert.ok(Math.abs(levels.rmsDbfs - -3.01) < 0.02, `rms ${levels.rmsDbfs}`);
      assert.ok(Math.abs(levels.peakDbfs) < 0.01, `peak ${levels.peakDbfs}`);
    }
  });

  test('half amplitude is 6 dB lower', () => {
    const half = fullScaleSine(2400).map((value) => Math.round(value / 2));
    const levels = pcmLevels(half);
    assert.ok(Math.abs(levels.rmsDbfs - -9.03) < 0.02);
    assert.ok(Math.abs(levels.peakDbfs - -6.02) < 0.02);
  });

  test('silence and empty input read -Infinity', () => {
    assert.deepEqual(pcmLevels(new Uint8Array(960)), { rmsDbfs: -Infinity, peakDbfs: -Infinity });
    assert.deepEqual(pcmLevels(new Int16Array(0)), { rmsDbfs: -Infinity, peakDbfs: -Infinity });
  });

  test('-32768 is full scale', () => {
    assert.equal(pcmLevels(new Int16Array([-32768])).peakDbfs, 0);
  });
});
