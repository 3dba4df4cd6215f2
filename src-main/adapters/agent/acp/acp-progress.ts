import type { SessionUpdate, ToolCallContent, ToolCallStatus, ToolCallUpdate, ToolKind } from '@agentclientprotocol/sdk';
import type { AgentProgressKind, AgentProgressStep } from '../../../core/agent/agent-backend';

/**
 * Turns one prompt's session/update notifications into the steps shown on the handoff card:
 * plans, tool calls (commands, file edits, reads…) as they start and finish, the agent's
 * thinking, and the messages it writes between tools. Tool calls are remembered by id because
 * their updates carry only what changed. Chunks of thought and text are not steps by
 * themselves: a run of them becomes one step when it starts and again when it ends, so the card
 * is not flooded one word at a time.
 */

/** One line on the card; longer titles are cut. */
const TITLE_MAX_CHARS = 120;
/** The card's details for one step (thought text, command output); longer is cut from the front. */
const DETAIL_MAX_CHARS = 4_000;

export interface ToolCallState {
  readonly toolCallId: string;
  title: string;
  kind: ToolKind | undefined;
  status: ToolCallStatus;
  content: ToolCallContent[];
  rawInput: unknown;
}

type Segment = { readonly kind: 'reasoning' | 'message'; readonly id: string; text: string };

export class AcpProgress {
  private readonly toolCalls = new Map<string, ToolCallState>();
  private segment: Segment | undefined;
  private segmentCount = 0;

  /** `prefix` keeps step ids unique across the prompts of one session. */
  constructor(private readonly prefix: string) {}

  /** The tool call as last described, for a permission request that names it. */
  toolCall(id: string): ToolCallState | undefined {
    return this.toolCalls.get(id);
  }

  /** The steps this update adds or changes (often none). */
  apply(update: SessionUpdate): AgentProgressStep[] {
    switch (update.sessionUpdate) {
      case 'agent_thought_chunk':
        return this.chunk('reasoning', update.content.type === 'text' ? update.content.text : '');
      case 'agent_message_chunk':
        // The answer itself streams as text; a message only becomes a step when a tool follows it.
        return this.chunk('message', update.content.type === 'text' ? update.content.text : '', false);
      case 'plan': {
        const ended = this.endSegment();
        const entries = update.entries;
        const done = entries.filter((entry) => entry.status === 'completed').length;
        const current = entries.find((entry) => entry.status === 'in_progress');
        const title = current ? `Plan: ${done} of ${entries.length} done, now ${current.content}` : `Plan: ${done} of ${entries.length} done`;
        const detail = entries.map((entry) => `${PLAN_MARK[entry.status]} ${entry.content}`).join('\n');
        return [...ended, step(`${this.prefix}plan`, 'plan', title, done === entries.length ? 'completed' : 'started', detail)];
      }
      case 'tool_call': {
        const ended = this.endSegment();
        const state: ToolCallState = {
          toolCallId: update.toolCallId,
          title: update.title,
          kind: update.kind,
          status: update.status ?? 'pending',
          content: update.content ?? [],
          rawInput: update.rawInput,
        };
        this.toolCalls.set(update.toolCallId, state);
        return [...ended, toolStep(state)];
      }
      case 'tool_call_update': {
        const state = this.mergeToolCall(update);
        return [...this.endSegment(), toolStep(state)];
      }
      default:
        return [];
    }
  }

  /** The prompt has ended: close a thought or message run still open. */
  finish(): AgentProgressStep[] {
    return this.endSegment(true);
  }

  /** Records what a permission request says about its tool call, and returns the whole of it. */
  mergeToolCall(update: ToolCallUpdate): ToolCallState {
    const known = this.toolCalls.get(update.toolCallId);
    const state: ToolCallState = known ?? {
      toolCallId: update.toolCallId,
      title: update.title ?? 'Tool call',
      kind: undefined,
      status: 'pending',
      content: [],
      rawInput: undefined,
    };
    if (update.title) state.title = update.title;
    if (update.kind) state.kind = update.kind;
    if (update.status) state.status = update.status;
    if (update.content) state.content = update.content;
    if (update.rawInput !== undefined) state.rawInput = update.rawInput;
    this.toolCalls.set(update.toolCallId, state);
    return state;
  }

  private chunk(kind: Segment['kind'], text: string, showStart = true): AgentProgressStep[] {
    if (this.segment?.kind === kind) {
      this.segment.text += text;
      return [];
    }
    const ended = this.endSegment();
    this.segment = { kind, id: `${this.prefix}${kind}-${++this.segmentCount}`, text };
    if (!showStart) return ended;
    return [...ended, step(this.segment.id, kind, kind === 'reasoning' ? 'Thinking' : 'Writing', 'started')];
  }

  /** A message run that ends the prompt is the answer itself: it is not repeated as a step. */
  private endSegment(promptEnded = false): AgentProgressStep[] {
    const segment = this.segment;
    this.segment = undefined;
    if (!segment) return [];
    const text = segment.text.trim();
    if (segment.kind === 'message' && (promptEnded || text.length === 0)) return [];
    const title = text.length > 0 ? firstLine(text) : segment.kind === 'reasoning' ? 'Thought' : 'Message';
    return [step(segment.id, segment.kind, title, 'completed', tail(text))];
  }
}

const PLAN_MARK = { pending: '[ ]', in_progress: '[~]', completed: '[x]' } as const;

const STATUS: Record<ToolCallStatus, AgentProgressStep['status']> = {
  pending: 'started',
  in_progress: 'started',
  completed: 'completed',
  failed: 'failed',
};

export function progressKindOf(kind: ToolKind | undefined): AgentProgressKind {
  if (kind === 'execute') return 'command';
  if (kind === 'edit' || kind === 'delete' || kind === 'move') return 'file_change';
  if (kind === 'think') return 'reasoning';
  return 'tool_call';
}

function toolStep(state: ToolCallState): AgentProgressStep {
  const detail = describeContent(state.content);
  return step(state.toolCallId, progressKindOf(state.kind), state.title, STATUS[state.status], detail || undefined);
}

/** Diffs as "path (+a −b)", text content as is, terminals by id. */
export function describeContent(content: readonly ToolCallContent[]): string {
  const parts: string[] = [];
  for (const item of content) {
    if (item.type === 'diff') parts.push(diffSummary(item.path, item.oldText ?? null, item.newText));
    else if (item.type === 'content' && item.content.type === 'text') parts.push(item.content.text);
    else if (item.type === 'terminal') parts.push(`terminal ${item.terminalId}`);
  }
  return tail(parts.join('\n'));
}

/** "src/app.ts (+12 −3)", counting lines only one side has (a rough diff, enough for a card). */
export function diffSummary(path: string, oldText: string | null, newText: string): string {
  if (oldText === null) return `${path} (new file, ${lineCount(newText)} lines)`;
  const before = countLines(oldText);
  const after = countLines(newText);
  let added = 0;
  let removed = 0;
  for (const [line, count] of after) added += Math.max(0, count - (before.get(line) ?? 0));
  for (const [line, count] of before) removed += Math.max(0, count - (after.get(line) ?? 0));
  return `${path} (+${added} −${removed})`;
}

function countLines(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

function lineCount(text: string): number {
  return text.length === 0 ? 0 : text.split('\n').length;
}

function step(id: string, kind: AgentProgressKind, title: string, status: AgentProgressStep['status'], detail?: string): AgentProgressStep {
  const cut = title.length > TITLE_MAX_CHARS ? title.slice(0, TITLE_MAX_CHARS - 1) + '…' : title;
  return detail ? { id, kind, title: cut, status, detail } : { id, kind, title: cut, status };
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

function tail(text: string): string {
  return text.length > DETAIL_MAX_CHARS ? '…' + text.slice(-(DETAIL_MAX_CHARS - 1)) : text;
}
