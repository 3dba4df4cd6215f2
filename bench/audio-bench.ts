/**
 * Live audio benchmark (issue 3, item 10): the per-frame processing cost of the capture and
 * playback paths, and the local latency of Parley's native audio engine on real-time PulseAudio
 * devices (a private PulseAudio with null sinks, started and stopped here):
 *
 *   cost      CapturePipeline.push of one 20 ms native chunk (48 / 44.1 kHz stereo) + the hands-free
 *             talk-mode/echo-gate decision; PlaybackBuffer.push of one 20 ms 24 kHz delta + the
 *             10 ms device pulls that consume it. µs, median and p99 (bench/audio/frame-cost.ts).
 *   (a)       microphone frame → its input_audio_buffer.append at the mock realtime server, through
 *             NativeAudioEngine + TalkModeController + VoiceSession (v1) + ws transport.
 *   (b)       speaker.write() of an assistant delta → its first sample rendered by the speaker sink.
 *   (c)       speaker.interrupt() → the speaker sink falls silent.
 *   (bench/audio/live-latency.ts; how samples are timed: test/support/pulse-monitor.ts)
 *
 * Usage: npm run bench:audio -- [--json] [--iterations N] [--wire-seconds S] [--bursts N]
 *                                [--barge-ins N] [--short-bursts N] [--no-live]
 * Progress goes to stderr with --json. Exit code 1 only when a measurement could not be made
 * (targets that FAIL still exit 0, like bench:events).
 */
import { formatEchoCanceller, measureEchoCanceller, type EchoCancellerBenchResult } from './echo-canceller-bench';
import { describeMachine, FlagReader, machineLine, parseBenchFlags, UsageError } from './cli';
import { loadavg } from 'node:os';
import { measureAnswerBurst, measureFrameCosts, timerOverheadNs, type AnswerBurstCost, type CostRow } from './audio/frame-cost';
import { liveUnavailableReason, measureLive, type LiveResult } from './audio/live-latency';
import { fmt, table } from '../test/support/stats';

const TARGET_FRAME_P99_US = 1_000;
const TARGET_WIRE_P99_MS = 25;
const TARGET_DELTA_MS = 60;
const TARGET_BARGE_IN_MS = 40;

interface Options {
  json: boolean;
  iterations: number;
  warmup: number;
  live: boolean;
  wireSeconds: number;
  bursts: number;
  shortBursts: number;
  bargeIns: number;
}

function usage(): string {
  return [
    'usage: npm run bench:audio -- [options]',
    '',
    '  --iterations N     measured calls per per-frame cost row, after a tenth as many warm-up calls (default 5000)',
    '  --wire-seconds S   seconds of microphone frames measured for (a) (default 8)',
    '  --bursts N         tone bursts for (b), for the engine and again for the reference player (default 20)',
    '  --short-bursts N   extra (b) bursts of a lone 20 ms delta (default 5; 0 skips)',
    '  --barge-ins N      barge-in trials for (c) (default 10)',
    '  --no-live          per-frame cost only (no PulseAudio)',
    '  --json             one JSON document on stdout instead of the tables; progress goes to stderr',
    '  --help',
    '',
  ].join('\n');
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const options: Options = { json: false, iterations: 5_000, warmup: 500, live: true, wireSeconds: 8, bursts: 20, shortBursts: 5, bargeIns: 10 };
  const flags = new FlagReader(argv);
  for (let flag = flags.next(); flag !== undefined; flag = flags.next()) {
    switch (flag) {
      case '--json':
        options.json = true;
        break;
      case '--iterations':
        options.iterations = flags.integer(100);
        options.warmup = Math.max(100, Math.round(options.iterations / 10));
        break;
      case '--wire-seconds':
        options.wireSeconds = flags.integer(3);
        break;
      case '--bursts':
        options.bursts = flags.integer(1);
        break;
      case '--short-bursts':
        options.shortBursts = flags.integer(0);
        break;
      case '--barge-ins':
        options.bargeIns = flags.integer(1);
        break;
      case '--no-live':
        options.live = false;
        break;
      case '--help':
      case '-h':
        return undefined;
      default:
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  return options;
}

interface Target {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly pass: boolean;
  readonly note?: string;
}

function targetsFor(costs: readonly CostRow[], live: LiveResult | undefined): Target[] {
  const targets: Target[] = costs.map((row) => ({
    name: `per-frame p99 < 1 ms: ${row.name}`,
    value: row.totalUs.p99,
    unit: ' µs',
    pass: row.totalUs.p99 < TARGET_FRAME_P99_US,
  }));
  if (!live) return targets;
  const wire = live.wire.fromFrameCompleteMs;
  targets.push({
    name: `captured frame → wire p99 <= ${TARGET_WIRE_P99_MS} ms`,
    value: wire.p99,
    unit: ' ms',
    pass: wire.p99 <= TARGET_WIRE_P99_MS,
    note: `from the frame's last sample (capturedAtMs + 20 ms); from capturedAtMs itself (first sample) p99 ${fmt(live.wire.fromFirstSampleMs.p99)} ms`,
  });
  targets.push({
    name: `delta → first sample at the device <= ${TARGET_DELTA_MS} ms`,
    value: live.delta.latencyMs.median,
    unit: ' ms',
    pass: live.delta.latencyMs.median <= TARGET_DELTA_MS,
    note: `median of ${live.delta.detected}; p99 ${fmt(live.delta.latencyMs.p99)} ms`,
  });
  targets.push({
    name: `barge-in → silence <= ${TARGET_BARGE_IN_MS} ms`,
    value: live.bargeIn.silenceMs.median,
    unit: ' ms',
    pass: live.bargeIn.silenceMs.median <= TARGET_BARGE_IN_MS,
    note: `median of ${live.bargeIn.detected}; max ${fmt(live.bargeIn.silenceMs.max)} ms`,
  });
  return targets;
}

function liveIsValid(live: LiveResult): string[] {
  const problems: string[] = [];
  if (live.wire.framesMeasured < 50) problems.push(`(a) measured only ${live.wire.framesMeasured} frames`);
  if (live.wire.contentMismatches > 0) problems.push(`(a) ${live.wire.contentMismatches} frames arrived with other audio than was sent`);
  if (live.delta.detected < live.delta.attempted) problems.push(`(b) ${live.delta.attempted - live.delta.detected} of ${live.delta.attempted} bursts were never heard`);
  if (live.reference.detected < live.reference.attempted) problems.push(`(b) reference: ${live.reference.attempted - live.reference.detected} bursts were never heard`);
  if (live.bargeIn.detected < live.bargeIn.attempted) problems.push(`(c) ${live.bargeIn.attempted - live.bargeIn.detected} of ${live.bargeIn.attempted} barge-ins gave no measurement`);
  return problems;
}

function printCosts(log: (text: string) => void, costs: readonly CostRow[], options: Options, timerNs: number): void {
  log('');
  log(`per-frame processing cost: ${options.iterations} measured calls per row after ${options.warmup} warm-up calls, µs per call`);
  log(`(process.hrtime.bigint() around each call; the timer pair itself costs ${fmt(timerNs / 1000, 2)} µs median, included)`);
  log('');
  log(
    table(
      ['path', 'median µs', 'p99 µs', 'max µs', 'push p99', 'pulls p99'],
      costs.map((row) => [
        row.name,
        fmt(row.totalUs.median),
        fmt(row.totalUs.p99),
        fmt(row.totalUs.max),
        row.pushUs ? fmt(row.pushUs.p99) : '-',
        row.pullsUs ? fmt(row.pullsUs.p99) : '-',
      ]),
    ),
  );
  log('');
  for (const row of costs) log(`  ${row.name}: ${row.description}`);
  log('  max: single outliers (GC, preemption by other processes); the target is read on p99.');
}

/** A long answer the server sends faster than real time. */
const ANSWER_BURST_SECONDS = 25;

function printAnswerBurst(log: (text: string) => void, burst: AnswerBurstCost): void {
  log('');
  log(`a ${burst.answerSeconds} s answer arriving at once (${burst.deviceSampleRate / 1000} kHz stereo device): ${fmt(burst.arrivalMs, 1)} ms to take all its deltas; each 5 ms pull while it plays ${fmt(burst.pullUs.median)} µs median, ${fmt(burst.pullUs.p99)} µs p99, ${fmt(burst.pullUs.max)} µs max`);
  log('  (converted as the device pulls it: before, taking the answer converted it all at once and held the audio loop, and the speaker ran dry)');
}

function printLive(log: (text: string) => void, live: LiveResult): void {
  const { wire, delta, shortDelta, reference, bargeIn } = live;
  const row = (what: string, n: number, d: { median: number; p99: number; max: number; min: number }) => [what, String(n), fmt(d.min), fmt(d.median), fmt(d.p99), fmt(d.max)];
  log('');
  log(
    `local latency on PulseAudio null sinks, ms: microphone ${live.input.name} (${live.input.sampleRate} Hz, ${live.input.channels} ch), ` +
      `speaker ${live.output.name} (${live.output.sampleRate} Hz, ${live.output.channels} ch)`,
  );
  log('');
  log(
    table(
      ['measurement', 'n', 'min', 'median', 'p99', 'max'],
      [
        row('(a) frame complete (capturedAtMs + 20 ms) → on the wire', wire.fromFrameCompleteMs.count, wire.fromFrameCompleteMs),
        row('(a) capturedAtMs (frame\'s first sample) → on the wire', wire.fromFirstSampleMs.count, wire.fromFirstSampleMs),
        row('(a) probe: frame complete at the PulseAudio source → wire', wire.probes.matched, wire.probes.frameCompleteAtSourceToWireMs),
        row('(a) probe: capturedAtMs lag behind the source', wire.probes.matched, wire.probes.stampLagMs),
        row(`(b) write() → first sample rendered, ${delta.label}`, delta.detected, delta.latencyMs),
        row('(b)   same, by parec chunk arrival (upper bound)', delta.detected, delta.arrivalLatencyMs),
        ...(shortDelta.attempted > 0 ? [row(`(b) write() → first sample rendered, ${shortDelta.label}`, shortDelta.detected, shortDelta.latencyMs)] : []),
        row(`(b) calibration: ${reference.label}`, reference.detected, reference.latencyMs),
        row('(c) interrupt() → silence', bargeIn.detected, bargeIn.silenceMs),
        row('(c)   same, by parec chunk arrival (upper bound)', bargeIn.detected, bargeIn.arrivalSilenceMs),
        row('(c) interrupt() → the audio host\'s reply', bargeIn.replyMs.count, bargeIn.replyMs),
        row('(c) reported playedMs − tone heard at interrupt()', bargeIn.reportedMinusHeardAtCallMs.count, bargeIn.reportedMinusHeardAtCallMs),
        row('(c) reported playedMs − tone heard until silence', bargeIn.reportedMinusHeardUntilSilenceMs.count, bargeIn.reportedMinusHeardUntilSilenceMs),
      ],
    ),
  );
  log('');
  log(`  (a) ${wire.framesMeasured} of ${wire.framesSent} frames measured (the first second is warm-up), ${wire.contentMismatches} content mismatches; ` +
    `probes: ${wire.probes.played} played into micsink, ${wire.probes.heardAtSource} heard at the source, ${wire.probes.matched} matched on the wire.`);
  log(`      Clock conversion: Date.now() − performance.now() = ${fmt(wire.clockOffsetMs[0], 3)} before, ${fmt(wire.clockOffsetMs[1], 3)} after (ms since the epoch).`);
  log(`  (b) engine minus reference (median): ${fmt(live.deltaOverReferenceMs)} ms. Lone 20 ms delta: below the jitter buffer's 50 ms start threshold, it waits for the 100 ms start timeout.`);
  log(`      Engine playback underruns after ${delta.attempted + shortDelta.attempted} bursts: ${live.playbackUnderrunsAfterBursts} (each burst's end counts: the sink is never told an item ended).`);
  for (const monitor of [live.speakerMonitor, live.micMonitor]) {
    log(
      `  monitor ${monitor.device} @ ${monitor.sampleRate} Hz: chunks of ${fmt(monitor.medianChunkMs, 1)} ms; delivery behind the envelope ` +
        `median ${fmt(monitor.deliveryResidualMs.median)} ms, p99 ${fmt(monitor.deliveryResidualMs.p99)} ms, max ${fmt(monitor.deliveryResidualMs.max)} ms`,
    );
  }
  for (const notice of live.notices) log(`  engine notice: ${notice}`);
}

async function main(): Promise<number> {
  const parsed = parseBenchFlags('bench:audio', parseOptions, usage);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { options } = parsed;
  const opts = options;
  const log = (text: string) => (opts.json ? process.stderr : process.stdout).write(text + '\n');
  const started = performance.now();
  const machine = describeMachine();
  log(machineLine(machine));

  log('cost: measuring the per-frame processing of the capture and playback paths');
  const timer = timerOverheadNs();
  const costs = measureFrameCosts({ iterations: opts.iterations, warmup: opts.warmup });
  const burst = measureAnswerBurst(ANSWER_BURST_SECONDS);
  log('echo canceller: measuring its per-frame cost and the echo it removes in a synthetic room');
  let echoCanceller: EchoCancellerBenchResult | undefined;
  let echoCancellerError: string | undefined;
  try {
    echoCanceller = measureEchoCanceller({ frames: Math.max(500, Math.min(opts.iterations, 3_000)) });
  } catch (error) {
    echoCancellerError = error instanceof Error ? error.message : String(error);
  }

  let live: LiveResult | undefined;
  let liveSkipped: string | undefined = opts.live ? liveUnavailableReason() : '--no-live';
  let liveError: string | undefined;
  if (!liveSkipped) {
    try {
      live = await measureLive({ wireSeconds: opts.wireSeconds, bursts: opts.bursts, shortBursts: opts.shortBursts, bargeIns: opts.bargeIns, log });
    } catch (error) {
      liveError = error instanceof Error ? (error.stack ?? error.message) : String(error);
      liveSkipped = 'the live measurement failed';
    }
  }
  const problems = live ? liveIsValid(live) : [];
  const targets = targetsFor(costs, live);
  const loadAverageAtEnd = loadavg().map((value) => Math.round(value * 100) / 100);
  const totalMs = performance.now() - started;

  if (opts.json) {
    const document = {
      machine: { ...machine, loadAverageAtEnd },
      options: opts,
      timerOverheadNs: timer,
      costs,
      answerBurst: burst,
      echoCanceller: echoCanceller ?? null,
      echoCancellerError: echoCancellerError ?? null,
      live: live ?? null,
      liveSkipped: liveSkipped ?? null,
      liveError: liveError ?? null,
      problems,
      targets,
      totalMs,
    };
    process.stdout.write(JSON.stringify(document, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n');
  } else {
    printCosts(log, costs, opts, timer.median);
    printAnswerBurst(log, burst);
    log(echoCanceller ? `\n${formatEchoCanceller(echoCanceller)}` : `\necho canceller: not measured (${echoCancellerError})`);
    if (live) printLive(log, live);
    else log(`\nlive latency: not measured (${liveSkipped})${liveError ? `\n${liveError}` : ''}`);
    for (const problem of problems) log(`  INVALID: ${problem}`);
    log('');
    log('targets:');
    for (const target of targets) {
      log(`  ${target.name.padEnd(48)} ${fmt(target.value, 1).padStart(7)}${target.unit}  ${target.pass ? 'PASS' : 'FAIL'}${target.note ? `  (${target.note})` : ''}`);
    }
    if (!live) log('  live latency targets: not evaluated');
    log(`total benchmark time ${(totalMs / 1000).toFixed(1)} s; load average at the end ${loadAverageAtEnd.join(' ')} (other processes on this machine move the tails)`);
  }
  return liveError || problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:audio: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
