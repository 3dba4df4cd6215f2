import { LATENCY_STEP_OWNERS, type LatencyStart, type LatencyStep, type LatencyStepName, type TurnLatency } from '../../../src-shared/latency';
import type { PlaybackStart } from '../audio/audio-io';

export interface TurnLatencyDeps {
  /** Epoch milliseconds, fractional (performance.timeOrigin + performance.now() in the app). */
  now(): number;
  emit(latency: TurnLatency): void;
  /** The speaker reports each item's first sample (AudioSink.onPlaybackStart); otherwise a turn ends at its first audio delta. */
  readonly deviceReports: boolean;
}

/** A local end of speech older than this when the response starts belongs to something else (the echo, an earlier pause). */
export const MAX_SPEECH_END_AGE_MS = 10_000;

/** The marks of one agent turn, kept under the handoff whose card shows it. */
interface HandoffMarks {
  readonly cardId: string;
  readonly requestedAt: number;
  startedAt?: number;
  requestSentAt?: number;
  firstTokenAt?: number;
  answerArrivedAt?: number;
}

interface StartMark {
  readonly at: number;
  readonly source: LatencyStart;
  /** A handoff's answer: the agent's marks before it. */
  readonly handoff?: HandoffMarks & { readonly answerSentAt: number };
}

interface MeasuredResponse {
  readonly responseId: string;
  readonly start: StartMark;
  readonly createdAt: number;
  firstAudioAt?: number;
  itemId?: string;
}

/**
 * The latency waterfall of each turn, from Parley's own clocks: marks arrive as things happen (the
 * end of the user's speech, the server's response and its first audio, the first sample at the
 * device; for a handoff the agent's request, first token and answer), and once the first sample
 * of the reply is heard, or the reply ends without one, the turn's steps go out as one
 * TurnLatency. Responses nobody asked for (the agent's spoken updates) are not measured. One
 * response is measured at a time, as the server answers one at a time.
 */
export class TurnLatencyTracker {
  private localSpeechEndAt: number | undefined;
  private serverSpeechEndAt: number | undefined;
  /** A push-to-talk commit, a typed message or a handoff's answer: the next response answers it. */
  private explicitStart: StartMark | undefined;
  private readonly handoffs = new Map<string, HandoffMarks>();
  /** Handoff id → the card it belongs to (itself, or the turn it steered). */
  private readonly cardOf = new Map<string, string>();
  private measured: MeasuredResponse | undefined;

  constructor(private readonly deps: TurnLatencyDeps) {}

  /** The local voice detector heard the user stop, `agoMs` before now (its hangover). */
  localSpeechEnded(agoMs = 0): void {
    this.localSpeechEndAt = this.deps.now() - Math.max(0, agoMs);
  }

  serverSpeechEnded(): void {
    this.serverSpeechEndAt = this.deps.now();
  }

  committed(): void {
    this.explicitStart = { at: this.deps.now(), source: 'commit' };
  }

  textSent(): void {
    this.explicitStart = { at: this.deps.now(), source: 'text' };
  }

  /** `joinsCardId`: the request steers the running turn shown on that card. */
  handoffRequested(handoffId: string, joinsCardId?: string): void {
    const cardId = joinsCardId !== undefined && this.handoffs.has(joinsCardId) ? joinsCardId : handoffId;
    this.cardOf.set(handoffId, cardId);
    if (cardId === handoffId) this.handoffs.set(handoffId, { cardId, requestedAt: this.deps.now() });
  }

  /** The agent turn starts (the backend is asked); its request is on the wire at `agentRequestSent`, when the backend says. */
  agentStarted(handoffId: string): void {
    const marks = this.marksOf(handoffId);
    if (marks) marks.startedAt ??= this.deps.now();
  }

  agentRequestSent(handoffId: string): void {
    const marks = this.marksOf(handoffId);
    if (marks) marks.requestSentAt ??= this.deps.now();
  }

  /** The agent's first token, step or message. */
  agentOutput(handoffId: string): void {
    const marks = this.marksOf(handoffId);
    if (marks) marks.firstTokenAt ??= this.deps.now();
  }

  answerArrived(handoffId: string): void {
    const marks = this.marksOf(handoffId);
    if (!marks) return;
    const now = this.deps.now();
    marks.firstTokenAt ??= now;
    marks.answerArrivedAt = now;
  }

  /** The answer went to the voice session: the next response speaks it. */
  answerSent(handoffId: string): void {
    const marks = this.marksOf(handoffId);
    if (!marks || marks.answerArrivedAt === undefined) return;
    const at = this.deps.now();
    this.explicitStart = { at, source: 'handoff', handoff: { ...marks, answerSentAt: at } };
  }

  /** The handoff's turn is over (answered, failed or cancelled): its marks go. */
  handoffEnded(handoffId: string): void {
    const cardId = this.cardOf.get(handoffId) ?? handoffId;
    this.handoffs.delete(cardId);
    for (const [id, card] of this.cardOf) if (card === cardId) this.cardOf.delete(id);
  }

  responseCreated(responseId: string | undefined): void {
    this.finishMeasured();
    const start = this.takeStart();
    if (!start) return;
    this.measured = { responseId: responseId ?? `response-${Math.round(start.at)}`, start, createdAt: this.deps.now() };
  }

  audioDelta(itemId: string | undefined): void {
    const measured = this.measured;
    if (!measured || measured.firstAudioAt !== undefined) return;
    measured.firstAudioAt = this.deps.now();
    measured.itemId = itemId;
    if (!this.deps.deviceReports) this.finishMeasured();
  }

  /** The speaker's report of an item's first sample; only the measured reply's counts. */
  playbackStarted(start: PlaybackStart): void {
    const measured = this.measured;
    if (!measured || measured.firstAudioAt === undefined || measured.itemId !== start.itemId) return;
    this.measured = undefined;
    this.deps.emit(this.latencyOf(measured, start));
  }

  /** The response ended: without audio its waterfall ends here; with audio it waits for the speaker. */
  responseDone(): void {
    if (this.measured && this.measured.firstAudioAt === undefined) this.finishMeasured();
  }

  /** The connection went away: what was being measured ends with what it has; speech marks are forgotten. */
  reset(): void {
    this.finishMeasured();
    this.localSpeechEndAt = undefined;
    this.serverSpeechEndAt = undefined;
    this.explicitStart = undefined;
  }

  private marksOf(handoffId: string): HandoffMarks | undefined {
    return this.handoffs.get(this.cardOf.get(handoffId) ?? handoffId);
  }

  /** What this response answers: an explicit start, else the end of the turn the server heard (the local detector's mark of it first), if recent. */
  private takeStart(): StartMark | undefined {
    const now = this.deps.now();
    const explicit = this.explicitStart;
    const local = this.localSpeechEndAt;
    const server = this.serverSpeechEndAt;
    this.explicitStart = undefined;
    this.localSpeechEndAt = undefined;
    this.serverSpeechEndAt = undefined;
    if (explicit) return explicit;
    // Hands-free turns are the server's to end: without its speech_stopped the speech was not a
    // turn (an aside, a "mm-hm"), and the response answers something else. The local detector
    // hears the same end sooner and more exactly, so it counts when it came at or before the
    // server's (a local end after it is speech the server did not take into this turn).
    if (server === undefined || now - server > MAX_SPEECH_END_AGE_MS) return undefined;
    if (local !== undefined && local <= server && server - local <= MAX_SPEECH_END_AGE_MS) return { at: local, source: 'local_vad' };
    return { at: server, source: 'server_vad' };
  }

  /** Emits what the measured reply has so far (no device step). */
  private finishMeasured(): void {
    const measured = this.measured;
    this.measured = undefined;
    if (measured) this.deps.emit(this.latencyOf(measured, undefined));
  }

  private latencyOf(measured: MeasuredResponse, played: PlaybackStart | undefined): TurnLatency {
    const steps: LatencyStep[] = [];
    const step = (name: LatencyStepName, from: number | undefined, to: number | undefined): void => {
      if (from === undefined || to === undefined) return;
      steps.push({ name, owner: LATENCY_STEP_OWNERS[name], ms: Math.round(Math.max(0, to - from) * 10) / 10 });
    };
    const { start } = measured;
    const handoff = start.handoff;
    if (handoff) {
      // Without the backend's own "on the wire" mark, the turn's start stands in for it.
      const onWire = handoff.requestSentAt ?? handoff.startedAt ?? handoff.requestedAt;
      step('agent_request', handoff.requestedAt, onWire);
      step('agent_first_token', onWire, handoff.firstTokenAt);
      step('agent_answer', handoff.firstTokenAt, handoff.answerArrivedAt);
      step('answer_sent', handoff.answerArrivedAt, handoff.answerSentAt);
    }
    step('response_started', start.at, measured.createdAt);
    step('first_audio', measured.createdAt, measured.firstAudioAt);
    if (played) {
      step('buffering', measured.firstAudioAt, played.handedAt);
      step('device', played.handedAt, played.heardAt);
    }
    const totalMs = Math.round(steps.reduce((sum, { ms }) => sum + ms, 0) * 10) / 10;
    return {
      kind: handoff ? 'handoff' : 'spoken',
      turnId: handoff ? handoff.cardId : measured.responseId,
      ...(measured.itemId !== undefined ? { itemId: measured.itemId } : {}),
      start: start.source,
      startedAt: handoff ? handoff.requestedAt : start.at,
      steps,
      totalMs,
      heard: played !== undefined,
    };
  }
}
