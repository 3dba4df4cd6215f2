/**
 * An hour of conversation in compressed time, a long check kept out of the default test run
 * (Parley issue #10, point 10). The real stack (VoiceSession, ws transport, Responses agent
 * backend) talks to the GA stand-in server and an agent SSE stand-in, both in a separate process
 * (soak-stand-in.ts) so that their recordings are not in the memory measured here. ~360 turns:
 * spoken questions with 3–8 s answers streamed as 100 ms audio deltas, typed messages, a handoff
 * every 10 turns whose agent answer is spoken, microphone frames every turn. Sessions are renewed
 * every few seconds (a short limit on both sides), the connection is dropped every 40 turns (half
 * of them while the agent works), and the server goes silent once (the keepalive finds it dead).
 *
 * The run fails, exit code 1, when:
 * - the session ends (a `closed` event or a non-recoverable error) or a turn is not completed;
 * - the timeline the user sees (events folded through the UI's reducer) differs from what was said
 *   and answered, in order; or microphone frames go missing without being reported;
 * - a handoff is not answered, delivered to the realtime server and spoken;
 * - the server saw a rule violation, sent an error other than session_expired, or sent an invalid event;
 * - RSS (after gc) at the end exceeds the first post-warm-up sample by more than 10 %;
 * - after stop, timers, sockets or child processes are left beyond what the process started with.
 *
 *   node --expose-gc --import tsx long-checks/soak-conversation.ts [--turns 360] [--seed N]
 */
import type { SessionEvent } from '../src-shared/session-events';
import { VoiceSession } from '../src-main/core/session/voice-session';
import { createResponsesBackend } from '../src-main/adapters/agent/responses-backend';
import { connectWebSocket } from '../src-main/adapters/transport/ws-transport';
import type { ResilienceOptions } from '../src-main/core/session/resilience';
import type { KeepaliveOptions } from '../src-main/core/protocol/transport';
import { sessionConfig } from '../test/support/session-harness';
import { shown } from '../test/support/v2-scenario';
import { readOptions } from './check-options';
import { exposeGc, heapBoundFailure, megabytes, rssBoundFailure, sampleMemory, type MemorySample, type RssBound } from './memory-samples';
import { PlaybackSink } from './playback-sink';
import { watchProcessFailures } from './process-failures';
import { SoakDriver } from './soak-driver';
import { parseSoakOptions } from './soak-options';
import { planTurn } from './soak-plan';
import { activeResources, leftoverResources } from './soak-resources';
import { startStandIn } from './soak-stand-in-client';
import type { StandInStats } from './soak-stand-in-protocol';
import { SoakView } from './soak-view';
import { SeededRandom } from './seeded-random';

/** Real time per wall time: the speaker plays this much faster (an hour in about 2–3 minutes). */
const PLAYBACK_SPEED = 30;
/** As the desktop app's audio host: the server sends speech faster than real time, a long answer stays whole. */
const MAX_QUEUED_SPEECH_MS = 60_000;
/** Frames a renewed session hears again (live-conversation: one second of 20 ms frames). */
const RENEWAL_REPLAY_FRAMES = 50;
/** The server ends a connection this old (the live API: 60 minutes)… */
const SERVER_MAX_SESSION_MS = 10_000;
/** …and the client renews before its own, shorter limit, at a quiet moment from halfway on. */
const RESILIENCE: Partial<ResilienceOptions> = {
  // Looks for a quiet moment from 4 s on (about 9 turns), forces the switch (between replies) at
  // 7.6 s, and switches regardless just before 8 s.
  maxSessionMs: 8_000,
  renewBeforeMs: 6_000,
  forceRenewBeforeMs: 400,
  // A quiet moment in compressed time: 1 s of real time is about 33 ms here.
  renewalQuietMs: 40,
  // Drops come about 13 s apart in wall time, within the 30 s a reconnect must last before its
  // attempts count afresh; a reply in between resets them, so the default 6 attempts hold.
  reconnectBaseDelayMs: 20,
  reconnectMaxDelayMs: 200,
};
const KEEPALIVE: KeepaliveOptions = { intervalMs: 200, deadAfterMs: 1_000 };
const AGENT_ANSWER_DELAY_MS = 250;
const CONNECT_TIMEOUT_MS = 5_000;
const AGENT_REQUEST_TIMEOUT_MS = 10_000;
const SOAK_API_KEY = 'sk-soak-not-a-real-key-0000';
const SAMPLE_EVERY_TURNS = 30;
/** Samples before this turn (half an hour) are warm-up: JIT, pools and allocator arenas still grow (RSS settled from about turn 270 on in 600-turn runs). */
const WARMUP_TURNS = 180;
/**
 * RSS within 25 % after warm-up: a retained answer's audio would be ~250 kB a turn, 45 MB over the
 * second half (over 30 %). Not tighter: the allocator's arenas may still step up once after
 * warm-up and then stay flat (measured in CI: 138.8 MB at turn 180, 156.4 at 240, 157.9 at 360;
 * the same seed run again: 155.0 at 180, 160.6 at 360).
 */
const RSS_BOUND: RssBound = { ratio: 0.25, slackBytes: 0 };
/** The JS heap, which no arena step moves, within 10 % + 2 MB: what JavaScript retains shows here (measured: 16.6 to 17.5 MB). */
const HEAP_BOUND: RssBound = { ratio: 0.1, slackBytes: 2 * 1024 * 1024 };
const PROGRESS_EVERY_TURNS = 30;
const SETTLE_AFTER_STOP_MS = 500;
const KEPT_PROCESS_FAILURES = 5;
const SHOWN_LAST_LINES = 3;

function log(line: string): void {
  process.stdout.write(`[soak] ${line}\n`);
}

async function main(): Promise<number> {
  const options = readOptions(parseSoakOptions);
  if (!options) return 2;
  const resourcesAtStart = activeResources();
  const processFailures = watchProcessFailures(KEPT_PROCESS_FAILURES);

  const gc = exposeGc();
  log(`seed ${options.seed}; ${options.turns} turns; playback ${PLAYBACK_SPEED}x real time; session limit client ${RESILIENCE.maxSessionMs} ms, server ${SERVER_MAX_SESSION_MS} ms; node ${process.version}`);
  log(`replay: node --expose-gc --import tsx long-checks/soak-conversation.ts --seed ${options.seed} --turns ${options.turns}`);

  const failures: string[] = [];
  const samples: MemorySample[] = [];
  const random = new SeededRandom(options.seed);
  const standIn = await startStandIn({ maxSessionMs: SERVER_MAX_SESSION_MS, agentAnswerDelayMs: AGENT_ANSWER_DELAY_MS });
  const agent = createResponsesBackend({ apiKey: SOAK_API_KEY, baseUrl: standIn.agentBaseUrl, requestTimeoutMs: AGENT_REQUEST_TIMEOUT_MS });
  const sink = new PlaybackSink({ speed: PLAYBACK_SPEED, maxBufferedMs: MAX_QUEUED_SPEECH_MS });
  const session = new VoiceSession({
    transport: connectWebSocket,
    agent,
    sink,
    connectTimeoutMs: CONNECT_TIMEOUT_MS,
    resilience: RESILIENCE,
    keepalive: KEEPALIVE,
  });
  const view = new SoakView();
  let stopping = false;
  session.onEvent((event: SessionEvent) => {
    view.onEvent(event);
    if (!stopping && event.type === 'closed') failures.push(`the session closed mid-conversation: ${event.reason}${event.detail ? ` (${event.detail})` : ''}`);
    if (event.type === 'error' && !event.recoverable) failures.push(`non-recoverable error ${event.code}: ${event.message}`);
  });
  const driver = new SoakDriver(session, view, standIn, sink);

  const runStarted = performance.now();
  let turnsDone = 0;
  let stats: StandInStats | undefined;
  try {
    if (!(await session.start({ config: sessionConfig('v2', standIn.realtimeUrl), apiKey: SOAK_API_KEY }))) {
      failures.push(`the session did not start (state ${session.state}; ${view.fatalErrors.join('; ')})`);
    }
    for (let index = 0; index < options.turns && failures.length === 0 && processFailures.length === 0; index++) {
      const turn = planTurn(index, random, options.turns);
      try {
        await driver.play(turn);
      } catch (error) {
        failures.push((error as Error).message);
        break;
      }
      turnsDone = index + 1;
      if (turnsDone % SAMPLE_EVERY_TURNS === 0 || turnsDone === options.turns) samples.push(sampleMemory(turnsDone, gc));
      if (turnsDone % PROGRESS_EVERY_TURNS === 0 || turnsDone === options.turns) {
        const last = samples[samples.length - 1]!;
        log(
          `${String(turnsDone).padStart(4)} turns, ${(driver.simulatedMs / 60_000).toFixed(1)} simulated min, ${((performance.now() - runStarted) / 1000).toFixed(1)} s wall, ` +
            `renewals ${view.connectionCounts.renewed}, reconnects ${view.connectionCounts.reconnected}, handoffs ${view.count('handoff.completed')}/${driver.handoffsMade}, rss ${megabytes(last.rssBytes)}`,
        );
      }
    }
    stats = await standIn.stats();
  } catch (error) {
    failures.push(`the soak itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    stopping = true;
    await session.stop();
    await sink.close();
    await agent.dispose();
    await standIn.close().catch((error: unknown) => failures.push(`closing the stand-in process failed: ${String(error)}`));
  }
  const wallMs = performance.now() - runStarted;
  await new Promise((resolve) => setTimeout(resolve, SETTLE_AFTER_STOP_MS));
  const leftovers = leftoverResources(resourcesAtStart, activeResources());

  // ---- checks ----------------------------------------------------------------------------
  if (view.closedEvents.length !== 1 || view.closedEvents[0] !== 'requested') failures.push(`closed events: ${JSON.stringify(view.closedEvents)} (only the final requested stop is expected)`);
  const said = shown(view.timeline).filter((line) => line.startsWith('user: ') || line.startsWith('assistant: ') || line.startsWith('typed: '));
  const timelineFailure = compareLines(said, driver.expectedLines);
  if (timelineFailure) failures.push(timelineFailure);
  const completed = view.count('handoff.completed');
  if (completed !== driver.handoffsMade) failures.push(`handoffs made ${driver.handoffsMade}, completed ${completed}`);
  if (view.handoffFailures.length > 0) failures.push(`handoffs failed: ${view.handoffFailures.slice(0, 5).join(' | ')}`);
  if (stats) {
    if (stats.agentAnswersDelivered !== driver.handoffsMade) failures.push(`agent answers delivered to the realtime server ${stats.agentAnswersDelivered}, handoffs made ${driver.handoffsMade}`);
    if (stats.violations > 0) failures.push(`the server saw ${stats.violations} rule violations: ${stats.violationExamples.join(' | ')}`);
    const otherErrors = Object.entries(stats.errorsByCode).filter(([code]) => code !== 'session_expired');
    if (otherErrors.length > 0) failures.push(`the server sent errors: ${otherErrors.map(([code, count]) => `${code} ${count}`).join(', ')}: ${stats.errorExamples.join(' | ')}`);
    if (stats.invalidServerEvents > 0) failures.push(`the stand-in sent ${stats.invalidServerEvents} events that break the spec (a stand-in bug)`);
    const dropped = Object.values(view.droppedAudioFrames).reduce((sum, frames) => sum + frames, 0);
    if (stats.appendsReceived + dropped !== driver.micAccepted) {
      failures.push(`microphone frames: ${driver.micAccepted} accepted, ${stats.appendsReceived} reached the server, ${dropped} reported dropped: ${driver.micAccepted - stats.appendsReceived - dropped} unaccounted`);
    }
    // A renewed session hears the last second (at most 50 frames) of the microphone again.
    const maxReplayed = view.connectionCounts.renewed * RENEWAL_REPLAY_FRAMES;
    if (stats.appendsReplayed > maxReplayed) failures.push(`${stats.appendsReplayed} frames replayed, more than the ${maxReplayed} the renewals may replay`);
  }
  const baseline = samples.find((sample) => sample.frames >= WARMUP_TURNS);
  const rssFailure = rssBoundFailure(baseline, samples[samples.length - 1], RSS_BOUND);
  if (rssFailure) failures.push(rssFailure.replace(/frames/g, 'turns'));
  const heapFailure = heapBoundFailure(baseline, samples[samples.length - 1], HEAP_BOUND);
  if (heapFailure) failures.push(heapFailure.replace(/frames/g, 'turns'));
  if (!baseline || baseline === samples[samples.length - 1]) log(`memory bound not checked: fewer than ${WARMUP_TURNS + SAMPLE_EVERY_TURNS} turns`);
  if (leftovers.length > 0) failures.push(`left after stop: ${leftovers.join(', ')}`);
  if (!standIn.exited) failures.push('the stand-in process is still running');
  for (const failure of processFailures) failures.push(failure);

  // ---- summary ---------------------------------------------------------------------------
  log('summary');
  log(`  turns ${turnsDone} of ${options.turns} (${driver.typedMessages} typed, ${driver.handoffsMade} handoffs), ${(driver.simulatedMs / 60_000).toFixed(1)} simulated minutes in ${(wallMs / 1000).toFixed(1)} s wall`);
  log(`  connection: renewals ${view.connectionCounts.renewed} (renewing ${view.connectionCounts.renewing}, after the server's expiry ${view.renewalsAfterExpiry}), drops ${driver.drops}, silences ${driver.silences}, lost ${view.connectionCounts.lost}, reconnects ${view.connectionCounts.reconnected}, largest attempt ${view.largestReconnectAttempt}, longest downtime ${view.longestDowntimeMs} ms`);
  log(`  turns repeated after a switch cut the speech start ${driver.speechRetries}; failures repeated on the next connection (a renewal had replaced it) ${driver.failureRetries}`);
  if (driver.speechRetries > 0) {
    // Known loss, reported not failed: see long-checks/soak-repro-renewal-speech.ts.
    log(`  WARN: ${driver.speechRetries} renewal switches came as the user began to speak; the old server's speech start was dropped with it (the soak lets the new server hear the turn again; live, the start of the utterance would be lost)`);
  }
  log(`  handoffs: made ${driver.handoffsMade}, started ${view.count('handoff.started')}, answered ${view.count('handoff.answered')}, completed ${completed}, failed ${view.handoffFailures.length}; delivered to the realtime server ${stats?.agentAnswersDelivered ?? '?'}; agent requests ${stats?.agentRequests ?? '?'}`);
  log(`  timeline: ${said.length} lines (expected ${driver.expectedLines.length}); finished transcript lines ${view.finalLines.length}; last ${JSON.stringify(said.slice(-SHOWN_LAST_LINES))}`);
  log(`  microphone: ${driver.micAccepted} frames accepted, ${driver.micRefused} refused, reached the server ${stats?.appendsReceived ?? '?'} (and ${stats?.appendsReplayed ?? '?'} again after renewals), reported dropped ${JSON.stringify(view.droppedAudioFrames)}`);
  log(`  speaker: ${sink.framesWritten} audio frames, ${(sink.receivedMs / 60_000).toFixed(1)} min of audio, ${sink.droppedMs.toFixed(0)} ms dropped by its bound`);
  log(`  server: ${stats?.connections ?? '?'} connections, violations ${stats?.violations ?? '?'}, errors ${JSON.stringify(stats?.errorsByCode ?? {})}, invalid server events ${stats?.invalidServerEvents ?? '?'}, expiries [${stats?.expiries.join('; ') ?? '?'}], stand-in rss ${stats ? megabytes(stats.rssBytes) : '?'}`);
  log(`  session events: ${Object.entries(view.eventCounts).sort((a, b) => b[1] - a[1]).map(([type, count]) => `${type} ${count}`).join(', ')}`);
  log(`  recoverable errors: ${JSON.stringify(view.recoverableErrors)} ${view.recoverableErrorExamples.join(' | ')}`);
  log(`  resources at start: ${JSON.stringify(resourcesAtStart)}; left after stop: ${leftovers.length === 0 ? 'nothing' : leftovers.join(', ')}`);
  log(
    `  memory samples (after gc; baseline = first at or after turn ${WARMUP_TURNS}; bounds: rss +${RSS_BOUND.ratio * 100} % + ${megabytes(RSS_BOUND.slackBytes)}, ` +
      `heap +${HEAP_BOUND.ratio * 100} % + ${megabytes(HEAP_BOUND.slackBytes)}):`,
  );
  for (const sample of samples) {
    log(`    turn ${String(sample.frames).padStart(4)}: rss ${megabytes(sample.rssBytes).padStart(9)}, heap ${megabytes(sample.heapUsedBytes).padStart(9)}, external ${megabytes(sample.externalBytes).padStart(9)}${sample === baseline ? '  <- baseline' : ''}`);
  }
  if (failures.length === 0) {
    log(`PASS: ${turnsDone} turns, nothing said was lost, every handoff answered and spoken, no server rule broken, RSS within +${RSS_BOUND.ratio * 100} % and the JS heap within +${HEAP_BOUND.ratio * 100} % + ${megabytes(HEAP_BOUND.slackBytes)}, nothing left running (seed ${options.seed})`);
    return 0;
  }
  log(`FAIL (seed ${options.seed}):`);
  for (const failure of failures) log(`  - ${failure}`);
  return 1;
}

/** The first difference between what the timeline shows and what was said, with context; undefined when equal. */
function compareLines(shownLines: readonly string[], expected: readonly string[]): string | undefined {
  const length = Math.max(shownLines.length, expected.length);
  for (let index = 0; index < length; index++) {
    if (shownLines[index] === expected[index]) continue;
    const from = Math.max(0, index - 2);
    return (
      `the timeline differs from what was said at line ${index} of ${expected.length} expected (${shownLines.length} shown): ` +
      `expected ${JSON.stringify(expected.slice(from, index + 3))}, shown ${JSON.stringify(shownLines.slice(from, index + 3))}`
    );
  }
  return undefined;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`[soak] the soak itself failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
