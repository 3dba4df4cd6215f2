import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CapturePipeline, type CapturedFrame, type CaptureFrameProcessor } from '../../../src-main/core/audio/capture-pipeline';
import type { PcmLevels } from '../../../src-main/core/audio/pcm';

const ODD_CHUNK_BYTES = [1, 3, 4097, 1023, 7, 1919, 2, 5, 3841, 961, 13, 7681, 11];

/** Interleaved PCM16LE: every channel carries the same sine (or `perChannel` decides). */
function sinePcm(options: {
  frequencyHz: number;
  sampleRate: number;
  channels: number;
  seconds: number;
  amplitude: number;
  perChannel?: (channel: number, value: number) => number;
}): Buffer {
  const count = Math.round(options.sampleRate * options.seconds);
  const bytes = Buffer.alloc(count * options.channels * 2);
  for (let index = 0; index < count; index++) {
    const value = options.amplitude * Math.sin((2 * Math.PI * options.frequencyHz * index) / options.sampleRate);
    for (let channel = 0; channel < options.channels; channel++) {
      const sample = options.perChannel ? options.perChannel(channel, value) : value;
      bytes.writeInt16LE(Math.round(sample), (index * options.channels + channel) * 2);
    }
  }
  return bytes;
}

interface Run {
  frames: CapturedFrame[];
  levels: PcmLevels[];
  /** Output samples emitted (in frames) when each level report arrived. */
  samplesAtLevel: number[];
}

/**
 * Pushes `input` in chunks cycling through `chunkBytes`; the fake clock reads the time at which the
 * last whole sample of each chunk was captured (start + samples so far / rate).
 */
function runPipeline(
  input: Buffer,
  format: { sampleRate: number; channels: number },
  chunkBytes: readonly number[],
  extra: { startMs?: number; processor?: CaptureFrameProcessor; playbackReference?: () => Int16Array | undefined } = {},
): Run {
  const run: Run = { frames: [], levels: [], samplesAtLevel: [] };
  let clockMs = extra.startMs ?? 1000;
  const pipeline = new CapturePipeline({
    ...format,
    now: () => clockMs,
    onFrame: (frame) => run.frames.push(frame),
    onLevel: (levels) => {
      run.levels.push(levels);
      run.samplesAtLevel.push(run.frames.length * CapturePipeline.FRAME_SAMPLES);
    },
    processor: extra.processor,
    playbackReference: extra.playbackReference,
  });
  const bytesPerSample = format.channels * 2;
  let offset = 0;
  for (let chunk = 0; offset < input.length; chunk++) {
    const size = chunkBytes[chunk % chunkBytes.length]!;
    const end = Math.min(input.length, offset + size);
    clockMs = (extra.startMs ?? 1000) + (Math.floor(end / bytesPerSample) * 1000) / format.sampleRate;
    pipeline.push(input.subarray(offset, end));
    offset = end;
  }
  return run;
}

function concatFrames(frames: readonly CapturedFrame[]): Float32Array {
  const out = new Float32Array(frames.length * CapturePipeline.FRAME_SAMPLES);
  frames.forEach((frame, frameIndex) => {
    for (let index = 0; index < CapturePipeline.FRAME_SAMPLES; index++) {
      out[frameIndex * CapturePipeline.FRAME_SAMPLES + index] = frame.pcm.readInt16LE(index * 2) / 32768;
    }
  });
  return out;
}

function zeroCrossingFrequency(signal: Float32Array, sampleRate: number): number {
  const crossings: number[] = [];
  for (let index = 1; index < signal.length; index++) {
    const before = signal[index - 1]!;
    const after = signal[index]!;
    if (before < 0 && after >= 0) crossings.push(index - 1 + before / (before - after));
  }
  return ((crossings.length - 1) * sampleRate) / (crossings[crossings.length - 1]! - crossings[0]!);
}

const STEREO_48K = { sampleRate: 48000, channels: 2 };

describe('framing', () => {
  test('48 kHz stereo in odd-sized chunks becomes exact 960-byte frames, duration preserved within a frame', () => {
    const input = sinePcm({ frequencyHz: 440, ...STEREO_48K, seconds: 1, amplitude: 8000 });
    const chunked = runPipeline(input, STEREO_48K, ODD_CHUNK_BYTES);
    const whole = runPipeline(input, STEREO_48K, [input.length]);
    for (const frame of chunked.frames) assert.equal(frame.pcm.length, 960);
    assert.equal(CapturePipeline.FRAME_SAMPLES, 480);
    // One second at 24 kHz is 50 frames; the resampler's look-ahead and the partial last frame may hold back one.
    assert.ok(chunked.frames.length >= 49 && chunked.frames.length <= 50, `${chunked.frames.length} frames`);
    assert.equal(chunked.frames.length, whole.frames.length, 'chunking does not change the frame count');
    assert.ok(
      chunked.frames.every((frame, index) => frame.pcm.equals(whole.frames[index]!.pcm)),
      'odd chunk boundaries (even mid-sample) do not change a single sample',
    );
  });

  test('a long stream keeps its duration: 10 s in → 10 s out (± one frame)', () => {
    const input = sinePcm({ frequencyHz: 300, sampleRate: 44100, channels: 2, seconds: 10, amplitude: 5000 });
    const run = runPipeline(input, { sampleRate: 44100, channels: 2 }, ODD_CHUNK_BYTES);
    assert.ok(Math.abs(run.frames.length - 500) <= 1, `${run.frames.length} frames for 10 s`);
  });

  test('a frame leaves as soon as its last sample exists: at most one frame is buffered', () => {
    const format = { sampleRate: 24000, channels: 1 };
    const frames: CapturedFrame[] = [];
    const pipeline = new CapturePipeline({ ...format, now: () => 0, onFrame: (frame) => frames.push(frame) });
    pipeline.push(Buffer.alloc(479 * 2));
    assert.equal(frames.length, 0);
    pipeline.push(Buffer.alloc(2));
    assert.equal(frames.length, 1, 'the 480th sample completes the frame at once');
    pipeline.push(Buffer.alloc(959 * 2 + 1));
    assert.equal(frames.length, 2);
  });

  test('24 kHz mono input passes through bit-exact', () => {
    const input = Buffer.alloc(480 * 2 * 3);
    for (let index = 0; index < 480 * 3; index++) input.writeInt16LE(((index * 7919) % 65536) - 32768, index * 2);
    const run = runPipeline(input, { sampleRate: 24000, channels: 1 }, [333, 1, 2001]);
    assert.equal(run.frames.length, 3);
    assert.ok(Buffer.concat(run.frames.map((frame) => frame.pcm)).equals(input));
  });

  test('downmix averages the channels: opposite channels cancel, equal channels keep their level', () => {
    const format = { sampleRate: 24000, channels: 2 };
    const cancelled = runPipeline(
      sinePcm({ frequencyHz: 1000, ...format, seconds: 0.1, amplitude: 10000, perChannel: (channel, value) => (channel === 0 ? Math.round(value) : -Math.round(value)) }),
      format,
      [4000],
    );
    assert.ok(cancelled.frames.every((frame) => frame.rmsDbfs === -Infinity));
    const leftOnly = runPipeline(
      sinePcm({ frequencyHz: 1000, ...format, seconds: 0.1, amplitude: 10000, perChannel: (channel, value) => (channel === 0 ? value : 0) }),
      format,
      [4000],
    );
    const expected = 20 * Math.log10(5000 / Math.SQRT2 / 32768);
    assert.ok(Math.abs(leftOnly.frames[1]!.rmsDbfs - expected) < 0.05, `${leftOnly.frames[1]!.rmsDbfs} vs ${expected}`);
  });
});

describe('timestamps', () => {
  test('frames are stamped 20 ms apart from the first sample, whatever the chunk sizes', () => {
    const input = sinePcm({ frequencyHz: 440, ...STEREO_48K, seconds: 2, amplitude: 8000 });
    for (const chunks of [ODD_CHUNK_BYTES, [3840], [192000], [17, 40000, 5]]) {
      const run = runPipeline(input, STEREO_48K, chunks, { startMs: 5000 });
      assert.ok(run.frames.length >= 99);
      run.frames.forEach((frame, index) => {
        assert.ok(Math.abs(frame.capturedAtMs - (5000 + index * 20)) < 1e-6, `frame ${index} at ${frame.capturedAtMs} (chunks ${chunks.join(',')})`);
      });
    }
  });

  test('a late chunk cannot make a timestamp go backwards', () => {
    let clockMs = 0;
    const stamps: number[] = [];
    const pipeline = new CapturePipeline({ sampleRate: 24000, channels: 1, now: () => clockMs, onFrame: (frame) => stamps.push(frame.capturedAtMs) });
    clockMs = 80; // 20 ms of audio delivered 60 ms late
    pipeline.push(Buffer.alloc(960));
    clockMs = 40; // on time again
    pipeline.push(Buffer.alloc(960));
    assert.deepEqual(stamps, [60, 60]);
  });

  test('after reset() the next stream is stamped from its own arrival times', () => {
    let clockMs = 0;
    const stamps: number[] = [];
    const pipeline = new CapturePipeline({ sampleRate: 48000, channels: 2, now: () => clockMs, onFrame: (frame) => stamps.push(frame.capturedAtMs) });
    clockMs = 30;
    pipeline.push(Buffer.alloc(30 * 48 * 4));
    assert.equal(stamps.length, 1);
    pipeline.reset({ sampleRate: 16000, channels: 1 });
    assert.deepEqual(pipeline.format, { sampleRate: 16000, channels: 1 });
    clockMs = 10_000;
    pipeline.push(Buffer.alloc(100 * 16 * 2)); // 100 ms of 16 kHz mono
    assert.equal(stamps.length, 1 + 4, '100 ms minus the filter look-ahead: 4 whole frames');
    assert.deepEqual(stamps.slice(1), [9900, 9920, 9940, 9960]);
  });
});

describe('signal', () => {
  test('a 1 kHz tone from a 48 kHz stereo device is still 1 kHz at 24 kHz (zero crossings)', () => {
    const input = sinePcm({ frequencyHz: 1000, ...STEREO_48K, seconds: 1, amplitude: 12000 });
    const output = concatFrames(runPipeline(input, STEREO_48K, ODD_CHUNK_BYTES).frames);
    const steady = output.subarray(1200, output.length - 1200);
    const frequency = zeroCrossingFrequency(steady, 24000);
    assert.ok(Math.abs(frequency - 1000) < 0.1, `zero crossings say ${frequency} Hz`);
  });

  test('the same tone from 44.1 kHz stays 1 kHz too', () => {
    const format = { sampleRate: 44100, channels: 1 };
    const output = concatFrames(runPipeline(sinePcm({ frequencyHz: 1000, ...format, seconds: 1, amplitude: 12000 }), format, ODD_CHUNK_BYTES).frames);
    const frequency = zeroCrossingFrequency(output.subarray(1200, output.length - 1200), 24000);
    assert.ok(Math.abs(frequency - 1000) < 0.1, `zero crossings say ${frequency} Hz`);
  });
});

describe('levels', () => {
  test('reported every 50 ms of audio: a full-scale sine reads -3.01 dBFS RMS and 0 dBFS peak', () => {
    const input = sinePcm({ frequencyHz: 1000, ...STEREO_48K, seconds: 1, amplitude: 32767 });
    const run = runPipeline(input, STEREO_48K, ODD_CHUNK_BYTES);
    const emittedSamples = run.frames.length * 480;
    // Reports count output samples, not chunks: one per 1200 samples (2.5 frames).
    assert.ok(Math.abs(run.levels.length - Math.floor(emittedSamples / 1200)) <= 1, `${run.levels.length} reports for ${emittedSamples} samples`);
    assert.ok(run.levels.length >= 19);
    run.samplesAtLevel.forEach((samples, index) => {
      const reportedAt = (index + 1) * 1200;
      assert.ok(samples <= reportedAt && reportedAt - samples <= 480, `report ${index} came with ${samples} samples emitted`);
    });
    for (const level of run.levels.slice(1)) {
      assert.ok(Math.abs(level.rmsDbfs - -3.0103) < 0.02, `rms ${level.rmsDbfs}`);
      assert.ok(level.peakDbfs > -0.05 && level.peakDbfs <= 0, `peak ${level.peakDbfs}`);
    }
  });

  test('levels follow the signal: -20 dBFS tone, then silence', () => {
    const format = { sampleRate: 24000, channels: 1 };
    const amplitude = 32768 * 10 ** (-20 / 20) * Math.SQRT2;
    const tone = sinePcm({ frequencyHz: 1000, ...format, seconds: 0.5, amplitude });
    const run = runPipeline(Buffer.concat([tone, Buffer.alloc(tone.length)]), format, [1001, 7]);
    assert.equal(run.levels.length, 20);
    for (const level of run.levels.slice(0, 10)) assert.ok(Math.abs(level.rmsDbfs - -20) < 0.02, `rms ${level.rmsDbfs}`);
    for (const level of run.levels.slice(10)) assert.equal(level.rmsDbfs, -Infinity);
  });
});

describe('echo canceller insertion point', () => {
  test('the processor sees every 480-sample frame with its playback reference, and its output is what leaves', () => {
    const format = { sampleRate: 24000, channels: 1 };
    const reference = new Int16Array(480).fill(7);
    const seen: Array<{ length: number; reference: Int16Array | undefined }> = [];
    const halve: CaptureFrameProcessor = {
      process(frame, playbackReference) {
        seen.push({ length: frame.length, reference: playbackReference });
        for (let index = 0; index < frame.length; index++) frame[index] = frame[index]! >> 1;
      },
    };
    const input = Buffer.alloc(960 * 2);
    for (let index = 0; index < 960; index++) input.writeInt16LE(1000, index * 2);
    const run = runPipeline(input, format, [500], { processor: halve, playbackReference: () => reference });
    assert.equal(seen.length, 2);
    assert.ok(seen.every((call) => call.length === 480 && call.reference === reference));
    assert.ok(run.frames.every((frame) => frame.pcm.readInt16LE(0) === 500 && frame.pcm.readInt16LE(958) === 500));
    assert.ok(Math.abs(run.frames[0]!.rmsDbfs - 20 * Math.log10(500 / 32768)) < 1e-9, 'frame levels are measured after the processor');
  });

  test('rejects a format that is not a real device format', () => {
    assert.throws(() => new CapturePipeline({ sampleRate: 0, channels: 2, now: () => 0, onFrame: () => {} }), /sampleRate/);
    assert.throws(() => new CapturePipeline({ sampleRate: 48000, channels: 1.5, now: () => 0, onFrame: () => {} }), /channels/);
  });
});
