// The echo canceller inside the audio host, on real PulseAudio null sinks: which protection the
// engine reports, that frames keep their shape and stamps, and a real loop from the speaker back
// into the microphone (module-loopback, 60 ms, attenuated) whose echo the canceller removes from
// what the session would get.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { DEFAULT_ECHO_CANCELLATION, type EchoProtection } from '../../../../src-shared/echo-cancellation';
import { NativeAudioEngine, type CaptureLevels } from '../../../../src-main/adapters/audio/native/native-audio-engine';
import { TURNED_OFF_MESSAGE } from '../../../../src-main/adapters/audio/native/echo-stage';
import { speechLike } from '../echo-canceller/synthetic-room';
import { startLeakCheck } from '../../../support/leak-check';
import { pulseAudioUnavailableReason, startPulseAudio, type PulseAudioFixture } from '../../../support/pulse-audio';

const unavailable = pulseAudioUnavailableReason();
let pulse: PulseAudioFixture | undefined;
before(() => {
  if (!unavailable) pulse = startPulseAudio();
});
after(() => pulse?.close());

const ECHO_OFF = Object.freeze({ ...DEFAULT_ECHO_CANCELLATION, enabled: false });
const MIN_ECHO_REMOVED_DB = 25;
/** The loop back into the microphone: 60 ms late, its volume lowered (PulseAudio's cubic scale: 50 % ≈ -18 dB). */
const LOOPBACK_LATENCY_MS = 60;
const LOOPBACK_VOLUME = '50%';
const SPEECH_SECONDS = 12;
/** The canceller converges within about half a second; the measure starts well after. */
const MEASURE_LAST_SECONDS = 4;
/** Chunks quieter than this before the canceller carry no echo to measure. */
const ECHO_PRESENT_DBFS = -60;
const FIRST_BUFFER_WAIT_MS = 1_500;
const CHUNKS_PER_SECOND = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function pactl(...args: string[]): string {
  const result = spawnSync('pactl', args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pactl ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout.trim();
}

/** Routes the speaker's monitor back into the microphone sink; returns the unload. */
function loopSpeakerIntoMicrophone(volume: string): () => void {
  const module = pactl('load-module', 'module-loopback', 'source=spk.monitor', 'sink=micsink', `latency_msec=${LOOPBACK_LATENCY_MS}`, 'adjust_time=0');
  const listing = pactl('list', 'sink-inputs');
  const block = listing.split(/\n(?=Sink Input #)/).find((entry) => new RegExp(`Owner Module: ${module}\\b`).test(entry));
  const index = block && /^Sink Input #(\d+)/.exec(block)?.[1];
  if (!index) throw new Error(`no sink input for loopback module ${module}:\n${listing}`);
  pactl('set-sink-input-volume', index, volume);
  return () => pactl('unload-module', module);
}

/** 24 kHz mono PCM16 speech-like audio (speechLike gives PCM16 sample values), handed to the speaker in 20 ms frames as a session does. */
function playSpeech(engine: NativeAudioEngine, seconds: number): void {
  const samples = speechLike(seconds, { pitchHz: 120, seed: 7, levelDbfs: -18 });
  const pcm = Buffer.alloc(samples.length * 2);
  for (let index = 0; index < samples.length; index++) pcm.writeInt16LE(Math.max(-32_768, Math.min(32_767, Math.round(samples[index]!))), index * 2);
  for (let offset = 0; offset < pcm.length; offset += 960) engine.speaker.write({ pcm: pcm.subarray(offset, offset + 960), sampleRate: 24_000, channels: 1, itemId: 'item_echo' });
  engine.speaker.endItem?.('item_echo');
}

function powerDb(levels: readonly number[]): number {
  let sum = 0;
  for (const dbfs of levels) sum += 10 ** (dbfs / 10);
  return 10 * Math.log10(sum / levels.length);
}

interface EchoMeasure {
  /** Mean power over the last seconds of echo, before and after the canceller, dBFS. */
  readonly rawDb: number;
  readonly cleanedDb: number;
  /** Echo removed in each of those seconds, dB. */
  readonly removedPerSecondDb: readonly number[];
  readonly protection: EchoProtection | undefined;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Plays speech through the loop with the microphone open; levels over the last seconds of echo. */
async function measureEcho(echoCancellation: typeof DEFAULT_ECHO_CANCELLATION, onDiagnostic: (line: string) => void): Promise<EchoMeasure> {
  const engine = new NativeAudioEngine({ echoCancellation });
  const levels: CaptureLevels[] = [];
  try {
    await engine.start();
    engine.onCaptureLevels((chunk) => levels.push(chunk));
    engine.microphone.start(() => {}, (error) => assert.fail(String(error)));
    await engine.prepareSpeaker();
    await waitUntil(() => levels.length > 0, 5_000, 'the first captured chunk');
    await sleep(FIRST_BUFFER_WAIT_MS);
    const startedAtMs = Date.now();
    playSpeech(engine, SPEECH_SECONDS);
    await waitUntil(() => (levels.at(-1)?.capturedAtMs ?? 0) > startedAtMs + (SPEECH_SECONDS + 1) * 1000, 20_000, 'the speech to play out');
    const echoChunks = levels.filter((chunk) => chunk.rawRmsDbfs > ECHO_PRESENT_DBFS);
    const last = echoChunks.slice(-MEASURE_LAST_SECONDS * CHUNKS_PER_SECOND);
    assert.ok(last.length === MEASURE_LAST_SECONDS * CHUNKS_PER_SECOND, `only ${echoChunks.length} chunks carried the echo: did the loopback work?`);
    const perSecond: string[] = [];
    for (let start = 0; start < echoChunks.length; start += CHUNKS_PER_SECOND) {
      const second = echoChunks.slice(start, start + CHUNKS_PER_SECOND);
      perSecond.push(`${powerDb(second.map((chunk) => chunk.rawRmsDbfs)).toFixed(0)}/${powerDb(second.map((chunk) => chunk.cleanedRmsDbfs)).toFixed(0)}`);
    }
    onDiagnostic(`raw/cleaned dBFS per second of echo: ${perSecond.join(' ')}`);
    const removedPerSecondDb: number[] = [];
    for (let start = 0; start < last.length; start += CHUNKS_PER_SECOND) {
      const second = last.slice(start, start + CHUNKS_PER_SECOND);
      removedPerSecondDb.push(powerDb(second.map((chunk) => chunk.rawRmsDbfs)) - powerDb(second.map((chunk) => chunk.cleanedRmsDbfs)));
    }
    return {
      rawDb: powerDb(last.map((chunk) => chunk.rawRmsDbfs)),
      cleanedDb: powerDb(last.map((chunk) => chunk.cleanedRmsDbfs)),
      removedPerSecondDb,
      protection: engine.echoProtection,
    };
  } finally {
    await engine.shutdown();
  }
}

test('the engine reports the canceller by default, and the gate (turned off) when echo cancellation is off', { skip: unavailable, timeout: 30_000 }, async () => {
  const leaks = startLeakCheck();
  for (const [settings, expected] of [
    [undefined, 'canceller'],
    [ECHO_OFF, 'gate'],
  ] as const) {
    const reported: EchoProtection[] = [];
    const engine = new NativeAudioEngine({ echoCancellation: settings, onEchoProtection: (protection) => reported.push(protection) });
    try {
      await engine.start();
      assert.equal(engine.echoProtection, undefined, 'nothing to report before the microphone opens');
      engine.microphone.start(() => {}, (error) => assert.fail(String(error)));
      await waitUntil(() => reported.length > 0, 5_000, 'the protection');
      const protection = engine.echoProtection!;
      assert.deepEqual(reported, [protection]);
      assert.equal(protection.kind, expected);
      if (protection.kind === 'canceller') {
        assert.ok(protection.delayHintMs > 20 && protection.delayHintMs < 200, `delay hint ${protection.delayHintMs} ms`);
      } else {
        assert.deepEqual(protection, { kind: 'gate', reason: 'turned-off', message: TURNED_OFF_MESSAGE });
      }
    } finally {
      await engine.shutdown();
    }
    assert.equal(engine.audioProcessId, undefined, 'the audio process is gone');
  }
  await leaks.assertNothingLeft();
});

test('microphone frames still arrive as 20 ms of 24 kHz mono, stamped 20 ms apart, with one level pair per 10 ms', { skip: unavailable, timeout: 30_000 }, async () => {
  const engine = new NativeAudioEngine();
  try {
    await engine.start();
    const stamps: number[] = [];
    const sizes = new Set<number>();
    const levels: CaptureLevels[] = [];
    const unsubscribe = engine.onCaptureLevels((chunk) => levels.push(chunk));
    engine.microphone.start(
      (frame) => {
        stamps.push(frame.capturedAtMs);
        sizes.add(frame.pcm.length);
      },
      (error) => assert.fail(String(error)),
    );
    await waitUntil(() => stamps.length >= 100, 8_000, '100 frames');
    unsubscribe();
    const levelsAtUnsubscribe = levels.length;
    await waitUntil(() => stamps.length >= 110, 2_000, '10 more frames');
    assert.equal(levels.length, levelsAtUnsubscribe, 'no levels after unsubscribing');
    assert.deepEqual([...sizes], [960], 'every frame is 480 samples of PCM16');
    for (let index = 1; index < stamps.length; index++) assert.ok(stamps[index]! >= stamps[index - 1]!, 'stamps never go back');
    const meanSpacing = (stamps.at(-1)! - stamps[0]!) / (stamps.length - 1);
    assert.ok(Math.abs(meanSpacing - 20) < 0.5, `frames are ${meanSpacing.toFixed(2)} ms apart on average`);
    // A frame is stamped with its first sample's time: in the past, by less than the first buffer's wait.
    const ageMs = Date.now() - stamps.at(-1)!;
    assert.ok(ageMs >= 0 && ageMs < 1_000, `the last frame is ${ageMs} ms old`);
    const levelSpacing = (levels.at(-1)!.capturedAtMs - levels[0]!.capturedAtMs) / (levels.length - 1);
    assert.ok(Math.abs(levelSpacing - 10) < 0.5, `level pairs are ${levelSpacing.toFixed(2)} ms apart on average`);
  } finally {
    await engine.shutdown();
  }
});

/**
 * The loop is a real one: the speaker's monitor, 60 ms later and about 18 dB quieter, is the
 * microphone. The canceller's verdict is the median of the last seconds: on this 2-core machine
 * under other tests' load, PulseAudio itself sometimes underruns (the loopback or the speaker),
 * which moves the echo by tens of milliseconds and costs the canceller about a second to follow;
 * one such second dominates a plain mean, which is printed as well.
 */
/** Runs of the measurement before the canceller is judged to fail. */
const ECHO_ATTEMPTS = 3;

test(`the canceller removes at least ${MIN_ECHO_REMOVED_DB} dB of the speaker's echo from the microphone; off, nothing is removed`, { skip: unavailable, timeout: 180_000 }, async (t) => {
  const unload = loopSpeakerIntoMicrophone(LOOPBACK_VOLUME);
  try {
    // Up to ECHO_ATTEMPTS runs, each printed: a sound-server underrun (invisible to Parley, see
    // above) can spoil one run's seconds; a canceller that does not cancel fails every run.
    let on: Awaited<ReturnType<typeof measureEcho>> | undefined;
    let removedDb = -Infinity;
    for (let attempt = 1; attempt <= ECHO_ATTEMPTS && removedDb < MIN_ECHO_REMOVED_DB; attempt++) {
      on = await measureEcho(DEFAULT_ECHO_CANCELLATION, (line) => t.diagnostic(line));
      removedDb = median(on.removedPerSecondDb);
      t.diagnostic(
        `attempt ${attempt}, canceller on: raw ${on.rawDb.toFixed(1)} dBFS, cleaned ${on.cleanedDb.toFixed(1)} dBFS over the last ${MEASURE_LAST_SECONDS} s (mean: ${(on.rawDb - on.cleanedDb).toFixed(1)} dB removed); ` +
          `per second ${on.removedPerSecondDb.map((db) => db.toFixed(1)).join(', ')} dB, median ${removedDb.toFixed(1)} dB (${JSON.stringify(on.protection)})`,
      );
    }
    assert.ok(on);
    const off = await measureEcho(ECHO_OFF, (line) => t.diagnostic(line));
    t.diagnostic(`canceller off: raw ${off.rawDb.toFixed(1)} dBFS, cleaned ${off.cleanedDb.toFixed(1)} dBFS`);
    assert.equal(on.protection?.kind, 'canceller');
    assert.ok(removedDb >= MIN_ECHO_REMOVED_DB, `removed only ${removedDb.toFixed(1)} dB (median of ${on.removedPerSecondDb.map((db) => db.toFixed(1)).join(', ')})`);
    assert.ok(Math.max(...off.removedPerSecondDb.map(Math.abs)) < 0.5, `with the canceller off the level changed: ${off.removedPerSecondDb.map((db) => db.toFixed(1)).join(', ')} dB`);
    // The echo really reached the microphone, at the lowered level (the volume was not refused).
    assert.ok(off.rawDb > -50 && off.rawDb < -30, `the echo reached the microphone at ${off.rawDb.toFixed(1)} dBFS`);
  } finally {
    unload();
  }
});

test('setEchoCancellation switches the protection of an open microphone, and frames keep flowing', { skip: unavailable, timeout: 30_000 }, async () => {
  const reported: EchoProtection[] = [];
  const engine = new NativeAudioEngine({ onEchoProtection: (protection) => reported.push(protection) });
  try {
    await engine.start();
    let frames = 0;
    engine.microphone.start(() => frames++, (error) => assert.fail(String(error)));
    await waitUntil(() => frames >= 10, 8_000, 'frames');
    const pid = engine.audioProcessId;
    assert.equal(engine.echoProtection?.kind, 'canceller');
    await engine.setEchoCancellation(ECHO_OFF);
    assert.deepEqual(engine.echoProtection, { kind: 'gate', reason: 'turned-off', message: TURNED_OFF_MESSAGE });
    const afterOff = frames;
    await waitUntil(() => frames >= afterOff + 10, 2_000, 'frames after turning it off');
    await engine.setEchoCancellation({ ...DEFAULT_ECHO_CANCELLATION, noiseSuppression: false });
    assert.equal(engine.echoProtection?.kind, 'canceller');
    assert.deepEqual(
      reported.map((protection) => protection.kind),
      ['canceller', 'gate', 'canceller'],
    );
    assert.equal(pulse!.streams('source-outputs', pid).length, 1, 'one recording all along');
    assert.equal(engine.audioProcessId, pid, 'nothing crashed');
    // Closed, new settings wait for the next open.
    await engine.microphone.stop();
    await engine.setEchoCancellation(ECHO_OFF);
    assert.equal(reported.length, 3);
    engine.microphone.start(() => {}, (error) => assert.fail(String(error)));
    await waitUntil(() => reported.length === 4, 5_000, 'the reopened protection');
    assert.equal(reported[3]!.kind, 'gate');
  } finally {
    await engine.shutdown();
  }
});

test('a restarted audio process reopens the microphone with the same echo settings', { skip: unavailable, timeout: 30_000 }, async () => {
  const reported: EchoProtection[] = [];
  const engine = new NativeAudioEngine({ echoCancellation: ECHO_OFF, onEchoProtection: (protection) => reported.push(protection) });
  try {
    await engine.start();
    engine.microphone.start(() => {}, (error) => assert.fail(String(error)));
    await waitUntil(() => reported.length === 1, 5_000, 'the protection');
    process.kill(engine.audioProcessId!, 'SIGKILL');
    await waitUntil(() => reported.length === 2, 8_000, 'the protection after the restart');
    assert.deepEqual(reported[1], { kind: 'gate', reason: 'turned-off', message: TURNED_OFF_MESSAGE });
  } finally {
    await engine.shutdown();
  }
});
