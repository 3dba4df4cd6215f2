// The real WebRTC AEC3 from @livekit/rtc-ffi-bindings on a synthetic room (synthetic-room.ts):
// the assistant's voice as the reference, the microphone hearing it 60 ms later and 10 dB quieter,
// a person talking over it from 6 to 8 s. No mocks: if the native library cannot load, these fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createEchoCanceller,
  ECHO_CANCELLER_FRAME_SAMPLES,
  EchoCancellerUnavailableError,
  type EchoCanceller,
  type EchoCancellerOptions,
} from '../../../../src-main/adapters/audio/echo-canceller/echo-canceller';
import { after, energy, erleDb, ratioDb, runRoom, standardScenario } from './synthetic-room';

const MIN_ERLE_DB = 30;
const MAX_DOUBLE_TALK_LOSS_DB = 12;
const SETTLE_S = 1;
const LEAK_CYCLES = 20;
/** One instance that processed a second of audio holds about 0.7 MB (measured); 20 leaked ≈ 14 MB. */
const MAX_RSS_GROWTH_BYTES = 6 * 1024 * 1024;

function options(noiseSuppression: boolean): EchoCancellerOptions {
  return { sampleRateHz: 24_000, noiseSuppression, highPassFilter: true, autoGainControl: false };
}

function withCanceller<T>(noiseSuppression: boolean, use: (canceller: EchoCanceller) => T): T {
  const canceller = createEchoCanceller(options(noiseSuppression));
  try {
    return use(canceller);
  } finally {
    canceller.close();
  }
}

const scenario = standardScenario();

for (const noiseSuppression of [false, true]) {
  const label = noiseSuppression ? 'with noise suppression' : 'without noise suppression';

  test(`removes at least ${MIN_ERLE_DB} dB of a 60 ms, -10 dB echo after the first second (${label})`, () => {
    const output = withCanceller(noiseSuppression, (canceller) => runRoom(canceller, scenario, false));
    const stretches = after(scenario.farEndOnly, SETTLE_S);
    const erle = erleDb(scenario.echo, output, stretches);
    assert.ok(erle >= MIN_ERLE_DB, `ERLE ${erle.toFixed(1)} dB < ${MIN_ERLE_DB} dB`);
    // Unprocessed, the microphone would read 0 dB here: proves the measure can fail.
    assert.equal(erleDb(scenario.echo, scenario.echo, stretches), 0);
  });

  test(`keeps the person's voice within ${MAX_DOUBLE_TALK_LOSS_DB} dB during double talk and cancels again after it (${label})`, () => {
    const echoOnly = withCanceller(noiseSuppression, (canceller) => runRoom(canceller, scenario, false));
    const output = withCanceller(noiseSuppression, (canceller) => runRoom(canceller, scenario, true));
    const retentionDb = ratioDb(energy(output, scenario.doubleTalk), energy(scenario.nearEnd, scenario.doubleTalk));
    assert.ok(Math.abs(retentionDb) <= MAX_DOUBLE_TALK_LOSS_DB, `near-end level changed by ${retentionDb.toFixed(1)} dB`);
    // What came out is the person, not leftover echo: well above the echo-only residual.
    const separationDb = ratioDb(energy(output, scenario.doubleTalk), energy(echoOnly, scenario.doubleTalk));
    assert.ok(separationDb >= 20, `person only ${separationDb.toFixed(1)} dB above the residual echo`);
    const afterDoubleTalk = scenario.farEndOnly.filter((stretch) => stretch.fromS >= scenario.doubleTalk[0]!.toS);
    const erleAfter = erleDb(scenario.echo, output, afterDoubleTalk);
    assert.ok(erleAfter >= MIN_ERLE_DB, `ERLE after double talk ${erleAfter.toFixed(1)} dB < ${MIN_ERLE_DB} dB`);
  });
}

test(`finds a 250 ms echo by itself when the delay hint says 60 ms (at least ${MIN_ERLE_DB} dB removed)`, () => {
  const lateRoom = standardScenario(250);
  const output = withCanceller(true, (canceller) => runRoom(canceller, lateRoom, false, 60));
  const erle = erleDb(lateRoom.echo, output, after(lateRoom.farEndOnly, SETTLE_S));
  assert.ok(erle >= MIN_ERLE_DB, `ERLE ${erle.toFixed(1)} dB < ${MIN_ERLE_DB} dB`);
});

test('leaves a microphone without any far end nearly untouched when every filter is off', () => {
  const canceller = createEchoCanceller({ sampleRateHz: 24_000, noiseSuppression: false, highPassFilter: false, autoGainControl: false });
  try {
    const silence = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
    const microphone = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
    let inEnergy = 0;
    let outEnergy = 0;
    // The person alone (6-8 s of the scenario), with a silent speaker.
    for (let start = 6 * 24_000; start + ECHO_CANCELLER_FRAME_SAMPLES <= 8 * 24_000; start += ECHO_CANCELLER_FRAME_SAMPLES) {
      for (let index = 0; index < ECHO_CANCELLER_FRAME_SAMPLES; index++) microphone[index] = Math.round(scenario.nearEnd[start + index]!);
      for (const value of microphone) inEnergy += value * value;
      canceller.processReverse(silence);
      canceller.processCapture(microphone);
      for (const value of microphone) outEnergy += value * value;
    }
    assert.ok(Math.abs(ratioDb(outEnergy, inEnergy)) <= 3, `level changed by ${ratioDb(outEnergy, inEnergy).toFixed(1)} dB`);
  } finally {
    canceller.close();
  }
});

function cycle(close: boolean): void {
  const canceller = createEchoCanceller(options(true));
  const reference = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
  const microphone = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
  for (let frame = 0; frame < 100; frame++) {
    const start = frame * ECHO_CANCELLER_FRAME_SAMPLES;
    for (let index = 0; index < ECHO_CANCELLER_FRAME_SAMPLES; index++) {
      reference[index] = Math.round(scenario.farEnd[start + index]!);
      microphone[index] = Math.round(scenario.echo[start + index]!);
    }
    canceller.processReverse(reference);
    canceller.processCapture(microphone);
  }
  if (close) canceller.close();
}

test(`creating and closing a canceller ${LEAK_CYCLES} times leaks no native memory (and leaking would show)`, () => {
  for (let index = 0; index < 5; index++) cycle(true);
  const before = process.memoryUsage().rss;
  for (let index = 0; index < LEAK_CYCLES; index++) cycle(true);
  const closedGrowth = process.memoryUsage().rss - before;
  assert.ok(closedGrowth < MAX_RSS_GROWTH_BYTES, `RSS grew ${(closedGrowth / 1e6).toFixed(1)} MB over ${LEAK_CYCLES} create/close cycles`);
  // The same cycles without close() must exceed the bound, or the check above proves nothing.
  const beforeLeak = process.memoryUsage().rss;
  for (let index = 0; index < LEAK_CYCLES; index++) cycle(false);
  const leakedGrowth = process.memoryUsage().rss - beforeLeak;
  assert.ok(leakedGrowth > MAX_RSS_GROWTH_BYTES, `unclosed cancellers grew RSS by only ${(leakedGrowth / 1e6).toFixed(1)} MB: the bound cannot see a leak`);
});

test('rejects frames that are not 10 ms before they reach native code, which would abort the process', () => {
  withCanceller(false, (canceller) => {
    assert.throws(() => canceller.processCapture(new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES * 2)), RangeError);
    assert.throws(() => canceller.processReverse(new Int16Array(200)), RangeError);
    assert.throws(() => canceller.processCapture(new Float32Array(ECHO_CANCELLER_FRAME_SAMPLES) as unknown as Int16Array), RangeError);
    assert.throws(() => canceller.setStreamDelayMs(-1), RangeError);
    assert.throws(() => canceller.setStreamDelayMs(Number.NaN), RangeError);
    // Still usable after refusing them.
    canceller.processCapture(new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES));
  });
});

test('close is idempotent and any use after it throws an instruction', () => {
  const canceller = createEchoCanceller(options(false));
  canceller.close();
  canceller.close();
  assert.throws(() => canceller.processCapture(new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES)), /after close\(\)/);
  assert.throws(() => canceller.processReverse(new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES)), /after close\(\)/);
  assert.throws(() => canceller.setStreamDelayMs(60), /after close\(\)/);
});

test('refuses a sample rate other than 24 kHz', () => {
  assert.throws(() => createEchoCanceller({ ...options(false), sampleRateHz: 48_000 as 24_000 }), /24000/);
});

test('says the canceller is unavailable, and why, when the native library cannot be found', () => {
  // The same two source files, copied where no node_modules can be found: the real load failure.
  const folder = mkdtempSync(join(tmpdir(), 'parley-aec-'));
  try {
    const sources = fileURLToPath(new URL('../../../../src-main/adapters/audio/echo-canceller/', import.meta.url));
    for (const name of ['echo-canceller.ts', 'webrtc-apm.ts']) copyFileSync(join(sources, name), join(folder, name));
    writeFileSync(
      join(folder, 'probe.ts'),
      [
        "import { createEchoCanceller, EchoCancellerUnavailableError } from './echo-canceller';",
        'try {',
        "  createEchoCanceller({ sampleRateHz: 24000, noiseSuppression: true, highPassFilter: true, autoGainControl: false });",
        "  console.log(JSON.stringify({ created: true }));",
        '} catch (error) {',
        '  console.log(JSON.stringify({ unavailable: error instanceof EchoCancellerUnavailableError, name: (error as Error).name, message: (error as Error).message }));',
        '}',
      ].join('\n'),
    );
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const result = spawnSync(process.execPath, ['--import', tsx, join(folder, 'probe.ts')], { cwd: folder, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const outcome = JSON.parse(result.stdout.trim()) as { unavailable?: boolean; name?: string; message?: string };
    assert.equal(outcome.unavailable, true, result.stdout);
    assert.equal(outcome.name, EchoCancellerUnavailableError.name);
    assert.match(outcome.message ?? '', /Echo cancellation is unavailable on .*@livekit\/rtc-ffi-bindings could not be loaded/);
    assert.match(outcome.message ?? '', /Cannot find module/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
