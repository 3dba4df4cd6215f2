/**
 * One typed union for everything the realtime server can tell us, whichever dialect spoke it.
 * Codecs produce these at the socket edge; raw JSON never travels further.
 */
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

export type RealtimeEvent =
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
  | { readonly type: 'response.done'; readonly responseId: string | undefined; readonly status: string | undefined }
  | { readonly type: 'response.cancelled'; readonly responseId: string | undefined }
  | { readonly type: 'error'; readonly message: string; readonly code: string | undefined };

export type RealtimeEventType = RealtimeEvent['type'];
