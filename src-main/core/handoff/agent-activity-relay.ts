import type { SessionEvent } from '../../../src-shared/session-events';
import type { AgentActivityEvent, AgentApprovalDecision, AgentApprovalRequest, AgentBackend } from '../agent/agent-backend';
import type { Logger } from '../util/logger';
import type { AgentNarrator } from './agent-narrator';
import { approvalQuestionText, approvalResolvedText } from './agent-voice-prompts';

export interface AgentActivityRelayDeps {
  readonly agent: AgentBackend;
  /** The handoff whose agent turn is running (its card), or undefined between turns. */
  currentTurnHandoffId(): string | undefined;
  emit(event: SessionEvent): void;
  readonly narrator: AgentNarrator;
  /** A system message item for the voice model; `speak`: and ask it to respond now. */
  tell(text: string, speak: boolean): void;
  readonly logger: Logger;
}

interface WaitingApproval {
  readonly handoffId: string;
  readonly approval: AgentApprovalRequest;
}

/**
 * A coding agent's activity, relayed: its steps onto the handoff card and to the narrator, its
 * permission requests onto the card and to the voice model as a question, and their outcomes
 * back to both. Owns the requests the user was asked and not yet answered; the backend owns the
 * decision itself (policy, timeout), and says how each request ended exactly once.
 */
export class AgentActivityRelay {
  private readonly waiting = new Map<string, WaitingApproval>();
  private readonly unsubscribe: (() => void) | undefined;
  /** The card of the latest turn that reported a step. */
  private lastTurnHandoffId: string | undefined;

  constructor(private readonly deps: AgentActivityRelayDeps) {
    this.unsubscribe = deps.agent.onActivity?.((event) => this.onActivity(event));
  }

  /** The user's answer, by voice (the voice model's tool call) or a click; false when it is not waiting. */
  answer(approvalId: string, decision: AgentApprovalDecision, decidedBy: 'voice' | 'click'): boolean {
    if (!this.waiting.has(approvalId)) return false;
    return this.deps.agent.answerApproval?.(approvalId, decision, decidedBy) ?? false;
  }

  dispose(): void {
    this.unsubscribe?.();
    this.waiting.clear();
  }

  private onActivity(event: AgentActivityEvent): void {
    const { deps } = this;
    switch (event.type) {
      case 'progress': {
        const current = deps.currentTurnHandoffId();
        if (current !== undefined) this.lastTurnHandoffId = current;
        // A step that finishes just after its turn's answer (an agent's last update can trail its
        // reply) still belongs on that turn's card; the narrator has stopped by then.
        const handoffId = current ?? this.lastTurnHandoffId;
        if (handoffId === undefined) return;
        deps.emit({ type: 'agent.progress', handoffId, step: event.step });
        deps.narrator.step(event.step);
        return;
      }
      case 'approval.requested': {
        const handoffId = deps.currentTurnHandoffId();
        if (handoffId === undefined) {
          // Nobody can be asked about a turn that is no longer shown: refuse rather than hold the agent.
          deps.logger.warn('an agent asked permission outside a running turn; denied', { kind: event.approval.kind });
          deps.agent.answerApproval?.(event.approval.id, 'deny', 'ended');
          return;
        }
        this.waiting.set(event.approval.id, { handoffId, approval: event.approval });
        deps.emit({ type: 'agent.approval.requested', handoffId, approval: event.approval, timeoutMs: event.timeoutMs });
        deps.narrator.questionAsked();
        deps.tell(approvalQuestionText(event.approval, event.timeoutMs), true);
        return;
      }
      case 'approval.resolved': {
        const waiting = this.waiting.get(event.id);
        if (!waiting) return;
        this.waiting.delete(event.id);
        deps.emit({ type: 'agent.approval.resolved', handoffId: waiting.handoffId, approvalId: event.id, decision: event.decision, decidedBy: event.decidedBy });
        deps.narrator.questionSettled();
        // A spoken answer is confirmed by its tool call's output; anything else the model must hear of.
        if (event.decidedBy !== 'voice') deps.tell(approvalResolvedText(event.id, event.decision, event.decidedBy), event.decidedBy === 'timeout');
        return;
      }
    }
  }
}
