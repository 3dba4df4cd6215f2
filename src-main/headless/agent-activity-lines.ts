// What a coding agent does while it works, as lines for people (the headless command's default
// output): each finished step, each permission request with how to answer it, and its decision.
import { approvalAction, approvalOutcome } from '../../src-shared/agent-approval-words';
import type { AgentApprovalRequest, AgentProgressKind } from '../../src-shared/agent-activity';
import { MS_PER_SECOND } from '../../src-shared/agent-timing';
import type { SessionEvent } from '../../src-shared/session-events';
import { CONTINUATION_INDENT, labelled } from './labelled-text';

/**
 * Steps worth a line once done. The agent's messages become its answer, printed on its own, and
 * its reasoning is thinking, not doing: a line for each would bury the steps that act.
 */
const PRINTED_STEP_KINDS: ReadonlySet<AgentProgressKind> = new Set(['plan', 'command', 'file_change', 'tool_call']);

export const STEP_DONE_MARK = '✓';
export const STEP_FAILED_MARK = '✗';

export type AgentActivitySessionEvent = Extract<SessionEvent, { type: 'agent.progress' | 'agent.approval.requested' | 'agent.approval.resolved' }>;

export function isAgentActivityEvent(event: SessionEvent): event is AgentActivitySessionEvent {
  return event.type === 'agent.progress' || event.type === 'agent.approval.requested' || event.type === 'agent.approval.resolved';
}

/**
 * Turns activity events into text to print ('' when an event needs no line): "agent: Ran npm
 * test ✓" once per finished step (an update that says the same again is not repeated), a
 * permission request with its exact subject and "say allow or deny", then its decision.
 */
export function createAgentActivityLines(): (event: AgentActivitySessionEvent) => string {
  /** The last line printed per step, so an update that changes nothing prints nothing. */
  const printedSteps = new Map<string, string>();
  /** Requests waiting for a decision, whose line names what was asked. */
  const asked = new Map<string, AgentApprovalRequest>();
  return (event) => {
    switch (event.type) {
      case 'agent.progress': {
        const { step } = event;
        if (step.status === 'started' || !PRINTED_STEP_KINDS.has(step.kind)) return '';
        const line = `${CONTINUATION_INDENT}agent: ${oneLine(step.title)} ${step.status === 'completed' ? STEP_DONE_MARK : STEP_FAILED_MARK}\n`;
        const key = `${event.handoffId}\u0000${step.id}`;
        if (printedSteps.get(key) === line) return '';
        printedSteps.set(key, line);
        return line;
      }
      case 'agent.approval.requested': {
        const { approval } = event;
        asked.set(approval.id, approval);
        const seconds = Math.round(event.timeoutMs / MS_PER_SECOND);
        return [
          labelled(`? agent asks to ${approvalAction(approval.kind)} [${event.handoffId}]`, approval.subject),
          approval.reason?.trim() ? `${CONTINUATION_INDENT}reason: ${oneLine(approval.reason)}\n` : '',
          `${CONTINUATION_INDENT}say allow or deny (denied in ${seconds} s without an answer)\n`,
        ].join('');
      }
      case 'agent.approval.resolved': {
        const approval = asked.get(event.approvalId);
        asked.delete(event.approvalId);
        const what = approval ? `permission to ${approvalAction(approval.kind)} ${oneLine(approval.subject)}` : `permission request ${event.approvalId}`;
        return `${CONTINUATION_INDENT}${what} — ${approvalOutcome(event.decision, event.decidedBy)}\n`;
      }
    }
  };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
