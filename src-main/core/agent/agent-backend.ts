/**
 * A background agent. A turn is one or more requests; each request streams text and ends with
 * the completed assistant messages it produced. Backends never touch the realtime session.
 */
export type AgentBackendKind = 'responses' | 'command' | 'none';

export interface AgentRequest {
  /** Every input of this turn so far, oldest first (a steered turn has more than one). */
  readonly turnInputs: readonly string[];
  /** The inputs this request adds to the backend's conversation (first request: all of them). */
  readonly newInputs: readonly string[];
  readonly signal: AbortSignal;
}

export type AgentStreamEvent =
  | { readonly type: 'text.delta'; readonly delta: string }
  /** A completed assistant message; goes back to the voice session exactly once. */
  | { readonly type: 'message.completed'; readonly text: string }
  /** Shown on the handoff card, never spoken: a retry after a rate limit, history left out. */
  | { readonly type: 'notice'; readonly text: string };

export interface AgentBackend {
  readonly kind: AgentBackendKind;
  /** False for `none`: handoffs are shown but not delegated. */
  readonly delegates: boolean;
  /** Streams one request; throws AgentError (or aborts via the signal) on failure. */
  runRequest(request: AgentRequest): AsyncIterable<AgentStreamEvent>;
  /** Forget the conversation (a new voice session starts fresh). */
  reset(): void;
  /** Stop anything still running (shutdown). */
  dispose(): Promise<void>;
}

export type AgentErrorCode =
  | 'agent_http_error'
  | 'agent_unreachable'
  | 'agent_timeout'
  | 'agent_stream_error'
  | 'agent_command_failed'
  | 'agent_misconfigured';

/** A failed agent request; `message` is short enough to be spoken to the user. */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}
