import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { AssistantAudioFrame } from '../../../src-main/core/audio/audio-io';
import { float32ToPcm16le } from '../../../src-main/core/audio/pcm';
import { parseWav } from '../../../src-main/core/audio/wav';
import { createWavFileSink } from '../../../src-main/adapters/audio/wav-file-sink';

const directory = mkdtempSync(join(tmpdir(), 'parley-wav-sink-'));
after(() => rmSync(directory, { recursive: true, force: true }));
let fileCounter = 0;
const nextPath = () => join(directory, `out-${++fileCounter}.wav`);

/** `durationMs` of a 440 Hz tone at the given format, as one frame. */
function toneFrame(sampleRate: number, channels: number, durationMs: number, itemId: string | undefined = 'item_1', startSample = 0): AssistantAudioFrame {
  const frames = Math.round((sampleRate * durationMs) / 1000);
  const interleaved = new Float32Array(frames * channels);
  for (let frame = 0; frame < frames; frame++) {
    const value = 0.3 * Math.sin((2 * Math.PI * 440 * (startSample + frame)) / sampleRate);
    for (let channel = 0; channel < channels; channel++) interleaved[frame * channels + channel] = value;
  }
  return { pcm: Buffer.from(float32ToPcm16le(interleaved)), sampleRate, channels, itemId };
}

function headerSizes(path: string): { riff: number; data: number; fileBytes: number } {
  const file = readFileSync(path);
  return { riff: file.readUInt32LE(4), data: file.readUInt32LE(40), fileBytes: file.byteLength };
}

describe('createWavFileSink', () => {
  test('the written file parses back with the first frame\'s rate and channels and the full duration', async () => {
    const path = nextPath();
    const sink = createWavFileSink(path);
    for (let index = 0; index < 10; index++) sink.write(toneFrame(24000, 1, 20, 'item_1', index * 480));
    await sink.close();
    const wav = parseWav(readFileSync(path));
    assert.deepEqual([wav.sampleRate, wav.channels, wav.bitsPerSample, wav.frameCount], [24000, 1, 16, 4800]);
    assert.equal((wav.frameCount / wav.sampleRate) * 1000, 200);
    assert.ok(Math.abs(wav.samples[1000]! - 0.3 * Math.sin((2 * Math.PI * 440 * 1000) / 24000)) < 1e-4);
  });

  test('close() patches the RIFF and data sizes in the header', async () => {
    const path = nextPath();
    const sink = createWavFileSink(path);
    sink.write(toneFrame(24000, 1, 100));
    sink.write(toneFrame(24000, 1, 50));
    await sink.close();
    const sizes = headerSizes(path);
    assert.equal(sizes.data, 24000 * 0.15 * 2);
    assert.equal(sizes.fileBytes, 44 + sizes.data);
    assert.equal(sizes.riff, sizes.fileBytes - 8);
  });

  test('audio reaches the disk as it arrives, before close()', async () => {
    const path = nextPath();
    const sink = createWavFileSink(path);
    sink.write(toneFrame(24000, 1, 500));
    const expectedBytes = 44 + 24000;
    const deadline = Date.now() + 5_000; // partial chunks are flushed every 500 ms
    while (statSync(path, { throwIfNoEntry: false })?.size !== expectedBytes && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(statSync(path).size, expectedBytes);
    // Until close() the header still holds the placeholder sizes.
    assert.equal(headerSizes(path).data, 0);
    await sink.close();
    assert.equal(headerSizes(path).data, 24000);
  });

  test('close() is idempotent and later writes are dropped', async () => {
    const path = nextPath();
    const sink = createWavFileSink(path);
    sink.write(toneFrame(24000, 2, 40));
    const first = sink.close();
    const second = sink.close();
    await Promise.all([first, second]);
    const before = readFileSync(path);
    sink.write(toneFrame(24000, 2, 40));
    await sink.close();
    assert.deepEqual(readFileSync(path), before);
    const wav = parseWav(before);
    assert.deepEqual([wav.sampleRate, wav.channels, wav.frameCount], [24000, 2, 960]);
  });

  test('closing before any audio leaves a valid empty 24 kHz mono WAV', async () => {
    const path = nextPath();
    await createWavFileSink(path).close();
    const wav = parseWav(readFileSync(path));
    assert.deepEqual([wav.sampleRate, wav.channels, wav.frameCount], [24000, 1, 0]);
    assert.equal(headerSizes(path).riff, 36);
  });

  test('frames in another rate or channel count are converted to the first frame\'s format', async () => {
    const path = nextPath();
    const sink = createWavFileSink(path);
    sink.write(toneFrame(24000, 1, 100));
    sink.write(toneFrame(48000, 2, 100, 'item_1', 4800));
    sink.write(toneFrame(48000, 2, 100, 'item_1', 9600));
    sink.write(toneFrame(16000, 1, 100, 'item_1', 4800));
    await sink.close();
    const wav = parseWav(readFileSync(path));
    assert.deepEqual([wav.sampleRate, wav.channels], [24000, 1]);
    assert.equal(wav.frameCount, 2400 + 4800 + 2400);
    // The 48 kHz stereo stretch is still the 440 Hz tone once at 24 kHz (away from its edges).
    for (let index = 2400 + 200; index < 2400 + 4600; index++) {
      const expected = 0.3 * Math.sin((2 * Math.PI * 440 * index) / 24000);
      assert.ok(Math.abs(wav.samples[index]! - expected) < 2e-3, `sample ${index}: ${wav.samples[index]} vs ${expected}`);
    }
  });

  test('an explicit output format converts from the very first frame', async () => {
    const path = nextPath();
    const sink = createWavFileSink(path, { format: { sampleRate: 16000, channels: 1 } });
    sink.write(toneFrame(24000, 1, 300));
    await sink.close();
    const wav = parseWav(readFileSync(path));
    assert.deepEqual([wav.sampleRate, wav.channels, wav.frameCount], [16000, 1, 4800]);
  });

  test('headless barge-in: not playing, but interrupt() reports everything written of the last item', async () => {
    const sink = createWavFileSink(nextPath());
    assert.equal(sink.interrupt(), undefined);
    sink.write(toneFrame(24000, 1, 100, 'item_a'));
    sink.write(toneFrame(24000, 1, 40, 'item_b'));
    sink.write(toneFrame(48000, 1, 60, 'item_b'));
    assert.equal(sink.isPlaying(), false);
    assert.deepEqual(sink.interrupt(), { itemId: 'item_b', playedMs: 100 });
    assert.equal(sink.interrupt(), undefined, 'interrupting twice reports nothing new');
    sink.write({ ...toneFrame(24000, 1, 20), itemId: undefined });
    assert.equal(sink.interrupt(), undefined, 'audio without an item id cannot be reported');
    await sink.close();
  });

  test('a path that cannot be written makes close() reject with the path in the message', async () => {
    const path = join(directory, 'missing-directory', 'out.wav');
    const sink = createWavFileSink(path);
    sink.write(toneFrame(24000, 1, 20));
    await assert.rejects(sink.close(), (error: Error) => error.message.includes(path));
  });

  test('an implausible frame format is a programming error', async () => {
    const sink = createWavFileSink(nextPath());
    assert.throws(() => sink.write({ pcm: Buffer.alloc(4), sampleRate: 0, channels: 1, itemId: undefined }), /unsupported frame format/);
    await sink.close();
  });
});
