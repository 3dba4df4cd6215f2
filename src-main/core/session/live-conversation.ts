import type { RealtimeSessionConfig } from '../protocol/session-config';
import type { SessionEvent } from '../../../src-shared/session-events';
import type { AgentBackend } from '../agent/agent-backend';
import type { AudioSink, PlaybackInterruption } from '../audio/audio-io';
import { FunctionCalls } from '../handoff/function-calls';
import { HandoffController } from '../handoff/handoff-controller';
import { CallOutputVoice, createV1HandoffVoice, type HandoffVoice, type VoiceWire } from '../handoff/handoff-voice';
import type { DialectCodec } from '../protocol/dialect-codec';
import type { OutboundMessage } from '../protocol/outbound-message';
import type { AudioDelta, RealtimeEvent } from '../protocol/realtime-event';
import type { RealtimeConnection } from '../protocol/transport';
import { ACTIVE_RESPONSE_ERROR_CODE } from '../protocol/v2-codec';
import { ActiveTranscript } from '../transcript/active-transcript';
import { assertNever } from '../util/assert-never';
import { redactSecrets } from '../util/redact';
import type { Logger } from '../util/logger';
import { ItemAudioLedger } from './item-audio-ledger';
import { ItemConversation } from './item-conversation';
import { responseOutcomeEvents } from './response-outcome';
import { ResponseGate } from './response-gate';
import { SessionConfiguration, type ConfigUpdate } from './session-configuration';

/** Starts the message of a `server_error` event; the server's own words follow. */
export const SERVER_ERROR_PREFIX = 'The realtime server reported: ';

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
}

/**
 * Everything that belongs to one realtime connection: its transcript, handoff and agent turn,
 * response gate and barge-in. A new connection gets a new instance, so nothing leaks across
 * sessions; after `dispose()` every late callback is dropped.
 */
export class LiveConversation {
  private connection: RealtimeConnection | undefined;
  private disposed = false;
  private readonly configuration: SessionConfiguration;
  /** Audio still in flight for an item the user talked over is dropped, not played again. */
  private interruptedItemId: string | undefined;
  private lastAudioItemId: string | undefined;
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

  constructor(private readonly deps: LiveConversationDeps) {
    this.configuration = new SessionConfiguration(deps.codec, deps.config);
    // turn_detection null (push-to-talk, toggle): the client commits and interrupts.
    this.serverDetectsTurns = deps.config.turnDetection !== 'none';
    this.responses = new ResponseGate(() => this.send({ type: 'response.create' }));
    const itemOrdered = deps.codec.dialect === 'v2';
    const calls = new FunctionCalls();
    const wire: VoiceWire = { send: (message) => this.send(message), requestResponse: () => this.responses.request() };
    const voice: HandoffVoice = itemOrdered ? new CallOutputVoice(wire, calls, deps.logger) : createV1HandoffVoice(wire);
    this.handoffs = new HandoffController({
      dialect: deps.codec.dialect,
      agent: deps.agent,
      emit: (event) => {
        if (!this.disposed) deps.emit(event);
      },
      voice,
      logger: deps.logger,
    });
    this.itemConversation = itemOrdered ? new ItemConversation({ calls, handoffs: this.handoffs, emit: deps.emit, logger: deps.logger }) : undefined;
  }

  attach(connection: RealtimeConnection): void {
    this.connection = connection;
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
    this.send({ type: 'audio.append', base64: pcm.toString('base64') });
  }

  sendText(text: string): void {
    this.send({ type: 'user.text', text });
    this.itemConversation?.onTextSent(text);
    this.deps.emit({ type: 'user.text', text });
    if (this.deps.codec.capabilities.responseAfterUserText) this.responses.request();
  }

  /** Push-to-talk release: the buffered speech is complete, answer it. */
  commitAudio(): void {
    this.send({ type: 'audio.commit' });
    if (this.deps.codec.capabilities.responseAfterUserText) this.responses.request();
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

  /**
   * Local barge-in (talk key, local VAD): without server VAD nothing on the server stops its
   * response, so an active one is cancelled here (once); then the speaker is silenced.
   */
  interruptPlayback(): void {
    if (!this.serverDetectsTurns && this.responseInProgress && !this.cancelSent && this.deps.codec.dialect === 'v2') {
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
    this.responses.reset();
    return this.handoffs.abort();
  }

  private send(message: OutboundMessage): void {
    if (this.disposed || !this.connection) return;
    this.connection.send(this.deps.codec.encode(message));
  }

  private onEvent(event: RealtimeEvent): void {
    const { emit } = this.deps;
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
        emit({ type: 'transcript.entry', entryId: change.entryId, index: change.index, entry: change.entry });
        return;
      }
      case 'transcript.done': {
        if (this.itemConversation) {
          this.itemConversation.onText(event.role, event.itemId, event.text, true);
          return;
        }
        const change = this.transcript.applyDone(event.role, event.text);
        if (change) emit({ type: 'transcript.entry', entryId: change.entryId, index: change.index, entry: change.entry });
        return;
      }
      case 'handoff.requested':
        // v1's handoff event; v2 calls are decided from their items (item.finished).
        this.handoffs.onHandoffRequested(event.handoffId, event.inputTranscript, this.transcript.take());
        return;
      case 'item.placed':
        this.itemConversation?.onItemPlaced(event.item, event.previousItemId);
        return;
      case 'item.finished':
        this.itemConversation?.onItemFinished(event.item);
        return;
      case 'function_call.arguments':
        this.itemConversation?.onArguments(event.itemId, event.callId, event.delta, event.arguments);
        return;
      case 'speech.started':
        emit({ type: 'user.speech_started' });
        // Server VAD cancels its own response (interrupt_response); only the speaker is ours.
        this.stopPlayback();
        return;
      case 'response.created':
        this.responseInProgress = true;
        this.cancelSent = false;
        this.configuration.lockVoice();
        this.responses.onResponseCreated();
        return;
      case 'response.done':
        this.responseInProgress = false;
        this.responses.onResponseFinished();
        for (const outcome of responseOutcomeEvents(event)) emit(outcome);
        return;
      case 'response.cancelled':
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
        return;
      case 'session.created':
        // The server's defaults, before our configuration: not ready yet.
        return;
      case 'item.added':
      case 'item.done':
      case 'speech.stopped':
        // Informational. item.added in particular never starts a turn (echo guard).
        return;
      default:
        assertNever(event, 'live conversation event');
    }
  }

  /** An error naming one of our events is tied to it (v2 event_id); nothing is guessed from its text. */
  private onServerError(event: Extract<RealtimeEvent, { type: 'error' }>): void {
    const message = redactSecrets(event.message);
    if (this.configuration.awaitingConfirmation) {
      // Nothing but the configuration was sent yet: it was refused, the server runs on its defaults.
      this.deps.onConfigurationRefused?.(message);
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
    this.configuration.lockVoice();
    // Counted before the barge-in drop: the server sent it, so a truncate may claim it.
    this.audioLedger.onAudio(audio.itemId, (audio.base64.length * 3) / 4 - base64Padding(audio.base64), audio.sampleRate, audio.channels);
    if (audio.itemId !== undefined && audio.itemId === this.interruptedItemId) return;
    this.lastAudioItemId = audio.itemId;
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

function base64Padding(base64: string): number {
  if (base64.endsWith('==')) return 2;
  return base64.endsWith('=') ? 1 : 0;
}
