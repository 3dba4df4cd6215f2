import type { PermissionOption, RequestPermissionOutcome, ToolKind } from '@agentclientprotocol/sdk';
import type { AgentApprovalDecision, AgentApprovalKind, AgentApprovalRequest } from '../../../core/agent/agent-backend';
import { describeContent, type ToolCallState } from './acp-progress';

/**
 * The agent's session/request_permission, as Parley answers it. The policy may answer by itself
 * ('never-ask' allows everything, 'allow-read-only' allows what only reads); otherwise the request
 * is shown (approval.requested) and waits for answerApproval. No answer within the timeout denies
 * it; a cancelled prompt answers it 'cancelled', as the protocol asks of clients.
 */

export type AcpApprovalPolicy = 'always-ask' | 'allow-read-only' | 'never-ask';

export const DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;

/** Tool kinds that change nothing (a fetch reads from the network; a thought touches nothing). */
const READ_ONLY_KINDS: ReadonlySet<ToolKind> = new Set<ToolKind>(['read', 'search', 'fetch', 'think']);

interface Pending {
  readonly options: readonly PermissionOption[];
  readonly resolve: (outcome: RequestPermissionOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

export interface ApprovalAsk {
  readonly toolCall: ToolCallState;
  readonly options: readonly PermissionOption[];
  /** Aborts when the agent withdraws the request or the prompt is cancelled. */
  readonly signal: AbortSignal;
}

export class AcpApprovals {
  private readonly pending = new Map<string, Pending>();
  private count = 0;

  constructor(
    private readonly policy: AcpApprovalPolicy,
    private readonly timeoutMs: number,
    private readonly show: (approval: AgentApprovalRequest) => void,
  ) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  /** The outcome to send back to the agent. */
  ask(request: ApprovalAsk): Promise<RequestPermissionOutcome> {
    const approval = describeApproval(`approval-${++this.count}`, request.toolCall);
    if (this.policy === 'never-ask' || (this.policy === 'allow-read-only' && approval.readOnly)) {
      return Promise.resolve(outcomeFor(request.options, 'allow'));
    }
    if (request.signal.aborted) return Promise.resolve({ outcome: 'cancelled' });
    return new Promise((resolve) => {
      const finish = (outcome: RequestPermissionOutcome): void => {
        const entry = this.pending.get(approval.id);
        if (!entry) return;
        this.pending.delete(approval.id);
        clearTimeout(entry.timer);
        request.signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const onAbort = (): void => finish({ outcome: 'cancelled' });
      const timer = setTimeout(() => finish(outcomeFor(request.options, 'deny')), this.timeoutMs);
      this.pending.set(approval.id, { options: request.options, resolve: finish, timer });
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.show(approval);
    });
  }

  /** False when no such request is waiting (answered, timed out or withdrawn). */
  answer(id: string, decision: AgentApprovalDecision): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    entry.resolve(outcomeFor(entry.options, decision));
    return true;
  }

  /** Every waiting request is answered 'cancelled' (the prompt was cancelled, or the agent is gone). */
  cancelAll(): void {
    for (const entry of [...this.pending.values()]) entry.resolve({ outcome: 'cancelled' });
  }
}

/**
 * The option matching the decision: a one-time choice first, so a spoken "yes" never grants more
 * than this one action; the "always" kind only when the agent offers nothing else. With no
 * option of the right sort the request is answered as cancelled.
 */
export function outcomeFor(options: readonly PermissionOption[], decision: AgentApprovalDecision): RequestPermissionOutcome {
  const preferred = decision === 'allow' ? (['allow_once', 'allow_always'] as const) : (['reject_once', 'reject_always'] as const);
  for (const kind of preferred) {
    const option = options.find((candidate) => candidate.kind === kind);
    if (option) return { outcome: 'selected', optionId: option.optionId };
  }
  return { outcome: 'cancelled' };
}

export function describeApproval(id: string, toolCall: ToolCallState): AgentApprovalRequest {
  const kind: AgentApprovalKind =
    toolCall.kind === 'execute' ? 'command' : toolCall.kind === 'edit' || toolCall.kind === 'delete' || toolCall.kind === 'move' ? 'file_change' : 'other';
  const command = kind === 'command' ? commandOf(toolCall.rawInput) : undefined;
  const details = describeContent(toolCall.content);
  const subject = command ?? (details && kind === 'file_change' ? details : toolCall.title);
  const reason = subject === toolCall.title ? (details || undefined) : toolCall.title;
  const approval: AgentApprovalRequest = {
    id,
    kind,
    subject,
    readOnly: toolCall.kind !== undefined && READ_ONLY_KINDS.has(toolCall.kind),
  };
  return reason && reason !== subject ? { ...approval, reason } : approval;
}

/** The command line from a tool's raw input, where the agent gives one (`command` as text or argv). */
function commandOf(rawInput: unknown): string | undefined {
  if (typeof rawInput !== 'object' || rawInput === null) return undefined;
  const command = (rawInput as { command?: unknown }).command;
  if (typeof command === 'string' && command.length > 0) return command;
  if (Array.isArray(command) && command.every((part) => typeof part === 'string') && command.length > 0) return command.join(' ');
  return undefined;
}
