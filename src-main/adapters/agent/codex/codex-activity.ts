import type { AgentProgressStep } from '../../../core/agent/agent-backend';
import type { CodexCommandAction, CodexFileUpdateChange, CodexPlanStep, CodexThreadItem } from './codex-protocol';

/**
 * Codex's thread items and plan updates as the handoff card's progress steps. One step per item
 * id: `item/started` opens it, `item/completed` settles it. The title is one line for the card;
 * the detail holds what does not fit (output tail, diff summary) and is never spoken.
 */

const TITLE_MAX_CHARS = 160;
const OUTPUT_TAIL_MAX_CHARS = 2_000;

/** The step for a thread item, or undefined for items the card does not show (the user's own message). */
export function progressFromItem(item: CodexThreadItem, phase: 'started' | 'completed'): AgentProgressStep | undefined {
  switch (item.type) {
    case 'commandExecution': {
      const command = readableCommand(item.command);
      const status = item.status === 'failed' || item.status === 'declined' ? 'failed' : phase === 'started' ? 'started' : 'completed';
      const verb = phase === 'started' ? 'Running' : item.status === 'declined' ? 'Not run' : 'Ran';
      const exit = typeof item.exitCode === 'number' && item.exitCode !== 0 ? ` (exit code ${item.exitCode})` : '';
      const output = item.aggregatedOutput ? item.aggregatedOutput.slice(-OUTPUT_TAIL_MAX_CHARS) : undefined;
      return { id: item.id, kind: 'command', title: oneLine(`${verb} ${command}${exit}`), status, ...(output ? { detail: output } : {}) };
    }
    case 'fileChange': {
      const status = item.status === 'failed' || item.status === 'declined' ? 'failed' : phase === 'started' ? 'started' : 'completed';
      const verb = phase === 'started' ? 'Editing' : item.status === 'declined' ? 'Not changed:' : 'Edited';
      return { id: item.id, kind: 'file_change', title: oneLine(`${verb} ${changeSummary(item.changes)}`), status, detail: diffDetail(item.changes) };
    }
    case 'agentMessage':
      if (phase === 'started') return undefined; // the text is still empty; the completed item carries it
      return { id: item.id, kind: 'message', title: oneLine(item.text), detail: item.text, status: 'completed' };
    case 'plan':
      return { id: item.id, kind: 'plan', title: oneLine(`Plan: ${item.text}`), detail: item.text, status: phase === 'started' ? 'started' : 'completed' };
    case 'reasoning': {
      const summary = [...(item.summary ?? [])].join('\n').trim();
      if (phase === 'started' && summary.length === 0) return { id: item.id, kind: 'reasoning', title: 'Thinking', status: 'started' };
      return { id: item.id, kind: 'reasoning', title: oneLine(summary.length > 0 ? summary : 'Thought it through'), status: phase === 'started' ? 'started' : 'completed', ...(summary ? { detail: summary } : {}) };
    }
    case 'mcpToolCall':
      return toolStep(item.id, `${item.server}.${item.tool}`, item.status, phase);
    case 'dynamicToolCall':
      return toolStep(item.id, item.tool, item.status, phase);
    case 'webSearch':
      return { id: item.id, kind: 'tool_call', title: oneLine(`Searched the web${item.query ? ': ' + item.query : ''}`), status: phase === 'started' ? 'started' : 'completed' };
    default:
      return undefined;
  }
}

/** `turn/plan/updated`: one step per turn, updated in place ("Plan: 2 of 5 done"). */
export function progressFromPlan(turnId: string, plan: readonly CodexPlanStep[], explanation: string | undefined): AgentProgressStep {
  const done = plan.filter((step) => step.status === 'completed').length;
  const current = plan.find((step) => step.status === 'inProgress');
  const title = `Plan: ${done} of ${plan.length} done${current ? ` — ${current.step}` : ''}`;
  const lines = plan.map((step) => `${step.status === 'completed' ? '[x]' : step.status === 'inProgress' ? '[>]' : '[ ]'} ${step.step}`);
  if (explanation) lines.unshift(explanation);
  return { id: `plan:${turnId}`, kind: 'plan', title: oneLine(title), detail: lines.join('\n'), status: done === plan.length && plan.length > 0 ? 'completed' : 'started' };
}

/**
 * The command as the user would type it: Codex runs `/bin/bash -lc '<script>'`; the script is
 * what the agent asked for, so that is shown (exactly, with the shell's quoting undone).
 */
export function readableCommand(command: string): string {
  const match = /^(?:\S*\/)?(?:bash|sh|zsh|dash)\s+-l?c\s+'((?:[^']|'\\'')*)'$/s.exec(command.trim());
  return match ? match[1]!.replace(/'\\''/g, "'") : command.trim();
}

/** True when every parsed action of a command only reads: reading files, listing or searching them. */
export function commandOnlyReads(actions: readonly CodexCommandAction[] | null | undefined): boolean {
  if (!actions || actions.length === 0) return false;
  return actions.every((action) => action.type === 'read' || action.type === 'listFiles' || action.type === 'search');
}

/** "src/app.ts (+12 −3), new notes.md (+4)" */
export function changeSummary(changes: readonly CodexFileUpdateChange[]): string {
  if (changes.length === 0) return 'files';
  return changes
    .map((change) => {
      const { added, removed } = countDiffLines(change.diff);
      const counts = removed > 0 ? `(+${added} −${removed})` : `(+${added})`;
      const path = change.kind.type === 'update' && change.kind.move_path ? `${change.path} → ${change.kind.move_path}` : change.path;
      const prefix = change.kind.type === 'add' ? 'new ' : change.kind.type === 'delete' ? 'deleted ' : '';
      return `${prefix}${path} ${counts}`;
    })
    .join(', ');
}

function diffDetail(changes: readonly CodexFileUpdateChange[]): string {
  return changes.map((change) => `${change.path}\n${change.diff}`).join('\n').slice(0, OUTPUT_TAIL_MAX_CHARS);
}

function countDiffLines(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++') || line.startsWith('---')) continue;
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  // An added file's "diff" may be its bare content.
  if (added === 0 && removed === 0 && diff.length > 0) added = diff.split('\n').filter((line) => line.length > 0).length;
  return { added, removed };
}

function toolStep(id: string, name: string, status: string, phase: 'started' | 'completed'): AgentProgressStep {
  const failed = status === 'failed';
  return { id, kind: 'tool_call', title: oneLine(`${phase === 'started' ? 'Calling' : failed ? 'Failed' : 'Called'} ${name}`), status: failed ? 'failed' : phase };
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_MAX_CHARS ? line.slice(0, TITLE_MAX_CHARS - 1) + '…' : line;
}
