// How the engine reacts when a stream fails mid-session (a device unplugged): the audio host is
// replaced by an in-process double at the process boundary; the engine's own logic is real.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenedDevice, OpenedInput } from '../../../../src-main/adapters/audio/native/audio-host-protocol';
import type { EchoProtection } from '../../../../src-shared/echo-cancellation';
import { NativeAudioEngine, type AudioNotice } from '../../../../src-main/adapters/audio/native/native-audio-engine';
import type { HostListeners } from '../../../../src-main/adapters/audio/native/native-audio-host';

class UnpluggableHost {
  listeners!: HostListeners;
  present = new Set(['USB Headset', 'default']);
  opened: Array<string | undefined> = [];
  readonly pid = 1;
  async start() {}
  async listDevices() {
    return { inputs: [], outputs: [] };
  }
  async openInput(name: string | undefined): Promise<OpenedInput> {
    if (name !== undefined && !this.present.has(name)) throw new Error(`no such device ${name}`);
    this.opened.push(name);
    return { name: name ?? 'default', sampleRate: 48_000, channels: 1, fellBack: false, echoProtection: { kind: 'canceller', delayHintMs: 50 } };
  }
  async setEchoCancellation(): Promise<EchoProtection | undefined> {
    return undefined;
  }
  closeFailure: string | undefined;
  async closeInput() {
    if (this.closeFailure) throw new Error(this.closeFailure);
  }
  async openOutput(name: string | undefined): Promise<OpenedDevice> {
    return { name: name ?? 'default', sampleRate: 48_000, channels: 2, fellBack: false };
  }
  async closeOutput() {}
  play() {}
  endItem() {}
  async interrupt() {
    return undefined;
  }
  async shutdown() {}
}

/** What the host sends per message: 10 ms of 24 kHz mono PCM16. */
const TEN_MS_24K_MONO_BYTES = 240 * 2;

async function settle(): Promise<void> {
  for (let index = 0; index < 5; index++) await new Promise((resolve) => setImmediate(resolve));
}

test('a microphone that fails mid-session is reopened when it is still there', async () => {
  const host = new UnpluggableHost();
  const notices: AudioNotice[] = [];
  const engine = new NativeAudioEngine({
    inputDevice: 'USB Headset',
    onNotice: (notice) => notices.push(notice),
    createHost: (listeners) => ((host.listeners = listeners), host),
  });
  await engine.start();
  engine.microphone.start(() => {}, () => {});
  await settle();
  host.listeners.onStreamError?.('input', 'device busy');
  await settle();
  assert.deepEqual(host.opened, ['USB Headset', 'USB Headset']);
  assert.deepEqual(notices, []);
});

test('a microphone unplugged mid-session falls back to the default, with a notice naming it', async () => {
  const host = new UnpluggableHost();
  const notices: AudioNotice[] = [];
  let frames = 0;
  const engine = new NativeAudioEngine({
    inputDevice: 'USB Headset',
    onNotice: (notice) => notices.push(notice),
    createHost: (listeners) => ((host.listeners = listeners), host),
  });
  await engine.start();
  engine.microphone.start(() => frames++, () => {});
  await settle();
  host.present.delete('USB Headset');
  host.listeners.onStreamError?.('input', 'device unplugged');
  await settle();
  assert.deepEqual(host.opened, ['USB Headset', undefined]);
  assert.equal(notices.length, 1);
  assert.equal(notices[0]!.kind, 'device-fallback');
  assert.match(notices[0]!.message, /microphone "USB Headset" stopped working \(device unplugged\); using the system default/);
  for (let chunk = 0; chunk < 6; chunk++) host.listeners.onCaptured?.(new Uint8Array(TEN_MS_24K_MONO_BYTES), Date.now(), -Infinity);
  assert.ok(frames >= 2, `frames flow from the default microphone (${frames})`);
});

test('a microphone that will not close makes stop() reject with the reason, instead of passing for closed', async () => {
  const host = new UnpluggableHost();
  let frames = 0;
  const engine = new NativeAudioEngine({ createHost: (listeners) => ((host.listeners = listeners), host) });
  await engine.start();
  engine.microphone.start(() => frames++, () => {});
  await settle();
  host.closeFailure = 'the microphone stream did not close within 3000 ms';
  await assert.rejects(engine.microphone.stop(), /did not close within 3000 ms/);
  host.listeners.onCaptured?.(new Uint8Array(TEN_MS_24K_MONO_BYTES), Date.now(), -Infinity);
  assert.equal(frames, 0, 'frames stop at once all the same');
  assert.equal(engine.isMicrophoneOpen, false);
});
