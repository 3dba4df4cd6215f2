import type { AgentApprovalDecider, AgentApprovalDecision, AgentApprovalRequest, AgentProgressStep } from '../../../src-shared/agent-activity';

/**
 * A background agent. A turn is one or more requests; each request streams text and ends with
 * the completed assistant messages it produced. Backends never touch the realtime session.
 */
export type AgentBackendKind = 'responses' | 'command' | 'codex' | 'acp' | 'none';

export interface AgentRequest {
  /** Every input of this turn so far, oldest first (a steered turn has more than one). */
  readonly turnInputs: readonly string[];
  /** The inputs this request adds to the backend's conversation (first request: all of them). */
  readonly newInputs: readonly string[];
  readonly signal: AbortSignal;
}

export type AgentStreamEvent =
  /** The request left Parley (written to the socket or the agent's stdin): the latency waterfall's mark. */
  | { readonly type: 'request.sent' }
  | { readonly type: 'text.delta'; readonly delta: string }
  /** A completed assistant message; goes back to the voice session exactly once. */
  | { readonly type: 'message.completed'; readonly text: string }
  /** Shown on the handoff card, never spoken: a retry after a rate limit, history left out. */
  | { readonly type: 'notice'; readonly text: string }
  /** The tokens one request used, as the service reported them (cached input is part of input), and its model. */
  | { readonly type: 'usage'; readonly model: string; readonly inputTokens: number; readonly cachedInputTokens: number; readonly outputTokens: number };

/**
 * What the coding-agent backends (Codex app server, ACP) report beyond text, as it happens: steps,
 * and permission requests with how each was decided. The handoff controller puts them on the
 * handoff card and tells the voice model.
 */
export type AgentActivityEvent =
  /** A step of a working agent (plan, command, file change, tool call, message), as it happens. */
  | { readonly type: 'progress'; readonly step: AgentProgressStep }
  /** The agent asks permission; answered through answerApproval (or denied on timeout). Never sent for what the policy answers itself. */
  | { readonly type: 'approval.requested'; readonly approval: AgentApprovalRequest; readonly timeoutMs: number }
  /** A request was decided, exactly once: by whom, and what. */
  | { readonly type: 'approval.resolved'; readonly id: string; readonly decision: AgentApprovalDecision; readonly decidedBy: AgentApprovalDecider };

export type {
  AgentApprovalDecider,
  AgentApprovalDecision,
  AgentApprovalKind,
  AgentApprovalRequest,
  AgentProgressKind,
  AgentProgressStep,
} from '../../../src-shared/agent-activity';

export interface AgentBackend {
  readonly kind: AgentBackendKind;
  /** False for `none`: handoffs are shown but not delegated. */
  readonly delegates: boolean;
  /** Streams one request; throws AgentError (or aborts via the signal) on failure. */
  runRequest(request: AgentRequest): AsyncIterable<AgentStreamEvent>;
  /**
   * Adds input to the request running now, where the agent can take it mid-task (Codex's
   * `turn/steer`). True: the running request's answer covers it. False (or absent): the caller
   * sends it as the next request of the turn instead.
   */
  steer?(input: string): Promise<boolean>;
  /** Coding agents only: their steps and permission requests; answers an unsubscribe. */
  onActivity?(listener: (event: AgentActivityEvent) => void): () => void;
  /**
   * Coding agents only: answers a permission request the agent is waiting on (`decidedBy`: voice
   * or click). False when it is no longer waiting (answered, timed out, withdrawn).
   */
  answerApproval?(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): boolean;
  /**
   * Why the backend takes no request now (a budget cap was reached), as a sentence for the voice
   * model; undefined when it does. A handoff then is not delegated: no agent is started.
   */
  declineReason?(): string | undefined;
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
