/**
 * Per-frame processing cost of the two real-time audio paths, measured in-process with
 * process.hrtime.bigint() around each call (no devices, no I/O):
 *
 *   capture   CapturePipeline.push of one 20 ms native chunk (PCM16 interleaved stereo at 48 kHz
 *             or 44.1 kHz: downmix, band-limited resample to 24 kHz, framing, levels) and, inside
 *             the same call, the hands-free TalkModeController decision for the frame it emits
 *             (echo gate + voice activity detector; the target's sendAudio is a no-op).
 *   playback  PlaybackBuffer.push of one 20 ms 24 kHz mono delta (resample to the device rate and
 *             channels into the ring) plus the two 10 ms device pulls that consume it, as the audio
 *             host does (stereo, 48 kHz or 44.1 kHz).
 *
 * Signals are deterministic speech-like noise (a few AM harmonics + noise, about -25 dBFS) so the
 * resamplers and level maths see real data, not zeros. The echo gate alternates between "assistant
 * speaking" (playback at -18 dBFS, gate active) and "assistant silent" every 2 s of audio, and a
 * new assistant item starts every 10 s (the buffer's item switch and resampler flush run too).
 */
import { seededNoise } from '../../test/support/seeded-noise';
import { CapturePipeline, type CapturedFrame } from '../../src-main/core/audio/capture-pipeline';
import { PlaybackBuffer } from '../../src-main/core/audio/playback-buffer';
import { TalkModeController, type TalkTarget } from '../../src-main/core/audio/talk-mode';
import { distribution, type Distribution } from '../../test/support/stats';

export interface CostRow {
  readonly path: 'capture' | 'playback';
  readonly name: string;
  readonly description: string;
  readonly iterations: number;
  /** One measured call (capture: push; playback: push + pulls), µs. */
  readonly totalUs: Distribution;
  /** Playback only: the push alone and the pulls alone, µs. */
  readonly pushUs?: Distribution;
  readonly pullsUs?: Distribution;
  /** Capture only: frames emitted per push (about 1). */
  readonly framesPerCall?: number;
  /** Capture only: how the talk-mode controller disposed of the frames. */
  readonly dispositions?: Record<string, number>;
}

export interface CostOptions {
  readonly iterations: number;
  readonly warmup: number;
}

/** `seconds` of speech-like mono float audio at `rate`, about -25 dBFS RMS. */
function speechLike(rate: number, seconds: number, seed: number): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  const random = seededNoise(seed);
  for (let index = 0; index < out.length; index++) {
    const t = index / rate;
    const pitch = 140 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    const envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * 3.1 * t);
    let value = 0;
    for (let harmonic = 1; harmonic <= 6; harmonic++) value += Math.sin(2 * Math.PI * pitch * harmonic * t) / harmonic;
    out[index] = 0.06 * envelope * value + 0.01 * random();
  }
  return out;
}

/** Interleaved PCM16LE with `channels` slightly different copies of `mono` (right = 0.9 × left). */
function interleave(mono: Float32Array, channels: number): Buffer {
  const bytes = Buffer.alloc(mono.length * channels * 2);
  for (let index = 0; index < mono.length; index++) {
    for (let channel = 0; channel < channels; channel++) {
      const value = Math.max(-32768, Math.min(32767, Math.round(mono[index]! * 32767 * (channel === 0 ? 1 : 0.9))));
      bytes.writeInt16LE(value, (index * channels + channel) * 2);
    }
  }
  return bytes;
}

/** Splits `bytes` into copies of `size` bytes (fresh Buffers, like chunks arriving over IPC). */
function chunks(bytes: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset + size <= bytes.length; offset += size) out.push(Buffer.from(bytes.subarray(offset, offset + size)));
  return out;
}

function toUs(nanoseconds: Float64Array): Float64Array {
  return nanoseconds.map((value) => value / 1000);
}

/** Back-to-back hrtime.bigint() pairs: the timer's own cost, included in every sample below. */
export function timerOverheadNs(samples = 20_000): Distribution {
  const out = new Float64Array(samples);
  for (let index = 0; index < samples; index++) {
    const start = process.hrtime.bigint();
    out[index] = Number(process.hrtime.bigint() - start);
  }
  return distribution(out);
}

export function measureCapture(sampleRate: number, channels: number, options: CostOptions): CostRow {
  const chunkBytes = ((sampleRate * 20) / 1000) * channels * 2;
  const source = chunks(interleave(speechLike(sampleRate, 3, 7), channels), chunkBytes);
  const target: TalkTarget = { sendAudio: () => true, commitAudio: () => true, interruptPlayback: () => {}, clearInputBuffer: () => {} };
  const talk = new TalkModeController(target, { mode: 'hands-free', localBargeIn: true });
  let nowMs = 0;
  let playbackDbfs = -Infinity;
  let frames = 0;
  const dispositions: Record<string, number> = {};
  const onFrame = (frame: CapturedFrame): void => {
    frames++;
    const disposition = talk.onMicrophoneFrame(frame, frame, playbackDbfs, nowMs);
    dispositions[disposition] = (dispositions[disposition] ?? 0) + 1;
  };
  const pipeline = new CapturePipeline({ sampleRate, channels, now: () => nowMs, onFrame, onLevel: () => {} });
  const total = options.warmup + options.iterations;
  const samples = new Float64Array(options.iterations);
  for (let call = 0; call < total; call++) {
    nowMs += 20;
    playbackDbfs = Math.floor(call / 100) % 2 === 0 ? -18 : -Infinity; // assistant speaking 2 s, silent 2 s
    const chunk = source[call % source.length]!;
    if (call === options.warmup) {
      frames = 0;
      for (const key of Object.keys(dispositions)) delete dispositions[key];
    }
    const start = process.hrtime.bigint();
    pipeline.push(chunk);
    const end = process.hrtime.bigint();
    if (call >= options.warmup) samples[call - options.warmup] = Number(end - start);
  }
  return {
    path: 'capture',
    name: `capture ${sampleRate / 1000} kHz stereo`,
    description: `CapturePipeline.push(20 ms, ${sampleRate} Hz ${channels} ch) + hands-free talk-mode/echo-gate decision`,
    iterations: options.iterations,
    totalUs: distribution(toUs(samples)),
    framesPerCall: frames / options.iterations,
    dispositions: { ...dispositions },
  };
}

export function measurePlayback(deviceSampleRate: number, deviceChannels: number, options: CostOptions): CostRow {
  // Like the audio host: 10 ms device chunks, a minute of queue.
  const buffer = new PlaybackBuffer({ deviceSampleRate, deviceChannels, maxBufferedMs: 60_000 });
  const deltas = chunks(interleave(speechLike(24_000, 3, 11), 1), 960);
  const pullFrames = deviceSampleRate / 100;
  const scratch = new Int16Array(pullFrames * deviceChannels);
  const total = options.warmup + options.iterations;
  const push = new Float64Array(options.iterations);
  const pulls = new Float64Array(options.iterations);
  const both = new Float64Array(options.iterations);
  for (let call = 0; call < total; call++) {
    const frame = { pcm: deltas[call % deltas.length]!, sampleRate: 24_000, channels: 1, itemId: `item_${Math.floor(call / 500)}` };
    const start = process.hrtime.bigint();
    buffer.push(frame);
    const pushed = process.hrtime.bigint();
    buffer.pull(scratch, pullFrames);
    buffer.pull(scratch, pullFrames);
    const end = process.hrtime.bigint();
    if (call >= options.warmup) {
      const at = call - options.warmup;
      push[at] = Number(pushed - start);
      pulls[at] = Number(end - pushed);
      both[at] = Number(end - start);
    }
  }
  return {
    path: 'playback',
    name: `playback → ${deviceSampleRate / 1000} kHz stereo`,
    description: `PlaybackBuffer.push(20 ms 24 kHz mono) + 2 × pull(10 ms, ${deviceSampleRate} Hz ${deviceChannels} ch)`,
    iterations: options.iterations,
    totalUs: distribution(toUs(both)),
    pushUs: distribution(toUs(push)),
    pullsUs: distribution(toUs(pulls)),
  };
}

/** A whole answer arriving at once, as the audio process receives it: how long each step holds its event loop. */
export interface AnswerBurstCost {
  readonly answerSeconds: number;
  readonly deviceSampleRate: number;
  /** All of the answer's 20 ms deltas pushed back to back, ms: what holds the loop on arrival. */
  readonly arrivalMs: number;
  /** Each 5 ms device pull while the answer plays (the conversion moved there), µs. */
  readonly pullUs: Distribution;
}

export function measureAnswerBurst(answerSeconds: number, deviceSampleRate = 48_000, deviceChannels = 2): AnswerBurstCost {
  const deltas = chunks(interleave(speechLike(24_000, answerSeconds, 17), 1), 960);
  const buffer = new PlaybackBuffer({ deviceSampleRate, deviceChannels, maxBufferedMs: 60_000 });
  const start = process.hrtime.bigint();
  for (const pcm of deltas) buffer.push({ pcm, sampleRate: 24_000, channels: 1, itemId: 'answer' });
  buffer.markItemEnded('answer');
  const arrivalMs = Number(process.hrtime.bigint() - start) / 1e6;
  const pullFrames = Math.round(deviceSampleRate / 200);
  const scratch = new Int16Array(pullFrames * deviceChannels);
  const pulls: number[] = [];
  while (buffer.isPlaying()) {
    const before = process.hrtime.bigint();
    buffer.pull(scratch, pullFrames);
    pulls.push(Number(process.hrtime.bigint() - before));
  }
  return { answerSeconds, deviceSampleRate, arrivalMs, pullUs: distribution(toUs(Float64Array.from(pulls))) };
}

export function measureFrameCosts(options: CostOptions): CostRow[] {
  return [
    measureCapture(48_000, 2, options),
    measureCapture(44_100, 2, options),
    measurePlayback(48_000, 2, options),
    measurePlayback(44_100, 2, options),
  ];
}
