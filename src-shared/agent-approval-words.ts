// A coding agent's permission request and its outcome in words, the same wherever they are shown
// (the history's Markdown export, the headless command's lines): "run npm test", "allowed by voice".
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

/** How a request ended: "allowed by voice", "denied: nobody answered in time". */
export function approvalOutcome(decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): string {
  const decided = decision === 'allow' ? 'allowed' : 'denied';
  switch (decidedBy) {
    case 'voice':
      return `${decided} by voice`;
    case 'click':
      return `${decided} with a click`;
    case 'policy':
      return `${decided} by the approval policy`;
    case 'timeout':
      return `${decided}: nobody answered in time`;
    case 'withdrawn':
      return 'withdrawn by the agent';
    case 'ended':
      return `${decided}: the task ended first`;
  }
}
