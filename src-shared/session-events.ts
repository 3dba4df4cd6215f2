/**
 * The one event stream a voice session emits. The headless command prints it as JSON lines and
 * the desktop app forwards it to the renderer, so it is plain data (no Buffers, no classes).
 */
import type { AgentApprovalDecider, AgentApprovalDecision, AgentApprovalRequest, AgentProgressStep } from './agent-activity';
import type { TurnLatency } from './latency';
import type { RateLimitStatus } from './rate-limits';
import type { TokenUsage } from './usage';

/** `reconnecting`: the connection was lost or is being renewed; the conversation goes on after it. */
export type SessionState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'closing' | 'closed' | 'error';
export type TranscriptRole = 'user' | 'assistant';
/** `server_ended`: the server closed the connection normally (its reason is on the closed event). */
export type ClosedReason = 'requested' | 'server_ended' | 'error';

/**
 * The connection under a running conversation: `lost` (about to reconnect), `reconnecting` (an
 * attempt is scheduled), `reconnected`, `renewing` (a new session replaces one near its time
 * limit) and `renewed`.
 */
export type ConnectionStatus = 'lost' | 'reconnecting' | 'reconnected' | 'renewing' | 'renewed';

export interface TranscriptEntry {
  readonly role: TranscriptRole;
  readonly text: string;
}

/** What a transcript.entry changed: exactly one of the entry's whole `text` or the `append`ed piece. */
export type TranscriptTextChange =
  /** The entry's whole text: its first event, or a replacement (a final that differs, a truncation). */
  | { readonly text: string; readonly append?: undefined }
  /** Text added at the end of the entry (a delta; '' on a final that changed nothing). */
  | { readonly append: string; readonly text?: undefined };

export type TranscriptEntryEvent = {
  readonly type: 'transcript.entry';
  readonly entryId: number;
  readonly index: number;
  readonly role: TranscriptRole;
  readonly itemId?: string;
  readonly previousItemId?: string | null;
  readonly final?: boolean;
} & TranscriptTextChange;

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
  | 'agent_failed'
  /** Reconnecting failed every attempt: the conversation ended. */
  | 'connection_lost'
  /** A fault inside Parley, caught and reported; the conversation went on. */
  | 'internal_error';

/** How a response ended other than `completed` (v2 `response.done` status). */
export type ResponseEndStatus = 'cancelled' | 'failed' | 'incomplete';

export type HandoffStatus = 'requested' | 'started' | 'steered' | 'answered' | 'failed';

/**
 * Why a handoff ended without an answer: the agent failed, the user cancelled it, the voice
 * session ended under it, or no agent is configured so nothing was delegated.
 */
export type HandoffEndCause = 'agent_failed' | 'cancelled' | 'session_ended' | 'not_delegated';

export type SessionEvent =
  | { readonly type: 'state'; readonly state: SessionState }
  | { readonly type: 'session.ready'; readonly serverSessionId: string }
  /**
   * The raw transcript delta as the server sent it (`itemId`: v2 only, its conversation item). The
   * same text also arrives as the `append` of a transcript.entry, which says which entry it grows.
   */
  | { readonly type: 'transcript.delta'; readonly role: TranscriptRole; readonly delta: string; readonly itemId?: string }
  /**
   * One change of a transcript entry, linear in what changed: a delta carries only the text it
   * adds (`append`), and the whole `text` travels only when the entry starts or its text is
   * replaced. A listener keeps each entry's text by `entryId`: `text` sets it, `append` adds to
   * its end (an `append` for an entry not seen yet starts it; `textAfter` in transcript-text.ts).
   * Shown text is redacted as a stream (a tail that could start a secret waits for the next
   * piece: core/transcript/transcript-redactor.ts). `entryId` is stable for the
   * conversation (key UI bubbles on it); `index` is the position in the active transcript, which
   * a handoff empties (v2: the item's position in the conversation).
   *
   * v1 sends nothing more: entries are role-merged deltas in arrival order, as in the reference;
   * a done event whose text differs from what the deltas built sends the whole `text`.
   * v2 entries are conversation items: `itemId` is the item, `previousItemId` is where it belongs
   * (after that item; null: before every item shown so far in this session; absent: its place is
   * unknown, so after everything), and `final` marks the item's finished text (a `.done` or
   * `.completed` event, or a truncation): `text` when it differs from what the deltas built,
   * otherwise `append: ''`.
   */
  | TranscriptEntryEvent
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
  /** v2: the server made a typed message (`text`, sent earlier as user.text) the conversation item `itemId`. */
  | { readonly type: 'user.text.placed'; readonly itemId: string; readonly text: string }
  | { readonly type: 'user.speech_started' }
  | { readonly type: 'playback.interrupted'; readonly itemId: string; readonly playedMs: number }
  /**
   * v2: a response ended `cancelled`, `failed` or `incomplete` (never sent for `completed`).
   * `itemIds` are its output items (the reply's bubble, a cut-off call); `reason` is a readable
   * sentence built from the server's `status_details`.
   */
  | {
      readonly type: 'response.ended';
      readonly responseId: string;
      readonly itemIds: readonly string[];
      readonly status: ResponseEndStatus;
      readonly reason: string;
    }
  /**
   * v2: the user's speech item `itemId` could not be transcribed (it has no text). `previousItemId`
   * places it as on transcript.entry when nothing of it was shown yet.
   */
  | { readonly type: 'transcription.failed'; readonly itemId: string; readonly reason: string; readonly previousItemId?: string | null }
  /** v2: the server's rate limits as last reported (`rate_limits.updated`). */
  | { readonly type: 'rate_limits'; readonly limits: readonly RateLimitStatus[] }
  /** v2: the tokens one response used (`response.done.usage`). */
  | ({ readonly type: 'usage'; readonly responseId: string } & TokenUsage)
  | {
      readonly type: 'handoff.requested';
      readonly handoffId: string;
      readonly inputTranscript: string;
      /** Exactly what goes to the agent; empty when nothing will be delegated. */
      readonly agentText: string;
      readonly transcript: readonly TranscriptEntry[];
      /** v2: the function call item, and where it belongs (as on transcript.entry). */
      readonly itemId?: string;
      readonly previousItemId?: string | null;
      /**
       * The request joins the agent turn that handoff started (it steers the running turn): it is
       * part of that turn, shown on its card and stored with it, not a handoff of its own.
       */
      readonly joinsHandoffId?: string;
    }
  | { readonly type: 'handoff.started'; readonly handoffId: string; readonly agentText: string }
  /** `turnHandoffId`: the handoff that started the running turn this request joined. */
  | { readonly type: 'handoff.steered'; readonly handoffId: string; readonly agentText: string; readonly turnHandoffId: string }
  /**
   * v2: a background_agent call that ended `incomplete` (cut off by a barge-in or a token limit):
   * shown, never delegated, and no output is sent for it. `arguments` is what arrived of it.
   */
  | {
      readonly type: 'handoff.incomplete';
      readonly handoffId: string;
      readonly reason: string;
      readonly arguments: string;
      readonly itemId?: string;
      readonly previousItemId?: string | null;
    }
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
  /**
   * The connection under the conversation changed; the conversation itself goes on. `attempt` of
   * `maxAttempts` and `delayMs` describe a scheduled reconnect; `downtimeMs` how long it took.
   */
  | {
      readonly type: 'connection';
      readonly status: ConnectionStatus;
      readonly reason: string;
      readonly attempt?: number;
      readonly maxAttempts?: number;
      readonly delayMs?: number;
      readonly downtimeMs?: number;
    }
  /** Microphone audio that could not be sent (no connection, or the socket could not keep up), counted. */
  | { readonly type: 'audio.dropped'; readonly frames: number; readonly durationMs: number; readonly reason: 'not_connected' | 'backpressure' }
  /** Something the agent backend wants on the handoff card (a retry, history it left out). */
  | { readonly type: 'agent.notice'; readonly handoffId: string; readonly text: string }
  /** The tokens one request of the background agent used (the Responses backend reports them), for the turn of `handoffId`. */
  | {
      readonly type: 'agent.usage';
      readonly handoffId: string;
      readonly model: string;
      readonly inputTokens: number;
      readonly cachedInputTokens: number;
      readonly outputTokens: number;
    }
  /**
   * The price of one response's (`response`, id: its response id) or agent request's (`agent`, id:
   * its handoff) usage, from the pricing table; `usd` is absent when the table has no price for
   * `model`. `turnUsd` is that response's or handoff's cost so far; the session's and the local
   * day's totals follow.
   */
  | {
      readonly type: 'cost';
      readonly source: 'response' | 'agent';
      readonly id: string;
      readonly model: string;
      readonly usd?: number;
      readonly turnUsd: number;
      readonly sessionUsd: number;
      readonly dayUsd: number;
    }
  /**
   * A budget cap: `warning` once 80 % of it is spent (once per cap per session), `reached` when it is
   * spent: the session stops (or does not start) and no agent is started. `message` says so in full.
   */
  | {
      readonly type: 'budget';
      readonly level: 'warning' | 'reached';
      readonly scope: 'session' | 'day';
      readonly capUsd: number;
      readonly spentUsd: number;
      readonly message: string;
    }
  /** A step of the coding agent working on the turn of `handoffId` (a later one with the same step id updates it). */
  | { readonly type: 'agent.progress'; readonly handoffId: string; readonly step: AgentProgressStep }
  /** The coding agent asks permission; denied if nobody answers within `timeoutMs`. */
  | { readonly type: 'agent.approval.requested'; readonly handoffId: string; readonly approval: AgentApprovalRequest; readonly timeoutMs: number }
  /** A permission request the user was asked was decided (exactly once per request). */
  | {
      readonly type: 'agent.approval.resolved';
      readonly handoffId: string;
      readonly approvalId: string;
      readonly decision: AgentApprovalDecision;
      readonly decidedBy: AgentApprovalDecider;
    }
  /**
   * The latency waterfall of a turn, once its first sample was heard (or the turn ended without
   * one): a spoken reply (`turnId` its response) or a handoff's answer (`turnId` the handoff).
   */
  | ({ readonly type: 'latency' } & TurnLatency)
  /** `detail`: the server's own reason when it ended the session. */
  | { readonly type: 'closed'; readonly reason: ClosedReason; readonly detail?: string };

export type SessionEventType = SessionEvent['type'];
