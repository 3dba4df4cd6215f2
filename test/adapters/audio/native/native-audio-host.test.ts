// The audio host process against real PortAudio devices (PulseAudio null sinks, paced in real
// time): device listing, capture, crash restart, repeated re-opening, and a bounded shutdown.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after, test } from 'node:test';
import { CAPTURED_FRAME_MS, CAPTURED_SAMPLE_RATE_HZ } from '../../../../src-main/adapters/audio/native/audio-host-protocol';
import { NativeAudioHost } from '../../../../src-main/adapters/audio/native/native-audio-host';
import { pulseAudioUnavailableReason, startPulseAudio, type PulseAudioFixture } from '../../../support/pulse-audio';

const unavailable = pulseAudioUnavailableReason();
let pulse: PulseAudioFixture | undefined;
before(() => {
  if (!unavailable) pulse = startPulseAudio();
});
after(() => pulse?.close());

function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(check, 20);
    };
    check();
  });
}

test('lists input and output devices by name', { skip: unavailable }, async (t) => {
  const host = new NativeAudioHost();
  t.after(() => host.shutdown());
  await host.start();
  const devices = await host.listDevices();
  assert.ok(devices.inputs.some((device) => device.name === 'default'), JSON.stringify(devices.inputs));
  assert.ok(devices.outputs.some((device) => device.name === 'default'));
  for (const device of [...devices.inputs, ...devices.outputs]) {
    assert.equal(typeof device.hostApi, 'string');
    assert.ok(device.defaultSampleRate >= 8000);
  }
});

test('captures real-time audio from the default microphone as 10 ms chunks of 24 kHz mono, whatever the device', { skip: unavailable }, async (t) => {
  let bytes = 0;
  let chunks = 0;
  const stamps: number[] = [];
  const host = new NativeAudioHost({
    onCaptured: (pcm, capturedAtMs) => {
      bytes += pcm.byteLength;
      chunks++;
      stamps.push(capturedAtMs);
    },
  });
  t.after(() => host.shutdown());
  await host.start();
  const device = await host.openInput(undefined);
  assert.equal(device.fellBack, false);
  assert.notEqual(device.sampleRate, CAPTURED_SAMPLE_RATE_HZ, 'the default device is not already 24 kHz, so this proves the conversion');
  await waitUntil(() => chunks >= 100, 5_000, '100 captured chunks');
  const bytesPerChunk = (CAPTURED_SAMPLE_RATE_HZ * CAPTURED_FRAME_MS * 2) / 1000;
  assert.equal(bytes, chunks * bytesPerChunk, `every chunk is exactly ${CAPTURED_FRAME_MS} ms of 24 kHz mono`);
  for (let index = 1; index < stamps.length; index++) assert.ok(stamps[index]! >= stamps[index - 1]!, 'stamps never go back');
  const meanSpacingMs = (stamps.at(-1)! - stamps[0]!) / (stamps.length - 1);
  assert.ok(Math.abs(meanSpacingMs - CAPTURED_FRAME_MS) < 0.5, `chunks are ${meanSpacingMs.toFixed(2)} ms apart on average`);
});

test('a missing device falls back to the default and says so', { skip: unavailable }, async (t) => {
  const host = new NativeAudioHost();
  t.after(() => host.shutdown());
  await host.start();
  const device = await host.openInput('USB headset that was unplugged');
  assert.equal(device.fellBack, true);
  assert.equal(device.name, 'default');
});

test('a killed audio process is restarted, reopens the microphone, and capture goes on', { skip: unavailable }, async (t) => {
  let chunks = 0;
  const restarts: string[] = [];
  const host = new NativeAudioHost({ onCaptured: () => chunks++, onRestarted: (reason) => restarts.push(reason) });
  t.after(() => host.shutdown());
  await host.start();
  await host.openInput(undefined);
  await waitUntil(() => chunks > 0, 5_000, 'first capture');
  const firstPid = host.pid;
  process.kill(firstPid!, 'SIGKILL');
  await waitUntil(() => restarts.length === 1, 5_000, 'restart');
  assert.match(restarts[0]!, /killed by SIGKILL/);
  assert.notEqual(host.pid, firstPid);
  const before = chunks;
  await waitUntil(() => chunks >= before + 10, 5_000, 'capture after restart');
});

test('the microphone can be re-opened 50 times without a crash', { skip: unavailable }, async (t) => {
  const restarts: string[] = [];
  const host = new NativeAudioHost({ onRestarted: (reason) => restarts.push(reason) });
  t.after(() => host.shutdown());
  await host.start();
  const firstPid = host.pid;
  for (let index = 0; index < 50; index++) await host.openInput(undefined);
  assert.equal(pulse!.streams('source-outputs', firstPid).length, 1, 'each open closed the stream before it');
  await host.closeInput();
  assert.equal(pulse!.streams('source-outputs', firstPid).length, 0);
  assert.equal(host.pid, firstPid, 'same process: nothing crashed');
  assert.deepEqual(restarts, []);
});

test('closing the microphone and the speaker closes their device streams, promptly', { skip: unavailable }, async (t) => {
  let chunks = 0;
  const host = new NativeAudioHost({ onCaptured: () => chunks++ });
  t.after(() => host.shutdown());
  await host.start();
  const pid = host.pid;
  await host.openInput(undefined);
  await host.openOutput(undefined);
  await waitUntil(() => chunks > 0, 5_000, 'first capture');
  assert.deepEqual([pulse!.streams('source-outputs', pid).length, pulse!.streams('sink-inputs', pid).length], [1, 1]);
  const started = Date.now();
  await host.closeInput();
  const inputCloseMs = Date.now() - started;
  assert.equal(pulse!.streams('source-outputs', pid).length, 0, 'no recording left');
  await host.closeOutput();
  assert.equal(pulse!.streams('sink-inputs', pid).length, 0, 'no playback stream left');
  t.diagnostic(`microphone closed in ${inputCloseMs} ms, speaker in ${Date.now() - started - inputCloseMs} ms`);
  assert.ok(inputCloseMs < 500, `closing the microphone took ${inputCloseMs} ms`);
  const after = chunks;
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(chunks, after, 'a closed microphone sends nothing more');
  assert.equal(host.pid, pid, 'closed, not killed');
});

test('a restart reopens only the streams still wanted, once each', { skip: unavailable }, async (t) => {
  const restarts: string[] = [];
  const host = new NativeAudioHost({ onRestarted: (reason) => restarts.push(reason) });
  t.after(() => host.shutdown());
  await host.start();
  await host.openInput(undefined);
  await host.openOutput(undefined);
  await host.closeOutput();
  process.kill(host.pid!, 'SIGKILL');
  await waitUntil(() => restarts.length === 1, 5_000, 'restart');
  const pid = host.pid;
  assert.deepEqual([pulse!.streams('source-outputs', pid).length, pulse!.streams('sink-inputs', pid).length], [1, 0]);
});

test('a stream that will not close is reported, and the process holding it is replaced', async (t) => {
  // A stand-in audio process whose streams never close: every close is answered with an error.
  const dir = mkdtempSync(join(tmpdir(), 'parley-stuck-host-'));
  const childPath = join(dir, 'stuck-child.mjs');
  writeFileSync(
    childPath,
    `process.on('message', (request) => {
      if (request.type === 'shutdown') process.exit(0);
      if (request.requestId === undefined) return;
      const stuck = request.type.startsWith('close');
      process.send(stuck ? { type: 'reply', requestId: request.requestId, ok: false, message: 'the microphone stream did not close within 3000 ms' } : { type: 'reply', requestId: request.requestId, ok: true, value: { name: 'default', sampleRate: 48000, channels: 1, fellBack: false } });
    });
    process.on('disconnect', () => process.exit(0));
    process.send({ type: 'ready', pid: process.pid });`,
  );
  const restarts: string[] = [];
  const host = new NativeAudioHost({ onRestarted: (reason) => restarts.push(reason) }, { childPath, execArgv: [] });
  t.after(() => host.shutdown());
  await host.start();
  const stuckPid = host.pid;
  await host.openInput(undefined);
  await assert.rejects(host.closeInput(), /the microphone stream did not close within 3000 ms/);
  await waitUntil(() => restarts.length === 1, 5_000, 'the replacement process');
  assert.notEqual(host.pid, stuckPid, 'the process that held the stream is gone');
});

test('shutdown is bounded even with streams open', { skip: unavailable }, async () => {
  const host = new NativeAudioHost();
  await host.start();
  await host.openInput(undefined);
  await host.openOutput(undefined);
  const started = Date.now();
  await host.shutdown();
  assert.ok(Date.now() - started < 2_500, `shutdown took ${Date.now() - started} ms`);
  assert.equal(host.pid, undefined);
});
