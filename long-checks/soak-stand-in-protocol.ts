/**
 * The messages between the soak (the client process, whose memory is measured) and its stand-in
 * process (the GA realtime server and the agent server, which record what they see).
 */

export interface StandInSettings {
  /** The server's session limit: a connection this old gets session_expired and is closed. */
  readonly maxSessionMs: number;
  readonly agentAnswerDelayMs: number;
}

export interface StandInReady {
  readonly type: 'ready';
  /** Base URL for Parley's realtime URL setting. */
  readonly realtimeUrl: string;
  /** "http://127.0.0.1:PORT/v1" for the Responses backend. */
  readonly agentBaseUrl: string;
}

export type StandInCommand =
  | { readonly command: 'respond'; readonly say: string; readonly audioMs: number }
  | { readonly command: 'respondWithCall'; readonly say: string; readonly audioMs: number; readonly callId: string; readonly prompt: string }
  /** The user starts speaking, heard by the connection the microphone audio went to (once frame number `frameNumber` arrived). */
  | { readonly command: 'speechStart'; readonly frameNumber: number; readonly timeoutMs: number }
  | { readonly command: 'speechStop'; readonly connection: number; readonly transcript: string; readonly audioMs: number }
  /** The network fails under the connection the microphone audio goes to: `drop` (RST) or `silence` (nothing more read or sent). */
  | { readonly command: 'fail'; readonly how: 'drop' | 'silence'; readonly frameNumber: number; readonly timeoutMs: number }
  | { readonly command: 'stats' }
  | { readonly command: 'close' };

export interface StandInRequest {
  readonly id: number;
  readonly body: StandInCommand;
}

export type StandInReply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };

export interface StandInStats {
  readonly connections: number;
  /** Client frames that broke the GA schema (count, and the first few described). */
  readonly violations: number;
  readonly violationExamples: readonly string[];
  /** Every `error` the server sent, by code. */
  readonly errorsByCode: Readonly<Record<string, number>>;
  readonly errorExamples: readonly string[];
  /** The connections the server ended at its time limit (the client should renew before). */
  readonly expiries: readonly string[];
  readonly invalidServerEvents: number;
  /** `input_audio_buffer.append` frames received over all connections. */
  /** Distinct microphone frames received (each frame carries its number). */
  readonly appendsReceived: number;
  /** Frames received again: a renewed session hears the last second of the microphone once more. */
  readonly appendsReplayed: number;
  /** Agent answers the client delivered to the realtime server (function_call_output, or a message after a reconnect). */
  readonly agentAnswersDelivered: number;
  readonly agentRequests: number;
  readonly agentAnswersSent: number;
  readonly rssBytes: number;
}
