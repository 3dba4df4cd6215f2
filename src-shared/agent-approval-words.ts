// A coding agent's permission request and its outcome in words, the same wherever they are shown
// (the handoff card, the history's Markdown export, the headless command's lines): "run npm test",
// "allowed by you (voice)".
import type { AgentApprovalDecider, AgentApprovalDecision, AgentApprovalKind } from './agent-activity';

/** What the agent asks to do, before its subject: "run" a command, "change" files. */
export function approvalAction(kind: AgentApprovalKind): string {
  switch (kind) {
    case 'command':
      return 'run';
    case 'file_change':
      return 'change';
    case 'other':
      return 'do';
  }
}

/**
 * How a request ended, in the words every surface uses (the handoff card capitalizes them):
 * "allowed by you (voice)", "denied: no answer in 60 s". `timeoutWords` names the timeout
 * ("60 s"); without it, "no answer in time".
 */
export function approvalOutcome(decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider, timeoutWords?: string): string {
  const decided = decision === 'allow' ? 'allowed' : 'denied';
  switch (decidedBy) {
    case 'voice':
      return `${decided} by you (voice)`;
    case 'click':
      return `${decided} by you (click)`;
    case 'policy':
      return `${decided} by the approval policy`;
    case 'timeout':
      return `${decided}: no answer in ${timeoutWords ?? 'time'}`;
    case 'withdrawn':
      return 'withdrawn: the agent no longer needed it';
    case 'ended':
      return 'not answered: the task ended first';
  }
}
