/**
 * The one event stream a voice session emits. The headless command prints it as JSON lines and
 * the desktop app forwards it to the renderer, so it is plain data (no Buffers, no classes).
 */
export type SessionState = 'idle' | 'connecting' | 'live' | 'closing' | 'closed' | 'error';
export type TranscriptRole = 'user' | 'assistant';
export type ClosedReason = 'requested' | 'transport_closed' | 'error';

export interface TranscriptEntry {
  readonly role: TranscriptRole;
  readonly text: string;
}

export type SessionErrorCode =
  | 'not_running'
  | 'missing_api_key'
  | 'invalid_config'
  | 'key_rejected'
  | 'not_found'
  | 'upgrade_rejected'
  | 'connect_timeout'
  | 'unreachable'
  | 'server_error'
  | 'audio_source_failed'
  | 'audio_sink_failed'
  | 'agent_failed';

export type HandoffStatus = 'requested' | 'started' | 'steered' | 'answered' | 'failed';

/**
 * Why a handoff ended without an answer: the agent failed, the user cancelled it, the voice
 * session ended under it, or no agent is configured so nothing was delegated.
 */
export type HandoffEndCause = 'agent_failed' | 'cancelled' | 'session_ended' | 'not_delegated';

export type SessionEvent =
  | { readonly type: 'state'; readonly state: SessionState }
  | { readonly type: 'session.ready'; readonly serverSessionId: string }
  | { readonly type: 'transcript.delta'; readonly role: TranscriptRole; readonly delta: string }
  /**
   * The merged entry after a delta or done event. `entryId` is stable for the connection (key UI
   * bubbles on it); `index` is the position in the active transcript, which a handoff empties.
   */
  | { readonly type: 'transcript.entry'; readonly entryId: number; readonly index: number; readonly entry: TranscriptEntry }
  | {
      readonly type: 'audio.output';
      /** PCM16 LE interleaved; the headless JSON-lines printer summarizes it. */
      readonly pcm: Uint8Array;
      readonly sampleRate: number;
      readonly channels: number;
      readonly itemId: string | undefined;
    }
  /** A message the user typed, as sent to the voice session (it is not a handoff). */
  | { readonly type: 'user.text'; readonly text: string }
  | { readonly type: 'user.speech_started' }
  | { readonly type: 'playback.interrupted'; readonly itemId: string; readonly playedMs: number }
  | {
      readonly type: 'handoff.requested';
      readonly handoffId: string;
      readonly inputTranscript: string;
      /** Exactly what goes to the agent; empty when nothing will be delegated. */
      readonly agentText: string;
      readonly transcript: readonly TranscriptEntry[];
    }
  | { readonly type: 'handoff.started'; readonly handoffId: string; readonly agentText: string }
  | { readonly type: 'handoff.steered'; readonly handoffId: string; readonly agentText: string }
  | { readonly type: 'handoff.answered'; readonly handoffId: string; readonly text: string }
  /** The handoff ended without an answer; `cause` says why (only `agent_failed` is a failure of the agent). */
  | {
      readonly type: 'handoff.failed';
      readonly handoffId: string;
      readonly cause: HandoffEndCause;
      readonly reason: string;
      readonly spoken: string;
    }
  | { readonly type: 'handoff.completed'; readonly handoffId: string }
  | { readonly type: 'agent.text'; readonly handoffId: string; readonly delta: string }
  | {
      readonly type: 'error';
      readonly code: SessionErrorCode;
      readonly message: string;
      readonly recoverable: boolean;
    }
  | { readonly type: 'closed'; readonly reason: ClosedReason };

export type SessionEventType = SessionEvent['type'];
