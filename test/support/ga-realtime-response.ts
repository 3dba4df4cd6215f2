/**
 * One response of the GA stand-in server: `response.created`, then the scripted output items in
 * the live service's event order, then `response.done` with status, status_details and usage.
 *
 * Streaming is synchronous except at three pauses: waiting for the test to script the reply, a
 * hold (`holdAfterAudioMs`, `holdBeforeDone`) and the optional delay between events. A cancel
 * (client `response.cancel`, or server VAD on speech) finishes the response synchronously: the item
 * being streamed ends `incomplete` with what was sent, and `response.done` says `cancelled`. So the
 * order of events never depends on timers.
 */
import { pcm16Base64 } from './mock-realtime-server';
import {
  buildUsage,
  defaultAudioMs,
  splitWords,
  textTokens,
  OUTPUT_AUDIO_MS_PER_TOKEN,
  type ReplyItemScript,
  type ReplyOutcome,
  type ReplyScript,
  type ResponseUsage,
  type TokenCounts,
} from './ga-realtime-scripts';

export const SAMPLE_RATE_HZ = 24_000;
const SAMPLES_PER_MS = SAMPLE_RATE_HZ / 1000;
const ARGUMENT_CHUNK_CHARACTERS = 24;

export type JsonRecord = Record<string, unknown>;
export type ResponseStatus = 'completed' | 'cancelled' | 'failed' | 'incomplete';
export type CancelReason = 'client_cancelled' | 'turn_detected';

/** What a finished response looked like, as sent in its `response.done`. */
export interface FinishedResponse {
  id: string;
  status: ResponseStatus;
  statusDetails: JsonRecord | undefined;
  /** Output item ids in output order. */
  itemIds: string[];
  /** Call ids of the function calls it produced. */
  callIds: string[];
  /** Assistant audio sent, in ms (whole response). */
  audioMs: number;
  usage: ResponseUsage;
  /** The `response` object of `response.done`. */
  response: JsonRecord;
}

/** The test's handle on a scripted reply (returned by `respond()` / `respondWithCall()`). */
export interface ResponseHandle {
  /** The response id once a response has taken this reply. */
  readonly responseId: string | undefined;
  /** Resolves once `response.done` was sent; rejects if the connection closes first. */
  readonly done: Promise<FinishedResponse>;
  /** Resolves when the response reaches its hold point. */
  readonly held: Promise<void>;
  /** Resumes a held response (no effect otherwise, or before the hold point: it then does not stop). */
  release(): void;
}

/** A reply waiting in the queue, with the machinery behind its handle. */
export class PendingReply implements ResponseHandle {
  responseId: string | undefined;
  readonly done: Promise<FinishedResponse>;
  readonly held: Promise<void>;
  released = false;
  resolveDone!: (finished: FinishedResponse) => void;
  rejectDone!: (error: Error) => void;
  resolveHeld!: () => void;
  onRelease: (() => void) | undefined;

  constructor(readonly script: ReplyScript) {
    this.done = new Promise<FinishedResponse>((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // A test that never awaits `done` must not get an unhandled rejection when the socket closes.
    this.done.catch(() => {});
    this.held = new Promise<void>((resolve) => {
      this.resolveHeld = resolve;
    });
  }

  release(): void {
    this.released = true;
    this.onRelease?.();
  }
}

/** What a response needs from its connection. */
export interface ResponseHost {
  emit(event: JsonRecord): void;
  isOpen(): boolean;
  newItemId(): string;
  newCallId(): string;
  /** Appends to the conversation. */
  appendItem(item: JsonRecord): void;
  previousItemId(itemId: string): string | null;
  noteAssistantAudio(itemId: string, samples: number): void;
  /** Token counts of everything the model reads for a response (instructions and conversation). */
  inputTokens(): TokenCounts;
  previousInputTokens(): TokenCounts;
  finished(response: ScriptedResponse, finished: FinishedResponse): void;
  readonly eventDelayMs: number;
  readonly audioChunkMs: number;
}

export interface ResponseSettings {
  conversationId: string;
  modality: 'audio' | 'text';
  audioOutput: JsonRecord;
  maxOutputTokens: unknown;
  metadata: unknown;
}

interface OpenItem {
  kind: 'audio' | 'text' | 'call';
  item: JsonRecord;
  outputIndex: number;
  /** Transcript, text or arguments streamed so far. */
  sent: string;
}

export class ScriptedResponse {
  private reply: PendingReply | undefined;
  private readonly output: JsonRecord[] = [];
  private open: OpenItem | undefined;
  private finishedFlag = false;
  private wake: (() => void) | undefined;
  private audioSamples = 0;
  private holdAfterAudioReached = false;
  private holdInCallReached = false;

  constructor(
    private readonly host: ResponseHost,
    readonly id: string,
    private readonly settings: ResponseSettings,
  ) {}

  get isFinished(): boolean {
    return this.finishedFlag;
  }

  /** True while no reply has been scripted for it yet. */
  get isWaitingForReply(): boolean {
    return !this.reply && !this.finishedFlag;
  }

  begin(): void {
    this.host.emit({ type: 'response.created', response: this.responseObject('in_progress', undefined, undefined) });
  }

  supply(reply: PendingReply): void {
    if (this.reply) throw new Error('ga realtime server: a response takes one reply');
    this.reply = reply;
    reply.responseId = this.id;
    reply.onRelease = () => this.wakeUp();
    void this.run(reply.script);
  }

  /** Finishes now (synchronously): the open item ends incomplete, response.done says cancelled. */
  cancel(reason: CancelReason): void {
    if (this.finishedFlag) return;
    this.closeOpenItem('incomplete');
    this.finish({ status: 'cancelled', reason });
  }

  /** The connection went away: nothing more is sent. */
  abandon(): void {
    if (this.finishedFlag) return;
    this.finishedFlag = true;
    this.wakeUp();
    this.reply?.rejectDone(new Error(`ga realtime server: connection closed before response ${this.id} was done`));
  }

  private async run(script: ReplyScript): Promise<void> {
    if (script.rateLimits) this.host.emit({ type: 'rate_limits.updated', rate_limits: script.rateLimits });
    let callCutOff = false;
    for (const [index, item] of script.items.entries()) {
      const isLast = index === script.items.length - 1;
      if (item.type === 'message') {
        const endsIncomplete = isLast && script.outcome?.status === 'incomplete';
        if (!(await this.streamMessage(item, script, endsIncomplete))) return;
      } else {
        const result = await this.streamCall(item, script);
        if (result === 'stopped') return;
        if (result === 'incomplete') {
          callCutOff = true;
          break; // a cut-off response produces nothing after the cut
        }
      }
    }
    if (script.holdBeforeDone) {
      await this.hold();
      if (!this.live()) return;
    }
    this.finish(this.outcome(script.outcome, callCutOff));
  }

  private outcome(scripted: ReplyOutcome | undefined, callCutOff: boolean): ReplyOutcome {
    if (scripted) return scripted;
    return callCutOff ? { status: 'incomplete', reason: 'max_output_tokens' } : { status: 'completed' };
  }

  private async streamMessage(script: Extract<ReplyItemScript, { type: 'message' }>, reply: ReplyScript, endsIncomplete: boolean): Promise<boolean> {
    const kind = this.settings.modality;
    const item: JsonRecord = { id: this.host.newItemId(), object: 'realtime.item', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
    const open = this.openItem(kind, item);
    const itemFields = { response_id: this.id, item_id: item['id'], output_index: open.outputIndex, content_index: 0 };
    this.host.emit({ type: 'response.content_part.added', ...itemFields, part: kind === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' } });

    const words = splitWords(script.text);
    if (kind === 'audio') {
      const totalSamples = Math.round((script.audioMs ?? defaultAudioMs(script.text)) * SAMPLES_PER_MS);
      const chunkSamples = Math.max(1, Math.round(this.host.audioChunkMs * SAMPLES_PER_MS));
      const chunkCount = Math.ceil(totalSamples / chunkSamples);
      const wordsPerChunk = distribute(words, Math.max(1, chunkCount));
      for (let chunk = 0; chunk < Math.max(1, chunkCount); chunk++) {
        if (!(await this.pace())) return false;
        const delta = wordsPerChunk[chunk]!.join('');
        if (delta) {
          this.host.emit({ type: 'response.output_audio_transcript.delta', ...itemFields, delta });
          open.sent += delta;
        }
        if (chunk >= chunkCount) continue; // no audio at all: the transcript still goes out
        const samples = Math.min(chunkSamples, totalSamples - chunk * chunkSamples);
        this.host.emit({ type: 'response.output_audio.delta', ...itemFields, delta: pcm16Base64(samples) });
        this.audioSamples += samples;
        this.host.noteAssistantAudio(item['id'] as string, samples);
        const holdAfterMs = reply.holdAfterAudioMs;
        if (holdAfterMs !== undefined && !this.holdAfterAudioReached && this.audioSamples >= holdAfterMs * SAMPLES_PER_MS) {
          this.holdAfterAudioReached = true;
          await this.hold();
          if (!this.live()) return false;
        }
      }
      if (!(await this.pace())) return false;
    } else {
      for (const word of words) {
        if (!(await this.pace())) return false;
        this.host.emit({ type: 'response.output_text.delta', ...itemFields, delta: word });
        open.sent += word;
      }
      if (!(await this.pace())) return false;
    }
    this.closeOpenItem(endsIncomplete ? 'incomplete' : 'completed');
    return true;
  }

  private async streamCall(script: Extract<ReplyItemScript, { type: 'function_call' }>, reply: ReplyScript): Promise<'completed' | 'incomplete' | 'stopped'> {
    const fullArguments = typeof script.arguments === 'string' ? script.arguments : JSON.stringify(script.arguments);
    const complete = (script.status ?? 'completed') === 'completed';
    const streamed = complete ? fullArguments : (script.partialArguments ?? fullArguments.slice(0, Math.floor(fullArguments.length / 2)));
    const callId = script.callId ?? this.host.newCallId();
    const item: JsonRecord = { id: this.host.newItemId(), object: 'realtime.item', type: 'function_call', status: 'in_progress', name: script.name, call_id: callId, arguments: '' };
    const open = this.openItem('call', item);
    const itemFields = { response_id: this.id, item_id: item['id'], output_index: open.outputIndex, call_id: callId };
    for (let start = 0; start < streamed.length; start += ARGUMENT_CHUNK_CHARACTERS) {
      if (!(await this.pace())) return 'stopped';
      const delta = streamed.slice(start, start + ARGUMENT_CHUNK_CHARACTERS);
      this.host.emit({ type: 'response.function_call_arguments.delta', ...itemFields, delta });
      open.sent += delta;
      if (reply.holdInCallArguments && !this.holdInCallReached && open.sent.length * 2 >= fullArguments.length) {
        this.holdInCallReached = true;
        await this.hold();
        if (!this.live()) return 'stopped';
      }
    }
    if (!(await this.pace())) return 'stopped';
    if (complete) this.host.emit({ type: 'response.function_call_arguments.done', ...itemFields, name: script.name, arguments: open.sent });
    this.closeOpenItem(complete ? 'completed' : 'incomplete');
    return complete ? 'completed' : 'incomplete';
  }

  /** response.output_item.added + conversation.item.added for a new output item. */
  private openItem(kind: OpenItem['kind'], item: JsonRecord): OpenItem {
    const outputIndex = this.output.length;
    this.output.push(item);
    this.host.appendItem(item);
    this.host.emit({ type: 'response.output_item.added', response_id: this.id, output_index: outputIndex, item: structuredClone(item) });
    this.host.emit({ type: 'conversation.item.added', previous_item_id: this.host.previousItemId(item['id'] as string), item: structuredClone(item) });
    this.open = { kind, item, outputIndex, sent: '' };
    return this.open;
  }

  /** The done events of the item being streamed, with what was sent of it. */
  private closeOpenItem(status: 'completed' | 'incomplete'): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    const { item, outputIndex, sent } = open;
    const itemFields = { response_id: this.id, item_id: item['id'], output_index: outputIndex, content_index: 0 };
    if (open.kind === 'audio') {
      this.host.emit({ type: 'response.output_audio.done', ...itemFields });
      this.host.emit({ type: 'response.output_audio_transcript.done', ...itemFields, transcript: sent });
      this.host.emit({ type: 'response.content_part.done', ...itemFields, part: { type: 'audio', transcript: sent } });
      item['content'] = [{ type: 'output_audio', transcript: sent }];
    } else if (open.kind === 'text') {
      this.host.emit({ type: 'response.output_text.done', ...itemFields, text: sent });
      this.host.emit({ type: 'response.content_part.done', ...itemFields, part: { type: 'text', text: sent } });
      item['content'] = [{ type: 'output_text', text: sent }];
    } else {
      item['arguments'] = sent;
    }
    item['status'] = status;
    this.host.emit({ type: 'response.output_item.done', response_id: this.id, output_index: outputIndex, item: structuredClone(item) });
    this.host.emit({ type: 'conversation.item.done', previous_item_id: this.host.previousItemId(item['id'] as string), item: structuredClone(item) });
  }

  private finish(outcome: ReplyOutcome | { status: 'cancelled'; reason: CancelReason }): void {
    const details = statusDetails(outcome);
    const usage = this.usage();
    const response = this.responseObject(outcome.status, details, usage);
    this.host.emit({ type: 'response.done', response });
    this.finishedFlag = true;
    this.wakeUp();
    const finished: FinishedResponse = {
      id: this.id,
      status: outcome.status,
      statusDetails: details,
      itemIds: this.output.map((item) => item['id'] as string),
      callIds: this.output.filter((item) => item['type'] === 'function_call').map((item) => item['call_id'] as string),
      audioMs: this.audioSamples / SAMPLES_PER_MS,
      usage,
      response,
    };
    this.host.finished(this, finished);
    this.reply?.resolveDone(finished);
  }

  private usage(): ResponseUsage {
    let outputText = 0;
    for (const item of this.output) {
      if (item['type'] === 'function_call') outputText += textTokens(String(item['arguments'] ?? ''));
      for (const part of (item['content'] as JsonRecord[] | undefined) ?? []) {
        outputText += textTokens(String(part['transcript'] ?? part['text'] ?? ''));
      }
    }
    const outputAudio = Math.ceil(this.audioSamples / SAMPLES_PER_MS / OUTPUT_AUDIO_MS_PER_TOKEN);
    return buildUsage(this.host.inputTokens(), this.host.previousInputTokens(), { text: outputText, audio: outputAudio }, this.reply?.script.usage);
  }

  private responseObject(status: string, details: JsonRecord | undefined, usage: ResponseUsage | undefined): JsonRecord {
    return {
      id: this.id,
      object: 'realtime.response',
      status,
      ...(details ? { status_details: details } : {}),
      output: this.output.map((item) => structuredClone(item)),
      conversation_id: this.settings.conversationId,
      output_modalities: [this.settings.modality],
      audio: { output: structuredClone(this.settings.audioOutput) },
      max_output_tokens: this.settings.maxOutputTokens,
      metadata: this.settings.metadata,
      ...(usage ? { usage } : {}),
    };
  }

  private live(): boolean {
    return !this.finishedFlag && this.host.isOpen();
  }

  /** Between events: the configured delay (woken early by a cancel), then whether to go on. */
  private async pace(): Promise<boolean> {
    if (this.host.eventDelayMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.host.eventDelayMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
    return this.live();
  }

  private async hold(): Promise<void> {
    this.reply?.resolveHeld();
    if (this.reply?.released) return;
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
    this.wake = undefined;
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function statusDetails(outcome: ReplyOutcome | { status: 'cancelled'; reason: CancelReason }): JsonRecord | undefined {
  switch (outcome.status) {
    case 'completed':
      return undefined; // the live service sends null, which the schema does not allow: left out
    case 'cancelled':
      return { type: 'cancelled', reason: outcome.reason };
    case 'incomplete':
      return { type: 'incomplete', reason: outcome.reason ?? 'max_output_tokens' };
    case 'failed':
      return { type: 'failed', error: { type: outcome.error?.type ?? 'server_error', code: outcome.error?.code ?? 'server_error' } };
  }
}

/** Splits words over `buckets` chunks in order (several per chunk, or none). */
function distribute(words: string[], buckets: number): string[][] {
  const result: string[][] = Array.from({ length: buckets }, () => []);
  words.forEach((word, index) => result[Math.floor((index * buckets) / Math.max(1, words.length))]!.push(word));
  return result;
}
