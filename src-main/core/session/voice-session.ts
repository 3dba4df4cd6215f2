import { randomUUID } from 'node:crypto';
import type { ClosedReason, SessionErrorCode, SessionEvent, SessionState } from '../../../src-shared/session-events';
import type { AgentBackend } from '../agent/agent-backend';
import type { AudioSink } from '../audio/audio-io';
import { createCodec } from '../protocol/codec-factory';
import type { RealtimeSessionConfig } from '../protocol/session-config';
import { TransportError, type RealtimeConnection, type RealtimeTransport, type TransportCloseInfo } from '../protocol/transport';
import type { Disposable } from '../util/disposable';
import { ConfigurationError, errorMessage } from '../util/errors';
import { silentLogger, type Logger } from '../util/logger';
import { LiveConversation } from './live-conversation';
import type { ConfigUpdate } from './session-configuration';
import { SessionEventHub, type SessionEventListener } from './session-event-hub';

export const CONNECT_TIMEOUT_MS = 10_000;

/** Starts the fatal error when the server refuses Parley's configuration; its own words follow. */
export const CONFIGURATION_REFUSED_PREFIX = 'The realtime server refused the session configuration: ';

export interface VoiceSessionDeps {
  readonly transport: RealtimeTransport;
  readonly agent: AgentBackend;
  readonly sink?: AudioSink;
  readonly logger?: Logger;
  readonly connectTimeoutMs?: number;
  readonly newSessionId?: () => string;
}

export interface StartOptions {
  readonly config: RealtimeSessionConfig;
  /** Undefined or empty: the session fails with missing_api_key, naming `apiKeySource`. */
  readonly apiKey: string | undefined;
  /** Where the key was expected, for the error message (e.g. "the OPENAI_API_KEY environment variable"). */
  readonly apiKeySource?: string;
}

const NOT_RUNNING_MESSAGE = 'conversation is not running';

/**
 * The voice session orchestrator: idle → connecting → live → closing → closed, or error.
 * One typed event stream out; audio, text and commands in. A second start replaces the first
 * connection; events from a superseded connection are dropped.
 */
export class VoiceSession {
  private readonly hub: SessionEventHub;
  private readonly logger: Logger;
  private currentState: SessionState = 'idle';
  private generation = 0;
  private conversation: LiveConversation | undefined;
  private connection: RealtimeConnection | undefined;
  /** Settles the start of this generation: true once live, false when it failed or was superseded. */
  private settleStart: ((live: boolean) => void) | undefined;

  constructor(private readonly deps: VoiceSessionDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.hub = new SessionEventHub(this.logger);
  }

  get state(): SessionState {
    return this.currentState;
  }

  get isAgentWorking(): boolean {
    return this.conversation?.isAgentWorking ?? false;
  }

  onEvent(listener: SessionEventListener): Disposable {
    return this.hub.subscribe(listener);
  }

  /** Resolves true once live, false when the start failed (the reason is an error event). */
  async start(options: StartOptions): Promise<boolean> {
    const generation = ++this.generation;
    this.resolveStart(false); // a start still waiting is superseded
    this.teardownConnection();
    this.setState('connecting');

    const apiKey = options.apiKey?.trim();
    if (!apiKey) {
      const where = options.apiKeySource ?? 'the OPENAI_API_KEY environment variable';
      return this.failStart(generation, 'missing_api_key', `No API key: set ${where}.`);
    }

    const codec = createCodec(options.config.dialect, this.logger);
    let target;
    try {
      target = codec.connectTarget(options.config, apiKey, options.config.sessionId ?? (this.deps.newSessionId ?? randomUUID)());
    } catch (error) {
      if (error instanceof ConfigurationError) return this.failStart(generation, 'invalid_config', error.message);
      throw error;
    }

    this.deps.agent.reset();
    let settle!: (live: boolean) => void;
    const started = new Promise<boolean>((resolve) => (settle = resolve));
    this.settleStart = settle;
    const conversation = new LiveConversation({
      config: options.config,
      onReady: () => this.onConfigurationConfirmed(generation),
      onConfigurationRefused: (message) => this.failStart(generation, 'server_error', `${CONFIGURATION_REFUSED_PREFIX}${message}`),
      codec,
      agent: this.deps.agent,
      sink: this.deps.sink,
      logger: this.logger,
      emit: (event) => {
        if (generation === this.generation) this.hub.emit(event);
      },
    });
    this.conversation = conversation;

    try {
      await this.deps.transport({
        target,
        firstFrame: codec.sessionUpdate(options.config),
        timeoutMs: this.deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
        handlers: {
          onOpen: (connection) => this.onTransportOpen(generation, conversation, connection, codec.capabilities.confirmsSessionUpdate),
          onFrame: (frame) => this.onServerFrame(generation, conversation, frame),
          onClose: (info) => this.onTransportClosed(generation, info),
        },
      });
    } catch (error) {
      if (generation !== this.generation) return false;
      this.settleStart = undefined;
      conversation.dispose();
      this.conversation = undefined;
      if (error instanceof TransportError) {
        const code: SessionErrorCode = error.code === 'protocol_error' ? 'server_error' : error.code;
        return this.failStart(generation, code, error.message);
      }
      return this.failStart(generation, 'unreachable', `Could not connect to the realtime server: ${errorMessage(error)}`);
    }

    if (generation !== this.generation) return false;
    if (this.currentState === 'connecting' && this.settleStart === settle) this.awaitConfirmation(generation);
    return started;
  }

  async stop(): Promise<void> {
    if (this.currentState !== 'live' && this.currentState !== 'connecting') return;
    this.generation++;
    this.resolveStart(false);
    this.setState('closing');
    this.teardownConnection();
    this.setState('closed');
    this.hub.emit({ type: 'closed', reason: 'requested' });
  }

  /** 20 ms PCM16 mono 24 kHz from the microphone. Dropped quietly while still connecting. */
  sendAudio(pcm: Buffer): boolean {
    if (this.currentState === 'connecting') return false;
    const conversation = this.liveConversation();
    if (!conversation) return false;
    conversation.sendAudio(pcm);
    return true;
  }

  sendText(text: string): boolean {
    const conversation = this.liveConversation();
    if (!conversation) return false;
    conversation.sendText(text);
    return true;
  }

  /** Push-to-talk release: commit the buffered speech and ask for an answer. */
  commitAudio(): boolean {
    const conversation = this.liveConversation();
    if (!conversation) return false;
    conversation.commitAudio();
    return true;
  }

  /** Drop the speech buffered on the server (a push-to-talk press too short to answer). */
  clearInputBuffer(): boolean {
    const conversation = this.liveConversation();
    if (!conversation) return false;
    conversation.clearInputBuffer();
    return true;
  }

  /**
   * Applies a changed configuration to the live connection (talk mode → turn detection, voice,
   * instructions). The dialect and URL cannot change mid-connection; they apply at the next start.
   */
  updateConfig(config: RealtimeSessionConfig): ConfigUpdate | undefined {
    const conversation = this.liveConversation();
    if (!conversation) return undefined;
    return conversation.updateConfig(config);
  }

  /** Barge-in from a local detector (push-to-talk press, local VAD). */
  interruptPlayback(): void {
    this.conversation?.interruptPlayback();
  }

  /** Stop the running agent turn; the voice session is told. */
  cancelAgent(): boolean {
    return this.liveConversation()?.cancelAgent() ?? false;
  }

  private liveConversation(): LiveConversation | undefined {
    if (this.currentState === 'live' && this.conversation) return this.conversation;
    this.hub.emit({ type: 'error', code: 'not_running', message: NOT_RUNNING_MESSAGE, recoverable: true });
    return undefined;
  }

  /**
   * Runs before the first inbound frame is decoded. v1 is live now, as its reference; v2 only once
   * session.updated confirms the configuration (live-conversation calls onConfigurationConfirmed).
   */
  private onTransportOpen(generation: number, conversation: LiveConversation, connection: RealtimeConnection, confirms: boolean): void {
    if (generation !== this.generation) {
      connection.close(); // superseded while connecting
      return;
    }
    this.connection = connection;
    conversation.attach(connection);
    if (!confirms) this.goLive();
  }

  private onConfigurationConfirmed(generation: number): void {
    if (generation !== this.generation || this.currentState !== 'connecting') return;
    this.goLive();
  }

  private goLive(): void {
    this.setState('live');
    this.resolveStart(true);
  }

  /** The server must confirm the configuration in time; a session on its defaults is no session. */
  private awaitConfirmation(generation: number): void {
    const timeoutMs = this.deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    const timer = setTimeout(() => {
      if (generation !== this.generation || this.currentState !== 'connecting') return;
      this.failStart(generation, 'connect_timeout', `The realtime server did not confirm the session configuration within ${timeoutMs / 1000} s.`);
    }, timeoutMs);
    const settle = this.settleStart;
    this.settleStart = (live) => {
      clearTimeout(timer);
      settle?.(live);
    };
  }

  private resolveStart(live: boolean): void {
    const settle = this.settleStart;
    this.settleStart = undefined;
    settle?.(live);
  }

  private onTransportClosed(generation: number, info: TransportCloseInfo): void {
    if (generation !== this.generation || info.initiatedLocally) return;
    if (this.currentState === 'connecting') {
      const reason = info.reason ? `: ${info.reason}` : '';
      this.failStart(generation, 'server_error', `The realtime server closed the connection before confirming the session (code ${info.code}${reason}).`);
      return;
    }
    this.logger.info('realtime connection closed by the server', { code: info.code, reason: info.reason });
    this.teardownConnection();
    const abnormal = info.code !== 1000 && info.code !== 1005;
    if (abnormal) {
      const reason = info.reason ? `: ${info.reason}` : '';
      this.hub.emit({
        type: 'error',
        code: 'server_error',
        message: `The realtime connection closed unexpectedly (code ${info.code}${reason}).`,
        recoverable: false,
      });
    }
    this.finishClosed(abnormal ? 'error' : 'transport_closed');
  }

  private finishClosed(reason: ClosedReason): void {
    this.setState('closed');
    this.hub.emit({ type: 'closed', reason });
  }

  /** A start that fails ends with one fatal error event (no closed event) and closes what it opened. */
  private failStart(generation: number, code: SessionErrorCode, message: string): false {
    if (generation !== this.generation) return false;
    if (this.conversation || this.connection) {
      // Later frames and callbacks of this connection are dropped from here on.
      this.generation++;
      this.teardownConnection();
    }
    this.setState('error');
    this.hub.emit({ type: 'error', code, message, recoverable: false });
    this.resolveStart(false);
    return false;
  }

  /** Ordered and total: every step runs even if an earlier one throws. */
  /**
   * One server frame into the conversation. Whatever a frame holds, a failure handling it is
   * reported and the frame skipped: the session goes on, and no stack trace reaches anyone.
   */
  private onServerFrame(generation: number, conversation: LiveConversation, frame: string): void {
    try {
      conversation.onFrame(frame);
    } catch (error) {
      this.logger.error('a server event could not be handled; skipped', { error: errorMessage(error).slice(0, 300), bytes: frame.length });
      if (generation !== this.generation) return;
      this.hub.emit({
        type: 'error',
        code: 'server_error',
        message: `A server event could not be handled and was skipped (${errorMessage(error).slice(0, 160)}).`,
        recoverable: true,
      });
    }
  }

  private teardownConnection(): void {
    const conversation = this.conversation;
    const connection = this.connection;
    this.conversation = undefined;
    this.connection = undefined;
    try {
      const abandonedHandoffId = conversation?.dispose();
      if (abandonedHandoffId) {
        // Tell the UI the card is finished; the voice session is gone, so nothing is spoken.
        this.hub.emit({ type: 'handoff.failed', handoffId: abandonedHandoffId, cause: 'session_ended', reason: 'the voice session ended', spoken: '' });
      }
    } catch (error) {
      this.logger.error('disposing the conversation failed', { error: errorMessage(error) });
    }
    try {
      connection?.close();
    } catch (error) {
      this.logger.error('closing the realtime connection failed', { error: errorMessage(error) });
    }
  }

  private setState(state: SessionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.hub.emit({ type: 'state', state } satisfies SessionEvent);
  }
}
