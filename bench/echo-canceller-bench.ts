/**
 * Echo canceller benchmark (issue 11): WebRTC AEC3 from @livekit/rtc-ffi-bindings, in process,
 * no devices.
 *
 *   cost   one 20 ms frame = two 10 ms processReverse calls (speaker) + two 10 ms processCapture
 *          calls (microphone, with the delay hint), on the synthetic room's speech-like signals,
 *          noise suppression and high-pass on (the default). µs per 20 ms frame, p50 / p99.
 *   room   the synthetic room of test/adapters/audio/echo-canceller/synthetic-room.ts (far end
 *          delayed 60 ms and 10 dB down, a person talking over it from 6 to 8 s): echo removed
 *          (ERLE, dB, far-end-only stretches after the first second), the person's level change
 *          during double talk, their margin over the residual echo, the first 250 ms window with
 *          30 dB of ERLE, and ERLE with the delay hint 40 ms off either way.
 *
 * Usage: npx tsx bench/echo-canceller-bench.ts [--frames N] [--json]
 * Exit code 1 only when the canceller cannot be created (the error is printed).
 */
import { pathToFileURL } from 'node:url';
import { parseBenchFlags, UsageError } from './cli';
import { createEchoCanceller, ECHO_CANCELLER_FRAME_SAMPLES, type EchoCancellerOptions } from '../src-main/adapters/audio/echo-canceller/echo-canceller';
import { after, energy, erleDb, ratioDb, ROOM_DELAY_MS, runRoom, standardScenario, type RoomScenario } from '../test/adapters/audio/echo-canceller/synthetic-room';
import { distribution, fmt, table, type Distribution } from '../test/support/stats';

export const TARGET_FRAME_P99_US = 2_000;
export const TARGET_ERLE_DB = 30;
const CONVERGENCE_WINDOW_S = 0.25;
const DELAY_HINT_ERROR_MS = 40;

export interface EchoCancellerRoomRow {
  readonly noiseSuppression: boolean;
  readonly erleDb: number;
  readonly doubleTalkLevelChangeDb: number;
  readonly personOverResidualEchoDb: number;
  readonly erleAfterDoubleTalkDb: number;
  readonly convergenceS: number;
  readonly erleDelayHintEarlyDb: number;
  readonly erleDelayHintLateDb: number;
}

export interface EchoCancellerBenchResult {
  /** µs per 20 ms frame (2 × reverse + 2 × capture). */
  readonly frameUs: Distribution;
  readonly room: readonly EchoCancellerRoomRow[];
}

function cancellerOptions(noiseSuppression: boolean): EchoCancellerOptions {
  return { sampleRateHz: 24_000, noiseSuppression, highPassFilter: true, autoGainControl: false };
}

function runOnce(scenario: RoomScenario, noiseSuppression: boolean, withNearEnd: boolean, delayHintMs = ROOM_DELAY_MS): Float32Array {
  const canceller = createEchoCanceller(cancellerOptions(noiseSuppression));
  try {
    return runRoom(canceller, scenario, withNearEnd, delayHintMs);
  } finally {
    canceller.close();
  }
}

/** Start of the first window in the first far-end-only stretch with at least `targetDb` of ERLE. */
function firstWindowReaching(scenario: RoomScenario, output: Float32Array, targetDb: number): number {
  const stretch = scenario.farEndOnly[0]!;
  for (let fromS = stretch.fromS; fromS + CONVERGENCE_WINDOW_S <= stretch.toS; fromS += CONVERGENCE_WINDOW_S) {
    if (erleDb(scenario.echo, output, [{ fromS, toS: fromS + CONVERGENCE_WINDOW_S }]) >= targetDb) return fromS;
  }
  return Infinity;
}

function measureRoom(scenario: RoomScenario, noiseSuppression: boolean): EchoCancellerRoomRow {
  const echoOnly = runOnce(scenario, noiseSuppression, false);
  const withPerson = runOnce(scenario, noiseSuppression, true);
  const settled = after(scenario.farEndOnly, 1);
  const afterDoubleTalk = scenario.farEndOnly.filter((stretch) => stretch.fromS >= scenario.doubleTalk[0]!.toS);
  return {
    noiseSuppression,
    erleDb: erleDb(scenario.echo, echoOnly, settled),
    doubleTalkLevelChangeDb: ratioDb(energy(withPerson, scenario.doubleTalk), energy(scenario.nearEnd, scenario.doubleTalk)),
    personOverResidualEchoDb: ratioDb(energy(withPerson, scenario.doubleTalk), energy(echoOnly, scenario.doubleTalk)),
    erleAfterDoubleTalkDb: erleDb(scenario.echo, withPerson, afterDoubleTalk),
    convergenceS: firstWindowReaching(scenario, echoOnly, TARGET_ERLE_DB),
    erleDelayHintEarlyDb: erleDb(scenario.echo, runOnce(scenario, noiseSuppression, false, ROOM_DELAY_MS - DELAY_HINT_ERROR_MS), settled),
    erleDelayHintLateDb: erleDb(scenario.echo, runOnce(scenario, noiseSuppression, false, ROOM_DELAY_MS + DELAY_HINT_ERROR_MS), settled),
  };
}

function measureFrameCost(scenario: RoomScenario, frames: number): Distribution {
  const canceller = createEchoCanceller(cancellerOptions(true));
  try {
    canceller.setStreamDelayMs(ROOM_DELAY_MS);
    const frameSamples = ECHO_CANCELLER_FRAME_SAMPLES;
    const available = Math.floor(scenario.farEnd.length / (2 * frameSamples));
    const reference = [new Int16Array(frameSamples), new Int16Array(frameSamples)];
    const microphone = [new Int16Array(frameSamples), new Int16Array(frameSamples)];
    const warmup = Math.min(200, Math.floor(frames / 10));
    const samples = new Float64Array(frames);
    for (let frame = 0; frame < warmup + frames; frame++) {
      const start = (frame % available) * 2 * frameSamples;
      for (let half = 0; half < 2; half++) {
        for (let index = 0; index < frameSamples; index++) {
          const at = start + half * frameSamples + index;
          reference[half]![index] = Math.round(scenario.farEnd[at]!);
          microphone[half]![index] = Math.round(scenario.echo[at]! + scenario.nearEnd[at]!);
        }
      }
      const began = process.hrtime.bigint();
      canceller.processReverse(reference[0]!);
      canceller.processCapture(microphone[0]!);
      canceller.processReverse(reference[1]!);
      canceller.processCapture(microphone[1]!);
      const elapsedNs = Number(process.hrtime.bigint() - began);
      if (frame >= warmup) samples[frame - warmup] = elapsedNs / 1000;
    }
    return distribution(samples);
  } finally {
    canceller.close();
  }
}

/** For bench/audio-bench.ts: the per-frame cost over `frames` 20 ms frames, and the room numbers. */
export function measureEchoCanceller(options: { readonly frames: number }): EchoCancellerBenchResult {
  const scenario = standardScenario();
  return { frameUs: measureFrameCost(scenario, options.frames), room: [measureRoom(scenario, false), measureRoom(scenario, true)] };
}

export function formatEchoCanceller(result: EchoCancellerBenchResult): string {
  const cost = result.frameUs;
  const pass = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  return [
    'Echo canceller (WebRTC AEC3, 24 kHz mono, noise suppression + high-pass)',
    table(
      ['per 20 ms frame (2 × reverse + 2 × capture)', 'frames', 'p50 µs', 'p99 µs', 'max µs', `target p99 < ${TARGET_FRAME_P99_US} µs`],
      [['cost', String(cost.count), fmt(cost.median), fmt(cost.p99), fmt(cost.max), pass(cost.p99 < TARGET_FRAME_P99_US)]],
    ),
    '',
    `Synthetic room: echo ${ROOM_DELAY_MS} ms late and 10 dB down; the person talks over it from 6 to 8 s`,
    table(
      ['noise suppression', 'ERLE dB', 'person Δ dB (double talk)', 'person over echo dB', 'ERLE after double talk dB', `first ${CONVERGENCE_WINDOW_S * 1000} ms window ≥ ${TARGET_ERLE_DB} dB, s`, `ERLE hint −${DELAY_HINT_ERROR_MS} ms`, `ERLE hint +${DELAY_HINT_ERROR_MS} ms`, `target ERLE ≥ ${TARGET_ERLE_DB}`],
      result.room.map((row) => [
        row.noiseSuppression ? 'on' : 'off',
        fmt(row.erleDb),
        fmt(row.doubleTalkLevelChangeDb),
        fmt(row.personOverResidualEchoDb),
        fmt(row.erleAfterDoubleTalkDb),
        fmt(row.convergenceS, 2),
        fmt(row.erleDelayHintEarlyDb),
        fmt(row.erleDelayHintLateDb),
        pass(row.erleDb >= TARGET_ERLE_DB && Math.abs(row.doubleTalkLevelChangeDb) <= 12),
      ]),
    ),
    '',
  ].join('\n');
}

interface Options {
  readonly frames: number;
  readonly json: boolean;
}

function usage(): string {
  return ['usage: npx tsx bench/echo-canceller-bench.ts [options]', '', '  --frames N   measured 20 ms frames for the cost (default 3000)', '  --json       one JSON document on stdout', '  --help', ''].join('\n');
}

function parseOptions(argv: readonly string[]): Options | undefined {
  let frames = 3_000;
  let json = false;
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index];
    if (flag === '--help') return undefined;
    if (flag === '--json') json = true;
    else if (flag === '--frames') {
      frames = Number(argv[++index]);
      if (!Number.isInteger(frames) || frames < 1) throw new UsageError('--frames takes a positive whole number');
    } else throw new UsageError(`unknown flag ${String(flag)}`);
  }
  return { frames, json };
}

function main(): number {
  const parsed = parseBenchFlags('echo-canceller-bench', parseOptions, usage);
  if ('exitCode' in parsed) return parsed.exitCode;
  let result: EchoCancellerBenchResult;
  try {
    result = measureEchoCanceller({ frames: parsed.options.frames });
  } catch (error) {
    process.stderr.write(`echo-canceller-bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(parsed.options.json ? `${JSON.stringify(result, null, 2)}\n` : formatEchoCanceller(result));
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main();
