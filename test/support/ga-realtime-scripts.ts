/**
 * What a test tells the GA stand-in server (ga-realtime-server.ts) to do: the assistant's replies,
 * what the user said, and how the usage of a response is counted. Types and pure helpers only.
 */

/** One output item of a scripted response. */
export type ReplyItemScript =
  | {
      type: 'message';
      /** What the assistant says (audio transcript) or writes (text modality). */
      text: string;
      /** Length of the spoken audio (audio modality); default 60 ms per character, at least 200 ms. */
      audioMs?: number;
    }
  | {
      type: 'function_call';
      name: string;
      /** JSON text, or an object that is JSON.stringify'd. */
      arguments: string | Record<string, unknown>;
      /** Default: a fresh `call_…` id. */
      callId?: string;
      /**
       * `incomplete`: the call is cut off (as by a token limit): only `partialArguments` (default the
       * first half of the arguments text) is streamed, no `function_call_arguments.done`, the item ends
       * `incomplete`, nothing after it is streamed, and the response ends `incomplete`
       * (`max_output_tokens`) unless `outcome` says otherwise.
       */
      status?: 'completed' | 'incomplete';
      partialArguments?: string;
    };

export type ReplyOutcome =
  | { status: 'completed' }
  | { status: 'incomplete'; reason?: 'max_output_tokens' | 'content_filter' }
  | { status: 'failed'; error?: { type?: string; code?: string } };

export interface RateLimit {
  name: 'requests' | 'tokens';
  limit: number;
  remaining: number;
  reset_seconds: number;
}

export interface ResponseUsage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_token_details: {
    cached_tokens: number;
    text_tokens: number;
    audio_tokens: number;
    image_tokens: number;
    cached_tokens_details: { text_tokens: number; audio_tokens: number; image_tokens: number };
  };
  output_token_details: { text_tokens: number; audio_tokens: number };
}

/** Any part of the usage; totals left out are recomputed from the details given. */
export interface UsageOverride {
  total_tokens?: number;
  input_tokens?: number;
  output_tokens?: number;
  input_token_details?: Partial<Omit<ResponseUsage['input_token_details'], 'cached_tokens_details'>> & {
    cached_tokens_details?: Partial<ResponseUsage['input_token_details']['cached_tokens_details']>;
  };
  output_token_details?: Partial<ResponseUsage['output_token_details']>;
}

/** Where a response pauses until `handle.release()` (or until it is cancelled). */
export interface ReplyHolds {
  /** Pause once this much assistant audio (ms, whole response) has been sent; the item stays open. */
  holdAfterAudioMs?: number;
  /** Pause once half of the first function call's arguments have been sent; the call stays in progress. */
  holdInCallArguments?: boolean;
  /** Pause after the last item is done, before `response.done`: the response stays active. */
  holdBeforeDone?: boolean;
}

export interface ReplyExtras extends ReplyHolds {
  /** How the response ends when nothing cancels it (default: completed, or incomplete after an incomplete call). */
  outcome?: ReplyOutcome;
  usage?: UsageOverride;
  /** Sent as `rate_limits.updated` right after `response.created`, as the live service does. */
  rateLimits?: RateLimit[];
}

/** The general form: any number of output items. */
export interface ReplyScript extends ReplyExtras {
  items: ReplyItemScript[];
}

/** Shorthand: one assistant message. */
export interface SayReply extends ReplyExtras {
  say: string;
  audioMs?: number;
}

/** Shorthand: optionally a message ("Let me check."), then one function call. */
export interface CallReply extends ReplyExtras {
  name: string;
  arguments: string | Record<string, unknown>;
  callId?: string;
  status?: 'completed' | 'incomplete';
  partialArguments?: string;
  say?: string;
  audioMs?: number;
}

/** What the user said in one committed turn, and how its transcription arrives. */
export interface UserSpeech {
  /** Default ''. */
  transcript?: string;
  /**
   * false (default): transcription events right after the item is committed.
   * true: held until the next response's `response.done` has been sent (asynchronous, after the reply).
   * 'held': held until `server.deliverTranscription(itemId)`; deliver several in any order.
   */
  late?: boolean | 'held';
  /** The transcription fails: `conversation.item.input_audio_transcription.failed` (with this message). */
  fails?: boolean | string;
  /** Send `.delta` events before `.completed` (default true, as gpt-4o-transcribe does). */
  deltas?: boolean;
}

export interface SpokenTurn extends UserSpeech {
  /** Length of the utterance (default 1000 ms). */
  audioMs?: number;
}

export function toReplyScript(reply: ReplyScript | SayReply): ReplyScript {
  if ('items' in reply) return reply;
  const { say, audioMs, ...extras } = reply;
  return { ...extras, items: [{ type: 'message', text: say, ...(audioMs === undefined ? {} : { audioMs }) }] };
}

export function callReplyScript(call: CallReply): ReplyScript {
  const { name, arguments: callArguments, callId, status, partialArguments, say, audioMs, ...extras } = call;
  const items: ReplyItemScript[] = [];
  if (say !== undefined) items.push({ type: 'message', text: say, ...(audioMs === undefined ? {} : { audioMs }) });
  items.push({
    type: 'function_call',
    name,
    arguments: callArguments,
    ...(callId === undefined ? {} : { callId }),
    ...(status === undefined ? {} : { status }),
    ...(partialArguments === undefined ? {} : { partialArguments }),
  });
  return { ...extras, items };
}

const SPOKEN_MS_PER_CHARACTER = 60;
const MIN_SPOKEN_MS = 200;

export function defaultAudioMs(text: string): number {
  return Math.max(MIN_SPOKEN_MS, text.length * SPOKEN_MS_PER_CHARACTER);
}

/** "Let me check." → ["Let", " me", " check."]: GA-style deltas whose concatenation is the text (trailing space dropped). */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/** Token counts the stand-in uses; deterministic, roughly the live service's orders of magnitude. */
export const TEXT_CHARACTERS_PER_TOKEN = 4;
export const INPUT_AUDIO_MS_PER_TOKEN = 100;
export const OUTPUT_AUDIO_MS_PER_TOKEN = 50;

export function textTokens(text: string): number {
  return Math.ceil(text.length / TEXT_CHARACTERS_PER_TOKEN);
}

export interface TokenCounts {
  text: number;
  audio: number;
}

/** Usage from input and output counts (cached: what the previous response already read), then the test's override. */
export function buildUsage(input: TokenCounts, cached: TokenCounts, output: TokenCounts, override: UsageOverride | undefined): ResponseUsage {
  const cachedText = Math.min(cached.text, input.text);
  const cachedAudio = Math.min(cached.audio, input.audio);
  const usage: ResponseUsage = {
    total_tokens: 0,
    input_tokens: 0,
    output_tokens: 0,
    input_token_details: {
      cached_tokens: cachedText + cachedAudio,
      text_tokens: input.text,
      audio_tokens: input.audio,
      image_tokens: 0,
      cached_tokens_details: { text_tokens: cachedText, audio_tokens: cachedAudio, image_tokens: 0 },
    },
    output_token_details: { text_tokens: output.text, audio_tokens: output.audio },
  };
  if (override) {
    const { input_token_details: inputDetails, output_token_details: outputDetails, ...totals } = override;
    if (inputDetails) {
      const { cached_tokens_details: cachedDetails, ...rest } = inputDetails;
      Object.assign(usage.input_token_details, rest);
      if (cachedDetails) Object.assign(usage.input_token_details.cached_tokens_details, cachedDetails);
    }
    if (outputDetails) Object.assign(usage.output_token_details, outputDetails);
    Object.assign(usage, totals);
  }
  const details = usage.input_token_details;
  if (override?.input_token_details?.cached_tokens === undefined) {
    details.cached_tokens = details.cached_tokens_details.text_tokens + details.cached_tokens_details.audio_tokens + details.cached_tokens_details.image_tokens;
  }
  if (override?.input_tokens === undefined) usage.input_tokens = details.text_tokens + details.audio_tokens + details.image_tokens;
  if (override?.output_tokens === undefined) usage.output_tokens = usage.output_token_details.text_tokens + usage.output_token_details.audio_tokens;
  if (override?.total_tokens === undefined) usage.total_tokens = usage.input_tokens + usage.output_tokens;
  return usage;
}
