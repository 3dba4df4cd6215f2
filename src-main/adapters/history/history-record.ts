import type { AgentApprovalDecider, AgentApprovalDecision, AgentApprovalKind } from '../../../src-shared/agent-activity';
import type { TranscriptRole } from '../../../src-shared/session-events';
import type { TokenUsage } from '../../../src-shared/usage';

/** One line of a session's history file (JSON lines), in the order things happened. */
export type HistoryRecord =
  | { readonly kind: 'session.started'; readonly at: number; readonly sessionId: string }
  /**
   * v2 lines carry their conversation item (`itemId`) and the item they follow (`afterItemId`,
   * null for the first): an item's words can arrive after the reply to them, and a later line
   * for the same item replaces its text. Readers put them in conversation order (history-library).
   */
  | {
      readonly kind: 'transcript';
      readonly at: number;
      readonly role: TranscriptRole;
      readonly text: string;
      readonly itemId?: string;
      readonly afterItemId?: string | null;
    }
  | { readonly kind: 'typed'; readonly at: number; readonly text: string }
  | {
      readonly kind: 'handoff';
      readonly at: number;
      readonly handoffId: string;
      readonly agentText: string;
      readonly itemId?: string;
      readonly afterItemId?: string | null;
      /** Requests that joined this handoff's agent turn; filled in by readers from `handoff.joined` lines. */
      readonly steers?: readonly string[];
      /** The permission requests the user was asked during this handoff's turn; filled in by readers from `agent.approval` lines. */
      readonly approvals?: readonly AgentApprovalRecord[];
    }
  /** A request that steered the running agent turn of `turnHandoffId`: part of that handoff, not one of its own. */
  | { readonly kind: 'handoff.joined'; readonly at: number; readonly handoffId: string; readonly turnHandoffId: string; readonly agentText: string }
  | { readonly kind: 'agent.answer'; readonly at: number; readonly handoffId: string; readonly text: string }
  | { readonly kind: 'agent.failed'; readonly at: number; readonly handoffId: string; readonly reason: string }
  | AgentApprovalRecord
  /** The tokens one response used (v2 `response.done.usage`); readers sum them per session. */
  | ({ readonly kind: 'usage'; readonly at: number; readonly responseId: string } & TokenUsage)
  /** The tokens one agent request of the turn of `handoffId` used. */
  | {
      readonly kind: 'agent.usage';
      readonly at: number;
      readonly handoffId: string;
      readonly model: string;
      readonly inputTokens: number;
      readonly cachedInputTokens: number;
      readonly outputTokens: number;
    }
  /**
   * The price of the usage record just before it (a response's, `source` response, or an agent
   * request's, `source` agent), USD with the pricing table of the day; `usd` absent: no price for `model`.
   */
  | { readonly kind: 'cost'; readonly at: number; readonly source: 'response' | 'agent'; readonly id: string; readonly model: string; readonly usd?: number }
  | { readonly kind: 'session.ended'; readonly at: number; readonly reason: string };

/**
 * A permission request the user was asked, once decided (`at`: when). Progress steps are not kept
 * (a turn has hundreds); what the user allowed or denied is. `approvalKind` is the request's own
 * kind (`kind` names the record).
 */
export interface AgentApprovalRecord {
  readonly kind: 'agent.approval';
  readonly at: number;
  readonly handoffId: string;
  readonly approvalId: string;
  readonly approvalKind: AgentApprovalKind;
  /** The exact command line, or the files and a diff summary (redacted like every line). */
  readonly subject: string;
  readonly reason?: string;
  readonly decision: AgentApprovalDecision;
  readonly decidedBy: AgentApprovalDecider;
}

export interface HistorySummary {
  readonly sessionId: string;
  readonly startedAt: number;
  readonly endedAt: number | undefined;
  /** The first thing the user said or typed, shortened: what the history list shows. */
  readonly title: string;
  readonly transcriptEntries: number;
  readonly handoffs: number;
}
