/**
 * One client connection of the GA stand-in server: the session, the conversation and the rules
 * the live Realtime API enforces (listed in ga-realtime-server.ts). Client frames are handled
 * synchronously in arrival order; every server event goes through `emit`, which stamps an
 * `event_id`, checks it against the spec's server schemas and records it.
 */
import type { WebSocket } from 'ws';
import {
  splitWords,
  textTokens,
  INPUT_AUDIO_MS_PER_TOKEN,
  OUTPUT_AUDIO_MS_PER_TOKEN,
  type RateLimit,
  type SpokenTurn,
  type TokenCounts,
  type UserSpeech,
} from './ga-realtime-scripts';
import {
  SAMPLE_RATE_HZ,
  ScriptedResponse,
  type FinishedResponse,
  type PendingReply,
  type JsonRecord,
  type ResponseHost,
} from './ga-realtime-response';
import { formatViolation, realtimeSpec, type SpecViolation } from './realtime-spec';

export const MIN_COMMIT_MS = 100;
const DEFAULT_UTTERANCE_MS = 1_000;
const SESSION_LIFETIME_S = 3_600;
const DEFAULT_INSTRUCTIONS = 'You are a helpful, witty, and friendly AI.';
const DEFAULT_VOICE = 'alloy';
const PCM_BYTES_PER_MS = (SAMPLE_RATE_HZ / 1000) * 2;
const G711_BYTES_PER_MS = 8;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** Request fields the session object the server sends has no place for (the schema would flag them). */
const TRANSCRIPTION_ECHO_FIELDS = ['model', 'language', 'languages', 'prompt'];

import type { RecordedHandshake } from './loopback-ws-server';
export type { RecordedHandshake };

/** A client frame that broke the schema: what it was and why. */
export interface ViolationRecord {
  connection: number;
  frame: unknown;
  violations: string[];
}

/** An `error` event the server sent, and the client frame that caused it (if one did). */
export interface ErrorRecord {
  connection: number;
  code: string | null;
  message: string;
  param: string | null;
  /** The offending client event's `event_id`, as named in the error. */
  eventId: string | null;
  cause: unknown;
  event: JsonRecord;
}

export interface InvalidServerEvent {
  connection: number;
  event: JsonRecord;
  violations: string[];
}

/** A conversation item as the server holds it (ordered; what `conversation.item.retrieve` would return). */
export interface ConversationEntry {
  item: JsonRecord;
  /** Assistant audio sent for this item, in samples at 24 kHz. */
  assistantAudioSamples: number;
  /** Committed user audio, in ms. */
  userAudioMs: number;
  /** For function calls: whether a function_call_output has been accepted. */
  hasOutput: boolean;
}

/** What the connection needs from the server: the shared script queues and change notification. */
export interface ConnectionHooks {
  takeReply(): PendingReply | undefined;
  takeTranscription(): UserSpeech | undefined;
  changed(): void;
  newId(prefix: string): string;
  readonly eventDelayMs: number;
  readonly audioChunkMs: number;
}

interface TranscriptionJob {
  itemId: string;
  speech: UserSpeech;
}

/** Thrown by a handler to answer the frame with an `error` event and apply nothing. */
class Rejection extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export class GaConnection {
  readonly frames: unknown[] = [];
  readonly sent: JsonRecord[] = [];
  readonly violations: ViolationRecord[] = [];
  readonly errorsSent: ErrorRecord[] = [];
  readonly invalidServerEvents: InvalidServerEvent[] = [];
  readonly responses: FinishedResponse[] = [];
  readonly conversation: ConversationEntry[] = [];
  session: JsonRecord;
  /** The first `session.update` has been answered with `session.updated`. */
  sessionAnswered = false;
  closed = false;
  closeCode: number | undefined;

  private silent = false;
  private inputBufferBytes = 0;
  private audioClockMs = 0;
  private assistantAudioSent = false;
  private response: ScriptedResponse | undefined;
  private lastInputTokens: TokenCounts = { text: 0, audio: 0 };
  private readonly afterNextResponse: TranscriptionJob[] = [];
  private readonly heldTranscriptions = new Map<string, TranscriptionJob>();
  private speaking: { itemId: string; startMs: number } | undefined;
  private readonly conversationId: string;

  constructor(
    readonly index: number,
    readonly handshake: RecordedHandshake,
    private readonly socket: WebSocket,
    private readonly hooks: ConnectionHooks,
  ) {
    this.conversationId = hooks.newId('conv');
    this.session = defaultSession(hooks.newId('sess'), handshake.query['model'] ?? 'gpt-realtime');
    this.emit({ type: 'session.created', session: structuredClone(this.session) });
  }

  // ---- client frames --------------------------------------------------------------------

  receiveText(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      frame = text;
    }
    this.frames.push(frame);
    this.hooks.changed();
    const violations = realtimeSpec().findClientEventViolations(frame);
    if (violations.length > 0) {
      this.violations.push({ connection: this.index, frame, violations: violations.map(formatViolation) });
      const first = violations[0]!;
      this.sendError(frame, schemaErrorCode(first), schemaErrorMessage(first, frame), first.path === '(frame)' ? null : first.path);
      return;
    }
    const event = frame as JsonRecord;
    try {
      this.handle(event);
    } catch (error) {
      if (error instanceof Rejection) {
        this.sendError(event, error.code, error.message, error.param);
        return;
      }
      // A bug in the stand-in: answered like the service's own failures, kept visible in errorsSent
      // (code stand_in_failure), and never thrown into ws, which would take the test process down.
      this.sendError(event, 'stand_in_failure', `ga realtime server failed on ${String(event['type'])}: ${(error as Error).stack ?? String(error)}`, null, 'server_error');
    }
  }

  receiveBinary(bytes: number): void {
    const frame = `<binary ${bytes} bytes>`;
    this.frames.push(frame);
    this.violations.push({ connection: this.index, frame, violations: ['(frame): binary frames are not part of the protocol; events are JSON text'] });
    this.sendError(undefined, 'invalid_json', 'Binary frames are not supported; send JSON text events.', null);
  }

  private handle(event: JsonRecord): void {
    switch (event['type']) {
      case 'session.update':
        return this.updateSession(event);
      case 'input_audio_buffer.append':
        return this.appendAudio(event);
      case 'input_audio_buffer.commit':
        return this.commitBuffer();
      case 'input_audio_buffer.clear':
        this.inputBufferBytes = 0;
        return this.emit({ type: 'input_audio_buffer.cleared' });
      case 'output_audio_buffer.clear':
        throw new Rejection('invalid_value', 'output_audio_buffer.clear is only available on WebRTC and SIP connections.', 'type');
      case 'conversation.item.create':
        return this.createItem(event);
      case 'conversation.item.truncate':
        return this.truncateItem(event);
      case 'conversation.item.delete':
        return this.deleteItem(event);
      case 'conversation.item.retrieve':
        return this.emit({ type: 'conversation.item.retrieved', item: structuredClone(this.entry(event['item_id'] as string, 'item_id').item) });
      case 'response.create':
        return this.createResponse(event);
      case 'response.cancel':
        return this.cancelResponse(event);
      default:
        // The schema check lets only GA client types through, and each has a case above.
        throw new Rejection('invalid_value', `Unsupported event type '${String(event['type'])}'.`, 'type');
    }
  }

  private updateSession(event: JsonRecord): void {
    const patch = event['session'] as JsonRecord;
    if (patch['type'] !== 'realtime') {
      throw new Rejection('invalid_value', "This session is a realtime session; session.type cannot change to 'transcription'.", 'session.type');
    }
    const output = (patch['audio'] as JsonRecord | undefined)?.['output'] as JsonRecord | undefined;
    if (output && 'voice' in output && this.assistantAudioSent) {
      throw new Rejection('cannot_update_voice', "Cannot update a conversation's voice if assistant audio is present.", 'session.audio.output.voice');
    }
    this.session = applySessionUpdate(this.session, patch);
    this.sessionAnswered = true; // before emit, which wakes the waiters
    this.emit({ type: 'session.updated', session: structuredClone(this.session) });
  }

  private appendAudio(event: JsonRecord): void {
    const audio = event['audio'] as string;
    if (audio.length % 4 !== 0 || !BASE64.test(audio)) {
      throw new Rejection('invalid_value', "Invalid 'audio'. Expected base64-encoded audio bytes.", 'audio');
    }
    const bytes = Buffer.from(audio, 'base64').length;
    this.inputBufferBytes += bytes;
    this.audioClockMs += bytes / this.inputBytesPerMs();
  }

  private commitBuffer(): void {
    const bufferedMs = this.inputBufferBytes / this.inputBytesPerMs();
    if (bufferedMs < MIN_COMMIT_MS) {
      throw new Rejection(
        'input_audio_buffer_commit_empty',
        `Error committing input audio buffer: buffer too small. Expected at least ${MIN_COMMIT_MS}ms of audio, but buffer only has ${bufferedMs.toFixed(2)}ms of audio.`,
      );
    }
    this.commitUserAudio(bufferedMs, this.hooks.takeTranscription() ?? {}, this.hooks.newId('item'));
  }

  private createItem(event: JsonRecord): void {
    const item = structuredClone(event['item'] as JsonRecord);
    const previousItemId = event['previous_item_id'] as string | undefined;
    if (typeof item['id'] === 'string' && this.findEntry(item['id'])) {
      throw new Rejection('invalid_value', `Item with id '${item['id']}' already exists.`, 'item.id');
    }
    if (previousItemId !== undefined && previousItemId !== 'root' && !this.findEntry(previousItemId)) {
      throw new Rejection('invalid_value', `Previous item with id '${previousItemId}' not found.`, 'previous_item_id');
    }
    let call: ConversationEntry | undefined;
    if (item['type'] === 'function_call_output') {
      const callId = item['call_id'] as string;
      call = this.conversation.find((entry) => entry.item['type'] === 'function_call' && entry.item['call_id'] === callId);
      if (!call) throw new Rejection('invalid_value', `Tool call with call_id '${callId}' not found in conversation.`, 'item.call_id');
      if (call.hasOutput) throw new Rejection('invalid_value', `Tool call with call_id '${callId}' already has an output.`, 'item.call_id');
    }
    if (item['type'] === 'function_call') {
      item['call_id'] ??= this.hooks.newId('call');
      if (this.conversation.some((entry) => entry.item['call_id'] === item['call_id'])) {
        throw new Rejection('invalid_value', `A function call with call_id '${String(item['call_id'])}' already exists.`, 'item.call_id');
      }
    }
    if (call) call.hasOutput = true;
    item['id'] ??= this.hooks.newId('item');
    item['object'] = 'realtime.item';
    item['status'] ??= 'completed';
    const entry: ConversationEntry = { item, assistantAudioSamples: 0, userAudioMs: 0, hasOutput: false };
    if (previousItemId === undefined) this.conversation.push(entry);
    else if (previousItemId === 'root') this.conversation.unshift(entry);
    else this.conversation.splice(this.conversation.findIndex((other) => other.item['id'] === previousItemId) + 1, 0, entry);
    const previous = this.previousItemId(item['id'] as string);
    this.emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) });
    this.emit({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(item) });
  }

  private truncateItem(event: JsonRecord): void {
    const entry = this.entry(event['item_id'] as string, 'item_id');
    const { item } = entry;
    const content = (item['content'] as JsonRecord[] | undefined) ?? [];
    if (item['type'] !== 'message' || item['role'] !== 'assistant') {
      throw new Rejection('invalid_value', 'Only assistant messages with audio can be truncated.', 'item_id');
    }
    // An item still being streamed has no content parts yet; its audio part will be index 0.
    const streaming = content.length === 0;
    const audioIndex = streaming ? (entry.assistantAudioSamples > 0 ? 0 : -1) : content.findIndex((part) => part['type'] === 'output_audio');
    if (audioIndex === -1 || event['content_index'] !== audioIndex) {
      throw new Rejection('invalid_value', `Item '${String(item['id'])}' has no audio content at content_index ${String(event['content_index'])}.`, 'content_index');
    }
    const audioEndMs = event['audio_end_ms'] as number;
    const sentMs = entry.assistantAudioSamples / (SAMPLE_RATE_HZ / 1000);
    if (audioEndMs < 0 || audioEndMs > sentMs) {
      throw new Rejection('invalid_value', `Audio content of ${Math.floor(sentMs)}ms is already shorter than ${audioEndMs}ms`, 'audio_end_ms');
    }
    // The live service drops the unheard audio and its transcript; words are cut in proportion.
    if (!streaming) {
      const part = content[audioIndex]!;
      const words = splitWords(String(part['transcript'] ?? ''));
      part['transcript'] = words.slice(0, Math.floor((words.length * audioEndMs) / Math.max(sentMs, 1))).join('');
    }
    this.emit({ type: 'conversation.item.truncated', item_id: item['id'], content_index: event['content_index'], audio_end_ms: audioEndMs });
  }

  private deleteItem(event: JsonRecord): void {
    const entry = this.entry(event['item_id'] as string, 'item_id');
    this.conversation.splice(this.conversation.indexOf(entry), 1);
    this.emit({ type: 'conversation.item.deleted', item_id: entry.item['id'] });
  }

  private createResponse(event: JsonRecord): void {
    if (this.response) {
      throw new Rejection(
        'conversation_already_has_active_response',
        `Conversation already has an active response in progress: ${this.response.id}. Wait until the response is finished before creating a new one.`,
      );
    }
    this.startResponse((event['response'] as JsonRecord | undefined) ?? {});
  }

  private cancelResponse(event: JsonRecord): void {
    const active = this.response;
    if (!active) throw new Rejection('response_cancel_not_active', 'Cancellation failed: no active response found');
    const wanted = event['response_id'];
    if (wanted !== undefined && wanted !== active.id) {
      throw new Rejection('response_cancel_not_active', `Cancellation failed: response '${String(wanted)}' is not active.`, 'response_id');
    }
    active.cancel('client_cancelled');
  }

  // ---- test triggers --------------------------------------------------------------------

  /** Gives a scripted reply to a response that is waiting for one. */
  offerReply(): void {
    if (!this.response?.isWaitingForReply) return;
    const reply = this.hooks.takeReply();
    if (reply) this.response.supply(reply);
  }

  userStartsSpeaking(): string {
    const turnDetection = this.turnDetection();
    if (!turnDetection) {
      throw new Error(
        'ga realtime server: the session has turn_detection null (push-to-talk), so the server detects no speech. ' +
          'The client commits its own audio: queue what the user said with server.transcribeNext({ transcript }).',
      );
    }
    if (this.speaking) throw new Error('ga realtime server: the user is already speaking; call userStopsSpeaking() first');
    const itemId = this.hooks.newId('item');
    const startMs = Math.floor(this.audioClockMs);
    this.speaking = { itemId, startMs };
    this.emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: startMs, item_id: itemId });
    if (this.response && turnDetection['interrupt_response'] !== false) this.response.cancel('turn_detected');
    return itemId;
  }

  userStopsSpeaking(turn: SpokenTurn): string {
    const speaking = this.speaking;
    if (!speaking) throw new Error('ga realtime server: userStopsSpeaking() without userStartsSpeaking()');
    const turnDetection = this.turnDetection();
    const audioMs = turn.audioMs ?? DEFAULT_UTTERANCE_MS;
    const endMs = speaking.startMs + audioMs;
    this.speaking = undefined;
    this.emit({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: endMs, item_id: speaking.itemId });
    this.audioClockMs = Math.max(this.audioClockMs, endMs);
    this.commitUserAudio(audioMs, turn, speaking.itemId);
    // With interrupt_response false a reply may still be running: the live service does not start a second one.
    if (turnDetection?.['create_response'] !== false && !this.response) this.startResponse({});
    return speaking.itemId;
  }

  deliverTranscription(itemId: string): void {
    const job = this.heldTranscriptions.get(itemId);
    if (!job) throw new Error(`ga realtime server: no held transcription for item ${itemId} (use late: 'held' when the user speaks)`);
    this.heldTranscriptions.delete(itemId);
    this.sendTranscription(job);
  }

  sendRateLimits(limits: RateLimit[]): void {
    this.emit({ type: 'rate_limits.updated', rate_limits: limits });
  }

  sendRaw(event: JsonRecord): void {
    this.emit(event);
  }

  get activeResponse(): ScriptedResponse | undefined {
    return this.response;
  }

  get hasAssistantAudio(): boolean {
    return this.assistantAudioSent;
  }

  socketClosed(code: number): void {
    this.closed = true;
    this.closeCode = code;
    this.response?.abandon();
    this.response = undefined;
  }

  /**
   * The session reached its maximum duration, as the live API ends it: an `error` with code
   * `session_expired`, then the socket closes.
   */
  expire(maxSessionMs: number): void {
    if (this.closed) return;
    const minutes = Math.round((maxSessionMs / 60_000) * 100) / 100;
    this.sendError(undefined, 'session_expired', `Your session hit the maximum duration of ${minutes} minutes.`, null);
    this.closeSocket(1000, 'session expired');
  }

  /** The network dies under the connection: no close frame, the client sees 1006. */
  drop(): void {
    this.socket.terminate();
  }

  /** The server goes silent: it stops reading (so pings go unanswered) and sends nothing more. */
  goSilent(): void {
    this.silent = true;
    (this.socket as unknown as { _socket?: { pause(): void } })._socket?.pause();
  }

  closeSocket(code: number, reason: string): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(code, reason);
  }

  // ---- internals ------------------------------------------------------------------------

  private commitUserAudio(audioMs: number, speech: UserSpeech, itemId: string): void {
    const previous = this.lastItemId();
    const item: JsonRecord = { id: itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio' }] };
    this.conversation.push({ item, assistantAudioSamples: 0, userAudioMs: audioMs, hasOutput: false });
    this.inputBufferBytes = 0;
    this.emit({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId });
    this.emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) });
    this.emit({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(item) });
    // No transcription model configured: the live service sends no transcription events at all.
    if (!audioInput(this.session)['transcription']) return;
    const job = { itemId, speech };
    if (speech.late === 'held') this.heldTranscriptions.set(itemId, job);
    else if (speech.late === true) this.afterNextResponse.push(job);
    else this.sendTranscription(job);
  }

  private sendTranscription({ itemId, speech }: TranscriptionJob): void {
    const entry = this.findEntry(itemId);
    if (!entry) return; // deleted meanwhile: nothing left to transcribe
    if (speech.fails) {
      const message = typeof speech.fails === 'string' ? speech.fails : 'Input transcription failed.';
      this.emit({
        type: 'conversation.item.input_audio_transcription.failed',
        item_id: itemId,
        content_index: 0,
        error: { type: 'transcription_error', code: 'transcription_failed', message },
      });
      return;
    }
    const transcript = speech.transcript ?? '';
    if (speech.deltas !== false) {
      for (const delta of splitWords(transcript)) {
        this.emit({ type: 'conversation.item.input_audio_transcription.delta', item_id: itemId, content_index: 0, delta });
      }
    }
    const audioTokens = Math.ceil(entry.userAudioMs / INPUT_AUDIO_MS_PER_TOKEN);
    const outputTokens = textTokens(transcript);
    this.emit({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript,
      usage: {
        type: 'tokens',
        input_tokens: audioTokens,
        input_token_details: { text_tokens: 0, audio_tokens: audioTokens },
        output_tokens: outputTokens,
        total_tokens: audioTokens + outputTokens,
      },
    });
    const part = ((entry.item['content'] as JsonRecord[] | undefined) ?? [])[0];
    if (part) part['transcript'] = transcript;
  }

  private startResponse(params: JsonRecord): void {
    const output = (audioOf(this.session)['output'] as JsonRecord | undefined) ?? {};
    const requestedVoice = ((params['audio'] as JsonRecord | undefined)?.['output'] as JsonRecord | undefined) ?? {};
    const modalities = (params['output_modalities'] ?? this.session['output_modalities'] ?? ['audio']) as string[];
    const response = new ScriptedResponse(this.responseHost(), this.hooks.newId('resp'), {
      conversationId: this.conversationId,
      modality: modalities.includes('audio') ? 'audio' : 'text',
      audioOutput: { format: output['format'] ?? { type: 'audio/pcm', rate: SAMPLE_RATE_HZ }, voice: output['voice'] ?? DEFAULT_VOICE, ...pick(requestedVoice, ['format', 'voice']) },
      maxOutputTokens: params['max_output_tokens'] ?? this.session['max_output_tokens'] ?? 'inf',
      metadata: params['metadata'] ?? null,
    });
    this.response = response;
    response.begin();
    const reply = this.hooks.takeReply();
    if (reply) response.supply(reply);
  }

  private responseHost(): ResponseHost {
    return {
      emit: (event) => this.emit(event),
      isOpen: () => !this.closed,
      newItemId: () => this.hooks.newId('item'),
      newCallId: () => this.hooks.newId('call'),
      appendItem: (item) => {
        this.conversation.push({ item, assistantAudioSamples: 0, userAudioMs: 0, hasOutput: false });
      },
      previousItemId: (itemId) => this.previousItemId(itemId),
      noteAssistantAudio: (itemId, samples) => {
        this.assistantAudioSent = true;
        const entry = this.findEntry(itemId);
        if (entry) entry.assistantAudioSamples += samples;
      },
      inputTokens: () => this.inputTokens(),
      previousInputTokens: () => this.lastInputTokens,
      finished: (response, finished) => this.responseFinished(response, finished),
      eventDelayMs: this.hooks.eventDelayMs,
      audioChunkMs: this.hooks.audioChunkMs,
    };
  }

  private responseFinished(response: ScriptedResponse, finished: FinishedResponse): void {
    if (this.response === response) this.response = undefined;
    this.responses.push(finished);
    const details = finished.usage.input_token_details;
    this.lastInputTokens = { text: details.text_tokens, audio: details.audio_tokens };
    for (const job of this.afterNextResponse.splice(0)) this.sendTranscription(job);
    this.hooks.changed();
  }

  /** What the model reads: instructions and every item (whose own output is not counted yet). */
  private inputTokens(): TokenCounts {
    const counts: TokenCounts = { text: textTokens(String(this.session['instructions'] ?? '')), audio: 0 };
    for (const entry of this.conversation) {
      const { item } = entry;
      if (item['status'] === 'in_progress') continue;
      if (item['type'] === 'function_call') counts.text += textTokens(String(item['arguments'] ?? ''));
      if (item['type'] === 'function_call_output') counts.text += textTokens(String(item['output'] ?? ''));
      counts.audio += Math.ceil(entry.userAudioMs / INPUT_AUDIO_MS_PER_TOKEN);
      counts.audio += Math.ceil(entry.assistantAudioSamples / (SAMPLE_RATE_HZ / 1000) / OUTPUT_AUDIO_MS_PER_TOKEN);
      for (const part of (item['content'] as JsonRecord[] | undefined) ?? []) {
        if (part['type'] === 'input_text' || part['type'] === 'output_text') counts.text += textTokens(String(part['text'] ?? ''));
      }
    }
    return counts;
  }

  private emit(event: JsonRecord): void {
    if (this.closed || this.silent || this.socket.readyState !== this.socket.OPEN) return;
    const stamped: JsonRecord = { type: event['type'], event_id: (event['event_id'] as string | undefined) ?? this.hooks.newId('event'), ...event };
    const violations = realtimeSpec().validateServerEvent(stamped);
    if (violations.length > 0) this.invalidServerEvents.push({ connection: this.index, event: stamped, violations });
    this.sent.push(stamped);
    this.socket.send(JSON.stringify(stamped));
    this.hooks.changed();
  }

  private sendError(cause: unknown, code: string, message: string, param: string | null, type = 'invalid_request_error'): void {
    const eventId = isRecord(cause) && typeof cause['event_id'] === 'string' ? cause['event_id'] : null;
    const error = { type, code, message, param, event_id: eventId };
    const event: JsonRecord = { type: 'error', error };
    this.emit(event);
    const sent = this.sent[this.sent.length - 1] ?? event;
    this.errorsSent.push({ connection: this.index, code, message, param, eventId, cause, event: sent });
    this.hooks.changed();
  }

  private turnDetection(): JsonRecord | null {
    const value = audioInput(this.session)['turn_detection'];
    return isRecord(value) ? value : null;
  }

  private inputBytesPerMs(): number {
    const format = audioInput(this.session)['format'] as JsonRecord | undefined;
    return format?.['type'] === 'audio/pcmu' || format?.['type'] === 'audio/pcma' ? G711_BYTES_PER_MS : PCM_BYTES_PER_MS;
  }

  findEntry(itemId: string): ConversationEntry | undefined {
    return this.conversation.find((entry) => entry.item['id'] === itemId);
  }

  private entry(itemId: string, param: string): ConversationEntry {
    const entry = this.findEntry(itemId);
    if (!entry) throw new Rejection('invalid_value', `Item with item_id '${itemId}' not found.`, param);
    return entry;
  }

  private previousItemId(itemId: string): string | null {
    const index = this.conversation.findIndex((entry) => entry.item['id'] === itemId);
    return index > 0 ? (this.conversation[index - 1]!.item['id'] as string) : null;
  }

  private lastItemId(): string | null {
    return (this.conversation[this.conversation.length - 1]?.item['id'] as string | undefined) ?? null;
  }
}

/** The live service's defaults, as `session.created` shows them (the turns bench's mock starts from them too). */
export function defaultSession(id: string, model: string): JsonRecord {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: DEFAULT_INSTRUCTIONS,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: SAMPLE_RATE_HZ },
        turn_detection: turnDetectionWithDefaults({ type: 'server_vad' }),
      },
      output: { format: { type: 'audio/pcm', rate: SAMPLE_RATE_HZ }, voice: DEFAULT_VOICE, speed: 1 },
    },
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    truncation: 'auto',
    prompt: null,
    expires_at: Math.floor(Date.now() / 1000) + SESSION_LIFETIME_S,
  };
}

function turnDetectionWithDefaults(value: JsonRecord): JsonRecord {
  if (value['type'] === 'semantic_vad') {
    return { type: 'semantic_vad', eagerness: 'auto', create_response: true, interrupt_response: true, ...value };
  }
  return { type: 'server_vad', threshold: 0.5, prefix_padding_ms: 300, silence_duration_ms: 200, idle_timeout_ms: null, create_response: true, interrupt_response: true, ...value };
}

/** Merges a (validated) session.update into the session: nested audio settings field by field, the rest replaced. */
export function applySessionUpdate(current: JsonRecord, patch: JsonRecord): JsonRecord {
  const next = structuredClone(current);
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'type') continue;
    if (key === 'parallel_tool_calls') continue; // accepted, but the session object has no such field
    if (key !== 'audio') {
      next[key] = structuredClone(value);
      continue;
    }
    const audio = audioOf(next);
    for (const direction of ['input', 'output'] as const) {
      const changes = (value as JsonRecord)[direction] as JsonRecord | undefined;
      if (!changes) continue;
      const target = (audio[direction] ??= {}) as JsonRecord;
      for (const [field, setting] of Object.entries(changes)) {
        if (field === 'turn_detection') target[field] = setting === null ? null : turnDetectionWithDefaults(setting as JsonRecord);
        else if (field === 'transcription') target[field] = pick(setting as JsonRecord, TRANSCRIPTION_ECHO_FIELDS);
        else target[field] = structuredClone(setting);
      }
    }
  }
  return next;
}

function audioOf(session: JsonRecord): JsonRecord {
  return (session['audio'] ??= {}) as JsonRecord;
}

function audioInput(session: JsonRecord): JsonRecord {
  return (audioOf(session)['input'] as JsonRecord | undefined) ?? {};
}

function pick(source: JsonRecord, fields: string[]): JsonRecord {
  return Object.fromEntries(fields.filter((field) => field in source).map((field) => [field, structuredClone(source[field])]));
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The live service's error codes for a malformed event. */
function schemaErrorCode(violation: SpecViolation): string {
  switch (violation.kind) {
    case 'unknown_field':
      return 'unknown_parameter';
    case 'missing_field':
      return 'missing_required_parameter';
    case 'wrong_type':
      return 'invalid_type';
    case 'not_an_object':
      return 'invalid_json';
    default:
      return 'invalid_value';
  }
}

function schemaErrorMessage(violation: SpecViolation, frame: unknown): string {
  const detail = `(${formatViolation(violation)})`;
  switch (violation.kind) {
    case 'unknown_field':
      return `Unknown parameter: '${violation.path}'. ${detail}`;
    case 'missing_field':
      return `Missing required parameter: '${violation.path}'. ${detail}`;
    case 'wrong_type':
      return `Invalid type for '${violation.path}': ${violation.message}. ${detail}`;
    case 'not_an_object':
      return `We could not parse the JSON body of your request. ${detail}`;
    case 'unknown_event_type':
    case 'beta_event_type':
      return `Invalid value: '${String((frame as JsonRecord)['type'])}'. Supported values are: ${realtimeSpec().clientEventTypes.map((type) => `'${type}'`).join(', ')}. ${detail}`;
    default:
      return `Invalid value for '${violation.path}': ${violation.message}. ${detail}`;
  }
}
