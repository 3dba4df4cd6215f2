// The app's audio lifecycle: what the AudioController opens it closes again (on Stop, mic check
// off, after the test sound), a failed close becomes a readable notice, and the app hears about
// real changes only. First against the in-process engine double, then the whole app core on
// PulseAudio null sinks with the real audio process: a mic check and five start/stop cycles send
// one clean copy of the microphone each, and after the last Stop nothing of the app is open and
// its audio process idles.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { LevelsEvent } from '../../src-shared/ipc-contract';
import { AudioController, type AudioEngineFactory } from '../../src-main/app/audio-controller';
import { nativeAudioFactory } from '../../src-main/app/create-desktop-app';
import { NativeAudioEngine } from '../../src-main/adapters/audio/native/native-audio-engine';
import { encodeWavPcm16 } from '../../src-main/core/audio/wav';
import { silentLogger } from '../../src-main/core/util/logger';
import { startAppHarness } from '../support/app-harness';
import { fakeAudio, type FakeAudioEngine } from '../support/fake-audio-engine';
import { startMockRealtimeServer } from '../support/mock-realtime-server';
import { sessionStarted } from '../support/v2-server-events';
import { pulseAudioUnavailableReason, startPulseAudio, type PulseAudioFixture } from '../support/pulse-audio';

const KEY = 'sk-test-audio-lifecycle-0123456789';
const LEVELS_INTERVAL_MS = 5;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - started;
}

interface ControllerProbe {
  controller: AudioController;
  engine(): FakeAudioEngine;
  changes: number;
  levels: LevelsEvent[];
  notices: string[];
}

function controllerWithFakeEngine(t: TestContext): ControllerProbe {
  const audio = fakeAudio();
  const probe: ControllerProbe = {
    controller: undefined as unknown as AudioController,
    engine: () => audio.engines[0]!,
    changes: 0,
    levels: [],
    notices: [],
  };
  probe.controller = new AudioController({
    createEngine: audio.factory,
    devices: () => ({ input: null, output: null }),
    logger: silentLogger,
    onLevels: (levels) => probe.levels.push(levels),
    onNotice: (kind, message) => probe.notices.push(`${kind}: ${message}`),
    onChange: () => probe.changes++,
    levelsIntervalMs: LEVELS_INTERVAL_MS,
  });
  t.after(() => probe.controller.shutdown());
  return probe;
}

/** A session as AppController runs one: speaker first, attach once live, detach on Stop. */
async function runSession(controller: AudioController): Promise<{ sink: NonNullable<Awaited<ReturnType<AudioController['speakerForSession']>>>; frames: number[] }> {
  const frames: number[] = [];
  const sink = await controller.speakerForSession();
  assert.ok(sink);
  await controller.attachSession((frame) => frames.push(frame.pcm.byteLength));
  return { sink, frames };
}

test('Stop closes the microphone and the session speaker, and audio written after it is dropped', async (t) => {
  const probe = controllerWithFakeEngine(t);
  const { sink } = await runSession(probe.controller);
  const engine = probe.engine();
  assert.deepEqual([engine.microphoneOpen, engine.speakerOpen], [true, true], 'a live session has both open');
  await probe.controller.attachSession(undefined);
  await probe.controller.settled();
  assert.deepEqual([engine.microphoneOpen, engine.speakerOpen], [false, false]);
  assert.deepEqual(engine.lifecycle.slice(-2).sort(), ['microphone:close', 'speaker:close'], 'Stop silences the speaker at once');
  sink.write({ pcm: Buffer.alloc(960), sampleRate: 24_000, channels: 1, itemId: 'late' });
  assert.equal(engine.speakerOpen, false, 'a late delta of the stopped session does not reopen the speaker');
  assert.equal(engine.written.length, 0);
  assert.deepEqual(probe.notices, []);
});

test('five sessions open and close the microphone and speaker once each, never twice at a time', async (t) => {
  const probe = controllerWithFakeEngine(t);
  await probe.controller.setMicCheck(true);
  await probe.controller.setMicCheck(false);
  for (let cycle = 0; cycle < 5; cycle++) {
    await runSession(probe.controller);
    await probe.controller.releaseSession();
  }
  await probe.controller.settled();
  const lifecycle = probe.engine().lifecycle;
  for (const device of ['microphone', 'speaker']) {
    const steps = lifecycle.filter((step) => step.startsWith(device));
    assert.equal(steps.length % 2, 0, `${device}: ${steps.join(', ')}`);
    steps.forEach((step, index) => assert.equal(step, `${device}:${index % 2 === 0 ? 'open' : 'close'}`, `${device} alternates: ${steps.join(', ')}`));
  }
  assert.equal(lifecycle.filter((step) => step === 'microphone:open').length, 6, 'the mic check and five sessions');
  assert.equal(lifecycle.filter((step) => step === 'speaker:open').length, 5);
});

test('a session that never went live holds no device, and the next Stop releases its speaker', async (t) => {
  const probe = controllerWithFakeEngine(t);
  const sink = await probe.controller.speakerForSession();
  assert.ok(sink);
  assert.equal(probe.engine().speakerOpen, false, 'the speaker opens when the session goes live, not before');
  sink.write({ pcm: Buffer.alloc(960), sampleRate: 24_000, channels: 1, itemId: 'early' });
  assert.equal(probe.engine().speakerOpen, true, 'early audio opens it');
  await probe.controller.attachSession(undefined);
  await probe.controller.settled();
  assert.equal(probe.engine().speakerOpen, false, 'and the release closes it');
});

test('a close that fails is reported as a readable notice, not swallowed', async (t) => {
  const probe = controllerWithFakeEngine(t);
  await runSession(probe.controller);
  probe.engine().failNextClose = 'the microphone stream did not close within 3000 ms';
  await probe.controller.attachSession(undefined);
  await probe.controller.settled();
  assert.deepEqual(probe.notices, [
    'warning: The microphone did not close cleanly (the microphone stream did not close within 3000 ms); Parley restarts its audio process to release it.',
  ]);
  await runSession(probe.controller);
  probe.engine().failNextClose = 'PortAudio said no';
  await probe.controller.releaseSession();
  await probe.controller.settled();
  assert.equal(probe.notices.length, 2);
  assert.match(probe.notices[1]!, /^warning: The (microphone|speaker) did not close cleanly \(PortAudio said no\)/);
});

test('onChange fires on real changes only, and levels stop once everything is closed and silent', async (t) => {
  const probe = controllerWithFakeEngine(t);
  await probe.controller.setMicCheck(true);
  assert.equal(probe.changes, 1, 'mic check on and microphone open: one change');
  const engine = probe.engine();
  for (let tick = 0; tick < 20; tick++) {
    engine.speak(-20 - tick);
    await sleep(LEVELS_INTERVAL_MS);
  }
  assert.ok(probe.levels.length >= 5, `levels flowed (${probe.levels.length})`);
  assert.equal(probe.changes, 1, 'level ticks are not state changes');
  await probe.controller.setMicCheck(true);
  assert.equal(probe.changes, 1, 'asking again changes nothing');
  await probe.controller.setMicCheck(false);
  assert.equal(probe.changes, 2);
  await sleep(LEVELS_INTERVAL_MS * 4);
  assert.deepEqual(probe.levels.at(-1), { input: { rmsDbfs: -100, peakDbfs: -100 }, output: { rmsDbfs: -100 } }, 'the meters fall to the floor');
  const sent = probe.levels.length;
  await sleep(LEVELS_INTERVAL_MS * 10);
  assert.equal(probe.levels.length, sent, 'nothing open, nothing audible: the levels timer stopped');

  engine.playbackLevelDbfs = -12;
  probe.controller.keepReporting();
  await sleep(LEVELS_INTERVAL_MS * 4);
  assert.equal(probe.changes, 3, 'speaking started');
  engine.playbackLevelDbfs = -Infinity;
  await sleep(LEVELS_INTERVAL_MS * 4);
  assert.equal(probe.changes, 4, 'speaking stopped');
});

test('the test sound opens the speaker and closes it once the chime has played', async (t) => {
  const probe = controllerWithFakeEngine(t);
  await probe.controller.playTestSound();
  const engine = probe.engine();
  assert.equal(engine.speakerOpen, true);
  assert.equal(engine.written.length, 1);
  const closedAfterMs = await until(() => !engine.speakerOpen, 3_000, 'the speaker to close after the chime');
  assert.ok(closedAfterMs >= 400, `closed only after the chime played (${closedAfterMs} ms)`);
  assert.deepEqual(engine.lifecycle, ['speaker:open', 'speaker:close (drained)'], 'the chime plays out before the device closes');
});

test('the test sound during a session leaves the session speaker open', async (t) => {
  const probe = controllerWithFakeEngine(t);
  await runSession(probe.controller);
  await probe.controller.playTestSound();
  await sleep(1_200);
  assert.equal(probe.engine().speakerOpen, true);
  assert.deepEqual([...probe.engine().lifecycle].sort(), ['microphone:open', 'speaker:open'], 'nothing closed, nothing opened twice');
});

test('switching devices goes to the engine in turn with opens and closes', async (t) => {
  const probe = controllerWithFakeEngine(t);
  await probe.controller.setMicCheck(true);
  await probe.controller.switchInput('USB Microphone');
  await probe.controller.switchOutput(null);
  assert.deepEqual(probe.engine().switches, ['input:USB Microphone', 'output:default']);
});

// ---------------------------------------------------------------------------------------------
// The whole app core on PulseAudio: the real audio process, the real app controller.

const unavailable = pulseAudioUnavailableReason();
let pulse: PulseAudioFixture | undefined;
let tonePlayer: ChildProcess | undefined;
before(() => {
  if (!unavailable) pulse = startPulseAudio();
});
after(() => {
  tonePlayer?.kill('SIGKILL');
  pulse?.close();
});

const TONE_HZ = 440;
const TONE_AMPLITUDE = 0.5;
const TONE_SECONDS = 90;
const SAMPLE_RATE = 24_000;
const FRAME_BYTES = 960;
const SESSIONS = 5;
/** How long each session runs once its microphone frames flow. */
const FLOW_MS = 2_000;
/** Frames whose first samples break the tone (a second copy, a gap) that one clean copy may still show (device start). */
const MAX_BREAKS_PER_SESSION = 3;

/** A continuous sine into the fake microphone for the whole test, paced by PulseAudio. */
function playToneIntoMicrophone(dir: string): ChildProcess {
  const samples = TONE_SECONDS * SAMPLE_RATE;
  const pcm = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) {
    pcm.writeInt16LE(Math.round(32767 * TONE_AMPLITUDE * Math.sin((2 * Math.PI * TONE_HZ * index) / SAMPLE_RATE)), index * 2);
  }
  const path = join(dir, 'tone.wav');
  writeFileSync(path, encodeWavPcm16(SAMPLE_RATE, 1, pcm));
  return spawn('paplay', ['--device=micsink', path], { stdio: 'ignore' });
}

/**
 * Where the received audio stops being one sine: x[n+1] = 2cos(w)x[n] - x[n-1] holds for any
 * stretch of a single sine, so a residual far above rounding marks a jump to another copy or a gap.
 */
function toneBreaks(samples: Int16Array): number {
  const twoCos = 2 * Math.cos((2 * Math.PI * TONE_HZ) / SAMPLE_RATE);
  const limit = 0.1 * 32767 * TONE_AMPLITUDE;
  let breaks = 0;
  let lastBreak = -Infinity;
  for (let index = 1; index + 1 < samples.length; index++) {
    const residual = samples[index + 1]! - twoCos * samples[index]! + samples[index - 1]!;
    if (Math.abs(residual) > limit && index - lastBreak > FRAME_BYTES / 2) {
      breaks++;
      lastBreak = index;
    }
  }
  return breaks;
}

/** CPU time (user + system) of a process in ms, from /proc (clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 and 15 of stat(5); the slice starts at field 3.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

test(
  'a mic check and five start/stop cycles send one clean copy of the microphone each, and leave nothing open',
  { skip: unavailable, timeout: 60_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-lifecycle-'));
    tonePlayer = playToneIntoMicrophone(dir);
    const realtime = await startMockRealtimeServer(
      Array.from({ length: SESSIONS }, (_, index) => ({ batches: [sessionStarted(`sess_${index}`)] })),
    );
    t.after(() => realtime.close());
    const engines: NativeAudioEngine[] = [];
    const native = nativeAudioFactory(silentLogger);
    const factory: AudioEngineFactory = (request) => {
      const engine = native(request);
      assert.ok(engine instanceof NativeAudioEngine);
      engines.push(engine);
      return engine;
    };
    const harness = startAppHarness(t, {
      createAudioEngine: factory,
      // A steady tone is exactly what the canceller's noise suppressor removes; this test counts
      // copies of and gaps in the microphone, so it listens without the canceller (the setting
      // reaching the engine is part of what it checks).
      settings: { realtimeUrl: realtime.url, agentBackend: 'none', echoCancellation: false },
      env: { OPENAI_API_KEY: KEY },
    });
    const app = harness.app;
    // If the audio process dies, its reason (and PortAudio's last words) is in the app log.
    t.after(() => {
      for (const line of harness.logLines.filter((text) => /audio/i.test(text))) t.diagnostic(line);
    });
    const recordings = () => pulse!.streams('source-outputs', engines[0]?.audioProcessId).length;
    const playbacks = () => pulse!.streams('sink-inputs', engines[0]?.audioProcessId).length;

    await app.commands['audio.micCheck']({ enabled: true });
    assert.equal(engines.length, 1);
    await harness.waitFor('levels', (levels) => levels.input.rmsDbfs > -20, 5_000);
    assert.equal(recordings(), 1, 'the mic check records once');
    const protection = app.snapshot().echoProtection;
    assert.ok(protection?.kind === 'gate' && protection.reason === 'turned-off', `the window shows the gate, turned off in the settings (got ${JSON.stringify(protection)})`);
    await app.commands['audio.micCheck']({ enabled: false });
    assert.equal(recordings(), 0, 'mic check off closed the recording');

    await app.commands['audio.testSound'](undefined);
    assert.equal(playbacks(), 1, 'the test sound opened the speaker');
    const chimeClosedMs = await until(() => playbacks() === 0, 5_000, 'the speaker to close after the chime');
    t.diagnostic(`test sound: speaker closed ${chimeClosedMs} ms after the chime started`);

    const rates: string[] = [];
    for (let cycle = 0; cycle < SESSIONS; cycle++) {
      await app.commands['session.start'](undefined);
      await realtime.waitForConnections(cycle + 1);
      const connection = realtime.connections[cycle]!;
      const appendsNow = () =>
        connection.frames
          .map((frame, index) => ({ frame: frame as { type?: string; audio?: string }, at: connection.frameTimes[index]! }))
          .filter(({ frame }) => frame.type === 'input_audio_buffer.append');
      // A capture stream takes PulseAudio 0.5-2 s to deliver its first buffer; measure the flow after that.
      const firstFrameMs = await until(() => appendsNow().length > 0, 5_000, `session ${cycle + 1}: its first frame`);
      await sleep(FLOW_MS);
      assert.equal(recordings(), 1, `session ${cycle + 1}: one recording while live`);
      await app.commands['session.stop'](undefined);
      const appends = appendsNow();
      assert.ok(appends.length >= 25, `session ${cycle + 1}: only ${appends.length} frames arrived`);
      const pcm = Buffer.concat(appends.map(({ frame }) => Buffer.from(frame.audio ?? '', 'base64')));
      assert.equal(pcm.byteLength, appends.length * FRAME_BYTES, 'every frame is 20 ms of 24 kHz PCM16');
      // The first frame waits for the device to start; from then on frames flow in real time.
      const flowingMs = appends.at(-1)!.at - appends[0]!.at;
      const framesPerSecond = ((appends.length - 1) * 1000) / flowingMs;
      const breaks = toneBreaks(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2));
      rates.push(framesPerSecond.toFixed(1));
      const longestGapMs = Math.max(...appends.slice(1).map(({ at }, index) => at - appends[index]!.at));
      t.diagnostic(
        `session ${cycle + 1}: first frame after ${firstFrameMs} ms, then ${appends.length} frames over ${flowingMs.toFixed(0)} ms = ${framesPerSecond.toFixed(1)} frames/s (longest gap ${longestGapMs.toFixed(0)} ms), ${breaks} breaks in the tone`,
      );
      assert.ok(framesPerSecond > 42 && framesPerSecond < 58, `session ${cycle + 1}: ${framesPerSecond.toFixed(1)} frames/s where 50 is one copy`);
      assert.ok(breaks <= MAX_BREAKS_PER_SESSION, `session ${cycle + 1}: the tone broke ${breaks} times: more than one copy, or gaps`);
    }
    t.diagnostic(`frames/s per session: ${rates.join(', ')}`);

    assert.equal(recordings(), 0, 'after the last Stop the app records nothing');
    const speakerClosedMs = await until(() => playbacks() === 0, 4_000, 'the session speaker to close');
    t.diagnostic(`after the last Stop: 0 recordings at once, speaker closed after ${speakerClosedMs} ms`);

    const pid = engines[0]!.audioProcessId!;
    await sleep(500);
    const idleMs = 2_500;
    const cpuBefore = cpuMs(pid);
    await sleep(idleMs);
    const idlePercent = ((cpuMs(pid) - cpuBefore) / idleMs) * 100;
    t.diagnostic(`idle audio process ${pid}: ${idlePercent.toFixed(2)} % of a core over ${idleMs} ms`);
    assert.ok(idlePercent < 1, `the idle audio process used ${idlePercent.toFixed(2)} % of a core`);
    assert.equal(engines.length, 1, 'one audio engine the whole time');
    assert.deepEqual([recordings(), playbacks()], [0, 0]);
  },
);
