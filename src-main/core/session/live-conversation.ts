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
import { isActiveResponseError } from '../protocol/v2-codec';
import { ActiveTranscript } from '../transcript/active-transcript';
import { assertNever } from '../util/assert-never';
import { redactSecrets } from '../util/redact';
import type { Logger } from '../util/logger';
import { ItemConversation } from './item-conversation';
import { ResponseGate } from './response-gate';

/** Starts the message of a `server_error` event; the server's own words follow. */
export const SERVER_ERROR_PREFIX = 'The realtime server reported: ';

export { SUPERSEDED_HANDOFF_TEXT } from '../handoff/handoff-voice';

export interface LiveConversationDeps {
  readonly codec: DialectCodec;
  readonly agent: AgentBackend;
  readonly sink: AudioSink | undefined;
  readonly logger: Logger;
  emit(event: SessionEvent): void;
}

/**
 * Everything that belongs to one realtime connection: its transcript, handoff and agent turn,
 * response gate and barge-in. A new connection gets a new instance, so nothing leaks across
 * sessions; after `dispose()` every late callback is dropped.
 */
export class LiveConversation {
  private connection: RealtimeConnection | undefined;
  private disposed = false;
  private ready = false;
  /** Audio still in flight for an item the user talked over is dropped, not played again. */
  private interruptedItemId: string | undefined;
  private lastAudioItemId: string | undefined;
  /** v1: role-merged deltas in arrival order, exactly as the reference. */
  readonly transcript = new ActiveTranscript();
  /** v2: the conversation by its items (undefined in v1). */
  private readonly itemConversation: ItemConversation | undefined;
  private readonly handoffs: HandoffController;
  private readonly responses: ResponseGate;

  constructor(private readonly deps: LiveConversationDeps) {
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

  /** Re-sends the session configuration (e.g. turn detection after a talk-mode change). */
  updateConfig(config: RealtimeSessionConfig): void {
    if (this.disposed || !this.connection) return;
    this.connection.send(this.deps.codec.sessionUpdate(config));
  }

  cancelAgent(): boolean {
    return this.handoffs.cancel();
  }

  /** Barge-in: silence the speaker now and tell the server what was really heard. */
  interruptPlayback(): void {
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
    if (this.deps.codec.capabilities.truncateOnBargeIn) {
      this.send({ type: 'item.truncate', itemId: interruption.itemId, audioEndMs: interruption.playedMs });
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
    const { emit, logger } = this.deps;
    switch (event.type) {
      case 'audio.delta':
        this.onAudio(event.audio);
        return;
      case 'audio.done':
        // A short answer need not wait for the speaker's start threshold; its tail is flushed.
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
        this.interruptPlayback();
        return;
      case 'response.created':
        this.responses.onResponseCreated();
        return;
      case 'response.done':
      case 'response.cancelled':
        this.responses.onResponseFinished();
        return;
      case 'error':
        if (isActiveResponseError(event.message, event.code)) {
          logger.debug('server has an active response; response.create deferred');
          this.responses.onActiveResponseError();
          return;
        }
        this.responses.onOtherError();
        emit({ type: 'error', code: 'server_error', message: `${SERVER_ERROR_PREFIX}${redactSecrets(event.message)}`, recoverable: true });
        return;
      case 'session.updated':
        // v2 sends session.created, then session.updated for our update: ready once.
        if (this.ready) return;
        this.ready = true;
        emit({ type: 'session.ready', serverSessionId: event.sessionId });
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

  private onAudio(audio: AudioDelta): void {
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
