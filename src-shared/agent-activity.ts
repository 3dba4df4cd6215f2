/**
 * What a working coding agent (Codex app server, ACP) shows beyond its text: its steps as they
 * happen, and the permission requests it makes. Shared by the core that relays them, the handoff
 * card that shows them and the history that keeps the decisions.
 */

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

/**
 * Who decided a permission request: the user by voice (the voice model's tool call) or by a
 * click, the policy at once, nobody within the timeout (denied), or the agent itself no longer
 * needing it (withdrawn, e.g. its turn was interrupted), or the turn or session ending under it.
 */
export type AgentApprovalDecider = 'voice' | 'click' | 'policy' | 'timeout' | 'withdrawn' | 'ended';

export const AGENT_APPROVAL_DECIDERS: readonly AgentApprovalDecider[] = ['voice', 'click', 'policy', 'timeout', 'withdrawn', 'ended'];
