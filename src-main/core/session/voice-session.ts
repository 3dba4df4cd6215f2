import { randomUUID } from 'node:crypto';
import type { ClosedReason, SessionErrorCode, SessionEvent, SessionState } from '../../../src-shared/session-events';
import type { AgentApprovalDecision, AgentBackend } from '../agent/agent-backend';
import type { AudioSink } from '../audio/audio-io';
import { createCodec } from '../protocol/codec-factory';
import type { ConnectTarget, DialectCodec } from '../protocol/dialect-codec';
import type { RealtimeSessionConfig } from '../protocol/session-config';
import { TransportError, type KeepaliveOptions, type RealtimeConnection, type RealtimeTransport, type TransportCloseInfo } from '../protocol/transport';
import type { Disposable } from '../util/disposable';
import { ConfigurationError, errorMessage } from '../util/errors';
import { silentLogger, type Logger } from '../util/logger';
import { ConversationRecord, type RecordedLine } from './conversation-record';
import { catchUpText, seededInstructions } from './conversation-seed';
import { LiveConversation } from './live-conversation';
import { prepareConnection, type PreparedConnection } from './prepared-connection';
import { SessionRenewal, type RenewalHost } from './session-renewal';
import { FRAME_DURATION_MS } from './pending-outbound';
import { DEFAULT_RESILIENCE, reconnectDelayMs, type ResilienceOptions } from './resilience';
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
  /** Reconnect and renewal; any field left out takes its default. */
  readonly resilience?: Partial<ResilienceOptions>;
  /** Liveness pings: how often, and how long a silent server may take before it counts as gone. */
  readonly keepalive?: KeepaliveOptions;
  /** For tests: the jitter of reconnect delays. */
  readonly random?: () => number;
  /** The least time between two spoken progress updates of a working agent; default AGENT_UPDATE_INTERVAL_MS. */
  readonly agentUpdateIntervalMs?: number;
}

export interface StartOptions {
  readonly config: RealtimeSessionConfig;
  /** Undefined or empty: the session fails with missing_api_key, naming `apiKeySource`. */
  readonly apiKey: string | undefined;
  /** Where the key was expected, for the error message (e.g. "the OPENAI_API_KEY environment variable"). */
  readonly apiKeySource?: string;
}

const NOT_RUNNING_MESSAGE = 'conversation is not running';

/** A reconnect in progress: after a drop (`reconnect`) or before the session limit (`renewal`). */
interface Reconnect {
  readonly kind: 'reconnect' | 'renewal';
  readonly startedAt: number;
  attempt: number;
  reason: string;
  /** Sleep or no network: no attempt until `resume()`. */
  paused: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * A connection that drops sooner than this after a reconnect did not prove itself: the next
 * reconnect goes on counting attempts (with their growing waits) instead of starting over, so a
 * server that accepts and then drops every connection ends in a clear error, not an endless loop.
 */
export const STABLE_CONNECTION_MS = 30_000;

/**
 * What one conversation needs to open its next connection; the configuration itself is the
 * conversation's current one (every change made during the session included).
 */
interface ConnectPlan {
  readonly codec: DialectCodec;
  readonly apiKey: string;
}

/**
 * The voice session orchestrator: idle → connecting → live ⇄ reconnecting → closing → closed, or
 * error. One typed event stream out; audio, text and commands in. The conversation outlives its
 * connection: a drop or a dead connection reconnects with backoff, and a session near the
 * provider's time limit is renewed at a quiet moment; each new connection is seeded with the
 * conversation so far. A second start replaces the first conversation; events from a superseded
 * connection are dropped.
 */
export class VoiceSession {
  private readonly hub: SessionEventHub;
  private readonly logger: Logger;
  private readonly resilience: ResilienceOptions;
  private readonly record = new ConversationRecord();
  private currentState: SessionState = 'idle';
  /** Bumped for every connection (and every stop): callbacks of an older one are dropped. */
  private generation = 0;
  private conversation: LiveConversation | undefined;
  private connection: RealtimeConnection | undefined;
  private plan: ConnectPlan | undefined;
  private reconnect: Reconnect | undefined;
  private confirmTimer: NodeJS.Timeout | undefined;
  private readonly renewal: SessionRenewal;
  /** When the last reconnect succeeded and how many attempts it had taken. */
  private lastReconnected: { readonly at: number; readonly attempt: number } | undefined;
  /** Microphone frames dropped because the socket could not keep up, in the current stretch. */
  private backpressureDrops = 0;
  /** Settles the start: true once live, false when it failed or was superseded. */
  private settleStart: ((live: boolean) => void) | undefined;

  constructor(private readonly deps: VoiceSessionDeps) {
    this.logger = deps.logger ?? silentLogger;
    this.hub = new SessionEventHub(this.logger);
    this.resilience = { ...DEFAULT_RESILIENCE, ...deps.resilience };
    this.renewal = new SessionRenewal(this.renewalHost());
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
    this.teardownConversation();
    this.record.clear();
    this.lastReconnected = undefined;
    this.setState('connecting');

    const apiKey = options.apiKey?.trim();
    if (!apiKey) {
      const where = options.apiKeySource ?? 'the OPENAI_API_KEY environment variable';
      return this.failStart(generation, 'missing_api_key', `No API key: set ${where}.`);
    }

    const codec = createCodec(options.config.dialect, this.logger);
    let target: ConnectTarget;
    try {
      target = codec.connectTarget(options.config, apiKey, options.config.sessionId ?? this.newSessionId());
    } catch (error) {
      if (error instanceof ConfigurationError) return this.failStart(generation, 'invalid_config', error.message);
      throw error;
    }

    this.deps.agent.reset();
    const started = new Promise<boolean>((resolve) => (this.settleStart = resolve));
    const conversation = this.newConversation(codec, options.config);
    this.conversation = conversation;
    this.plan = { codec, apiKey };

    try {
      await this.deps.transport({
        target,
        firstFrame: codec.sessionUpdate(options.config),
        timeoutMs: this.connectTimeoutMs,
        ...this.keepaliveOption,
        handlers: this.connectionHandlers(generation, conversation, codec.capabilities.confirmsSessionUpdate),
      });
    } catch (error) {
      if (generation !== this.generation) return false;
      this.teardownConversation();
      if (error instanceof TransportError) {
        const code: SessionErrorCode = error.code === 'protocol_error' ? 'server_error' : error.code;
        return this.failStart(generation, code, error.message);
      }
      return this.failStart(generation, 'unreachable', `Could not connect to the realtime server: ${errorMessage(error)}`);
    }

    if (generation === this.generation && this.currentState === 'connecting') this.awaitConfirmation(generation);
    return started;
  }

  async stop(): Promise<void> {
    const state = this.currentState;
    if (state !== 'live' && state !== 'connecting' && state !== 'reconnecting') return;
    this.generation++;
    this.resolveStart(false);
    this.setState('closing');
    this.teardownConversation();
    this.setState('closed');
    this.hub.emit({ type: 'closed', reason: 'requested' });
  }

  /**
   * 20 ms PCM16 mono 24 kHz from the microphone. Dropped while still connecting; kept (the last
   * 2 s) while reconnecting; dropped and counted while the socket cannot keep up.
   */
  sendAudio(pcm: Buffer): boolean {
    if (this.currentState === 'connecting') return false;
    const conversation = this.liveConversation();
    if (!conversation) return false;
    const connection = this.connection;
    if (this.currentState === 'live' && connection && connection.bufferedBytes > this.resilience.maxUnsentBytes) {
      this.backpressureDrops++;
      return false;
    }
    this.reportBackpressureDrops();
    conversation.sendAudio(pcm);
    return true;
  }

  /** Typed text; while reconnecting it waits for the new connection. */
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

  /** Hands-free: the local voice detector heard the user's speech end `agoMs` ago (the latency waterfall's start). */
  speechEnded(agoMs: number): void {
    this.conversation?.onLocalSpeechEnded(agoMs);
  }

  /** Barge-in from a local detector (push-to-talk press, local VAD). */
  interruptPlayback(): void {
    this.conversation?.interruptPlayback();
  }

  /** Stop the running agent turn; the voice session is told. */
  cancelAgent(): boolean {
    return this.liveConversation()?.cancelAgent() ?? false;
  }

  /** The user's answer to an agent's permission request; false when it is no longer waiting. */
  answerAgentApproval(approvalId: string, decision: AgentApprovalDecision, decidedBy: 'voice' | 'click'): boolean {
    return this.liveConversation()?.answerAgentApproval(approvalId, decision, decidedBy) ?? false;
  }

  /**
   * The machine is going to sleep or the network went away: the connection cannot last, so it is
   * closed now and no attempt is made until `resume()` (no stack of failed attempts meanwhile).
   */
  suspend(reason: string): void {
    if (this.currentState === 'live') {
      this.beginReconnect('reconnect', reason, { paused: true });
      return;
    }
    const reconnect = this.reconnect;
    if (this.currentState !== 'reconnecting' || !reconnect || reconnect.paused) return;
    reconnect.paused = true;
    reconnect.reason = reason;
    this.abandonAttempt();
    this.hub.emit({ type: 'connection', status: 'lost', reason });
  }

  /** Awake again or back online: a paused or waiting reconnect tries now, with a fresh count. */
  resume(): void {
    const reconnect = this.reconnect;
    if (this.currentState !== 'reconnecting' || !reconnect) return;
    const waiting = reconnect.timer !== undefined;
    if (!reconnect.paused && !waiting) return; // an attempt is under way
    if (reconnect.timer) clearTimeout(reconnect.timer);
    reconnect.timer = undefined;
    reconnect.paused = false;
    reconnect.attempt = 0;
    this.scheduleAttempt();
  }

  private get keepaliveOption(): { keepalive?: KeepaliveOptions } {
    return this.deps.keepalive ? { keepalive: this.deps.keepalive } : {};
  }

  private get connectTimeoutMs(): number {
    return this.deps.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  }

  private newSessionId(): string {
    return (this.deps.newSessionId ?? randomUUID)();
  }

  private newConversation(codec: DialectCodec, config: RealtimeSessionConfig): LiveConversation {
    const conversation: LiveConversation = new LiveConversation({
      config,
      onReady: () => this.onConfigurationConfirmed(conversation),
      onConfigurationRefused: (message) => this.onConfigurationRefused(conversation, message),
      onResponseCompleted: () => {
        // A reply went through: this connection carries the conversation, attempts start over.
        if (this.conversation === conversation) this.lastReconnected = undefined;
      },
      onSessionExpired: (message) => {
        if (this.conversation === conversation && this.currentState === 'live') this.beginReconnect('renewal', `the server ended the session at its time limit (${message})`);
      },
      codec,
      agent: this.deps.agent,
      ...(this.deps.agentUpdateIntervalMs !== undefined ? { agentUpdateIntervalMs: this.deps.agentUpdateIntervalMs } : {}),
      sink: this.deps.sink,
      logger: this.logger,
      emit: (event) => {
        if (this.conversation !== conversation) return;
        this.record.onEvent(event);
        this.hub.emit(event);
      },
    });
    return conversation;
  }

  private connectionHandlers(generation: number, conversation: LiveConversation, confirms: boolean) {
    return {
      onOpen: this.guarded('opening the connection', (connection: RealtimeConnection) => this.onTransportOpen(generation, conversation, connection, confirms)),
      onFrame: (frame: string) => this.onServerFrame(generation, conversation, frame),
      onClose: this.guarded('a closed connection', (info: TransportCloseInfo) => this.onTransportClosed(generation, info)),
    };
  }

  /**
   * Runs a callback from outside the session's own calls (a socket, a timer) so that whatever it
   * throws is caught and reported as an error event: the conversation goes on, and no stack trace
   * reaches the user or ends the process.
   */
  private guarded<A extends unknown[]>(where: string, callback: (...args: A) => void): (...args: A) => void {
    return (...args: A) => {
      try {
        callback(...args);
      } catch (error) {
        this.reportInternalError(where, error);
      }
    };
  }

  /** Work started without waiting for it (a renewal, a reconnect attempt): a rejection is reported. */
  private runDetached(where: string, work: () => Promise<void>): void {
    work().catch((error: unknown) => this.reportInternalError(where, error));
  }

  private reportInternalError(where: string, error: unknown): void {
    this.logger.error('an internal error was caught', { where, error: errorMessage(error).slice(0, 300) });
    this.hub.emit({
      type: 'error',
      code: 'internal_error',
      message: `Parley hit an internal error in ${where} and carried on (${errorMessage(error).slice(0, 160)}).`,
      recoverable: true,
    });
  }

  private liveConversation(): LiveConversation | undefined {
    if ((this.currentState === 'live' || this.currentState === 'reconnecting') && this.conversation) return this.conversation;
    this.hub.emit({ type: 'error', code: 'not_running', message: NOT_RUNNING_MESSAGE, recoverable: true });
    return undefined;
  }

  /**
   * Runs before the first inbound frame is decoded. v1 is ready now; v2 only once session.updated
   * confirms the configuration (live-conversation calls onConfigurationConfirmed).
   */
  private onTransportOpen(generation: number, conversation: LiveConversation, connection: RealtimeConnection, confirms: boolean): void {
    if (generation !== this.generation || this.conversation !== conversation) {
      connection.close(); // superseded while connecting
      return;
    }
    this.connection = connection;
    if (this.currentState === 'reconnecting') conversation.reattach(connection);
    else conversation.attach(connection);
    if (!confirms) this.onConfigurationConfirmed(conversation);
  }

  private onConfigurationConfirmed(conversation: LiveConversation): void {
    if (this.conversation !== conversation) return;
    this.clearConfirmTimer();
    if (this.currentState === 'connecting') {
      this.setState('live');
      this.resolveStart(true);
      this.renewal.arm(Date.now());
    } else if (this.currentState === 'reconnecting') {
      this.finishReconnect();
    }
  }

  private onConfigurationRefused(conversation: LiveConversation, message: string): void {
    if (this.conversation !== conversation) return;
    this.failConversation('server_error', `${CONFIGURATION_REFUSED_PREFIX}${message}`);
  }

  /** The server must confirm the configuration in time; a session on its defaults is no session. */
  private awaitConfirmation(generation: number): void {
    this.clearConfirmTimer();
    const timeoutMs = this.connectTimeoutMs;
    this.confirmTimer = setTimeout(this.guarded('the confirmation timer', () => {
      this.confirmTimer = undefined;
      if (generation !== this.generation) return;
      const message = `The realtime server did not confirm the session configuration within ${timeoutMs / 1000} s.`;
      if (this.currentState === 'connecting') this.failStart(generation, 'connect_timeout', message);
      else if (this.currentState === 'reconnecting') this.onAttemptFailed(generation, message);
    }), timeoutMs);
  }

  private clearConfirmTimer(): void {
    if (this.confirmTimer) clearTimeout(this.confirmTimer);
    this.confirmTimer = undefined;
  }

  private resolveStart(live: boolean): void {
    const settle = this.settleStart;
    this.settleStart = undefined;
    settle?.(live);
  }

  private onTransportClosed(generation: number, info: TransportCloseInfo): void {
    if (generation !== this.generation || info.initiatedLocally) return;
    const reason = describeClose(info);
    if (this.currentState === 'connecting') {
      this.failStart(generation, 'server_error', `The realtime server closed the connection before confirming the session (${reason}).`);
      return;
    }
    if (this.currentState === 'reconnecting') {
      this.onAttemptFailed(generation, `the server closed the connection (${reason})`);
      return;
    }
    if (this.currentState !== 'live') return;
    this.logger.info('realtime connection closed by the server', { code: info.code, reason: info.reason });
    const normal = (info.code === 1000 || info.code === 1005) && info.cause !== 'dead';
    if (normal) {
      this.endConversation('server_ended', info.reason || 'no reason given');
      return;
    }
    this.beginReconnect('reconnect', `the connection was lost (${reason})`);
  }

  /**
   * The connection is gone or must be replaced the hard way (`renewal`: the server ended the
   * session at its limit, or no new session could be prepared in time): keep the conversation,
   * close the connection, open a new one.
   */
  private beginReconnect(kind: Reconnect['kind'], reason: string, options: { paused?: boolean } = {}): void {
    const conversation = this.conversation;
    if (!conversation) return;
    this.generation++;
    this.renewal.cancel();
    this.clearConfirmTimer();
    this.reportBackpressureDrops();
    const old = this.connection;
    this.connection = undefined;
    closeQuietly(old, this.logger);
    conversation.detach();
    const recent = this.lastReconnected;
    const carried = kind === 'reconnect' && recent && Date.now() - recent.at < STABLE_CONNECTION_MS ? recent.attempt : 0;
    this.reconnect = { kind, startedAt: Date.now(), attempt: carried, reason, paused: options.paused ?? false, timer: undefined };
    this.setState('reconnecting');
    this.hub.emit({ type: 'connection', status: kind === 'renewal' ? 'renewing' : 'lost', reason });
    this.logger.info(kind === 'renewal' ? 'renewing the realtime session' : 'realtime connection lost; reconnecting', { reason });
    if (!this.reconnect.paused) this.scheduleAttempt();
  }

  private scheduleAttempt(): void {
    const reconnect = this.reconnect;
    if (!reconnect || reconnect.paused) return;
    reconnect.attempt++;
    const maxAttempts = this.resilience.maxReconnectAttempts;
    if (reconnect.attempt > maxAttempts) {
      this.failConversation('connection_lost', `Could not reconnect to the realtime server after ${maxAttempts} attempts; the conversation ended (last: ${reconnect.reason}).`);
      return;
    }
    const delayMs = reconnectDelayMs(reconnect.attempt, this.resilience, this.deps.random);
    if (reconnect.kind === 'reconnect') {
      this.hub.emit({ type: 'connection', status: 'reconnecting', reason: reconnect.reason, attempt: reconnect.attempt, maxAttempts, delayMs });
    }
    reconnect.timer = setTimeout(this.guarded('a reconnect attempt', () => {
      reconnect.timer = undefined;
      if (this.reconnect === reconnect) this.runDetached('a reconnect attempt', () => this.attemptConnection());
    }), delayMs);
  }

  private async attemptConnection(): Promise<void> {
    const conversation = this.conversation;
    const plan = this.plan;
    if (!conversation || !plan) return;
    const generation = ++this.generation;
    const config = this.seededConfig(conversation.currentConfig);
    let target: ConnectTarget;
    try {
      target = plan.codec.connectTarget(config, plan.apiKey, config.sessionId ?? this.newSessionId());
    } catch (error) {
      this.failConversation('invalid_config', errorMessage(error));
      return;
    }
    try {
      await this.deps.transport({
        target,
        firstFrame: plan.codec.sessionUpdate(config),
        timeoutMs: this.connectTimeoutMs,
        ...this.keepaliveOption,
        handlers: this.connectionHandlers(generation, conversation, plan.codec.capabilities.confirmsSessionUpdate),
      });
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof TransportError && (error.code === 'key_rejected' || error.code === 'not_found')) {
        // Trying again cannot help: the key or the URL is wrong.
        this.failConversation(error.code, error.message);
        return;
      }
      this.onAttemptFailed(generation, error instanceof Error ? error.message : String(error));
      return;
    }
    if (generation === this.generation && this.currentState === 'reconnecting') this.awaitConfirmation(generation);
  }

  private onAttemptFailed(generation: number, reason: string): void {
    if (generation !== this.generation || this.currentState !== 'reconnecting' || !this.reconnect) return;
    this.logger.info('reconnect attempt failed', { attempt: this.reconnect.attempt, reason });
    this.abandonAttempt();
    this.reconnect.reason = reason;
    this.scheduleAttempt();
  }

  /** Drops the connection of the attempt under way (its late callbacks are ignored). */
  private abandonAttempt(): void {
    this.generation++;
    this.clearConfirmTimer();
    if (this.reconnect?.timer) clearTimeout(this.reconnect.timer);
    if (this.reconnect) this.reconnect.timer = undefined;
    const connection = this.connection;
    this.connection = undefined;
    this.conversation?.detach();
    closeQuietly(connection, this.logger);
  }

  private finishReconnect(): void {
    const reconnect = this.reconnect;
    this.reconnect = undefined;
    if (reconnect?.kind === 'reconnect') this.lastReconnected = { at: Date.now(), attempt: reconnect.attempt };
    this.setState('live');
    if (reconnect) {
      this.hub.emit({
        type: 'connection',
        status: reconnect.kind === 'renewal' ? 'renewed' : 'reconnected',
        reason: reconnect.reason,
        attempt: reconnect.attempt,
        downtimeMs: Date.now() - reconnect.startedAt,
      });
    }
    this.renewal.arm(Date.now());
  }

  /** The configuration a new connection opens with: the current one, its instructions seeded. */
  private seededConfig(config: RealtimeSessionConfig): RealtimeSessionConfig {
    // A v1 session id names one session; the new connection is a new one.
    const { sessionId: _previous, ...rest } = config;
    return { ...rest, sessionId: undefined, instructions: seededInstructions(config.instructions, this.record.snapshot(), this.record.runningRequest) };
  }

  /** What the renewal needs: this session's conversation, seed and switch. */
  private renewalHost(): RenewalHost {
    return {
      resilience: this.resilience,
      logger: this.logger,
      canRenew: () => this.currentState === 'live' && this.conversation !== undefined && this.plan !== undefined,
      isQuiet: () => this.conversation?.isQuiet(this.resilience.renewalQuietMs) ?? false,
      isResponding: () => this.conversation?.isResponding ?? false,
      markConversation: () => this.record.mark(),
      prepare: () => {
        const plan = this.plan!;
        const config = this.seededConfig(this.conversation!.currentConfig);
        return prepareConnection(this.deps.transport, {
          target: plan.codec.connectTarget(config, plan.apiKey, config.sessionId ?? this.newSessionId()),
          firstFrame: plan.codec.sessionUpdate(config),
          timeoutMs: this.connectTimeoutMs,
          ...this.keepaliveOption,
          codec: plan.codec,
        });
      },
      switchTo: (prepared, seedMark, preparedAt) => this.switchToRenewed(prepared, seedMark, preparedAt),
      reconnectAtLimit: () => this.beginReconnect('renewal', 'the session reached its time limit'),
      guarded: (where, callback) => this.guarded(where, callback),
      runDetached: (where, work) => this.runDetached(where, work),
      onRenewing: () => this.hub.emit({ type: 'connection', status: 'renewing', reason: 'the session is near its time limit' }),
    };
  }

  /** The prepared session takes over; the old connection's late frames are dropped from here. */
  private switchToRenewed(prepared: PreparedConnection, seedMark: ReadonlyMap<string, RecordedLine>, preparedAt: number): void {
    const conversation = this.conversation!;
    const generation = ++this.generation;
    const old = this.connection;
    this.lastReconnected = undefined;
    this.connection = prepared.connection;
    prepared.handOver({
      onFrame: (frame) => this.onServerFrame(generation, conversation, frame),
      onClose: this.guarded('a closed connection', (info: TransportCloseInfo) => this.onTransportClosed(generation, info)),
    });
    // What was said after the seed was taken reaches the new session as one message.
    conversation.reattach(prepared.connection, { catchUp: catchUpText(this.record.linesSince(seedMark)) });
    closeQuietly(old, this.logger);
    this.hub.emit({ type: 'connection', status: 'renewed', reason: 'the session is near its time limit', downtimeMs: 0, attempt: 1 });
    // The renewed session's own limit runs from when the server started it.
    this.renewal.arm(preparedAt);
  }

  private reportBackpressureDrops(): void {
    const frames = this.backpressureDrops;
    if (frames === 0) return;
    this.backpressureDrops = 0;
    this.logger.warn('microphone audio dropped: the connection could not keep up', { frames });
    this.hub.emit({ type: 'audio.dropped', frames, durationMs: frames * FRAME_DURATION_MS, reason: 'backpressure' });
  }

  /** The conversation ends mid-way (the server closed it, or reconnecting gave up). */
  private endConversation(reason: ClosedReason, detail?: string): void {
    this.generation++;
    this.teardownConversation();
    this.setState('closed');
    this.hub.emit({ type: 'closed', reason, ...(detail !== undefined ? { detail } : {}) });
  }

  /** A fatal error: while starting, the start fails; later, the conversation ends with it. */
  private failConversation(code: SessionErrorCode, message: string): void {
    if (this.currentState === 'connecting') {
      this.failStart(this.generation, code, message);
      return;
    }
    this.generation++;
    this.teardownConversation();
    this.hub.emit({ type: 'error', code, message, recoverable: false });
    this.setState('closed');
    this.hub.emit({ type: 'closed', reason: 'error' });
  }

  /** A start that fails ends with one fatal error event (no closed event) and closes what it opened. */
  private failStart(generation: number, code: SessionErrorCode, message: string): false {
    if (generation !== this.generation) return false;
    // Later frames and callbacks of this connection are dropped from here on.
    this.generation++;
    this.teardownConversation();
    this.setState('error');
    this.hub.emit({ type: 'error', code, message, recoverable: false });
    this.resolveStart(false);
    return false;
  }

  /**
   * One server frame into the conversation. Whatever a frame holds, a failure handling it is
   * reported and the frame skipped: the session goes on, and no stack trace reaches anyone.
   */
  private onServerFrame(generation: number, conversation: LiveConversation, frame: string): void {
    if (generation !== this.generation) return;
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

  /** Ends the conversation's work and every connection and timer of it. Ordered and total. */
  private teardownConversation(): void {
    const conversation = this.conversation;
    const connection = this.connection;
    this.conversation = undefined;
    this.connection = undefined;
    this.plan = undefined;
    this.clearConfirmTimer();
    this.renewal.cancel();
    if (this.reconnect?.timer) clearTimeout(this.reconnect.timer);
    this.reconnect = undefined;
    this.backpressureDrops = 0;
    try {
      const abandonedHandoffId = conversation?.dispose();
      if (abandonedHandoffId) {
        // Tell the UI the card is finished; the voice session is gone, so nothing is spoken.
        this.hub.emit({ type: 'handoff.failed', handoffId: abandonedHandoffId, cause: 'session_ended', reason: 'the voice session ended', spoken: '' });
      }
    } catch (error) {
      this.logger.error('disposing the conversation failed', { error: errorMessage(error) });
    }
    closeQuietly(connection, this.logger);
  }

  private setState(state: SessionState): void {
    if (this.currentState === state) return;
    this.currentState = state;
    this.hub.emit({ type: 'state', state } satisfies SessionEvent);
  }
}

function describeClose(info: TransportCloseInfo): string {
  return info.reason ? `code ${info.code}: ${info.reason}` : `code ${info.code}`;
}

function closeQuietly(connection: RealtimeConnection | undefined, logger: Logger): void {
  try {
    connection?.close();
  } catch (error) {
    logger.error('closing the realtime connection failed', { error: errorMessage(error) });
  }
}
