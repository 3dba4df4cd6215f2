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

export type RealtimeEvent =
  | { readonly type: 'session.updated'; readonly sessionId: string; readonly instructions: string | undefined }
  | { readonly type: 'audio.delta'; readonly audio: AudioDelta }
  /** The server finished sending an item's audio (v2 response.output_audio.done). */
  | { readonly type: 'audio.done'; readonly itemId: string | undefined }
  | { readonly type: 'transcript.delta'; readonly role: TranscriptRole; readonly delta: string; readonly itemId: string | undefined }
  | { readonly type: 'transcript.done'; readonly role: TranscriptRole; readonly text: string; readonly itemId: string | undefined }
  | { readonly type: 'item.added'; readonly item: unknown }
  | { readonly type: 'item.done'; readonly itemId: string }
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
