// The room check on real audio: the app's AudioController with the real NativeAudioEngine (the
// audio process, PortAudio, the WebRTC canceller) on a private PulseAudio server. A loopback from
// the speaker's monitor into the microphone's sink is the room (60 ms, turned down like a laptop's
// speaker-to-microphone path); without it the microphone hears nothing of the speaker.
//
// Measured while the engine's canceller was being wired in: the loopback case passed 4 of 9
// runs. In the failing ones the canceller removes 55 to 60 dB most of the time but leaks (4 to 30
// dB removed) for 0.5 to 2.5 s at random moments, and a leak inside the judged 2 s turns the
// verdict to "headphones". The sound reached the microphone 150 to 770 ms after it was written,
// while the canceller's delay hint was 50 ms; in software, AEC3 with a 50 ms hint fails from
// about 600 ms of true delay. The room check reports that honestly; the engine must fix it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { AudioController } from '../../src-main/app/audio-controller';
import { nativeAudioFactory } from '../../src-main/app/create-desktop-app';
import { silentLogger } from '../../src-main/core/util/logger';
import type { RoomCheckResult } from '../../src-shared/room-check';
import { pulseAudioUnavailableReason, startPulseAudio, type PulseAudioFixture } from '../support/pulse-audio';

const skipReason = pulseAudioUnavailableReason();
const LOOPBACK_LATENCY_MS = 60;
/** PulseAudio volumes are cubic: 40% ≈ -24 dB, a laptop's speaker-to-microphone coupling. */
const LOOPBACK_VOLUME = '40%';
const MIN_ECHO_REMOVED_DB = 25;

let pulse: PulseAudioFixture | undefined;
before(() => {
  if (!skipReason) pulse = startPulseAudio();
});
after(() => pulse?.close());

function pactl(...args: string[]): string {
  const result = spawnSync('pactl', args, { env: { ...process.env, XDG_RUNTIME_DIR: pulse!.runtimeDir }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pactl ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

/** Routes the speaker into the microphone, turned down; returns the unload. */
function loopbackRoom(): () => void {
  const moduleIndex = pactl('load-module', 'module-loopback', 'source=spk.monitor', 'sink=micsink', `latency_msec=${LOOPBACK_LATENCY_MS}`);
  const unload = () => void pactl('unload-module', moduleIndex);
  try {
    // The long listing names each stream's owner module (the short one does not).
    const sinkInput = pactl('list', 'sink-inputs')
      .split(/\n(?=Sink Input #)/)
      .find((block) => new RegExp(`^\\s*Owner Module: ${moduleIndex}$`, 'm').test(block))
      ?.match(/^Sink Input #(\d+)/)?.[1];
    assert.ok(sinkInput, `the loopback (module ${moduleIndex}) has a sink input`);
    pactl('set-sink-input-volume', sinkInput, LOOPBACK_VOLUME);
  } catch (error) {
    unload();
    throw error;
  }
  return unload;
}

function newController(): { controller: AudioController; notices: string[] } {
  const notices: string[] = [];
  const controller = new AudioController({
    createEngine: nativeAudioFactory(silentLogger),
    devices: () => ({ input: null, output: null }),
    logger: silentLogger,
    onLevels: () => {},
    onNotice: (_kind, message) => notices.push(message),
    onChange: () => {},
  });
  return { controller, notices };
}

function report(label: string, result: RoomCheckResult): void {
  process.stdout.write(`# room check, ${label}: ${result.verdict} (${result.reason}) ${JSON.stringify(result.numbers)} protection=${JSON.stringify(result.protection)}\n`);
}

test('speaker looped into the microphone at -24 dB, 60 ms: hands-free, the canceller removes at least 25 dB', { skip: skipReason, timeout: 60_000 }, async (t) => {
  const unload = loopbackRoom();
  t.after(unload);
  const { controller, notices } = newController();
  t.after(() => controller.shutdown());
  const started = Date.now();
  const result = await controller.runRoomCheck();
  const tookMs = Date.now() - started;
  report(`loopback ${LOOPBACK_VOLUME}`, result);
  process.stdout.write(`# room check took ${tookMs} ms\n`);
  assert.equal(result.protection?.kind, 'canceller', `the canceller protects the microphone (${JSON.stringify(result.protection)}; notices: ${notices.join(' | ')})`);
  assert.equal(result.verdict, 'hands-free', `${result.sentence} ${JSON.stringify(result.numbers)}`);
  assert.ok(result.numbers.echoRemovedDb! >= MIN_ECHO_REMOVED_DB, `removed ${result.numbers.echoRemovedDb} dB`);
  // The room is what was asked for: the echo was heard, well below what was played.
  assert.ok(result.numbers.heardDb! < -10 && result.numbers.heardDb! > -40, `heard at ${result.numbers.heardDb} dB`);
  assert.ok(result.numbers.delayMs! >= LOOPBACK_LATENCY_MS, `delay ${result.numbers.delayMs} ms`);
  await controller.settled();
  assert.deepEqual(controller.openStreams.microphone, false, 'the microphone the check opened is closed again');
});

test('nothing connects the speaker to the microphone: inconclusive, "did not hear the test sound"', { skip: skipReason, timeout: 60_000 }, async (t) => {
  const { controller } = newController();
  t.after(() => controller.shutdown());
  const result = await controller.runRoomCheck();
  report('no loopback', result);
  assert.equal(result.verdict, 'inconclusive');
  assert.equal(result.reason, 'not-heard');
  assert.match(result.sentence, /did not hear the test sound/);
});
