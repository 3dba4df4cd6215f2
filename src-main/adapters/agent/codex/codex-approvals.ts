import type {
  AgentActivityEvent,
  AgentApprovalDecider,
  AgentApprovalDecision,
  AgentApprovalRequest,
  AgentProgressStep,
} from '../../../core/agent/agent-backend';
import type { JsonRpcId } from './jsonrpc-stdio-connection';
import type { CodexApprovalDecision } from './codex-protocol';

/**
 * Codex's permission requests, held until someone answers: the user (answer(), by voice or
 * click), the policy (at once), the timeout (deny), Codex itself (`serverRequest/resolved`: it no
 * longer needs the answer), or the end of the turn or of the backend (deny). Each request is
 * answered exactly once. A request the policy does not answer is announced as approval.requested
 * and, however it ends, as exactly one approval.resolved saying how; a request the policy answers
 * is only a progress step. Every decision is also a progress step for the card's history.
 *
 * Policies:
 * - 'always-ask': every request is asked.
 * - 'allow-read-only': a command whose every parsed action (Codex's `commandActions`) reads a file,
 *   lists files or searches them is allowed at once; anything else — an action Codex could not
 *   parse ("unknown"), a file change, a network permission — is asked. Codex's parser is the
 *   judge, not a guess from the command's first word: `cat a | sh` is parsed as unknown.
 * - 'never-ask': everything is allowed at once (the card still shows what was allowed).
 */

export type CodexApprovalPolicy = 'always-ask' | 'allow-read-only' | 'never-ask';
export const DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;

export interface HeldApproval {
  readonly request: AgentApprovalRequest;
  readonly rpcId: JsonRpcId;
  /** The Codex turn that asks (every approval request names it). */
  readonly turnId: string | undefined;
  /** Codex's own choices when it lists them; 'decline' (deny, continue the turn) is used when offered. */
  readonly availableDecisions: readonly unknown[] | undefined;
}

interface Waiting extends HeldApproval {
  readonly resolve: (decision: CodexApprovalDecision) => void;
  readonly timer: NodeJS.Timeout;
}

export class CodexApprovals {
  private readonly waiting = new Map<string, Waiting>();
  private nextNumber = 1;

  constructor(
    private readonly settings: {
      readonly policy: CodexApprovalPolicy;
      readonly timeoutMs: number;
      readonly emit: (event: AgentActivityEvent) => void;
    },
  ) {}

  /** A fresh id for a request ("approval-3"). */
  newId(): string {
    return `approval-${this.nextNumber++}`;
  }

  /** Resolves with the decision to send back to Codex. */
  hold(approval: HeldApproval): Promise<CodexApprovalDecision> {
    const automatic = this.automaticDecision(approval.request);
    if (automatic) {
      this.settings.emit({ type: 'progress', step: decisionStep(approval.request, automatic, 'by policy') });
      return Promise.resolve(toCodexDecision(automatic, approval.availableDecisions));
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(approval.request.id, 'deny', 'timeout', 'no answer in time'), this.settings.timeoutMs);
      this.waiting.set(approval.request.id, { ...approval, resolve, timer });
      this.settings.emit({ type: 'approval.requested', approval: approval.request, timeoutMs: this.settings.timeoutMs });
    });
  }

  /**
   * A request that arrived while its turn was being stopped: nobody is asked (the card would show
   * a question about a task already gone); it is denied at once, shown only as a progress step.
   */
  refuse(approval: HeldApproval, why: string): CodexApprovalDecision {
    this.settings.emit({ type: 'progress', step: decisionStep(approval.request, 'deny', why) });
    return toCodexDecision('deny', approval.availableDecisions);
  }

  /** False when no such request is waiting (already answered, timed out, withdrawn or ended). */
  answer(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): boolean {
    return this.settle(id, decision, decidedBy, DECIDER_WORDS[decidedBy]);
  }

  /** Codex withdrew the request (`serverRequest/resolved` before any answer): nothing is sent back. */
  withdrawn(rpcId: JsonRpcId): void {
    for (const [id, waiting] of this.waiting) {
      if (waiting.rpcId !== rpcId) continue;
      clearTimeout(waiting.timer);
      this.waiting.delete(id);
      this.settings.emit({ type: 'approval.resolved', id, decision: 'deny', decidedBy: 'withdrawn' });
      this.settings.emit({ type: 'progress', step: { ...decisionStep(waiting.request, 'deny', ''), title: `No longer needed: ${waiting.request.subject}`.slice(0, 200) } });
    }
  }

  /**
   * Denies everything still waiting because what it belonged to is ending: the turn was stopped,
   * the server died, the backend shuts down (`why` goes on the card). With `turnId`, only that
   * turn's requests.
   */
  endAll(why: string, turnId?: string): void {
    for (const [id, waiting] of [...this.waiting]) {
      if (turnId === undefined || waiting.turnId === turnId) this.settle(id, 'deny', 'ended', why);
    }
  }

  get pendingIds(): readonly string[] {
    return [...this.waiting.keys()];
  }

  private settle(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider, why: string): boolean {
    const waiting = this.waiting.get(id);
    if (!waiting) return false;
    clearTimeout(waiting.timer);
    this.waiting.delete(id);
    this.settings.emit({ type: 'approval.resolved', id, decision, decidedBy });
    this.settings.emit({ type: 'progress', step: decisionStep(waiting.request, decision, why) });
    waiting.resolve(toCodexDecision(decision, waiting.availableDecisions));
    return true;
  }

  private automaticDecision(request: AgentApprovalRequest): AgentApprovalDecision | undefined {
    switch (this.settings.policy) {
      case 'never-ask':
        return 'allow';
      case 'allow-read-only':
        return request.readOnly ? 'allow' : undefined;
      case 'always-ask':
        return undefined;
    }
  }
}

/** How a decision reads on the card: "Allowed (by voice): …". */
const DECIDER_WORDS: Record<AgentApprovalDecider, string> = {
  voice: 'by voice',
  click: 'by click',
  policy: 'by policy',
  timeout: 'no answer in time',
  withdrawn: 'no longer needed',
  ended: 'the task ended',
};

/** 'decline' denies and lets the agent carry on; where Codex does not offer it, 'cancel' (which also ends the turn). */
export function toCodexDecision(decision: AgentApprovalDecision, available: readonly unknown[] | undefined): CodexApprovalDecision {
  if (decision === 'allow') return 'accept';
  if (!available || available.includes('decline')) return 'decline';
  return 'cancel';
}

function decisionStep(request: AgentApprovalRequest, decision: AgentApprovalDecision, why: string): AgentProgressStep {
  return {
    id: request.id,
    kind: request.kind === 'file_change' ? 'file_change' : request.kind === 'command' ? 'command' : 'tool_call',
    title: `${decision === 'allow' ? 'Allowed' : 'Denied'}${why ? ` (${why})` : ''}: ${request.subject}`.slice(0, 200),
    status: decision === 'allow' ? 'completed' : 'failed',
  };
}
