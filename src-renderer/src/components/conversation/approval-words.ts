// What a permission request on a handoff card says: what is asked, how long it still waits, and
// once decided, the decision and who made it in words. Pure, so tests read the exact sentences.
import type { AgentApprovalKind } from '../../../../src-shared/agent-activity';
import { approvalOutcome } from '../../../../src-shared/agent-approval-words';
import type { CardApproval } from '../../../../src-shared/conversation-reducer';

const SECONDS_PER_MINUTE = 60;
const MS_PER_SECOND = 1_000;
/** Up to a minute and a half, seconds read better than "1 min 12 s". */
const MAX_PLAIN_SECONDS = 90;

export const APPROVAL_QUESTIONS: Record<AgentApprovalKind, string> = {
  command: 'The agent asks to run a command',
  file_change: 'The agent asks to change files',
  other: 'The agent asks for permission',
};

/** "42 s", "90 s", "2 min", "2 min 30 s": a timeout as a person reads it (whole seconds, rounded up). */
export function secondsWords(durationMs: number): string {
  const seconds = Math.max(0, Math.ceil(durationMs / MS_PER_SECOND));
  if (seconds <= MAX_PLAIN_SECONDS) return `${seconds} s`;
  const minutes = Math.floor(seconds / SECONDS_PER_MINUTE);
  const rest = seconds % SECONDS_PER_MINUTE;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** When the request is denied unanswered, measured from `nowMs` (both on main's wall clock). */
export function approvalMsLeft(approval: CardApproval, nowMs: number): number {
  return Math.max(0, approval.requestedAt + approval.timeoutMs - nowMs);
}

/** The countdown under a waiting request. */
export function countdownWords(msLeft: number): string {
  return msLeft > 0 ? `Denied automatically in ${secondsWords(msLeft)}` : 'No answer in time: denying';
}

/** The decision and who made it ("Allowed by you (voice)"), or null while the request waits. */
export function approvalOutcomeWords(approval: CardApproval): string | null {
  const { decision, decidedBy } = approval;
  if (decision === undefined || decidedBy === undefined) return null;
  const words = approvalOutcome(decision, decidedBy, secondsWords(approval.timeoutMs));
  return words.charAt(0).toUpperCase() + words.slice(1);
}
