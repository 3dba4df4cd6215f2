import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../core/util/errors';
import { silentLogger, type Logger } from '../../core/util/logger';
import type { AgentApprovalRecord, HistoryRecord, HistorySummary } from './history-record';
import { approvalAction, approvalOutcome } from '../../../src-shared/agent-approval-words';
import { HISTORY_FILE_SUFFIX, isMessageRecord } from './history-recorder';
import { addUsage, describeUsage, EMPTY_USAGE_TOTALS, type UsageTotals } from '../../../src-shared/usage';
import { formatUsd, noPriceText } from '../../../src-shared/pricing';

const TITLE_MAX_CHARS = 80;
const SESSION_ID_PATTERN = /^[A-Za-z0-9._-]+$/;

/** Reads a session's records; a damaged line (a crash mid-write) is skipped, not fatal. */
export function readHistory(directory: string, sessionId: string): HistoryRecord[] {
  if (!SESSION_ID_PATTERN.test(sessionId)) throw new Error(`"${sessionId}" is not a session id`);
  const text = readFileSync(join(directory, `${sessionId}${HISTORY_FILE_SUFFIX}`), 'utf8');
  const records: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      records.push(JSON.parse(line) as HistoryRecord);
    } catch {
      // a torn last line: keep everything before it
    }
  }
  return records;
}

/**
 * Every recorded session that had a message, newest first. A file without one (left by an
 * earlier version that wrote on connect, or by a crash during the first write) is not listed and
 * is removed: the recorder writes a session's first record together with its first message, so
 * no live session can be caught in between.
 */
export function listHistory(directory: string, logger: Logger = silentLogger): HistorySummary[] {
  let names: string[];
  try {
    names = readdirSync(directory).filter((name) => name.endsWith(HISTORY_FILE_SUFFIX));
  } catch {
    return [];
  }
  const summaries: HistorySummary[] = [];
  for (const name of names) {
    const sessionId = name.slice(0, -HISTORY_FILE_SUFFIX.length);
    const records = readHistory(directory, sessionId);
    if (records.some(isMessageRecord)) summaries.push(summarize(sessionId, conversationOrder(records)));
    else removeEmptySession(directory, name, logger);
  }
  return summaries.sort((a, b) => b.startedAt - a.startedAt);
}

function removeEmptySession(directory: string, name: string, logger: Logger): void {
  try {
    rmSync(join(directory, name), { force: true });
  } catch (error) {
    // Still not listed; the next listing tries again.
    logger.warn('could not remove an empty history file', { file: name, error: errorMessage(error) });
  }
}

/**
 * The records as the conversation went: v2 transcript lines in item order (after the item they
 * follow; a later line for the same item replaces its text in place), and every request that
 * steered a running agent turn folded into that turn's handoff (`steers`), so a steered handoff
 * is one handoff, and so is every permission request decided during it (`approvals`). v1 lines
 * carry no item ids and keep their order.
 */
export function conversationOrder(records: readonly HistoryRecord[]): HistoryRecord[] {
  const ordered: HistoryRecord[] = [];
  const turnOf = new Map<string, string>();
  for (const record of records) {
    if (record.kind === 'transcript' && record.itemId !== undefined) {
      const same = ordered.findIndex((candidate) => candidate.kind === 'transcript' && candidate.itemId === record.itemId);
      if (same >= 0) ordered[same] = { ...(ordered[same] as typeof record), text: record.text };
      else ordered.splice(placeAfter(ordered, record.afterItemId), 0, record);
      continue;
    }
    if (record.kind === 'handoff.joined') {
      const turnId = turnOf.get(record.turnHandoffId) ?? record.turnHandoffId;
      const turn = ordered.findIndex((candidate) => candidate.kind === 'handoff' && candidate.handoffId === turnId);
      const handoff = turn >= 0 ? ordered[turn] : undefined;
      if (handoff?.kind === 'handoff') {
        ordered[turn] = { ...handoff, steers: [...(handoff.steers ?? []), record.agentText] };
        turnOf.set(record.handoffId, turnId);
      } else {
        ordered.push({ kind: 'handoff', at: record.at, handoffId: record.handoffId, agentText: record.agentText });
      }
      continue;
    }
    if (record.kind === 'agent.approval') {
      const turnId = turnOf.get(record.handoffId) ?? record.handoffId;
      const turn = ordered.findIndex((candidate) => candidate.kind === 'handoff' && candidate.handoffId === turnId);
      const handoff = turn >= 0 ? ordered[turn] : undefined;
      // Without its handoff (a file cut short) it stays where it happened.
      if (handoff?.kind === 'handoff') ordered[turn] = { ...handoff, approvals: [...(handoff.approvals ?? []), record] };
      else ordered.push(record);
      continue;
    }
    if (record.kind === 'handoff' && record.itemId !== undefined) {
      ordered.splice(placeAfter(ordered, record.afterItemId), 0, record);
      continue;
    }
    ordered.push(record);
  }
  return ordered;
}

/** Where a line that follows `afterItemId` goes: after that item, first (null), or last when unknown. */
function placeAfter(ordered: readonly HistoryRecord[], afterItemId: string | null | undefined): number {
  if (afterItemId === undefined) return ordered.length;
  if (afterItemId === null) {
    const started = ordered.findIndex((record) => record.kind === 'session.started');
    return started + 1;
  }
  for (let index = ordered.length - 1; index >= 0; index--) {
    const record = ordered[index]!;
    if ((record.kind === 'transcript' || record.kind === 'handoff') && record.itemId === afterItemId) return index + 1;
  }
  return ordered.length;
}

function summarize(sessionId: string, records: readonly HistoryRecord[]): HistorySummary {
  const started = records.find((record) => record.kind === 'session.started');
  const ended = records.find((record) => record.kind === 'session.ended');
  const firstWords = records.find((record) => (record.kind === 'transcript' && record.role === 'user') || record.kind === 'typed');
  const title = firstWords && 'text' in firstWords ? shorten(firstWords.text) : 'Untitled conversation';
  return {
    sessionId,
    startedAt: started?.at ?? 0,
    endedAt: ended?.at,
    title,
    transcriptEntries: records.filter((record) => record.kind === 'transcript' || record.kind === 'typed').length,
    handoffs: records.filter((record) => record.kind === 'handoff').length,
  };
}

/** The conversation as Markdown: who said what, and each handoff with the agent's answer. */
export function historyToMarkdown(sessionId: string, records: readonly HistoryRecord[]): string {
  const ordered = conversationOrder(records);
  const summary = summarize(sessionId, ordered);
  const lines = [`# ${summary.title}`, '', `Session ${sessionId}, ${new Date(summary.startedAt).toISOString()}`, ''];
  for (const record of ordered) {
    switch (record.kind) {
      case 'transcript':
        lines.push(`**${record.role === 'user' ? 'You' : 'Assistant'}:** ${record.text}`, '');
        break;
      case 'typed':
        lines.push(`**You (typed):** ${record.text}`, '');
        break;
      case 'handoff':
        lines.push('> **Sent to the agent:**', ...quoted(record.agentText));
        for (const steer of record.steers ?? []) lines.push('>', '> **Added while the agent worked:**', ...quoted(steer));
        lines.push('');
        if (record.approvals?.length) lines.push(...record.approvals.flatMap(approvalLines), '');
        break;
      case 'agent.approval':
        lines.push(...approvalLines(record), '');
        break;
      case 'agent.answer':
        lines.push(`**Agent:** ${record.text}`, '');
        break;
      case 'agent.failed':
        lines.push(`**Agent failed:** ${record.reason}`, '');
        break;
      default:
        break;
    }
  }
  const usage = sessionUsage(records);
  if (usage.responses > 0) lines.push('---', '', `Tokens used: ${describeUsage(usage)} over ${usage.responses} ${usage.responses === 1 ? 'reply' : 'replies'}.`, '');
  const cost = sessionCost(records);
  if (cost.priced > 0) lines.push(`Cost: ${formatUsd(cost.usd)}${cost.unpricedModels.length > 0 ? ` (${cost.unpricedModels.map(noPriceText).join(', ')})` : ''}.`, '');
  return lines.join('\n').trimEnd() + '\n';
}

/** The session's cost: the sum of its priced `cost` records, and the models that had no price. */
export function sessionCost(records: readonly HistoryRecord[]): { readonly usd: number; readonly priced: number; readonly unpricedModels: readonly string[] } {
  let usd = 0;
  let priced = 0;
  const unpriced = new Set<string>();
  for (const record of records) {
    if (record.kind !== 'cost') continue;
    if (record.usd === undefined) unpriced.add(record.model);
    else {
      usd += record.usd;
      priced++;
    }
  }
  return { usd, priced, unpricedModels: [...unpriced] };
}

/** The session's usage: the sum of its `usage` records. */
export function sessionUsage(records: readonly HistoryRecord[]): UsageTotals {
  let totals = EMPTY_USAGE_TOTALS;
  for (const record of records) {
    if (record.kind !== 'usage') continue;
    const { kind: _kind, at: _at, responseId: _responseId, ...usage } = record;
    totals = addUsage(totals, usage);
  }
  return totals;
}

/** `- Approval: run `npm test` — allowed by you (voice)`, with the agent's reason when it gave one. */
function approvalLines(record: AgentApprovalRecord): string[] {
  const outcome = approvalOutcome(record.decision, record.decidedBy);
  const reason = record.reason?.trim() ? ` The agent's reason: ${oneLine(record.reason)}` : '';
  const subject = record.subject.replace(/\r\n?/g, '\n').trim();
  if (!subject.includes('\n')) return [`- Approval: ${approvalAction(record.approvalKind)} ${inlineCode(subject)} — ${outcome}.${reason}`];
  // Several lines (files and a diff summary): a code block under the item keeps them as they were.
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(subject) + 1));
  return [`- Approval: ${approvalAction(record.approvalKind)} — ${outcome}.${reason}`, '', `  ${fence}`, ...subject.split('\n').map((line) => `  ${line}`), `  ${fence}`];
}

/** A code span that holds any text: its fence is longer than any run of backticks inside. */
function inlineCode(text: string): string {
  const fence = '`'.repeat(longestBacktickRun(text) + 1);
  const padding = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${padding}${text}${padding}${fence}`;
}

function longestBacktickRun(text: string): number {
  return Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function quoted(text: string): string[] {
  return text.split('\n').map((line) => `> ${line}`);
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > TITLE_MAX_CHARS ? flat.slice(0, TITLE_MAX_CHARS - 1) + '…' : flat;
}
