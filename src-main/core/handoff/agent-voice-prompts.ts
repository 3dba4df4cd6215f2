// What Parley tells the voice model while a background agent works: system message items, never
// function outputs (each call takes exactly one, the answer). Short, because each is read by the
// model and may be spoken; the full detail is on the handoff card.
import type { AgentApprovalDecider, AgentApprovalDecision, AgentApprovalRequest, AgentProgressStep } from '../../../src-shared/agent-activity';
import { ANSWER_APPROVAL_TOOL_NAME } from '../protocol/v2-tools';

/** One line of the progress the voice model is told, at most; the card has the rest. */
const MAX_STEP_LINE_CHARS = 160;
/** The approval subject as said to the voice model (a long diff summary is on the card). */
const MAX_SUBJECT_CHARS = 300;

export const ACKNOWLEDGE_PROMPT =
  'The background agent has started on the request. Tell the user in a few words that it is on it ' +
  '(for example "On it, I\u2019ll let you know."). Do not answer the request yourself and do not call any tool.';

export const STEER_ACKNOWLEDGE_PROMPT =
  'The user\u2019s addition was passed to the background agent, which is still working. Tell the user ' +
  'in a few words that the agent has it. Do not call any tool.';

const PROGRESS_HEADER = 'Background agent progress (it is still working):';
const SILENT_PROGRESS_TAIL = 'This is for when the user asks how it is going; do not respond to it now.';
const SPOKEN_PROGRESS_TAIL = 'Give the user a one-sentence update now, then stop. Do not call any tool.';
export const SPOKEN_UPDATE_PROMPT =
  'The background agent is still working. Give the user a one-sentence update on its progress so far, then stop. Do not call any tool.';

function clip(text: string, maxChars: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** A step as one line for the voice model: "Ran npm test (failed)". */
export function stepLine(step: AgentProgressStep): string {
  const outcome = step.status === 'failed' ? ' (failed)' : '';
  return `- ${clip(step.title, MAX_STEP_LINE_CHARS)}${outcome}`;
}

/** Steps since the last item, as one system message; `speak`: the model is asked for an update now. */
export function progressItemText(lines: readonly string[], speak: boolean): string {
  return [PROGRESS_HEADER, ...lines, speak ? SPOKEN_PROGRESS_TAIL : SILENT_PROGRESS_TAIL].join('\n');
}

function actionWords(approval: AgentApprovalRequest): string {
  const subject = clip(approval.subject, MAX_SUBJECT_CHARS);
  switch (approval.kind) {
    case 'command':
      return `run this command: ${subject}`;
    case 'file_change':
      return `change files: ${subject}`;
    case 'other':
      return subject;
  }
}

/** The question the voice model asks the user, with the id its answer must name. */
export function approvalQuestionText(approval: AgentApprovalRequest, timeoutMs: number): string {
  const reason = approval.reason ? ` Its reason: ${clip(approval.reason, MAX_STEP_LINE_CHARS)}.` : '';
  const seconds = Math.round(timeoutMs / 1000);
  return (
    `The background agent asks permission to ${actionWords(approval)}.${reason} ` +
    'Ask the user in one short sentence whether to allow it (say what it wants to do in plain words, not the whole command). ' +
    `When they answer, call ${ANSWER_APPROVAL_TOOL_NAME} with approval_id "${approval.id}" and decision "allow" or "deny". ` +
    `If nobody answers within ${seconds} seconds it is denied.`
  );
}

const DECIDER_WORDS: Record<AgentApprovalDecider, string> = {
  voice: 'by the user, by voice',
  click: 'by the user, on screen',
  policy: 'by the approval policy',
  timeout: 'because nobody answered in time',
  withdrawn: 'because the agent no longer needs it',
  ended: 'because the agent\u2019s task ended',
};

/** Tells the voice model a request it asked about was settled some other way than its tool call. */
export function approvalResolvedText(approvalId: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): string {
  const verb = decision === 'allow' ? 'allowed' : 'denied';
  const speak = decidedBy === 'timeout' ? ' Tell the user in one sentence that it was denied because there was no answer.' : ' Do not ask about it any more.';
  return `The permission request ${approvalId} was ${verb} ${DECIDER_WORDS[decidedBy]}.${speak}`;
}

/** The output of an answer_agent_approval call. */
export function approvalAnswerOutput(decision: AgentApprovalDecision, accepted: boolean): string {
  if (!accepted) return 'That permission request is no longer waiting (it was already answered, timed out or withdrawn). Tell the user briefly.';
  return decision === 'allow'
    ? 'Allowed; the background agent goes on. Confirm to the user in a few words.'
    : 'Denied; the background agent was told. Confirm to the user in a few words.';
}
