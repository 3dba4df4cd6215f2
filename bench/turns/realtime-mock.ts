/**
 * The voice model for bench:turns: a realtime server speaking the GA (v2) dialect on 127.0.0.1,
 * port 0, that listens to the audio it is sent and answers with realistic, configured delays.
 *
 * Why not test/support/ga-realtime-server.ts: there the test drives turn detection by hand and a
 * response goes out in one synchronous burst the moment the turn ends (response.created together
 * with speech_stopped). This benchmark needs what the live service does in time:
 *
 *  - Turn detection by energy on the appended audio (server_vad): speech starts at the first
 *    10 ms window above -40 dBFS RMS; it ends at the last sample at or above -40 dBFS; the turn is
 *    over once `vadSilenceMs` of audio after that has arrived. That decision is taken on the frame
 *    that completes the silence, so how late Parley delivers the audio counts, as it does live.
 *  - Then `responseDelayMs` to response.created, `firstAudioMs` more to the first audio delta, and
 *    the rest of the audio at `audioPace` times real time. A client's response.create (after a
 *    function_call_output) takes the same delays.
 *  - What each response says is asked of the benchmark (`reply`), per user turn or response.create.
 *
 * Every time is this process's performance.now(), taken first thing in the ws 'message' handler
 * (arrivals) or right after socket.send (departures). The events follow the shapes of the GA
 * stand-in and are checked against the same spec (test/support/realtime-spec.ts): `offSpec` lists
 * any that are not valid, which would make the benchmark's own numbers suspect.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { buildUsage, textTokens, INPUT_AUDIO_MS_PER_TOKEN, OUTPUT_AUDIO_MS_PER_TOKEN } from '../../test/support/ga-realtime-scripts';
import { rawDataToString, recordHandshake, startLoopbackWsServer, writeHttpResponse, type LoopbackWsServer } from '../../test/support/loopback-ws-server';
import { applySessionUpdate, defaultSession } from '../../test/support/ga-realtime-connection';
import { realtimeSpec } from '../../test/support/realtime-spec';
import { answerTone, LOUD_SAMPLE } from './speech';

type Json = Record<string, unknown>;

export const SAMPLE_RATE_HZ = 24_000;
const SAMPLES_PER_MS = SAMPLE_RATE_HZ / 1000;
const VAD_WINDOW_SAMPLES = 240;
const VAD_START_RMS = LOUD_SAMPLE;
const REALTIME_PATH = '/v1/realtime';
/** Audio deltas validated against the spec (the rest have the same shape; ajv on every 100 ms of base64 is waste). */
const VALIDATED_AUDIO_DELTAS = 3;

export interface ServerTiming {
  readonly vadSilenceMs: number;
  readonly responseDelayMs: number;
  readonly firstAudioMs: number;
  readonly audioChunkMs: number;
  readonly audioPace: number;
}

/** What a response says: audio of `audioMs` with a transcript, then optionally a function call. */
export interface ReplyPlan {
  readonly say: string;
  readonly audioMs: number;
  readonly call?: { readonly name: string; readonly callId: string; readonly arguments: Json };
}

/** Why a response was made. */
export type ResponseTrigger = { readonly kind: 'turn'; readonly userItemId: string } | { readonly kind: 'response.create'; readonly afterItemType: string | undefined };

export interface UserTurnRecord {
  readonly itemId: string;
  /** Audio clock (samples since the first append) of the first loud window. */
  readonly startSample: number;
  /** The first sample at or above -40 dBFS of the turn (endSample − this: the speech as the server heard it). */
  readonly firstLoudSample: number;
  /** One past the last loud sample. */
  readonly endSample: number;
  /** Arrival of the append that carried the last loud sample. */
  readonly lastLoudFrameAt: number;
  /** Arrival of the append that completed the silence: the server's decision. */
  readonly detectedAt: number;
}

export interface ResponseRecord {
  readonly id: string;
  readonly trigger: ResponseTrigger;
  /** When the server decided to respond (turn detected, or response.create received). */
  readonly triggeredAt: number;
  createdAt?: number;
  firstAudioAt?: number;
  /** The assistant message item whose audio is the answer. */
  messageItemId?: string;
  callId?: string;
  doneAt?: number;
  status?: 'completed' | 'cancelled';
}

export interface RealtimeMock {
  readonly url: string;
  readonly connections: number;
  readonly userTurns: readonly UserTurnRecord[];
  readonly responses: readonly ResponseRecord[];
  /** call_id → arrival of its function_call_output. */
  readonly functionOutputs: ReadonlyMap<string, number>;
  /** Client event types received, counted. */
  readonly received: ReadonlyMap<string, number>;
  /** Every client event but the audio appends, with its arrival (what Parley did when). */
  readonly clientEvents: readonly { readonly type: string; readonly at: number; readonly itemType?: string }[];
  /** The silence_duration_ms Parley asked for in its session.update (undefined before). */
  readonly clientVadSilenceMs: number | undefined;
  readonly sessionReady: boolean;
  /** First input_audio_buffer.append. */
  readonly firstAppendAt: number | undefined;
  readonly responseActive: boolean;
  /** Events this mock sent that the spec rejects, and client frames it rejects (should both be empty). */
  readonly offSpec: readonly string[];
  /** Errors sent to the client. */
  readonly errorsSent: readonly string[];
  /** Resolves with the first defined result of `check`, re-run on every change; rejects after timeoutMs. */
  waitFor<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T>;
  /** Re-runs the pending waits' checks (for conditions outside the mock). */
  poke(): void;
  close(): Promise<void>;
}

export interface RealtimeMockOptions {
  readonly timing: ServerTiming;
  /** What to say for a response; asked when the response starts. */
  reply(trigger: ResponseTrigger): ReplyPlan;
}

export async function startRealtimeMock(options: RealtimeMockOptions): Promise<RealtimeMock> {
  const spec = realtimeSpec();
  const { timing } = options;
  const userTurns: UserTurnRecord[] = [];
  const responses: ResponseRecord[] = [];
  const functionOutputs = new Map<string, number>();
  const received = new Map<string, number>();
  const clientEvents: { type: string; at: number; itemType?: string }[] = [];
  const offSpec: string[] = [];
  const errorsSent: string[] = [];
  const counters = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  let socket: WebSocket | undefined;
  let session: Json = defaultSession('sess_bench', 'gpt-realtime');
  let sessionReady = false;
  let clientVadSilenceMs: number | undefined;
  let firstAppendAt: number | undefined;
  let closed = false;
  let validatedAudioDeltas = 0;

  // Conversation order (ids) for previous_item_id.
  const items: string[] = [];
  // Input audio and the VAD.
  let clock = 0;
  let bufferedSamples = 0;
  let speaking: { itemId: string; startSample: number } | undefined;
  let lastLoud = -1;
  let lastLoudFrameAt = 0;
  let turnFirstLoud: number | undefined;
  // The response being made (one at a time, as the live service).
  let active: { record: ResponseRecord; cancelled: boolean; wake?: () => void } | undefined;

  const newId = (prefix: string): string => {
    const next = (counters.get(prefix) ?? 0) + 1;
    counters.set(prefix, next);
    return `${prefix}_${String(next).padStart(4, '0')}`;
  };

  const server: LoopbackWsServer = await startLoopbackWsServer({
    logPrefix: 'bench:turns realtime mock',
    onUpgrade(request: IncomingMessage, raw: Duplex, accept) {
      const handshake = recordHandshake(request);
      const auth = handshake.headers['authorization'];
      if (handshake.path.replace(/\/+$/, '') !== REALTIME_PATH || typeof auth !== 'string' || !/^Bearer\s+\S+$/i.test(auth)) {
        writeHttpResponse(raw, handshake.path === REALTIME_PATH ? 401 : 404, 'application/json', JSON.stringify({ error: { message: 'refused by the bench mock' } }));
        return;
      }
      accept((ws) => {
        connections++;
        socket = ws;
        ws.on('message', (data: RawData, isBinary: boolean) => {
          const at = performance.now();
          if (isBinary) {
            offSpec.push('client: a binary frame');
            return;
          }
          onFrame(rawDataToString(data), at);
        });
        ws.on('error', () => {});
        ws.on('close', () => {
          if (socket === ws) socket = undefined;
          if (active) active.cancelled = true;
          server.notifyWaiters();
        });
        emit({ type: 'session.created', session: structuredClone(session) });
        server.notifyWaiters();
      });
    },
  });

  function emit(event: Json): number {
    const stamped: Json = { type: event['type'], event_id: newId('event'), ...event };
    const isAudio = stamped['type'] === 'response.output_audio.delta';
    if (!isAudio || validatedAudioDeltas++ < VALIDATED_AUDIO_DELTAS) {
      for (const violation of spec.validateServerEvent(stamped)) offSpec.push(`server: ${violation}`);
    }
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(stamped));
    return performance.now();
  }

  function sendError(code: string, message: string, cause: Json | undefined): void {
    errorsSent.push(`${code}: ${message}`);
    const eventId = typeof cause?.['event_id'] === 'string' ? cause['event_id'] : null;
    emit({ type: 'error', error: { type: 'invalid_request_error', code, message, param: null, event_id: eventId } });
  }

  function onFrame(text: string, at: number): void {
    let frame: Json;
    try {
      frame = JSON.parse(text) as Json;
    } catch {
      offSpec.push('client: a frame that is not JSON');
      return;
    }
    const type = String(frame['type']);
    received.set(type, (received.get(type) ?? 0) + 1);
    if (type !== 'input_audio_buffer.append') {
      const itemType = (frame['item'] as Json | undefined)?.['type'];
      clientEvents.push({ type, at, ...(typeof itemType === 'string' ? { itemType } : {}) });
    }
    if (type !== 'input_audio_buffer.append' || received.get(type) === 1) {
      for (const violation of spec.validateClientEvent(frame)) offSpec.push(`client: ${violation}`);
    }
    switch (type) {
      case 'input_audio_buffer.append':
        appendAudio(String(frame['audio'] ?? ''), at);
        break;
      case 'session.update':
        updateSession(frame['session'] as Json);
        break;
      case 'conversation.item.create':
        createItem(frame, at);
        break;
      case 'response.create':
        if (active) sendError('conversation_already_has_active_response', `Conversation already has an active response in progress: ${active.record.id}.`, frame);
        else startResponse({ kind: 'response.create', afterItemType: lastCreatedItemType }, at);
        break;
      case 'response.cancel':
        if (active) active.cancelled = true;
        else sendError('response_cancel_not_active', 'Cancellation failed: no active response found', frame);
        active?.wake?.();
        break;
      case 'input_audio_buffer.clear':
        bufferedSamples = 0;
        emit({ type: 'input_audio_buffer.cleared' });
        break;
      case 'input_audio_buffer.commit':
        sendError('invalid_value', 'the bench mock runs server_vad only', frame);
        break;
      case 'conversation.item.truncate':
        emit({ type: 'conversation.item.truncated', item_id: frame['item_id'], content_index: frame['content_index'], audio_end_ms: frame['audio_end_ms'] });
        break;
      default:
        break;
    }
    server.notifyWaiters();
  }

  function updateSession(patch: Json): void {
    session = applySessionUpdate(session, patch);
    const turnDetection = ((session['audio'] as Json)['input'] as Json)['turn_detection'] as Json | null;
    const silence = turnDetection?.['silence_duration_ms'];
    if (typeof silence === 'number') clientVadSilenceMs = silence;
    sessionReady = true;
    emit({ type: 'session.updated', session: structuredClone(session) });
  }

  let lastCreatedItemType: string | undefined;
  function createItem(frame: Json, at: number): void {
    const item = structuredClone(frame['item'] as Json);
    item['id'] ??= newId('item');
    item['object'] = 'realtime.item';
    item['status'] ??= 'completed';
    lastCreatedItemType = typeof item['type'] === 'string' ? item['type'] : undefined;
    if (item['type'] === 'function_call_output' && typeof item['call_id'] === 'string' && !functionOutputs.has(item['call_id'])) {
      functionOutputs.set(item['call_id'], at);
    }
    const previous = items.at(-1) ?? null;
    items.push(item['id'] as string);
    emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) });
    emit({ type: 'conversation.item.done', previous_item_id: previous, item });
  }

  function appendAudio(base64: string, at: number): void {
    firstAppendAt ??= at;
    const pcm = Buffer.from(base64, 'base64');
    const count = pcm.length >> 1;
    const startClock = clock;
    for (let index = 0; index < count; index++) {
      const value = pcm.readInt16LE(index * 2);
      if (value >= LOUD_SAMPLE || value <= -LOUD_SAMPLE) {
        lastLoud = startClock + index;
        lastLoudFrameAt = at;
        turnFirstLoud ??= lastLoud;
      }
    }
    if (!speaking) {
      for (let start = 0; start + VAD_WINDOW_SAMPLES <= count; start += VAD_WINDOW_SAMPLES) {
        let sum = 0;
        for (let index = start; index < start + VAD_WINDOW_SAMPLES; index++) sum += pcm.readInt16LE(index * 2) ** 2;
        if (Math.sqrt(sum / VAD_WINDOW_SAMPLES) >= VAD_START_RMS) {
          speechStarted(startClock + start);
          break;
        }
      }
    }
    clock += count;
    bufferedSamples += count;
    if (speaking && clock - (lastLoud + 1) >= timing.vadSilenceMs * SAMPLES_PER_MS) speechStopped(at);
  }

  function speechStarted(sample: number): void {
    const itemId = newId('item');
    speaking = { itemId, startSample: sample };
    emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.floor(sample / SAMPLES_PER_MS), item_id: itemId });
    if (active && interruptResponse()) {
      active.cancelled = true;
      active.wake?.();
    }
  }

  function speechStopped(at: number): void {
    const turn = speaking!;
    speaking = undefined;
    const endSample = lastLoud + 1;
    userTurns.push({ itemId: turn.itemId, startSample: turn.startSample, firstLoudSample: turnFirstLoud ?? turn.startSample, endSample, lastLoudFrameAt, detectedAt: at });
    turnFirstLoud = undefined;
    const endMs = Math.ceil(endSample / SAMPLES_PER_MS);
    emit({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: endMs, item_id: turn.itemId });
    const previous = items.at(-1) ?? null;
    items.push(turn.itemId);
    const audioMs = bufferedSamples / SAMPLES_PER_MS;
    bufferedSamples = 0;
    const item: Json = { id: turn.itemId, object: 'realtime.item', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_audio' }] };
    emit({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: turn.itemId });
    emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(item) });
    emit({ type: 'conversation.item.done', previous_item_id: previous, item });
    if (((session['audio'] as Json)['input'] as Json)['transcription']) {
      const audioTokens = Math.ceil(audioMs / INPUT_AUDIO_MS_PER_TOKEN);
      const transcript = '(spoken turn)';
      emit({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: turn.itemId,
        content_index: 0,
        transcript,
        usage: { type: 'tokens', input_tokens: audioTokens, input_token_details: { text_tokens: 0, audio_tokens: audioTokens }, output_tokens: textTokens(transcript), total_tokens: audioTokens + textTokens(transcript) },
      });
    }
    if (!active) startResponse({ kind: 'turn', userItemId: turn.itemId }, at);
  }

  function interruptResponse(): boolean {
    const turnDetection = ((session['audio'] as Json)['input'] as Json)['turn_detection'] as Json | null;
    return turnDetection?.['interrupt_response'] !== false;
  }

  function startResponse(trigger: ResponseTrigger, at: number): void {
    const record: ResponseRecord = { id: newId('resp'), trigger, triggeredAt: at };
    responses.push(record);
    const state: { record: ResponseRecord; cancelled: boolean; wake?: () => void } = { record, cancelled: false };
    active = state;
    void runResponse(state, options.reply(trigger)).finally(() => {
      if (active === state) active = undefined;
      server.notifyWaiters();
    });
  }

  /** Waits until `at` (performance.now()); false when the response was cancelled meanwhile. */
  function until(state: { cancelled: boolean; wake?: () => void }, at: number): Promise<boolean> {
    const delay = at - performance.now();
    if (state.cancelled || closed) return Promise.resolve(false);
    if (delay <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        state.wake = undefined;
        resolve(!state.cancelled && !closed);
      }, delay);
      timers.add(timer);
      state.wake = () => {
        clearTimeout(timer);
        timers.delete(timer);
        state.wake = undefined;
        resolve(false);
      };
    });
  }

  async function runResponse(state: { record: ResponseRecord; cancelled: boolean; wake?: () => void }, plan: ReplyPlan): Promise<void> {
    const { record } = state;
    const output: Json[] = [];
    let audioSamples = 0;
    const finish = (status: 'completed' | 'cancelled'): void => {
      record.status = status;
      const usage = buildUsage({ text: 0, audio: 0 }, { text: 0, audio: 0 }, { text: textTokens(plan.say), audio: Math.ceil(audioSamples / SAMPLES_PER_MS / OUTPUT_AUDIO_MS_PER_TOKEN) }, undefined);
      record.doneAt = emit({
        type: 'response.done',
        response: {
          ...responseObject(record.id, status),
          ...(status === 'cancelled' ? { status_details: { type: 'cancelled', reason: 'client_cancelled' } } : {}),
          output,
          usage,
        },
      });
      server.notifyWaiters();
    };
    if (!(await until(state, record.triggeredAt + timing.responseDelayMs))) return finish('cancelled');
    record.createdAt = emit({ type: 'response.created', response: responseObject(record.id, 'in_progress') });
    server.notifyWaiters();
    if (!(await until(state, record.createdAt + timing.firstAudioMs))) return finish('cancelled');

    // The message: the transcript with the first chunk, then audio paced at audioPace × real time.
    const itemId = newId('item');
    record.messageItemId = itemId;
    const message: Json = { id: itemId, object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    output.push(message);
    const outputIndex = output.length - 1;
    const previous = items.at(-1) ?? null;
    items.push(itemId);
    emit({ type: 'response.output_item.added', response_id: record.id, output_index: outputIndex, item: structuredClone(message) });
    emit({ type: 'conversation.item.added', previous_item_id: previous, item: structuredClone(message) });
    const fields = { response_id: record.id, item_id: itemId, output_index: outputIndex, content_index: 0 };
    emit({ type: 'response.content_part.added', ...fields, part: { type: 'audio', transcript: '' } });
    emit({ type: 'response.output_audio_transcript.delta', ...fields, delta: plan.say });
    const tone = answerTone(SAMPLE_RATE_HZ);
    const totalSamples = Math.round(plan.audioMs * SAMPLES_PER_MS);
    const chunkSamples = Math.round(timing.audioChunkMs * SAMPLES_PER_MS);
    const chunkIntervalMs = timing.audioChunkMs / timing.audioPace;
    const firstChunkAt = performance.now();
    for (let chunk = 0; chunk * chunkSamples < totalSamples; chunk++) {
      if (chunk > 0 && !(await until(state, firstChunkAt + chunk * chunkIntervalMs))) {
        message['status'] = 'incomplete';
        return finish('cancelled');
      }
      const samples = Math.min(chunkSamples, totalSamples - chunk * chunkSamples);
      // The fast path in Parley's codec expects the live service's field order: type first.
      const sentAt = emit({ type: 'response.output_audio.delta', ...fields, delta: tone.next(samples) });
      if (chunk === 0) {
        record.firstAudioAt = sentAt;
        server.notifyWaiters();
      }
      audioSamples += samples;
    }
    emit({ type: 'response.output_audio.done', ...fields });
    emit({ type: 'response.output_audio_transcript.done', ...fields, transcript: plan.say });
    emit({ type: 'response.content_part.done', ...fields, part: { type: 'audio', transcript: plan.say } });
    message['status'] = 'completed';
    message['content'] = [{ type: 'output_audio', transcript: plan.say }];
    emit({ type: 'response.output_item.done', response_id: record.id, output_index: outputIndex, item: structuredClone(message) });
    emit({ type: 'conversation.item.done', previous_item_id: previous, item: structuredClone(message) });

    if (plan.call) {
      const callItemId = newId('item');
      const args = JSON.stringify(plan.call.arguments);
      const call: Json = { id: callItemId, object: 'realtime.item', type: 'function_call', status: 'in_progress', name: plan.call.name, call_id: plan.call.callId, arguments: '' };
      output.push(call);
      const callIndex = output.length - 1;
      const callPrevious = items.at(-1) ?? null;
      items.push(callItemId);
      record.callId = plan.call.callId;
      emit({ type: 'response.output_item.added', response_id: record.id, output_index: callIndex, item: structuredClone(call) });
      emit({ type: 'conversation.item.added', previous_item_id: callPrevious, item: structuredClone(call) });
      const callFields = { response_id: record.id, item_id: callItemId, output_index: callIndex, call_id: plan.call.callId };
      emit({ type: 'response.function_call_arguments.delta', ...callFields, delta: args });
      emit({ type: 'response.function_call_arguments.done', ...callFields, name: plan.call.name, arguments: args });
      call['status'] = 'completed';
      call['arguments'] = args;
      emit({ type: 'response.output_item.done', response_id: record.id, output_index: callIndex, item: structuredClone(call) });
      emit({ type: 'conversation.item.done', previous_item_id: callPrevious, item: structuredClone(call) });
    }
    finish('completed');
  }

  function responseObject(id: string, status: string): Json {
    const output = (session['audio'] as Json)['output'] as Json;
    return {
      id,
      object: 'realtime.response',
      status,
      output: [],
      conversation_id: 'conv_bench',
      output_modalities: ['audio'],
      audio: { output: { format: output['format'], voice: output['voice'] } },
      max_output_tokens: 'inf',
      metadata: null,
    };
  }

  return {
    url: `http://127.0.0.1:${server.port}`,
    get connections() {
      return connections;
    },
    userTurns,
    responses,
    functionOutputs,
    received,
    clientEvents,
    get clientVadSilenceMs() {
      return clientVadSilenceMs;
    },
    get sessionReady() {
      return sessionReady;
    },
    get firstAppendAt() {
      return firstAppendAt;
    },
    get responseActive() {
      return active !== undefined;
    },
    offSpec,
    errorsSent,
    waitFor: (check, what, timeoutMs) => server.waitFor(check, () => what, timeoutMs),
    poke: () => server.notifyWaiters(),
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      active?.wake?.();
      await server.close();
    },
  };
}
