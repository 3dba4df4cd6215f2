import type { RealtimeSessionConfig } from '../protocol/session-config';
import type { SessionEvent } from '../../../src-shared/session-events';
import type { AgentApprovalDecision, AgentBackend } from '../agent/agent-backend';
import type { AudioSink, PlaybackInterruption } from '../audio/audio-io';
import { AGENT_UPDATE_INTERVAL_MS, systemNarratorClock, type NarratorClock } from '../handoff/agent-narrator';
import { FunctionCalls } from '../handoff/function-calls';
import { HandoffController } from '../handoff/handoff-controller';
import { CallOutputVoice, createV1HandoffVoice, type HandoffVoice, type VoiceWire } from '../handoff/handoff-voice';
import type { DialectCodec } from '../protocol/dialect-codec';
import type { OutboundMessage } from '../protocol/outbound-message';
import type { AudioDelta, RealtimeEvent } from '../protocol/realtime-event';
import type { RealtimeConnection } from '../protocol/transport';
import { ACTIVE_RESPONSE_ERROR_CODE } from '../protocol/v2-codec';
import { MAX_AUDIO_DELTA_BASE64_CHARS } from '../protocol/audio-validation';
import { MAX_ID_CHARS } from '../protocol/json-fields';
import { ActiveTranscript } from '../transcript/active-transcript';
import { assertNever } from '../util/assert-never';
import { redactSecrets } from '../util/redact';
import type { Logger } from '../util/logger';
import { ItemAudioLedger } from './item-audio-ledger';
import { ItemConversation } from './item-conversation';
import { FRAME_DURATION_MS, PendingOutbound, RecentAudio } from './pending-outbound';
import { responseOutcomeEvents } from './response-outcome';
import { ResponseGate } from './response-gate';
import { SessionConfiguration, type ConfigUpdate } from './session-configuration';
import { TurnLatencyTracker } from './turn-latency';

/** Starts the message of a `server_error` event; the server's own words follow. */
export const SERVER_ERROR_PREFIX = 'The realtime server reported: ';

/** The error code the live API sends when a session reaches its maximum duration. */
export const SESSION_EXPIRED_ERROR_CODE = 'session_expired';

export { SUPERSEDED_HANDOFF_TEXT } from '../handoff/handoff-voice';

export interface LiveConversationDeps {
  readonly codec: DialectCodec;
  readonly agent: AgentBackend;
  readonly sink: AudioSink | undefined;
  readonly logger: Logger;
  /** The configuration the connection opens with (its first session.update). */
  readonly config: RealtimeSessionConfig;
  emit(event: SessionEvent): void;
  /** The server confirmed the configuration (v2: session.updated answered the first session.update). */
  onReady?(): void;
  /** v2: the server refused the configuration (an error before session.updated); its words, redacted. */
  onConfigurationRefused?(message: string): void;
  /** The server says the session reached its maximum duration: a new one must take over. */
  onSessionExpired?(message: string): void;
  /** A response finished on this connection: it carries the conversation (it proved itself). */
  onResponseCompleted?(): void;
  /** The least time between two spoken progress updates of a working agent; default AGENT_UPDATE_INTERVAL_MS. */
  readonly agentUpdateIntervalMs?: number;
  /** For tests: the narrator's clock and timers. */
  readonly narratorClock?: NarratorClock;
  /** For tests: the latency waterfall's clock (epoch ms, fractional). */
  readonly latencyClock?: () => number;
}

/**
 * One conversation of a voice session: its transcript, handoffs and agent turn, over one realtime
 * connection at a time. A reconnect or renewal hands it a new connection (`reattach`): what
 * belongs to the connection (configuration, response gate, barge-in ledger) starts fresh, while
 * the transcript and a running agent turn go on; what is said while no connection is ready waits
 * in a bounded queue. A new voice session gets a new instance, so nothing leaks across sessions;
 * after `dispose()` every late callback is dropped.
 */
export class LiveConversation {
  private connection: RealtimeConnection | undefined;
  private disposed = false;
  private configuration: SessionConfiguration;
  /** Said while no connection was ready; sent in order once one is. */
  private readonly pending = new PendingOutbound();
  /** The last second of microphone audio sent: a renewed session hears it again (a start of speech). */
  private readonly recentAudio = new RecentAudio(RENEWAL_REPLAY_FRAMES);
  /** The server detected speech and has not yet seen it end (server turn detection only). */
  private userSpeaking = false;
  /** When the server last saw the user's turn end, until a response to it is created. */
  private turnEndedAt: number | undefined;
  private lastServerEventAt = 0;
  private lastAudioSentAt = 0;
  /** v2: the last item placed; a new session's first item (previous id null) follows it. */
  private lastPlacedItemId: string | undefined;
  private placementAnchor: string | undefined;
  /** Audio still in flight for an item the user talked over is dropped, not played again. */
  private interruptedItemId: string | undefined;
  private lastAudioItemId: string | undefined;
  /** When assistant audio last arrived: speech the user is hearing (a handoff needs no acknowledgement then). */
  private lastAssistantAudioAt: number | undefined;
  /** What a truncate may claim: the audio the server sent per item. */
  private readonly audioLedger = new ItemAudioLedger();
  /** Between response.created and response.done: what a local barge-in must cancel without server VAD. */
  private responseInProgress = false;
  private cancelSent = false;
  private serverDetectsTurns: boolean;
  /** v1: role-merged deltas in arrival order, exactly as the reference. */
  readonly transcript = new ActiveTranscript();
  /** v2: the conversation by its items (undefined in v1). */
  private readonly itemConversation: ItemConversation | undefined;
  private readonly handoffs: HandoffController;
  private readonly responses: ResponseGate;
  private readonly calls: FunctionCalls;
  /** Each turn's latency waterfall, from this conversation's marks and the speaker's reports. */
  private readonly latency: TurnLatencyTracker;
  private readonly stopPlaybackReports: (() => void) | undefined;

  constructor(private readonly deps: LiveConversationDeps) {
    this.configuration = new SessionConfiguration(deps.codec, deps.config);
    // turn_detection null (push-to-talk, toggle): the client commits and interrupts.
    this.serverDetectsTurns = deps.config.turnDetection !== 'none';
    this.responses = new ResponseGate(() => this.send({ type: 'response.create' }));
    const sink = deps.sink;
    this.latency = new TurnLatencyTracker({
      now: deps.latencyClock ?? epochNow,
      emit: (latency) => {
        if (!this.disposed) deps.emit({ type: 'latency', ...latency });
      },
      deviceReports: sink?.onPlaybackStart !== undefined,
    });
    this.stopPlaybackReports = sink?.onPlaybackStart?.((start) => this.latency.playbackStarted(start));
    const itemOrdered = deps.codec.dialect === 'v2';
    const calls = new FunctionCalls();
    this.calls = calls;
    const wire: VoiceWire = { send: (message) => this.send(message), requestResponse: () => this.responses.request() };
    // The handoff controller is built below; interim messages reach its narrator through it.
    const interim = (text: string): void => this.handoffs.onInterimMessage(text);
    const voice: HandoffVoice = itemOrdered ? new CallOutputVoice(wire, calls, deps.logger, interim) : createV1HandoffVoice(wire);
    this.handoffs = new HandoffController({
      dialect: deps.codec.dialect,
      agent: deps.agent,
      emit: (event) => {
        if (!this.disposed) deps.emit(event);
      },
      voice,
      logger: deps.logger,
      latency: this.latency,
      narration: {
        // v1 (the reference's protocol) has no system items: its progress shows on the card only.
        tell: itemOrdered
          ? (text, speak) => {
              this.send({ type: 'agent.progress', text });
              if (speak) this.responses.request();
            }
          : () => {},
        lastAssistantAudioAt: () => this.lastAssistantAudioAt,
        canSpeakNow: () => !this.userSpeaking && !this.responses.isBusy && !(this.deps.sink?.isPlaying() ?? false),
        updateIntervalMs: deps.agentUpdateIntervalMs ?? AGENT_UPDATE_INTERVAL_MS,
        clock: deps.narratorClock ?? systemNarratorClock,
      },
    });
    this.itemConversation = itemOrdered ? new ItemConversation({ calls, handoffs: this.handoffs, emit: deps.emit, logger: deps.logger }) : undefined;
  }

  attach(connection: RealtimeConnection): void {
    this.connection = connection;
    if (this.isReady) this.flushPending();
  }

  /**
   * A new connection takes over (reconnect or renewal; its first frame, the configuration, is
   * already sent). Everything of the old connection is forgotten: its configuration, response,
   * barge-in ledger and function calls (answers to those go out as messages). The transcript and
   * a running agent turn go on; what waits in the queue goes out once the server confirms.
   */
  reattach(connection: RealtimeConnection, renewal?: { readonly catchUp: string | undefined }): void {
    if (this.disposed) return;
    this.detach();
    this.configuration = this.configuration.forNewConnection();
    this.calls.retireAll();
    this.placementAnchor = this.lastPlacedItemId;
    if (renewal) {
      // Confirmed before the switch (its session.updated is behind it). It first hears what was
      // said since it was prepared, then the last second of the microphone: speech that had just
      // begun on the old session starts again on the new one instead of being cut.
      this.configuration.onSessionUpdated();
      for (const base64 of this.recentAudio.take().reverse()) this.pending.unshift({ type: 'audio.append', base64 });
      if (renewal.catchUp !== undefined) this.pending.unshift({ type: 'agent.progress', text: renewal.catchUp });
    }
    this.attach(connection);
  }

  /**
   * A reply is under way, so switching connections now would cut it: a response is being
   * produced or played, one was asked for and has not started, or the user's turn just ended
   * and the server's response to it has not been created yet.
   */
  get isResponding(): boolean {
    if (this.responseInProgress || this.responses.isBusy || this.deps.sink?.isPlaying()) return true;
    return this.turnEndedAt !== undefined && Date.now() - this.turnEndedAt < AWAIT_RESPONSE_AFTER_TURN_MS;
  }

  /** The connection is gone; until the next one is ready, what is said waits in the queue. */
  detach(): void {
    this.connection = undefined;
    this.responseInProgress = false;
    this.cancelSent = false;
    this.userSpeaking = false;
    this.turnEndedAt = undefined;
    this.interruptedItemId = undefined;
    this.lastAudioItemId = undefined;
    this.audioLedger.clear();
    this.responses.reset();
    this.latency.reset();
  }

  /** The configuration the current connection has (a new connection opens with it). */
  get currentConfig(): RealtimeSessionConfig {
    return this.configuration.current;
  }

  /**
   * Nothing would be cut by switching connections now: no reply is under way (see isResponding),
   * the user is not speaking, the server has said nothing for `serverSilentMs`, and (without server turn
   * detection) no speech was sent in the last second that is still waiting for its commit.
   */
  isQuiet(serverSilentMs: number): boolean {
    if (this.isResponding || this.userSpeaking) return false;
    const now = Date.now();
    if (now - this.lastServerEventAt < serverSilentMs) return false;
    return this.serverDetectsTurns || now - this.lastAudioSentAt >= QUIET_AFTER_AUDIO_MS;
  }

  private get isReady(): boolean {
    return this.connection !== undefined && !this.configuration.awaitingConfirmation;
  }

  get isAgentWorking(): boolean {
    return this.handoffs.isAgentWorking;
  }

  get activeHandoffId(): string | undefined {
    return this.handoffs.handoffId;
  }

  /** Inbound frame from the transport: decoded once, malformed ones already skipped by the codec. */
  onFrame(frame: string): void {
    if (this.disposed) return;
    const event = this.deps.codec.decode(frame);
    if (event) this.onEvent(event);
  }

  sendAudio(pcm: Buffer): void {
    if (!this.serverDetectsTurns) this.lastAudioSentAt = Date.now();
    const base64 = pcm.toString('base64');
    this.recentAudio.push(base64);
    this.send({ type: 'audio.append', base64 });
  }

  sendText(text: string): void {
    this.latency.textSent();
    this.send({ type: 'user.text', text });
    this.itemConversation?.onTextSent(text);
    this.deps.emit({ type: 'user.text', text });
    if (this.deps.codec.capabilities.responseAfterUserText) this.responses.request();
  }

  /** Push-to-talk release: the buffered speech is complete, answer it. */
  commitAudio(): void {
    this.latency.committed();
    this.send({ type: 'audio.commit' });
    if (this.deps.codec.capabilities.responseAfterUserText) this.responses.request();
  }

  /** The local voice detector heard the user's speech end `agoMs` ago (the latency waterfall's start). */
  onLocalSpeechEnded(agoMs: number): void {
    if (!this.disposed) this.latency.localSpeechEnded(agoMs);
  }

  clearInputBuffer(): void {
    this.send({ type: 'audio.clear' });
  }

  /** Sends what changed (e.g. turn detection after a talk-mode change); a locked voice waits for the next session. */
  updateConfig(config: RealtimeSessionConfig): ConfigUpdate {
    if (this.disposed || !this.connection) return { sent: false, voiceDeferred: false };
    this.serverDetectsTurns = config.turnDetection !== 'none';
    const { frame, update } = this.configuration.change(config);
    if (frame !== undefined) this.connection.send(frame);
    return update;
  }

  cancelAgent(): boolean {
    return this.handoffs.cancel();
  }

  answerAgentApproval(approvalId: string, decision: AgentApprovalDecision, decidedBy: 'voice' | 'click'): boolean {
    return this.handoffs.answerApproval(approvalId, decision, decidedBy);
  }

  /**
   * v2: the server stops its own response when it hears the user (turn detection with
   * interrupt_response). Not without turn detection (push-to-talk), and not with an echo
   * canceller, where interrupt_response is false and the client's barge-in detector decides.
   */
  private get serverInterrupts(): boolean {
    const config = this.configuration.current;
    return config.turnDetection !== 'none' && config.interruptResponse !== false;
  }

  /**
   * Local barge-in (talk key, local VAD): when the server does not interrupt by itself (no turn
   * detection, or interrupt_response false) nothing on the server stops its response, so an
   * active one is cancelled here (once); then the speaker is silenced and the item truncated.
   */
  interruptPlayback(): void {
    if (!this.serverInterrupts && this.responseInProgress && !this.cancelSent && this.deps.codec.dialect === 'v2') {
      this.cancelSent = true;
      this.send({ type: 'response.cancel' });
    }
    this.stopPlayback();
  }

  /** Barge-in: silence the speaker now and tell the server what was really heard. */
  private stopPlayback(): void {
    const sink = this.deps.sink;
    if (!sink?.isPlaying()) return;
    // Late deltas of the item being played are dropped from now on, before the sink answers.
    this.interruptedItemId = this.lastAudioItemId;
    const answer = sink.interrupt();
    if (answer instanceof Promise) {
      answer.then(
        (interruption) => this.onPlaybackInterrupted(interruption),
        (error: unknown) => this.deps.logger.warn('the speaker did not report what was played', { error: String(error) }),
      );
    } else {
      this.onPlaybackInterrupted(answer);
    }
  }

  private onPlaybackInterrupted(interruption: PlaybackInterruption | undefined): void {
    if (!interruption || this.disposed) return;
    this.interruptedItemId = interruption.itemId;
    const audioEndMs = this.audioLedger.truncatePoint(interruption.itemId, interruption.playedMs);
    if (this.deps.codec.capabilities.truncateOnBargeIn && audioEndMs !== undefined) {
      this.send({ type: 'item.truncate', itemId: interruption.itemId, audioEndMs });
    }
    this.deps.emit({ type: 'playback.interrupted', itemId: interruption.itemId, playedMs: interruption.playedMs });
  }

  /** Ends this connection's work; answers the handoff whose agent turn it abandoned, if any. */
  dispose(): string | undefined {
    if (this.disposed) return undefined;
    this.disposed = true;
    this.stopPlaybackReports?.();
    this.responses.reset();
    return this.handoffs.abort();
  }

  private send(message: OutboundMessage): void {
    if (this.disposed) return;
    if (!this.isReady || this.pending.size > 0) {
      this.pending.push(message);
      return;
    }
    this.connection!.send(this.deps.codec.encode(message));
  }

  /** The connection is ready: what waited goes out in order (a response request through the gate). */
  private flushPending(): void {
    const { messages, droppedAudioFrames, droppedMessages } = this.pending.take();
    if (droppedAudioFrames > 0) {
      this.deps.emit({ type: 'audio.dropped', frames: droppedAudioFrames, durationMs: droppedAudioFrames * FRAME_DURATION_MS, reason: 'not_connected' });
    }
    if (droppedMessages > 0) this.deps.logger.warn('messages dropped while there was no connection', { droppedMessages });
    for (const message of messages) {
      if (message.type === 'response.create') this.responses.request();
      else this.send(message);
    }
  }

  private onEvent(event: RealtimeEvent): void {
    const { emit } = this.deps;
    this.lastServerEventAt = Date.now();
    switch (event.type) {
      case 'audio.delta':
        this.onAudio(event.audio);
        return;
      case 'audio.done':
        // A short answer need not wait for the speaker's start threshold; its tail is flushed.
        this.audioLedger.onAudioDone(event.itemId);
        this.deps.sink?.endItem?.(event.itemId);
        return;
      case 'transcript.delta': {
        if (this.itemConversation) {
          this.itemConversation.onText(event.role, event.itemId, event.delta, false);
          return;
        }
        const change = this.transcript.appendDelta(event.role, event.delta);
        if (!change) return;
        emit({ type: 'transcript.delta', role: event.role, delta: event.delta });
        emit({ type: 'transcript.entry', ...change });
        return;
      }
      case 'transcript.done': {
        if (this.itemConversation) {
          this.itemConversation.onText(event.role, event.itemId, event.text, true);
          return;
        }
        const change = this.transcript.applyDone(event.role, event.text);
        if (change) emit({ type: 'transcript.entry', ...change });
        return;
      }
      case 'handoff.requested':
        // v1's handoff event; v2 calls are decided from their items (item.finished).
        this.handoffs.onHandoffRequested(event.handoffId, event.inputTranscript, this.transcript.take());
        return;
      case 'item.placed': {
        // A new session's first item has no previous item there; here it follows the old session's last.
        const previousItemId = event.previousItemId === null && this.placementAnchor !== undefined ? this.placementAnchor : event.previousItemId;
        this.placementAnchor = undefined;
        this.lastPlacedItemId = event.item.id;
        this.itemConversation?.onItemPlaced(event.item, previousItemId);
        return;
      }
      case 'item.finished':
        this.itemConversation?.onItemFinished(event.item);
        return;
      case 'function_call.arguments':
        this.itemConversation?.onArguments(event.itemId, event.callId, event.delta, event.arguments);
        return;
      case 'speech.started':
        this.userSpeaking = true;
        emit({ type: 'user.speech_started' });
        // Server VAD cancels its own response (interrupt_response); only the speaker is ours.
        // With interrupt_response false (an echo canceller) the server's VAD also hears coughs and
        // "mm-hm"s: the client's barge-in detector decides, and the assistant keeps talking here.
        if (this.serverInterrupts) this.stopPlayback();
        return;
      case 'response.created':
        this.responseInProgress = true;
        this.turnEndedAt = undefined;
        this.cancelSent = false;
        this.configuration.lockVoice();
        this.responses.onResponseCreated();
        this.latency.responseCreated(event.responseId);
        return;
      case 'response.done':
        this.latency.responseDone();
        this.responseInProgress = false;
        this.responses.onResponseFinished();
        this.deps.onResponseCompleted?.();
        for (const outcome of responseOutcomeEvents(event)) emit(outcome);
        return;
      case 'response.cancelled':
        this.latency.responseDone();
        this.responseInProgress = false;
        this.responses.onResponseFinished();
        return;
      case 'transcription.failed':
        this.itemConversation?.onTranscriptionFailed(event.itemId, event.message);
        return;
      case 'rate_limits':
        emit({ type: 'rate_limits', limits: event.limits });
        return;
      case 'item.truncated': {
        const sentMs = this.audioLedger.sentMs(event.itemId);
        this.itemConversation?.onTruncated(event.itemId, sentMs > 0 ? event.audioEndMs / sentMs : 1);
        return;
      }
      case 'error':
        this.onServerError(event);
        return;
      case 'session.updated':
        // v2 sends session.created, then session.updated for our update: ready once.
        if (!this.configuration.onSessionUpdated()) return;
        // Live first, so listeners of session.ready see a live session.
        this.deps.onReady?.();
        emit({ type: 'session.ready', serverSessionId: event.sessionId });
        this.flushPending();
        return;
      case 'session.created':
        // The server's defaults, before our configuration: not ready yet.
        return;
      case 'speech.stopped':
        this.userSpeaking = false;
        this.turnEndedAt = Date.now();
        this.latency.serverSpeechEnded();
        return;
      case 'item.added':
      case 'item.done':
        // Informational. item.added in particular never starts a turn (echo guard).
        return;
      default:
        assertNever(event, 'live conversation event');
    }
  }

  /** An error naming one of our events is tied to it (v2 event_id); nothing is guessed from its text. */
  private onServerError(event: Extract<RealtimeEvent, { type: 'error' }>): void {
    const message = redactSecrets(event.message);
    if (event.code === SESSION_EXPIRED_ERROR_CODE && this.deps.onSessionExpired) {
      this.deps.onSessionExpired(message);
      return;
    }
    if (this.configuration.awaitingConfirmation) {
      // Nothing but the configuration was sent yet: it was refused, the server runs on its defaults.
      this.deps.onConfigurationRefused?.(message);
      return;
    }
    if (event.code === ACTIVE_RESPONSE_ERROR_CODE && event.request === undefined) {
      // Not ours: server VAD (interrupt_response false) heard the user, a cough or an "mm-hm" while
      // the assistant still talked and could not start its automatic response. The assistant goes
      // on, as it should; nothing for the user to fix, so a notice in the log, not an error event.
      this.deps.logger.info('the server could not answer speech heard while a response was active; the response goes on', { code: event.code });
      return;
    }
    if (event.request === 'response.create') {
      if (event.code === ACTIVE_RESPONSE_ERROR_CODE) {
        this.deps.logger.debug('server has an active response; response.create deferred');
        this.responses.onActiveResponseError();
        return;
      }
      this.responses.onCreateRejected();
    }
    this.deps.emit({ type: 'error', code: 'server_error', message: `${SERVER_ERROR_PREFIX}${message}`, recoverable: true });
  }

  private onAudio(audio: AudioDelta): void {
    if (audio.base64.length > MAX_AUDIO_DELTA_BASE64_CHARS || (audio.itemId !== undefined && audio.itemId.length > MAX_ID_CHARS)) {
      this.deps.logger.warn('an audio delta beyond every plausible size was skipped', { chars: audio.base64.length });
      return;
    }
    this.configuration.lockVoice();
    // Counted before the barge-in drop: the server sent it, so a truncate may claim it.
    this.audioLedger.onAudio(audio.itemId, (audio.base64.length * 3) / 4 - base64Padding(audio.base64), audio.sampleRate, audio.channels);
    if (audio.itemId !== undefined && audio.itemId === this.interruptedItemId) return;
    this.lastAudioItemId = audio.itemId;
    this.latency.audioDelta(audio.itemId);
    this.lastAssistantAudioAt = (this.deps.narratorClock ?? systemNarratorClock).now();
    // One object serves as both the sink frame and the event (the hot path allocates little).
    const output = {
      type: 'audio.output' as const,
      pcm: Buffer.from(audio.base64, 'base64'),
      sampleRate: audio.sampleRate,
      channels: audio.channels,
      itemId: audio.itemId,
    };
    this.deps.sink?.write(output);
    this.deps.emit(output);
  }
}

/** One second of 20 ms microphone frames: what a renewed session hears again. */
const RENEWAL_REPLAY_FRAMES = 50;

/** After the user's turn ends, the server's response to it is awaited this long before a switch. */
const AWAIT_RESPONSE_AFTER_TURN_MS = 3_000;

/** Without server turn detection, speech sent this recently may still be waiting for its commit. */
const QUIET_AFTER_AUDIO_MS = 1_000;

/** Epoch milliseconds with the performance clock's resolution: the audio process stamps its reports on the same scale. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function base64Padding(base64: string): number {
  if (base64.endsWith('==')) return 2;
  return base64.endsWith('=') ? 1 : 0;
}
