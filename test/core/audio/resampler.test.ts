import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Resampler, downmixToMono, resample } from '../../../src-main/core/audio/resampler';

function sine(frequencyHz: number, sampleRate: number, count: number, amplitude = 0.5): Float32Array {
  const out = new Float32Array(count);
  for (let index = 0; index < count; index++) out[index] = amplitude * Math.sin((2 * Math.PI * frequencyHz * index) / sampleRate);
  return out;
}

/** Amplitude of the component at `frequencyHz` (Goertzel / single DFT bin over a Hann window). */
function toneAmplitude(signal: Float32Array, sampleRate: number, frequencyHz: number): number {
  let re = 0;
  let im = 0;
  let windowSum = 0;
  for (let index = 0; index < signal.length; index++) {
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * index) / (signal.length - 1));
    const angle = (2 * Math.PI * frequencyHz * index) / sampleRate;
    re += signal[index]! * window * Math.cos(angle);
    im -= signal[index]! * window * Math.sin(angle);
    windowSum += window;
  }
  return (2 * Math.hypot(re, im)) / windowSum;
}

/** Frequency from rising zero crossings, located to sub-sample precision. */
function zeroCrossingFrequency(signal: Float32Array, sampleRate: number): number {
  const crossings: number[] = [];
  for (let index = 1; index < signal.length; index++) {
    const before = signal[index - 1]!;
    const after = signal[index]!;
    if (before < 0 && after >= 0) crossings.push(index - 1 + before / (before - after));
  }
  const first = crossings[0]!;
  const last = crossings[crossings.length - 1]!;
  return ((crossings.length - 1) * sampleRate) / (last - first);
}

function rms(signal: Float32Array): number {
  let sum = 0;
  for (const value of signal) sum += value * value;
  return Math.sqrt(sum / signal.length);
}

/** The part of a converted signal away from the start and end, where the filter sees real input on both sides. */
function middle(signal: Float32Array, sampleRate: number, marginMs = 50): Float32Array {
  const margin = Math.round((sampleRate * marginMs) / 1000);
  return signal.subarray(margin, signal.length - margin);
}

function decibels(ratio: number): number {
  return 20 * Math.log10(ratio);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

describe('a 1 kHz tone stays a clean 1 kHz tone at 24 kHz', () => {
  for (const inputRate of [48000, 16000, 44100, 8000, 22050, 44101]) {
    test(`${inputRate} Hz → 24000 Hz`, () => {
      const output = resample(sine(1000, inputRate, inputRate), inputRate, 24000);
      assert.equal(output.length, 24000, 'one second in, one second out');
      const steady = middle(output, 24000);
      const frequency = zeroCrossingFrequency(steady, 24000);
      assert.ok(Math.abs(frequency - 1000) < 0.05, `zero crossings say ${frequency} Hz`);
      const amplitude = toneAmplitude(steady, 24000, 1000);
      assert.ok(Math.abs(decibels(amplitude / 0.5)) < 0.01, `1 kHz level changed by ${decibels(amplitude / 0.5).toFixed(4)} dB`);
      // No delay, no distortion: the output is the same tone sampled at 24 kHz.
      const ideal = middle(sine(1000, 24000, 24000), 24000);
      const error = steady.map((value, index) => value - ideal[index]!);
      const errorDb = decibels(rms(error) / rms(ideal));
      assert.ok(errorDb < -60, `error vs ideal 24 kHz tone is ${errorDb.toFixed(1)} dB`);
    });
  }

  test('24000 → 48000 Hz upsampling also keeps the tone exact', () => {
    const output = resample(sine(1000, 24000, 24000), 24000, 48000);
    assert.equal(output.length, 48000);
    const ideal = middle(sine(1000, 48000, 48000), 48000);
    const steady = middle(output, 48000);
    const error = steady.map((value, index) => value - ideal[index]!);
    assert.ok(decibels(rms(error) / rms(ideal)) < -60);
  });
});

describe('content above the new Nyquist is removed, not folded back', () => {
  const cases: Array<[number, number, number]> = [
    [48000, 24000, 15000], // would alias to 9 kHz
    [48000, 24000, 12500], // just above Nyquist: would alias to 11.5 kHz
    [44100, 24000, 18000], // would alias to 6 kHz
    [44100, 16000, 9000], // would alias to 7 kHz
  ];
  for (const [inputRate, outputRate, toneHz] of cases) {
    test(`${toneHz} Hz at ${inputRate} → ${outputRate} Hz is attenuated by at least 40 dB`, (t) => {
      const input = sine(toneHz, inputRate, inputRate);
      const output = middle(resample(input, inputRate, outputRate), outputRate);
      const attenuationDb = -decibels(rms(output) / rms(middle(input, inputRate)));
      t.diagnostic(`${toneHz} Hz at ${inputRate} → ${outputRate} Hz: attenuated by ${attenuationDb.toFixed(1)} dB`);
      assert.ok(attenuationDb >= 40, `only ${attenuationDb.toFixed(1)} dB`);
    });
  }

  test('upsampling 16k → 24k creates no image of a 7 kHz tone at 9 kHz', (t) => {
    const output = middle(resample(sine(7000, 16000, 16000), 16000, 24000), 24000);
    const imageDb = decibels(toneAmplitude(output, 24000, 9000) / 0.5);
    t.diagnostic(`16k → 24k: image of 7 kHz at 9 kHz is ${imageDb.toFixed(1)} dB`);
    assert.ok(imageDb < -40, `image at ${imageDb.toFixed(1)} dB`);
  });
});

describe('streaming', () => {
  const chunkSizes = [1, 7, 13, 101, 3, 997, 2, 480, 61];

  function streamInChunks(resampler: Resampler, input: Float32Array): Float32Array {
    const parts: Float32Array[] = [];
    let offset = 0;
    for (let chunk = 0; offset < input.length; chunk++) {
      const size = chunkSizes[chunk % chunkSizes.length]!;
      parts.push(resampler.process(input.subarray(offset, offset + size)));
      offset += size;
    }
    parts.push(resampler.flush());
    return concat(parts);
  }

  for (const [inputRate, outputRate] of [
    [44100, 24000],
    [16000, 24000],
    [48000, 24000],
    [24000, 44100],
    [44101, 24000],
    [24000, 24000],
  ] as const) {
    test(`chunks of odd sizes give the whole-buffer result (${inputRate} → ${outputRate})`, () => {
      const input = new Float32Array(12345);
      for (let index = 0; index < input.length; index++) input[index] = Math.sin(index * 0.05) * 0.4 + Math.sin(index * 1.3) * 0.2;
      const whole = resample(input, inputRate, outputRate);
      const streamed = streamInChunks(new Resampler(inputRate, outputRate), input);
      assert.equal(streamed.length, whole.length);
      assert.equal(whole.length, Math.ceil((input.length * outputRate) / inputRate));
      let worst = 0;
      for (let index = 0; index < whole.length; index++) worst = Math.max(worst, Math.abs(whole[index]! - streamed[index]!));
      assert.ok(worst < 1e-6, `max difference ${worst}`);
    });
  }

  test('empty chunks are harmless, and reset() starts an unrelated stream', () => {
    const input = sine(440, 16000, 1600);
    const resampler = new Resampler(16000, 24000);
    const first = concat([resampler.process(new Float32Array(0)), resampler.process(input), resampler.process(new Float32Array(0)), resampler.flush()]);
    resampler.reset();
    const second = concat([resampler.process(input), resampler.flush()]);
    assert.deepEqual(Array.from(second), Array.from(first));
    assert.deepEqual(Array.from(first), Array.from(resample(input, 16000, 24000)));
  });

  test('process after flush is a programming error; flush twice returns nothing more', () => {
    const resampler = new Resampler(48000, 24000);
    resampler.process(new Float32Array(100));
    resampler.flush();
    assert.equal(resampler.flush().length, 0);
    assert.throws(() => resampler.process(new Float32Array(1)), /after flush/);
  });

  test('a constant signal stays constant (unity DC gain in every phase)', () => {
    const output = middle(resample(new Float32Array(44100).fill(0.25), 44100, 24000), 24000);
    for (const value of output) assert.ok(Math.abs(value - 0.25) < 1e-5);
  });
});

describe('design and arguments', () => {
  test('rates must be positive integers; absurd ratios are refused instead of allocating', () => {
    assert.throws(() => new Resampler(0, 24000), /inputRate/);
    assert.throws(() => new Resampler(44100.5, 24000), /inputRate/);
    assert.throws(() => new Resampler(24000, -1), /outputRate/);
    assert.throws(() => new Resampler(4_000_000_000, 24000), /too large/);
  });

  test('the filter table is polyphase: one row per phase for simple ratios, bounded for awkward ones', () => {
    assert.equal(new Resampler(44100, 24000).design?.phases, 80);
    assert.equal(new Resampler(48000, 24000).design?.phases, 1);
    const awkward = new Resampler(44101, 24000).design!;
    assert.ok(awkward.interpolatedPhases);
    assert.ok(awkward.phases <= 1024);
    assert.equal(new Resampler(24000, 24000).design, undefined);
  });
});

describe('downmixToMono', () => {
  test('averages interleaved channels and drops a trailing partial frame', () => {
    const mono = downmixToMono(new Float32Array([1, 0, 0.5, 0.5, -1, 1, 0.3]), 2);
    assert.deepEqual(Array.from(mono), [0.5, 0.5, 0]);
    const three = downmixToMono(new Float32Array([0.3, 0.6, 0.9]), 3);
    assert.ok(Math.abs(three[0]! - 0.6) < 1e-7);
  });

  test('mono is copied, not aliased', () => {
    const input = new Float32Array([0.1, 0.2]);
    const output = downmixToMono(input, 1);
    output[0] = 9;
    assert.equal(input[0], Math.fround(0.1));
  });

  test('rejects a channel count of 0', () => {
    assert.throws(() => downmixToMono(new Float32Array(2), 0), /channels/);
  });
});
