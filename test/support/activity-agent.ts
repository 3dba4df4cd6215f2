import type { AgentActivityEvent, AgentApprovalDecider, AgentApprovalDecision, AgentApprovalRequest, AgentProgressStep } from '../../src-main/core/agent/agent-backend';
import { ScriptedAgent } from './scripted-agent';

/**
 * A ScriptedAgent that also works like a coding agent: the test makes it report steps and ask
 * permission; it holds each request until answered or until its own timeout denies it, and says
 * how each ended exactly once (as the Codex and ACP backends do).
 */
export class ActivityAgent extends ScriptedAgent {
  readonly answers: Array<{ id: string; decision: AgentApprovalDecision; decidedBy: AgentApprovalDecider }> = [];
  private readonly listeners = new Set<(event: AgentActivityEvent) => void>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();

  onActivity(listener: (event: AgentActivityEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  answerApproval(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): boolean {
    if (!this.waiting.has(id)) return false;
    this.answers.push({ id, decision, decidedBy });
    this.settle(id, decision, decidedBy);
    return true;
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  step(step: AgentProgressStep): void {
    this.emitActivity({ type: 'progress', step });
  }

  askPermission(approval: AgentApprovalRequest, timeoutMs: number): void {
    this.waiting.set(
      approval.id,
      setTimeout(() => this.settle(approval.id, 'deny', 'timeout'), timeoutMs),
    );
    this.emitActivity({ type: 'approval.requested', approval, timeoutMs });
  }

  override async dispose(): Promise<void> {
    for (const id of [...this.waiting.keys()]) this.settle(id, 'deny', 'ended');
  }

  private settle(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): void {
    const timer = this.waiting.get(id);
    if (!timer) return;
    clearTimeout(timer);
    this.waiting.delete(id);
    this.emitActivity({ type: 'approval.resolved', id, decision, decidedBy });
  }

  private emitActivity(event: AgentActivityEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
