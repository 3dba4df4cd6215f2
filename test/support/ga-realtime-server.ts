/**
 * A stand-in for the live OpenAI Realtime API (GA interface) for tests: a real websocket server on
 * 127.0.0.1, port 0, that behaves like the service, not like Parley expects. The test scripts what
 * the model says and what the user said; the server keeps the session and the conversation and
 * enforces the service's rules, answering a broken rule with the API's `error` event.
 *
 * Rules it enforces (../shared/docs/realtime-protocol.md, "v2 rules the live API enforces"):
 * - Handshake: path `/v1/realtime` (else HTTP 404), `Authorization: Bearer <key>` (else 401; with
 *   `apiKey` set, any other key gets 401 and the key is never echoed); the `OpenAI-Beta: realtime=v1`
 *   header (beta interface) is refused with 400. `?model=` sets the session's model.
 * - Schema: every client frame is validated against ../shared/spec/realtime-ga.schema.json (unknown
 *   fields included, see realtime-spec.ts). A violation is answered by `error` (invalid_request_error,
 *   code unknown_parameter / missing_required_parameter / invalid_type / invalid_value / invalid_json,
 *   `param` = the JSON path), recorded in `violations`, and nothing is applied.
 * - Correlation: every `error` caused by a client event carries that event's `event_id` in
 *   `error.event_id` (null when it had none).
 * - Session: `session.created` (server defaults: server_vad, voice alloy, no tools, no transcription)
 *   comes first; each valid `session.update` is answered by `session.updated` with the whole
 *   session. A rejected update applies nothing. `session.type` cannot change.
 * - Voice lock: once any `response.output_audio.delta` was sent, a `session.update` that contains
 *   `audio.output.voice` (even unchanged) is rejected as a whole: `cannot_update_voice`.
 * - Input audio: `input_audio_buffer.append` accumulates (base64 checked); `input_audio_buffer.commit`
 *   needs at least 100 ms (else `input_audio_buffer_commit_empty`) and answers
 *   `input_audio_buffer.committed {item_id, previous_item_id}`, then `conversation.item.added/.done`
 *   for the user item. `input_audio_buffer.clear` → `input_audio_buffer.cleared`.
 * - Items: an ordered conversation. `conversation.item.create` inserts (after `previous_item_id`, or
 *   `root`, or at the end; unknown previous id or duplicate id → error) and answers
 *   `conversation.item.added` then `.done`, both with `previous_item_id`. Delete and retrieve work on
 *   existing items only.
 * - Function calls: a `function_call_output` must name the `call_id` of a function call in the
 *   conversation, and only once; otherwise `error`.
 * - Truncate: only an assistant message with audio, at its audio content index, and `audio_end_ms`
 *   no longer than the audio actually sent for that item (else error); answers
 *   `conversation.item.truncated` and trims the item's transcript.
 * - Responses: one at a time. `response.create` while one is active → error
 *   `conversation_already_has_active_response` ("Conversation already has an active response in
 *   progress: …"). Each response plays the next scripted reply (it waits, active, until the test
 *   scripts one): `response.created`, per item `response.output_item.added`,
 *   `conversation.item.added`, content (`response.content_part.added`,
 *   `response.output_audio_transcript.delta` + `response.output_audio.delta`, or
 *   `response.output_text.delta` in text modality, or `response.function_call_arguments.delta/.done`),
 *   the done events, `response.output_item.done`, `conversation.item.done`; then `response.done`
 *   with status (completed, cancelled, failed + status_details.error, incomplete +
 *   status_details.reason) and usage (input/output tokens with text/audio/cached details).
 *   A function call cut off (`status: 'incomplete'`) streams partial arguments, has no
 *   `.arguments.done`, ends its item `incomplete` and the response `incomplete`.
 * - Cancel: `response.cancel` finishes the active response at once (open item `incomplete`,
 *   `response.done` cancelled / client_cancelled); with none active → `response_cancel_not_active`.
 * - Transcription is asynchronous: only with `audio.input.transcription` configured; per user item
 *   `conversation.item.input_audio_transcription.delta`… `.completed` (or `.failed`), right after the
 *   commit, or late (after the next `response.done`), or held and delivered in any order.
 * - Server VAD (turn_detection server_vad/semantic_vad): the test makes the user speak:
 *   `input_audio_buffer.speech_started` (cancels the active response, reason turn_detected, when
 *   interrupt_response is not false), `speech_stopped`, commit, and a response when create_response
 *   is not false. With turn_detection null the server detects nothing.
 * - Every event it sends is checked against the spec's server schemas (`invalidServerEvents`).
 * Not modelled: audio content (VAD is driven by the test), WebRTC/SIP-only events, out-of-band
 * responses (`conversation: "none"` is treated like a normal response), MCP, idle timeouts.
 *
 * Scripting (types in ga-realtime-scripts.ts):
 *   const server = await startGaRealtimeServer();         // Parley's realtime URL: server.url
 *   await server.waitForSession();                         // the client's session.update was accepted
 *   server.respondWithCall({ say: 'Let me check.', name: 'background_agent', callId: 'call_1',
 *     arguments: { prompt: 'Find it' } });                 // taken by the next response
 *   const userItem = server.userSpeaks({ transcript: 'Find it', late: true });   // server VAD turn:
 *                                  // commit, then a response that plays the call; transcript after it
 *   const reply = server.respond({ say: 'Done.', audioMs: 600, holdAfterAudioMs: 200 });
 *   // … the client sends function_call_output + response.create, which plays `reply` …
 *   await reply.held; server.userStartsSpeaking();         // barge-in: the reply is cancelled
 *   const finished = await reply.done;                     // status 'cancelled', reason turn_detected
 *   assert.deepEqual(server.violations, []);
 * Replies and push-to-talk transcripts (`transcribeNext`) are queued on the server and consumed in
 * order by whichever connection needs one; the other helpers act on the latest connection.
 */
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import {
  GaConnection,
  type ConnectionHooks,
  type ConversationEntry,
  type ErrorRecord,
  type InvalidServerEvent,
  type RecordedHandshake,
  type ViolationRecord,
} from './ga-realtime-connection';
import { PendingReply, type FinishedResponse, type JsonRecord, type ResponseHandle } from './ga-realtime-response';
import {
  callReplyScript,
  toReplyScript,
  type CallReply,
  type RateLimit,
  type ReplyScript,
  type SayReply,
  type SpokenTurn,
  type UserSpeech,
} from './ga-realtime-scripts';
import { rawDataLength, rawDataToString, recordHandshake, startLoopbackWsServer, writeHttpResponse, type LoopbackWsServer } from './loopback-ws-server';
import { realtimeSpec } from './realtime-spec';

export type { ConversationEntry, ErrorRecord, InvalidServerEvent, RecordedHandshake, ViolationRecord } from './ga-realtime-connection';
export type { FinishedResponse, ResponseHandle } from './ga-realtime-response';
export type * from './ga-realtime-scripts';

export interface GaRealtimeServerOptions {
  /** When set, a handshake with another bearer key is refused with HTTP 401. */
  apiKey?: string;
  /** Pause between the events of a response (default 0: a response goes out in one burst unless held). */
  eventDelayMs?: number;
  /** Audio per `response.output_audio.delta` (default 100 ms). */
  audioChunkMs?: number;
  /**
   * The maximum session length (the live API: 60 minutes): a connection this old gets the API's
   * `session_expired` error and is closed. Default: no limit.
   */
  maxSessionMs?: number;
}

/** One accepted connection, as tests see it. */
export interface GaConnectionView {
  readonly index: number;
  readonly handshake: RecordedHandshake;
  /** Client frames, parsed (a frame that is not JSON stays a string). */
  readonly frames: readonly unknown[];
  /** Every server event sent, as sent. */
  readonly sent: readonly JsonRecord[];
  readonly session: JsonRecord;
  readonly conversation: readonly ConversationEntry[];
  readonly responses: readonly FinishedResponse[];
  readonly closed: boolean;
  readonly closeCode: number | undefined;
}

export interface GaRealtimeServer {
  /** "http://127.0.0.1:PORT": a base URL for Parley's realtime URL setting (it adds /v1/realtime). */
  readonly url: string;
  /** "ws://127.0.0.1:PORT/v1/realtime": add `?model=…` for a raw client. */
  readonly wsUrl: string;
  /** Accepted connections in order (refused handshakes are in `refusedHandshakes`). */
  readonly connections: readonly GaConnectionView[];
  readonly refusedHandshakes: readonly { handshake: RecordedHandshake; status: number }[];
  /** Every client frame of every connection, in arrival order. */
  readonly frames: readonly unknown[];
  /** Every server event sent, all connections, in order. */
  readonly sent: readonly JsonRecord[];
  /** Client frames that broke the schema (all connections). Assert it is empty. */
  readonly violations: readonly ViolationRecord[];
  /** Every `error` event sent (schema and rule errors), with its cause. */
  readonly errorsSent: readonly ErrorRecord[];
  /** Server events that failed the spec's schema: a bug in the stand-in; always empty. */
  readonly invalidServerEvents: readonly InvalidServerEvent[];
  /** The latest connection's session as the server holds it (throws before any connection). */
  readonly session: JsonRecord;
  /** The latest connection's conversation in item order. */
  readonly conversation: readonly ConversationEntry[];
  /** The latest connection's finished responses. */
  readonly responses: readonly FinishedResponse[];
  /** Whether a response is active on the latest connection. */
  readonly responseActive: boolean;

  /** Queues what the assistant says in the next response (any connection). */
  respond(reply: SayReply | ReplyScript): ResponseHandle;
  /** Queues a response with an optional message and then a function call. */
  respondWithCall(call: CallReply): ResponseHandle;
  /** Queues what the user said for the next client `input_audio_buffer.commit` (push-to-talk). */
  transcribeNext(speech: UserSpeech): void;
  /** Server VAD: the user speaks a whole turn (started, stopped, committed, then a response). Returns the user item id. */
  userSpeaks(turn?: SpokenTurn): string;
  /** Server VAD: `speech_started` (and the barge-in cancel). Returns the coming user item id. */
  userStartsSpeaking(): string;
  /** Server VAD: `speech_stopped`, commit, transcription, response. Returns the user item id. */
  userStopsSpeaking(turn?: SpokenTurn): string;
  /** Sends the transcription of a user item spoken with `late: 'held'`. */
  deliverTranscription(itemId: string): void;
  sendRateLimits(limits: RateLimit[]): void;
  /** Sends any event as is (an `event_id` is added when missing); still checked against the spec. */
  send(event: JsonRecord): void;
  /** Server-initiated close of the latest connection. */
  closeConnection(code?: number, reason?: string): void;
  /** The network dies under the latest connection (no close frame: the client sees 1006). */
  dropConnection(): void;
  /** The latest connection goes silent: nothing read (pings unanswered), nothing sent. */
  silenceConnection(): void;

  waitForConnection(count?: number, timeoutMs?: number): Promise<GaConnectionView>;
  /** Resolves with the session once the latest connection's first session.update was answered by session.updated. */
  waitForSession(timeoutMs?: number): Promise<JsonRecord>;
  /** Resolves with the first client frame (any connection) matching, waiting if needed. */
  waitForFrame(predicate: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Resolves with the first server event sent (any connection) matching, waiting if needed. */
  waitForEvent(predicate: (event: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Resolves when the latest connection has closed. */
  waitForClose(timeoutMs?: number): Promise<void>;
  /** Terminates every socket and stops listening; idempotent. */
  close(): Promise<void>;
}

const DEFAULT_WAIT_TIMEOUT_MS = 5_000;
const DEFAULT_AUDIO_CHUNK_MS = 100;
const NORMAL_CLOSURE = 1000;
const LOG_PREFIX = 'ga realtime server';
const REALTIME_PATH = '/v1/realtime';

export async function startGaRealtimeServer(options: GaRealtimeServerOptions = {}): Promise<GaRealtimeServer> {
  realtimeSpec(); // fail at start, with the spec's own message, when the schema file is missing
  const connections: GaConnection[] = [];
  const refusedHandshakes: { handshake: RecordedHandshake; status: number }[] = [];
  const replies: PendingReply[] = [];
  const transcriptions: UserSpeech[] = [];
  const counters = new Map<string, number>();

  function notifyWaiters(): void {
    server.notifyWaiters();
  }

  const hooks: ConnectionHooks = {
    takeReply: () => replies.shift(),
    takeTranscription: () => transcriptions.shift(),
    changed: notifyWaiters,
    newId(prefix) {
      const next = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, next);
      return `${prefix}_${String(next).padStart(4, '0')}`;
    },
    eventDelayMs: options.eventDelayMs ?? 0,
    audioChunkMs: options.audioChunkMs ?? DEFAULT_AUDIO_CHUNK_MS,
  };

  const server: LoopbackWsServer = await startLoopbackWsServer({
    logPrefix: LOG_PREFIX,
    onUpgrade(request, socket, acceptUpgrade) {
      const handshake = recordHandshake(request);
      const refusal = refuseHandshake(handshake, options.apiKey);
      if (refusal) {
        refusedHandshakes.push({ handshake, status: refusal.status });
        writeJsonHttpError(socket, refusal.status, refusal.message, refusal.code);
        notifyWaiters();
        return;
      }
      acceptUpgrade((ws) => accept(handshake, ws));
    },
  });

  function accept(handshake: RecordedHandshake, socket: WebSocket): void {
    const connection = new GaConnection(connections.length, handshake, socket, hooks);
    connections.push(connection);
    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) connection.receiveBinary(rawDataLength(data));
      else connection.receiveText(rawDataToString(data));
    });
    const expiry = options.maxSessionMs === undefined ? undefined : setTimeout(() => connection.expire(options.maxSessionMs!), options.maxSessionMs);
    socket.on('close', (code: number) => {
      if (expiry) clearTimeout(expiry);
      connection.socketClosed(code);
      notifyWaiters();
    });
    socket.on('error', () => {}); // a client vanishing mid-frame ends in 'close', which is recorded
    notifyWaiters();
  }

  function latest(): GaConnection {
    const connection = connections[connections.length - 1];
    if (!connection) throw new Error(`${LOG_PREFIX}: no client has connected yet; await server.waitForConnection() first`);
    return connection;
  }

  function queueReply(script: ReplyScript): ResponseHandle {
    const reply = new PendingReply(script);
    replies.push(reply);
    // A response already waiting for its script takes it now.
    const connection = connections[connections.length - 1];
    if (connection && !connection.closed) connection.offerReply();
    return reply;
  }

  const allFrames = (): unknown[] => connections.flatMap((connection) => connection.frames);
  const allSent = (): JsonRecord[] => connections.flatMap((connection) => connection.sent);
  const describeRecent = (): string => {
    const connection = connections[connections.length - 1];
    if (!connection) return '(no connection yet)';
    const frames = connection.frames.map((frame) => (isRecord(frame) ? String(frame['type']) : JSON.stringify(frame).slice(0, 60)));
    const errors = connection.errorsSent.map((error) => `${error.code}: ${error.message}`);
    return `(client sent: ${frames.join(', ') || 'nothing'}; errors sent: ${errors.join(' | ') || 'none'})`;
  };

  const { port, waitFor } = server;

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${REALTIME_PATH}`,
    get connections() {
      return connections;
    },
    refusedHandshakes,
    get frames() {
      return allFrames();
    },
    get sent() {
      return allSent();
    },
    get violations() {
      return connections.flatMap((connection) => connection.violations);
    },
    get errorsSent() {
      return connections.flatMap((connection) => connection.errorsSent);
    },
    get invalidServerEvents() {
      return connections.flatMap((connection) => connection.invalidServerEvents);
    },
    get session() {
      return latest().session;
    },
    get conversation() {
      return latest().conversation;
    },
    get responses() {
      return latest().responses;
    },
    get responseActive() {
      return latest().activeResponse !== undefined;
    },

    respond: (reply) => queueReply(toReplyScript(reply)),
    respondWithCall: (call) => queueReply(callReplyScript(call)),
    transcribeNext(speech) {
      transcriptions.push(speech);
    },
    userSpeaks(turn = {}) {
      const connection = latest();
      connection.userStartsSpeaking();
      return connection.userStopsSpeaking(turn);
    },
    userStartsSpeaking: () => latest().userStartsSpeaking(),
    userStopsSpeaking: (turn = {}) => latest().userStopsSpeaking(turn),
    deliverTranscription: (itemId) => latest().deliverTranscription(itemId),
    sendRateLimits: (limits) => latest().sendRateLimits(limits),
    send: (event) => latest().sendRaw(event),
    closeConnection(code = NORMAL_CLOSURE, reason = '') {
      latest().closeSocket(code, reason);
    },
    dropConnection: () => latest().drop(),
    silenceConnection: () => latest().goSilent(),

    waitForConnection(count = 1, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => connections[count - 1],
        () => `saw ${connections.length} of ${count} connections (${refusedHandshakes.length} refused)`,
        timeoutMs,
      );
    },
    waitForSession(timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => {
          const connection = connections[connections.length - 1];
          return connection?.sessionAnswered ? connection.session : undefined;
        },
        () => `no session.update was answered with session.updated ${describeRecent()}`,
        timeoutMs,
      );
    },
    waitForFrame(predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => {
          const frames = allFrames();
          const index = frames.findIndex((frame) => predicate(frame));
          return index === -1 ? undefined : { frame: frames[index] };
        },
        () => `no client frame matched the predicate ${describeRecent()}`,
        timeoutMs,
      ).then((found) => found.frame);
    },
    waitForEvent(predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => allSent().find((event) => predicate(event)),
        () => `no server event matched the predicate ${describeRecent()}`,
        timeoutMs,
      );
    },
    waitForClose(timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => (connections[connections.length - 1]?.closed ? true : undefined),
        () => `the latest connection did not close ${describeRecent()}`,
        timeoutMs,
      ).then(() => undefined);
    },
    close: () => server.close(),
  };
}

function refuseHandshake(handshake: RecordedHandshake, apiKey: string | undefined): { status: number; message: string; code: string | null } | undefined {
  const path = handshake.path.replace(/\/+$/, '');
  if (path !== REALTIME_PATH) return { status: 404, message: `Invalid URL (GET ${handshake.path})`, code: null };
  const authorization = handshake.headers['authorization'];
  const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)$/i.exec(authorization.trim()) : null;
  if (!match) {
    return { status: 401, message: "You didn't provide an API key. Provide it in an Authorization header using Bearer auth.", code: null };
  }
  if (apiKey !== undefined && match[1] !== apiKey) {
    return { status: 401, message: 'Incorrect API key provided.', code: 'invalid_api_key' };
  }
  const beta = handshake.headers['openai-beta'];
  if ((Array.isArray(beta) ? beta.join(',') : (beta ?? '')).includes('realtime=v1')) {
    return { status: 400, message: `${LOG_PREFIX}: the OpenAI-Beta: realtime=v1 header selects the beta interface; this stand-in speaks GA only`, code: null };
  }
  return undefined;
}

/** The API's JSON error body on a refused upgrade (ws has no public "reject with body" call). */
function writeJsonHttpError(socket: Duplex, status: number, message: string, code: string | null): void {
  writeHttpResponse(socket, status, 'application/json', JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } }));
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
