/**
 * One typed union for everything the realtime server can tell us, whichever dialect spoke it.
 * Codecs produce these at the socket edge; raw JSON never travels further.
 */
import type { RateLimitStatus } from '../../../src-shared/rate-limits';
import type { TokenUsage } from '../../../src-shared/usage';
import type { ClientEventPurpose } from './client-event-ids';

export type TranscriptRole = 'user' | 'assistant';

export interface AudioDelta {
  /** Base64 PCM16 little-endian, interleaved. Decoded only by whoever plays or stores it. */
  readonly base64: string;
  readonly sampleRate: number;
  readonly channels: number;
  readonly samplesPerChannel: number | undefined;
  /** The assistant item this audio belongs to (v2 always; v1 never says). */
  readonly itemId: string | undefined;
}

/**
 * A v2 conversation item as the server describes it (conversation.item.added/.created/.done,
 * response.output_item.added/.done, input_audio_buffer.committed): just what Parley uses.
 */
export interface ConversationItemInfo {
  readonly id: string;
  readonly kind: 'message' | 'function_call' | 'function_call_output' | 'other';
  readonly role: 'user' | 'assistant' | 'system' | undefined;
  /** `completed`, `incomplete` (cut off by a barge-in or a token limit) or `in_progress`. */
  readonly status: string | undefined;
  /** The `input_text` parts of a message (a typed message), joined; undefined when there are none. */
  readonly inputText: string | undefined;
  readonly callId: string | undefined;
  readonly name: string | undefined;
  readonly arguments: string | undefined;
}

/** `response.done.status_details`: why a response was not completed. */
export interface ResponseStatusDetails {
  /** incomplete: `max_output_tokens`, `content_filter`; cancelled: `turn_detected`, `client_cancelled`. */
  readonly reason: string | undefined;
  readonly errorType: string | undefined;
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
}

export type RealtimeEvent =
  /** v2: the server's defaults, before our configuration; not yet ready. */
  | { readonly type: 'session.created'; readonly sessionId: string }
  | { readonly type: 'session.updated'; readonly sessionId: string; readonly instructions: string | undefined }
  | { readonly type: 'audio.delta'; readonly audio: AudioDelta }
  /** The server finished sending an item's audio (v2 response.output_audio.done). */
  | { readonly type: 'audio.done'; readonly itemId: string | undefined }
  | { readonly type: 'transcript.delta'; readonly role: TranscriptRole; readonly delta: string; readonly itemId: string | undefined }
  | { readonly type: 'transcript.done'; readonly role: TranscriptRole; readonly text: string; readonly itemId: string | undefined }
  | { readonly type: 'item.added'; readonly item: unknown }
  | { readonly type: 'item.done'; readonly itemId: string }
  /**
   * v2: an item has its place in the conversation. `previousItemId` is the item before it (null:
   * it is the first; undefined: the event does not say, as response.output_item.added).
   */
  | { readonly type: 'item.placed'; readonly item: ConversationItemInfo; readonly previousItemId: string | null | undefined }
  /** v2: an item is finished (conversation.item.done, response.output_item.done); its status is final. */
  | { readonly type: 'item.finished'; readonly item: ConversationItemInfo }
  /** v2: function call arguments streaming (`delta`) or complete (`arguments`). */
  | {
      readonly type: 'function_call.arguments';
      readonly itemId: string | undefined;
      readonly callId: string | undefined;
      readonly delta: string | undefined;
      readonly arguments: string | undefined;
    }
  | {
      readonly type: 'handoff.requested';
      readonly handoffId: string;
      readonly itemId: string;
      /** v1: the server's own transcript of the request. v2: the tool's `prompt` argument. */
      readonly inputTranscript: string;
    }
  | { readonly type: 'speech.started'; readonly itemId: string | undefined; readonly audioStartMs: number | undefined }
  | { readonly type: 'speech.stopped' }
  | { readonly type: 'response.created'; readonly responseId: string | undefined }
  | {
      readonly type: 'response.done';
      readonly responseId: string | undefined;
      readonly status: string | undefined;
      /** v2 only (v1 leaves these out). */
      readonly statusDetails?: ResponseStatusDetails | undefined;
      readonly outputItemIds?: readonly string[];
      readonly usage?: TokenUsage | undefined;
    }
  /** v2: a user item's transcription failed (`conversation.item.input_audio_transcription.failed`). */
  | { readonly type: 'transcription.failed'; readonly itemId: string; readonly message: string | undefined }
  /** v2: `rate_limits.updated`. */
  | { readonly type: 'rate_limits'; readonly limits: readonly RateLimitStatus[] }
  /** v2: the server cut an assistant item's audio (and its transcript) at `audioEndMs`. */
  | { readonly type: 'item.truncated'; readonly itemId: string; readonly audioEndMs: number }
  | { readonly type: 'response.cancelled'; readonly responseId: string | undefined }
  | {
      readonly type: 'error';
      readonly message: string;
      readonly code: string | undefined;
      /** v2: the client event the error is about (`error.event_id`), when it names one. */
      readonly eventId?: string;
      /** v2: what that client event was for, when it is still remembered. */
      readonly request?: ClientEventPurpose;
    };

export type RealtimeEventType = RealtimeEvent['type'];
