// The function tools the v2 voice model is given, and how their arguments are read back.
import type { AgentApprovalDecision } from '../../../src-shared/agent-activity';
import { isObject } from './json-fields';

export const HANDOFF_TOOL_NAME = 'background_agent';
/** The voice model's way to say nothing: speech that was not meant for it (someone else in the room). */
export const REMAIN_SILENT_TOOL_NAME = 'remain_silent';
/** The voice model passes on the user's spoken answer to an agent's permission request. */
export const ANSWER_APPROVAL_TOOL_NAME = 'answer_agent_approval';

const HANDOFF_TOOL = {
  type: 'function',
  name: HANDOFF_TOOL_NAME,
  description:
    'Hand the request to a background agent that can take time, use tools, read and change files, ' +
    'and research. Call it whenever the user asks for something you cannot do yourself in a ' +
    'sentence or two. Tell the user briefly that you are on it; the answer arrives later as the ' +
    'output of this call, and you then tell the user what it says.',
  parameters: {
    type: 'object',
    properties: {
      prompt: { type: 'string', description: 'The complete request for the agent, in the user\u2019s words plus any needed context.' },
    },
    required: ['prompt'],
  },
} as const;

const REMAIN_SILENT_TOOL = {
  type: 'function',
  name: REMAIN_SILENT_TOOL_NAME,
  description:
    'Stay silent this turn. Call it, and say nothing, when what you heard was not meant for you: ' +
    'people talking to each other in the room, someone on a phone call, a television or radio, or ' +
    'words that do not address you and ask nothing of you. Do not call it when the user speaks to ' +
    'you, asks you something or answers you; if you cannot tell, answer as usual.',
  parameters: { type: 'object', properties: {} },
} as const;

const ANSWER_APPROVAL_TOOL = {
  type: 'function',
  name: ANSWER_APPROVAL_TOOL_NAME,
  description:
    'Pass on the user\u2019s answer to a permission request of the background agent. Call it only ' +
    'after the agent asked for permission (a system message gives the approval_id) and the user ' +
    'clearly said yes or no to it; never decide for the user. If the answer is unclear, ask again.',
  parameters: {
    type: 'object',
    properties: {
      approval_id: { type: 'string', description: 'The id the permission request came with.' },
      decision: { type: 'string', enum: ['allow', 'deny'], description: 'allow: the user said yes; deny: the user said no.' },
    },
    required: ['approval_id', 'decision'],
  },
} as const;

/** Every tool of a v2 session, in the order the session.update lists them. */
export const V2_TOOLS = [HANDOFF_TOOL, REMAIN_SILENT_TOOL, ANSWER_APPROVAL_TOOL] as const;

/** The tool's `prompt` argument; the raw arguments string when it is not the JSON we asked for. */
export function promptFromArguments(rawArguments: unknown): string {
  if (typeof rawArguments !== 'string') return '';
  try {
    const parsed: unknown = JSON.parse(rawArguments);
    if (isObject(parsed) && typeof parsed['prompt'] === 'string') return parsed['prompt'];
  } catch {
    // fall through to the raw text: better a rough request than none
  }
  return rawArguments;
}

export type ApprovalAnswerArguments =
  | { readonly ok: true; readonly approvalId: string; readonly decision: AgentApprovalDecision }
  | { readonly ok: false; readonly problem: string };

/** answer_agent_approval's arguments, or what is wrong with them (said back to the voice model). */
export function approvalAnswerFromArguments(rawArguments: string): ApprovalAnswerArguments {
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawArguments);
  } catch {
    return { ok: false, problem: 'the arguments were not JSON' };
  }
  if (!isObject(parsed)) return { ok: false, problem: 'the arguments were not an object' };
  const approvalId = parsed['approval_id'];
  const decision = parsed['decision'];
  if (typeof approvalId !== 'string' || approvalId.trim() === '') return { ok: false, problem: 'approval_id is missing' };
  if (decision !== 'allow' && decision !== 'deny') return { ok: false, problem: 'decision must be "allow" or "deny"' };
  return { ok: true, approvalId: approvalId.trim(), decision };
}
