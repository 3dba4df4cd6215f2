import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { MicrophoneFrame } from '../../../src-main/core/audio/audio-io';
import { float32ToPcm16le, pcm16leToFloat32, pcmLevels } from '../../../src-main/core/audio/pcm';
import { encodeWavPcm16 } from '../../../src-main/core/audio/wav';
import { createWavFileSource, loadWavAsMicrophoneFrames, type SourceClock } from '../../../src-main/adapters/audio/wav-file-source';

const directory = mkdtempSync(join(tmpdir(), 'parley-wav-source-'));
after(() => rmSync(directory, { recursive: true, force: true }));

/** Writes a stereo WAV: a 1 kHz tone on the left, silence on the right. */
function writeStereoTone(name: string, sampleRate: number, seconds: number): string {
  const frames = Math.round(sampleRate * seconds);
  const interleaved = new Float32Array(frames * 2);
  for (let frame = 0; frame < frames; frame++) interleaved[frame * 2] = 0.5 * Math.sin((2 * Math.PI * 1000 * frame) / sampleRate);
  const path = join(directory, name);
  writeFileSync(path, encodeWavPcm16(sampleRate, 2, float32ToPcm16le(interleaved)));
  return path;
}

const oneSecondStereo = writeStereoTone('tone-44k1-stereo.wav', 44100, 1.0);

interface Played {
  frames: MicrophoneFrame[];
  emittedAtMs: number[];
  error: Error | undefined;
}

function play(path: string, options: Parameters<typeof createWavFileSource>[1], clock?: SourceClock): Promise<Played> {
  const source = createWavFileSource(path, options);
  const played: Played = { frames: [], emittedAtMs: [], error: undefined };
  return new Promise((resolve) => {
    source.start(
      (frame) => {
        played.frames.push(frame);
        if (clock) played.emittedAtMs.push(clock.now());
      },
      (error) => {
        played.error = error;
        resolve(played);
      },
    );
  });
}

/** A clock whose sleep advances time by the requested amount plus `lateByMs`, like a busy event loop. */
function fakeClock(lateByMs = 0): SourceClock & { sleeps: number[] } {
  let nowMs = 1_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => nowMs,
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms + lateByMs;
    },
  };
}

describe('createWavFileSource', () => {
  test('a 1.0 s 44.1 kHz stereo file becomes 50 frames of 960 bytes (24 kHz mono PCM16) when not paced', async () => {
    const played = await play(oneSecondStereo, { realtime: false });
    assert.equal(played.error, undefined);
    assert.equal(played.frames.length, 50);
    for (const frame of played.frames) assert.equal(frame.pcm.byteLength, 960);
    // Left tone at 0.5 averaged with a silent right channel: 0.25 peak, about -15 dBFS rms.
    const middle = played.frames[25]!.pcm;
    const levels = pcmLevels(middle);
    assert.ok(Math.abs(levels.rmsDbfs - (20 * Math.log10(0.25) - 3.01)) < 0.1, `rms ${levels.rmsDbfs}`);
    // 1 kHz at 24 kHz: 20 ms holds exactly 20 periods, so the frame repeats every 24 samples.
    const samples = pcm16leToFloat32(middle);
    for (let index = 24; index < samples.length; index++) assert.ok(Math.abs(samples[index]! - samples[index - 24]!) < 2e-4);
  });

  test('realtime pacing emits one frame every 20 ms of the injected clock, stamped with its capture time', async () => {
    const clock = fakeClock();
    const played = await play(oneSecondStereo, { clock }, clock);
    assert.equal(played.frames.length, 50);
    played.frames.forEach((frame, index) => {
      assert.equal(frame.capturedAtMs, 1_000 + index * 20);
      assert.equal(played.emittedAtMs[index], 1_000 + index * 20);
    });
    assert.ok(clock.sleeps.every((ms) => ms === 20));
  });

  test('late timers do not accumulate drift: each wait is measured from the absolute start', async () => {
    const clock = fakeClock(3);
    const played = await play(oneSecondStereo, { clock }, clock);
    assert.equal(played.frames.length, 50);
    // Every frame is at most one timer-lateness behind its slot, never 3 ms × n behind.
    played.emittedAtMs.forEach((at, index) => assert.ok(at - (1_000 + index * 20) <= 3, `frame ${index} at ${at}`));
    assert.ok(clock.sleeps.slice(1).every((ms) => ms === 17));
    played.frames.forEach((frame, index) => assert.equal(frame.capturedAtMs, 1_000 + index * 20));
  });

  test('a final partial frame is padded with silence', async () => {
    const path = writeStereoTone('short-16k.wav', 16000, 0.105); // 105 ms → 6 frames, the last half empty
    const played = await play(path, { realtime: false });
    assert.equal(played.frames.length, 6);
    const last = pcm16leToFloat32(played.frames[5]!.pcm);
    assert.equal(last.length, 480);
    assert.ok(last.subarray(300).every((value) => value === 0));
    assert.ok(last.subarray(0, 100).some((value) => value !== 0));
  });

  test('stop() during a pacing wait returns promptly; no frame or onEnd follows', async () => {
    let nowMs = 0;
    const neverWakes: SourceClock = { now: () => nowMs, sleep: () => new Promise<void>(() => {}) };
    const source = createWavFileSource(oneSecondStereo, { clock: neverWakes });
    const frames: MicrophoneFrame[] = [];
    let ended = false;
    const firstFrame = new Promise<void>((resolve) =>
      source.start(
        (frame) => {
          frames.push(frame);
          resolve();
        },
        () => (ended = true),
      ),
    );
    await firstFrame;
    nowMs = 5;
    await source.stop();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(frames.length, 1);
    assert.equal(ended, false);
    await source.stop(); // idempotent
  });

  test('stop() while the file is still loading prevents any callback', async () => {
    const source = createWavFileSource(oneSecondStereo, { realtime: false });
    let calls = 0;
    source.start(
      () => calls++,
      () => calls++,
    );
    await source.stop();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(calls, 0);
  });

  test('start twice is a programming error', () => {
    const source = createWavFileSource(oneSecondStereo, { realtime: false });
    source.start(
      () => {},
      () => {},
    );
    assert.throws(() => source.start(() => {}, () => {}), /twice/);
    return source.stop();
  });

  test('a missing file ends the source with an error naming the path', async () => {
    const path = join(directory, 'no-such-file.wav');
    const played = await play(path, { realtime: false });
    assert.equal(played.frames.length, 0);
    assert.ok(played.error);
    assert.match(played.error.message, /not found/);
    assert.ok(played.error.message.includes(path), played.error.message);
  });

  test('a file that is not a WAV ends with an error naming the path and the problem', async () => {
    const path = join(directory, 'notes.wav');
    writeFileSync(path, 'these are meeting notes, not audio');
    const played = await play(path, { realtime: false });
    assert.ok(played.error?.message.includes(path));
    assert.match(played.error!.message, /not a WAV file/);
    await assert.rejects(loadWavAsMicrophoneFrames(path), /not a WAV file/);
  });

  test('a directory is unreadable as a file and says so', async () => {
    await assert.rejects(loadWavAsMicrophoneFrames(directory), (error: Error) => error.message.includes(directory));
  });
});
