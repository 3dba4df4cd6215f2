/**
 * Frame fuzzing of the realtime client, a long check kept out of the default test run (Parley
 * issue #10, point 10). A loopback websocket server sends malformed and mutated frames of both
 * wire dialects to the real stack (VoiceSession, ws transport, Responses agent backend against a
 * local SSE stand-in) and the run fails, exit code 1, when:
 * - the process sees an uncaught exception or an unhandled rejection;
 * - a valid handoff after the storm is not answered (v1 conversation.handoff.append, v2
 *   function_call_output for its call_id);
 * - RSS after the storm exceeds the first post-warm-up sample by more than 30 % + 50 MB;
 * - one frame causes more than one error event or a burst of events, an error is not recoverable,
 *   or the session leaves 'live', closes or reconnects.
 *
 *   tsx long-checks/fuzz-frames.ts [--seed N] [--frames 100000] [--batch 200] [--dialect both]
 *
 * The seed is printed; the same seed (and --dialect/--frames per dialect) replays the same frames.
 */
import type { Dialect } from '../src-main/core/protocol/session-config';
import { MAX_ERROR_EVENTS_PER_FRAME, MAX_EVENTS_PER_FRAME, runDialectStorm, type StormResult } from './dialect-storm';
import { readOptions } from './check-options';
import { parseFuzzOptions } from './fuzz-options';
import { describeSample, exposeGc, megabytes, rssBoundFailure, sampleMemory, type MemorySample, type RssBound } from './memory-samples';
import { watchProcessFailures } from './process-failures';
import { SeededRandom } from './seeded-random';

const PROGRESS_EVERY_FRAMES = 10_000;
/** Samples before this many frames are warm-up: JIT, pools and caches still growing. */
const WARMUP_FRAMES = 10_000;
const RSS_BOUND: RssBound = { ratio: 0.3, slackBytes: 50 * 1024 * 1024 };
const KEPT_PROCESS_FAILURES = 5;
const SETTLE_BEFORE_LAST_SAMPLE_MS = 250;
/** Gives each dialect its own stream, the same whether it runs alone or after the other. */
const DIALECT_SEED_SALT: Readonly<Record<Dialect, number>> = { v1: 0, v2: 0x9e37_79b9 };

function log(line: string): void {
  process.stdout.write(`[fuzz] ${line}\n`);
}

async function main(): Promise<number> {
  const options = readOptions(parseFuzzOptions);
  if (!options) return 2;

  const processFailures = watchProcessFailures(KEPT_PROCESS_FAILURES);

  const gc = exposeGc();
  const perDialect = Math.floor(options.frames / options.dialects.length);
  log(`seed ${options.seed}; ${options.frames} frames (${options.dialects.map((dialect) => `${dialect} ${perDialect}`).join(', ')}); batch ${options.batch}; node ${process.version}`);
  log(`replay: tsx long-checks/fuzz-frames.ts --seed ${options.seed} --frames ${options.frames} --dialect ${options.dialects.length > 1 ? 'both' : options.dialects[0]}`);

  const samples: MemorySample[] = [sampleMemory(0, gc)];
  log(`memory at start: ${describeSample(samples[0]!)}`);
  const runStarted = performance.now();
  let framesDone = 0;
  let nextProgressAt = PROGRESS_EVERY_FRAMES;
  const results: StormResult[] = [];

  for (const dialect of options.dialects) {
    const random = new SeededRandom((options.seed ^ DIALECT_SEED_SALT[dialect]) >>> 0);
    log(`${dialect}: storm of ${perDialect} frames starts`);
    const result = await runDialectStorm({
      dialect,
      frames: perDialect,
      batch: options.batch,
      random,
      processFailure: () => (processFailures.length > 0 ? processFailures[0] : undefined),
      onBatchDrained(frames, soFar) {
        framesDone += frames;
        const stormDone = soFar.framesSent >= perDialect;
        if (framesDone < nextProgressAt && !stormDone) return;
        if (framesDone >= nextProgressAt) nextProgressAt += PROGRESS_EVERY_FRAMES;
        // Sampled while the session is still live: its retained state counts.
        const sample = sampleMemory(framesDone, gc, { dialect, dialectFrames: soFar.framesSent });
        samples.push(sample);
        const seconds = (performance.now() - runStarted) / 1000;
        const errors = results.reduce((sum, done) => sum + done.errorEvents, soFar.errorEvents);
        log(`${String(framesDone).padStart(7)} frames (${dialect} ${soFar.framesSent}), ${seconds.toFixed(1)} s, ${Math.round(framesDone / seconds)} frames/s, rss ${megabytes(sample.rssBytes)}, heap ${megabytes(sample.heapUsedBytes)}, error events ${errors}, agent requests ${soFar.agentRequests} (largest ${megabytes(soFar.largestAgentRequestBytes)})`);
      },
    });
    results.push(result);
    report(result);
    if (result.failures.length > 0) break;
  }

  // Closing sockets and aborted agent requests finish on later ticks; let them before the last sample.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_BEFORE_LAST_SAMPLE_MS));
  samples.push(sampleMemory(framesDone, gc));
  const elapsedMs = performance.now() - runStarted;

  const failures = results.flatMap((result) => result.failures);
  // A process failure the storm already reported (with its batch) is not repeated.
  for (const failure of processFailures) if (!failures.some((reported) => reported.includes(failure))) failures.push(failure);
  // Whole run: the first sample after warm-up against the last one, taken after every session stopped.
  const baselines = new Set<MemorySample>();
  const runBaseline = samples.find((sample) => sample.frames >= WARMUP_FRAMES);
  if (runBaseline) baselines.add(runBaseline);
  const runFailure = rssBoundFailure(runBaseline, samples[samples.length - 1], RSS_BOUND);
  if (runFailure) failures.push(`whole run: ${runFailure}`);
  // Each dialect: its own first post-warm-up sample against its last one, taken before its session stopped.
  for (const dialect of options.dialects) {
    const during = samples.filter((sample) => sample.dialect === dialect);
    const baseline = during.find((sample) => (sample.dialectFrames ?? 0) >= WARMUP_FRAMES);
    if (baseline) baselines.add(baseline);
    const failure = rssBoundFailure(baseline, during[during.length - 1], RSS_BOUND);
    if (failure) failures.push(`${dialect} session: ${failure}`);
  }
  if (!runBaseline) log(`memory bound not checked: fewer than ${WARMUP_FRAMES} frames (warm-up)`);

  log('summary');
  for (const result of results) {
    log(`  ${result.dialect}: ${result.framesSent} frames (${result.textFrames} text, ${result.binaryFrames} binary), ${megabytes(result.bytesSent)}, storm ${(result.stormMs / 1000).toFixed(1)} s, ${Math.round(result.framesSent / (result.stormMs / 1000))} frames/s, handoff round trip ${result.handoffRoundTripMs === undefined ? 'NOT ANSWERED' : `${result.handoffRoundTripMs.toFixed(1)} ms`}, error events ${result.errorEvents}`);
  }
  log(`  total: ${framesDone} frames in ${(elapsedMs / 1000).toFixed(1)} s (${Math.round(framesDone / (elapsedMs / 1000))} frames/s overall, setup and checks included)`);
  log(`  memory samples (after gc; baselines = first at or after ${WARMUP_FRAMES} frames of the run and of each dialect; bound +${RSS_BOUND.ratio * 100} % + ${megabytes(RSS_BOUND.slackBytes)}):`);
  for (const sample of samples) log(`    ${describeSample(sample)}${baselines.has(sample) ? '  <- baseline' : ''}`);
  if (failures.length === 0) {
    log(`PASS: no crash, handoffs answered after the storm, RSS within bound, at most ${MAX_ERROR_EVENTS_PER_FRAME} error and ${MAX_EVENTS_PER_FRAME} events per frame, session live throughout (seed ${options.seed})`);
    return 0;
  }
  log(`FAIL (seed ${options.seed}):`);
  for (const failure of failures) log(`  - ${failure}`);
  log('  to pin one frame, replay the dialect alone with --batch 1');
  return 1;
}

function report(result: StormResult): void {
  const { dialect } = result;
  const codes = Object.entries(result.errorCodes).map(([code, count]) => `${code} ${count}`).join(', ') || 'none';
  log(`${dialect}: sent ${result.framesSent} frames (${result.textFrames} text, ${result.binaryFrames} binary, ${megabytes(result.bytesSent)}) in ${(result.stormMs / 1000).toFixed(1)} s`);
  log(`${dialect}: error events ${result.errorEvents} (${codes}); ${result.asyncErrorEvents} of them outside frame handling (agent)`);
  log(`${dialect}: most errors from one frame ${result.mostErrorsInOneFrame.value} [${result.mostErrorsInOneFrame.label.slice(0, 160)}]`);
  log(`${dialect}: most events from one frame ${result.mostEventsInOneFrame.value} [${result.mostEventsInOneFrame.label.slice(0, 160)}]`);
  log(`${dialect}: slowest frame ${result.slowestFrameMs.value.toFixed(1)} ms [${result.slowestFrameMs.label.slice(0, 160)}]`);
  log(`${dialect}: frames whose handling threw (caught by the session, reported as errors): ${result.handlerExceptions.count}`);
  for (const example of result.handlerExceptions.examples) log(`${dialect}:   ${example}`);
  const events = Object.entries(result.eventCounts).sort((a, b) => b[1] - a[1]).map(([type, count]) => `${type} ${count}`).join(', ');
  log(`${dialect}: session events: ${events}`);
  log(`${dialect}: agent requests ${result.agentRequests}, largest request ${megabytes(result.largestAgentRequestBytes)}; agent idle ${result.agentIdleAfterMs === undefined ? 'never' : `${result.agentIdleAfterMs.toFixed(0)} ms`} after the storm`);
  log(`${dialect}: handoff after the storm: ${result.handoffRoundTripMs === undefined ? 'not answered' : `answered in ${result.handoffRoundTripMs.toFixed(1)} ms`}; final state ${result.finalState}`);
  log(`${dialect}: audio frames into the playback buffer ${result.audioFramesPlayed} (${result.audioDroppedMs.toFixed(0)} ms dropped by its overrun bound)`);
  log(`${dialect}: log lines ${result.logLines} (${megabytes(result.logBytes)})`);
  if (result.mutationCounts) log(`${dialect}: mutations: ${Object.entries(result.mutationCounts).map(([name, count]) => `${name} ${count}`).join(', ')}`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[fuzz] the fuzz run itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
