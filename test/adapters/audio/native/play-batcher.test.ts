// Assistant audio written in one turn of the event loop goes to the audio process in few
// messages, in order, never mixing items or formats, and never ahead of a later message.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AssistantAudioFrame } from '../../../../src-main/core/audio/audio-io';
import { NativeAudioHost } from '../../../../src-main/adapters/audio/native/native-audio-host';
import { MAX_BATCH_MS, PlayBatcher } from '../../../../src-main/adapters/audio/native/play-batcher';

/** A 20 ms frame at 24 kHz mono whose samples all hold `value`. */
function frame(value: number, itemId: string | undefined = 'a', sampleRate = 24_000): AssistantAudioFrame {
  const pcm = Buffer.alloc((sampleRate / 50) * 2);
  for (let offset = 0; offset < pcm.length; offset += 2) pcm.writeInt16LE(value, offset);
  return { pcm, sampleRate, channels: 1, itemId };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('frames written in one turn go out together at its end, in order, up to MAX_BATCH_MS each', async () => {
  const sent: AssistantAudioFrame[] = [];
  const batcher = new PlayBatcher((batch) => sent.push(batch));
  for (let index = 0; index < 25; index++) batcher.write(frame(index));
  assert.equal(sent.length, 2, 'a full batch goes at once; the rest waits for the end of the turn');
  await tick();
  const framesPerBatch = MAX_BATCH_MS / 20;
  assert.deepEqual(
    sent.map((batch) => batch.pcm.length / 960),
    [framesPerBatch, framesPerBatch, 25 - 2 * framesPerBatch],
  );
  const values = sent.flatMap((batch) => Array.from({ length: batch.pcm.length / 960 }, (_, index) => batch.pcm.readInt16LE(index * 960)));
  assert.deepEqual(values, Array.from({ length: 25 }, (_, index) => index), 'every frame once, in order');
});

test('a new item or format starts a new message; a lone frame goes out unchanged', async () => {
  const sent: AssistantAudioFrame[] = [];
  const batcher = new PlayBatcher((batch) => sent.push(batch));
  const lone = frame(1, 'a');
  batcher.write(lone);
  await tick();
  assert.equal(sent[0]!.pcm, lone.pcm, 'no copy for a single frame');
  batcher.write(frame(2, 'a'));
  batcher.write(frame(3, 'b'));
  batcher.write(frame(4, 'b', 48_000));
  batcher.write({ ...frame(5, 'x', 48_000), itemId: undefined });
  await tick();
  assert.deepEqual(
    sent.slice(1).map((batch) => [batch.itemId, batch.sampleRate, batch.pcm.readInt16LE(0)]),
    [
      ['a', 24_000, 2],
      ['b', 24_000, 3],
      ['b', 48_000, 4],
      [undefined, 48_000, 5],
    ],
  );
});

test('through the real IPC: a burst arrives as few messages, and an end of item written after it arrives after it', async (t) => {
  // A stand-in audio process that logs what it receives and reports the log when asked for devices.
  const dir = mkdtempSync(join(tmpdir(), 'parley-batch-host-'));
  const childPath = join(dir, 'logging-child.mjs');
  writeFileSync(
    childPath,
    `const log = [];
    process.on('message', (request) => {
      if (request.type === 'shutdown') process.exit(0);
      if (request.type === 'play') log.push(['play', request.itemId, request.pcm.length]);
      else if (request.type === 'end-item') log.push(['end-item', request.itemId]);
      if (request.requestId !== undefined) process.send({ type: 'reply', requestId: request.requestId, ok: true, value: { inputs: [], outputs: [], log } });
    });
    process.on('disconnect', () => process.exit(0));
    process.send({ type: 'ready', pid: process.pid });`,
  );
  const host = new NativeAudioHost({}, { childPath, execArgv: [] });
  t.after(() => host.shutdown());
  await host.start();
  for (let index = 0; index < 1_250; index++) host.play(frame(index % 1000, 'answer'));
  host.endItem('answer');
  const { log } = (await host.listDevices()) as unknown as { log: [string, string, number?][] };
  const plays = log.filter(([type]) => type === 'play');
  assert.equal(plays.length, Math.ceil(1_250 / (MAX_BATCH_MS / 20)), `${plays.length} play messages for 1,250 frames`);
  assert.equal(plays.reduce((sum, [, , bytes]) => sum + bytes!, 0), 1_250 * 960, 'every byte arrived');
  assert.deepEqual(log.at(-1), ['end-item', 'answer'], 'the end of the item came after its audio');
});
