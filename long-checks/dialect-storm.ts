/**
 * One dialect's frame storm against the real client stack: a VoiceSession over the real ws
 * transport with the real Responses backend (pointed at a local SSE stand-in), fed mutated frames
 * in batches with a drain round trip after each, then asked for one valid handoff.
 *
 * The transport is the real connectWebSocket; only its frame handler is wrapped, to measure what
 * each single frame caused (events, errors, time) and to name that frame when something is off.
 */
import type { SessionEvent, SessionState } from '../src-shared/session-events';
import type { Dialect } from '../src-main/core/protocol/session-config';
import type { RealtimeTransport } from '../src-main/core/protocol/transport';
import { VoiceSession } from '../src-main/core/session/voice-session';
import { createResponsesBackend } from '../src-main/adapters/agent/responses-backend';
import { connectWebSocket } from '../src-main/adapters/transport/ws-transport';
import { createLineLogger } from '../src-main/core/util/logger';
import { sessionConfig } from '../test/support/session-harness';
import { FrameMutator, type Mutation } from './frame-mutator';
import { startFuzzRealtimeServer } from './fuzz-realtime-server';
import { PlaybackSink } from './playback-sink';
import type { SeededRandom } from './seeded-random';
import { startSseAgentStandIn } from './sse-agent-stand-in';
import { handoffRequest, isHandoffAnswer } from './valid-frames';

/** A frame may cause one recoverable error event at most (its own), never a burst. */
export const MAX_ERROR_EVENTS_PER_FRAME = 1;
/** Events one frame may cause synchronously (a transcript delta gives two, a handoff a few). */
export const MAX_EVENTS_PER_FRAME = 8;
const DRAIN_TIMEOUT_MS = 30_000;
const CONNECT_TIMEOUT_MS = 5_000;
const AGENT_IDLE_TIMEOUT_MS = 15_000;
const HANDOFF_ANSWER_TIMEOUT_MS = 10_000;
/** Bytes sent before a drain even when the batch is not full: huge frames must not queue up. */
const BATCH_MAX_BYTES = 4 * 1024 * 1024;
const AGENT_REQUEST_TIMEOUT_MS = 10_000;
/** The device pulls faster than real time so the storm's audio does not just pile up at the bound. */
const PLAYBACK_SPEED = 8;
const FUZZ_API_KEY = 'sk-fuzz-not-a-real-key-0000';
/** The session's own wording when a frame handler threw (voice-session.ts, onServerFrame). */
const HANDLER_EXCEPTION_PREFIX = 'A server event could not be handled';
const KEPT_EXAMPLES = 5;

export interface StormSettings {
  readonly dialect: Dialect;
  readonly frames: number;
  readonly batch: number;
  readonly random: SeededRandom;
  /** After every drained batch: how many frames it had, and the storm so far (the caller samples memory and prints progress). */
  onBatchDrained(frames: number, soFar: StormResult): void;
  /** A process-level failure (uncaught exception) stops the storm early. */
  processFailure(): string | undefined;
}

export interface FrameRecord {
  readonly value: number;
  readonly label: string;
}

export interface StormResult {
  readonly dialect: Dialect;
  framesSent: number;
  textFrames: number;
  binaryFrames: number;
  bytesSent: number;
  stormMs: number;
  readonly eventCounts: Record<string, number>;
  readonly errorCodes: Record<string, number>;
  errorEvents: number;
  asyncErrorEvents: number;
  readonly handlerExceptions: { count: number; examples: string[] };
  mostErrorsInOneFrame: FrameRecord;
  mostEventsInOneFrame: FrameRecord;
  slowestFrameMs: FrameRecord;
  logLines: number;
  logBytes: number;
  agentRequests: number;
  largestAgentRequestBytes: number;
  /** Audio frames the session handed to the playback buffer, and how much of it the overrun bound dropped. */
  audioFramesPlayed: number;
  audioDroppedMs: number;
  agentIdleAfterMs: number | undefined;
  handoffRoundTripMs: number | undefined;
  finalState: SessionState;
  mutationCounts: Record<Mutation, number> | undefined;
  readonly failures: string[];
}

export async function runDialectStorm(settings: StormSettings): Promise<StormResult> {
  const { dialect } = settings;
  const result: StormResult = {
    dialect,
    framesSent: 0,
    textFrames: 0,
    binaryFrames: 0,
    bytesSent: 0,
    stormMs: 0,
    eventCounts: {},
    errorCodes: {},
    errorEvents: 0,
    asyncErrorEvents: 0,
    handlerExceptions: { count: 0, examples: [] },
    mostErrorsInOneFrame: { value: 0, label: '' },
    mostEventsInOneFrame: { value: 0, label: '' },
    slowestFrameMs: { value: 0, label: '' },
    logLines: 0,
    logBytes: 0,
    agentRequests: 0,
    largestAgentRequestBytes: 0,
    audioFramesPlayed: 0,
    audioDroppedMs: 0,
    agentIdleAfterMs: undefined,
    handoffRoundTripMs: undefined,
    finalState: 'idle',
    mutationCounts: undefined,
    failures: [],
  };
  const fail = (message: string): void => {
    result.failures.push(`${dialect}: ${message}`);
  };

  const agentServer = await startSseAgentStandIn({ name: 'fuzz agent server', answerText: (number) => `Agent answer ${number}.` });
  const realtime = await startFuzzRealtimeServer(dialect);
  // Debug level: the skip messages and their details are formatted and redacted as in a real log.
  const logger = createLineLogger('debug', (line) => {
    result.logLines++;
    result.logBytes += line.length;
  });
  const agent = createResponsesBackend({ apiKey: FUZZ_API_KEY, baseUrl: agentServer.baseUrl, requestTimeoutMs: AGENT_REQUEST_TIMEOUT_MS, logger });

  // Labels of the text frames sent and not yet handled, in order (binary frames never reach the session).
  const pendingLabels: string[] = [];
  let inFrame = false;
  let eventsInFrame = 0;
  let errorsInFrame = 0;
  const onFrameMeasured = (frame: string, handle: () => void): void => {
    const label = pendingLabels.shift() ?? `(a frame the fuzzer did not send: ${frame.slice(0, 80)})`;
    inFrame = true;
    eventsInFrame = 0;
    errorsInFrame = 0;
    const started = performance.now();
    try {
      handle();
    } finally {
      inFrame = false;
    }
    const elapsed = performance.now() - started;
    if (elapsed > result.slowestFrameMs.value) result.slowestFrameMs = { value: elapsed, label };
    if (eventsInFrame > result.mostEventsInOneFrame.value) result.mostEventsInOneFrame = { value: eventsInFrame, label };
    if (errorsInFrame > result.mostErrorsInOneFrame.value) result.mostErrorsInOneFrame = { value: errorsInFrame, label };
    if (errorsInFrame > MAX_ERROR_EVENTS_PER_FRAME) fail(`one frame caused ${errorsInFrame} error events (bound ${MAX_ERROR_EVENTS_PER_FRAME}): [${label}]`);
    if (eventsInFrame > MAX_EVENTS_PER_FRAME) fail(`one frame caused ${eventsInFrame} events (bound ${MAX_EVENTS_PER_FRAME}): [${label}]`);
    if (handlerMessageInFrame !== undefined && result.handlerExceptions.examples.length < KEPT_EXAMPLES) {
      result.handlerExceptions.examples.push(`${handlerMessageInFrame} <- frame [${label.slice(0, 200)}]`);
    }
    handlerMessageInFrame = undefined;
  };
  /** The session's report that handling the current frame threw (a bug, though the session survives it). */
  let handlerMessageInFrame: string | undefined;

  const transport: RealtimeTransport = (options) =>
    connectWebSocket({
      ...options,
      handlers: { ...options.handlers, onFrame: (frame) => onFrameMeasured(frame, () => options.handlers.onFrame(frame)) },
    });

  const sink = new PlaybackSink({ speed: PLAYBACK_SPEED });
  const session = new VoiceSession({ transport, agent, sink, logger, connectTimeoutMs: CONNECT_TIMEOUT_MS, newSessionId: () => `fuzz-${dialect}` });
  let live = false;
  session.onEvent((event: SessionEvent) => {
    result.eventCounts[event.type] = (result.eventCounts[event.type] ?? 0) + 1;
    if (inFrame) eventsInFrame++;
    switch (event.type) {
      case 'error':
        result.errorEvents++;
        result.errorCodes[event.code] = (result.errorCodes[event.code] ?? 0) + 1;
        if (inFrame) errorsInFrame++;
        else result.asyncErrorEvents++;
        if (!event.recoverable) fail(`a frame storm must only cause recoverable errors; got ${event.code}: ${event.message.slice(0, 200)}`);
        if (event.message.startsWith(HANDLER_EXCEPTION_PREFIX)) {
          result.handlerExceptions.count++;
          if (inFrame) handlerMessageInFrame = event.message.slice(0, 240);
          else if (result.handlerExceptions.examples.length < KEPT_EXAMPLES) result.handlerExceptions.examples.push(event.message.slice(0, 240));
        }
        return;
      case 'state':
        if (live && event.state !== 'live') fail(`the session left 'live' for '${event.state}' during the storm`);
        return;
      case 'connection':
        fail(`the storm made the connection change (${event.status}: ${event.reason})`);
        return;
      case 'closed':
        if (live) fail(`the session closed during the storm (${event.reason})`);
        return;
      default:
        return;
    }
  });

  try {
    const started = await session.start({ config: sessionConfig(dialect, realtime.url, { model: undefined }), apiKey: FUZZ_API_KEY });
    if (!started) {
      fail(`the session did not start (state ${session.state})`);
      return result;
    }
    live = true;

    const mutator = new FrameMutator(dialect, settings.random);
    result.mutationCounts = mutator.counts;
    const stormStarted = performance.now();
    let lastBatchLabels: string[] = [];
    while (result.framesSent < settings.frames && result.failures.length === 0) {
      const batchLabels: string[] = [];
      let batchBytes = 0;
      while (batchLabels.length < settings.batch && batchBytes < BATCH_MAX_BYTES && result.framesSent + batchLabels.length < settings.frames) {
        const frame = mutator.next();
        batchLabels.push(frame.label);
        if (frame.kind === 'text') {
          pendingLabels.push(frame.label);
          result.textFrames++;
        } else {
          result.binaryFrames++;
        }
        batchBytes += realtime.send(frame);
      }
      result.framesSent += batchLabels.length;
      result.bytesSent += batchBytes;
      try {
        await realtime.drain(DRAIN_TIMEOUT_MS);
      } catch (error) {
        fail(`${(error as Error).message}; the batch held: ${describeBatch(batchLabels)}`);
        break;
      }
      if (pendingLabels.length > 0) fail(`${pendingLabels.length} text frames were sent but never reached the session: ${describeBatch(pendingLabels)}`);
      if (session.state !== 'live') fail(`the session is '${session.state}' after the batch: ${describeBatch(batchLabels)}`);
      if (realtime.connectionCount !== 1) fail(`the client connected ${realtime.connectionCount} times (a reconnect) after the batch: ${describeBatch(batchLabels)}`);
      const processFailure = settings.processFailure();
      if (processFailure) fail(`${processFailure}; the last batch held: ${describeBatch(batchLabels)}`);
      if (result.failures.length > 0 && lastBatchLabels.length > 0) result.failures.push(`(the batch before it held: ${describeBatch(lastBatchLabels)})`);
      lastBatchLabels = batchLabels;
      result.agentRequests = agentServer.requestCount;
      result.largestAgentRequestBytes = agentServer.largestRequestBytes;
      settings.onBatchDrained(batchLabels.length, result);
    }
    result.stormMs = performance.now() - stormStarted;
    if (result.failures.length > 0) return result;

    await checkHandoffAfterStorm(dialect, session, realtime, result, fail);
    result.finalState = session.state;
    if (session.state !== 'live') fail(`the session is '${session.state}' after the final handoff`);
    if (realtime.connectionCount !== 1) fail(`the client connected ${realtime.connectionCount} times`);
    return result;
  } finally {
    result.agentRequests = agentServer.requestCount;
    result.largestAgentRequestBytes = agentServer.largestRequestBytes;
    result.audioFramesPlayed = sink.framesWritten;
    result.audioDroppedMs = sink.droppedMs;
    live = false; // from here on, leaving 'live' is the requested stop
    await session.stop();
    await sink.close();
    await agent.dispose();
    await realtime.close();
    await agentServer.close();
  }
}

/** The agent settles what the storm started, then one valid handoff must come back answered. */
async function checkHandoffAfterStorm(
  dialect: Dialect,
  session: VoiceSession,
  realtime: Awaited<ReturnType<typeof startFuzzRealtimeServer>>,
  result: StormResult,
  fail: (message: string) => void,
): Promise<void> {
  const idleStarted = performance.now();
  while (session.isAgentWorking && performance.now() - idleStarted < AGENT_IDLE_TIMEOUT_MS) await sleep(20);
  if (session.isAgentWorking) {
    fail(`the agent was still working ${AGENT_IDLE_TIMEOUT_MS} ms after the storm (a turn that never ends)`);
    return;
  }
  result.agentIdleAfterMs = performance.now() - idleStarted;
  const handoffId = `fuzz_final_${dialect}`;
  const answered = realtime.waitForClientFrame((frame) => isHandoffAnswer(dialect, frame, handoffId), HANDOFF_ANSWER_TIMEOUT_MS);
  const sent = performance.now();
  realtime.sendJson(handoffRequest(dialect, handoffId, 'after the storm: is the agent still there?'));
  try {
    await answered;
    result.handoffRoundTripMs = performance.now() - sent;
  } catch (error) {
    fail(`the valid handoff after the storm was not answered: ${(error as Error).message}`);
  }
}

function describeBatch(labels: readonly string[]): string {
  const shown = labels.slice(-12).map((label) => `[${label.slice(0, 160)}]`);
  return `${labels.length} frames, the last ${shown.length}: ${shown.join(' ')}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
