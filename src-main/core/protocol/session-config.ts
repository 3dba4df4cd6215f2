export type Dialect = 'v1' | 'v2';
export type TurnDetection = 'server_vad' | 'semantic_vad' | 'none';

/** What a voice session is configured with; validated before a connection is attempted. */
export interface RealtimeSessionConfig {
  readonly dialect: Dialect;
  /** Base URL of the realtime endpoint, http(s) or ws(s). */
  readonly realtimeUrl: string;
  readonly model: string | undefined;
  readonly voice: string | undefined;
  readonly instructions: string;
  /** v2 only: user speech transcription model (so user transcripts exist). */
  readonly transcriptionModel: string;
  /** v2 only: `none` means push-to-talk with manual commit + response.create. */
  readonly turnDetection: TurnDetection;
  /** v1 only: sent as x-session-id; a UUID per session when absent. */
  readonly sessionId: string | undefined;
}

export const INPUT_SAMPLE_RATE_HZ = 24_000;
export const INPUT_FRAME_SAMPLES = 480; // 20 ms at 24 kHz
