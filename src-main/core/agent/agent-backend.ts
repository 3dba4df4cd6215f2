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
  | { readonly type: 'text.delta'; readonly delta: string }
  /** A completed assistant message; goes back to the voice session exactly once. */
  | { readonly type: 'message.completed'; readonly text: string }
  /** Shown on the handoff card, never spoken: a retry after a rate limit, history left out. */
  | { readonly type: 'notice'; readonly text: string };

/**
 * What the coding-agent backends (Codex app server, ACP) report beyond text, as their clients
 * emit it: steps as they happen, and permission requests. (Joining AgentStreamEvent comes with
 * the handoff card and the voice prompts that show and answer them.)
 */
export type AgentActivityEvent =
  /** A step of a working agent (plan, command, file change, tool call, message), as it happens. */
  | { readonly type: 'progress'; readonly step: AgentProgressStep }
  /** The agent asks permission; answered through the client's answerApproval (or denied on timeout). */
  | { readonly type: 'approval.requested'; readonly approval: AgentApprovalRequest };

export type AgentProgressKind = 'plan' | 'command' | 'file_change' | 'tool_call' | 'message' | 'reasoning';

export interface AgentProgressStep {
  /** Stable per step: a later event with the same id updates it (a command that finished). */
  readonly id: string;
  readonly kind: AgentProgressKind;
  /** One line for the card: "Ran npm test", "Edited src/app.ts (+12 −3)", "Plan: 3 of 5 done". */
  readonly title: string;
  /** More, for the card's details (command output tail, a diff summary); never spoken. */
  readonly detail?: string;
  readonly status: 'started' | 'completed' | 'failed';
}

export type AgentApprovalKind = 'command' | 'file_change' | 'other';

export interface AgentApprovalRequest {
  /** Unique within the backend; the answer names it. */
  readonly id: string;
  readonly kind: AgentApprovalKind;
  /** The exact command line, or the files and a diff summary; shown on the card as is. */
  readonly subject: string;
  /** Why the agent wants it, when it says. */
  readonly reason?: string;
  /** True when the action only reads (the "allow read-only" policy answers these itself). */
  readonly readOnly: boolean;
}

export type AgentApprovalDecision = 'allow' | 'deny';

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
