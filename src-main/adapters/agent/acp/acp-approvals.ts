import { RequestError, type PermissionOption, type RequestPermissionOutcome, type ToolKind } from '@agentclientprotocol/sdk';
import type {
  AgentActivityEvent,
  AgentApprovalDecider,
  AgentApprovalDecision,
  AgentApprovalKind,
  AgentApprovalRequest,
} from '../../../core/agent/agent-backend';
import { describeContent, type ToolCallState } from './acp-progress';

/**
 * The agent's session/request_permission, as Parley answers it. The policy may answer by itself
 * ('never-ask' allows everything, 'allow-read-only' allows what only reads): nothing is announced
 * then. Otherwise the request is announced (approval.requested) and waits for answerApproval, and
 * however it ends it is announced once more, as approval.resolved: answered (by voice or click),
 * denied when the timeout passes ('timeout'), withdrawn by the agent (`$/cancel_request`:
 * 'withdrawn'), or answered 'cancelled' because its prompt was cancelled, the agent went away or
 * the backend shut down ('ended'; the protocol asks clients to answer 'cancelled' then).
 */

export type AcpApprovalPolicy = 'always-ask' | 'allow-read-only' | 'never-ask';

export const DEFAULT_APPROVAL_TIMEOUT_MS = 60_000;

/** JSON-RPC's "request cancelled": the reason a `$/cancel_request` from the agent aborts with. */
const REQUEST_CANCELLED_CODE = -32800;

/** Tool kinds that change nothing (a fetch reads from the network; a thought touches nothing). */
const READ_ONLY_KINDS: ReadonlySet<ToolKind> = new Set<ToolKind>(['read', 'search', 'fetch', 'think']);

interface Pending {
  readonly options: readonly PermissionOption[];
  readonly finish: (outcome: RequestPermissionOutcome, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider) => void;
}

export interface ApprovalAsk {
  readonly toolCall: ToolCallState;
  readonly options: readonly PermissionOption[];
  /** Aborts when the agent withdraws the request (`$/cancel_request`) or the connection closes. */
  readonly signal: AbortSignal;
}

export class AcpApprovals {
  private readonly pending = new Map<string, Pending>();
  private count = 0;

  constructor(
    private readonly policy: AcpApprovalPolicy,
    private readonly timeoutMs: number,
    private readonly emit: (event: AgentActivityEvent) => void,
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
      const finish = (outcome: RequestPermissionOutcome, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): void => {
        if (!this.pending.delete(approval.id)) return; // answered already: exactly once
        clearTimeout(timer);
        request.signal.removeEventListener('abort', onAbort);
        this.emit({ type: 'approval.resolved', id: approval.id, decision, decidedBy });
        resolve(outcome);
      };
      // The agent's `$/cancel_request` withdraws it; a closed connection means the agent is gone.
      const onAbort = (): void => finish({ outcome: 'cancelled' }, 'deny', isRequestCancelled(request.signal.reason) ? 'withdrawn' : 'ended');
      const timer = setTimeout(() => finish(outcomeFor(request.options, 'deny'), 'deny', 'timeout'), this.timeoutMs);
      this.pending.set(approval.id, { options: request.options, finish });
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.emit({ type: 'approval.requested', approval, timeoutMs: this.timeoutMs });
    });
  }

  /** False when no such request is waiting (answered, timed out, withdrawn or ended). */
  answer(id: string, decision: AgentApprovalDecision, decidedBy: AgentApprovalDecider): boolean {
    const entry = this.pending.get(id);
    if (!entry) return false;
    entry.finish(outcomeFor(entry.options, decision), decision, decidedBy);
    return true;
  }

  /** Every waiting request is answered 'cancelled': its prompt was cancelled, or the agent is going away. */
  endAll(): void {
    for (const entry of [...this.pending.values()]) entry.finish({ outcome: 'cancelled' }, 'deny', 'ended');
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
  if (Array.isArray(command) && command.every((part) => typeof part === 'string') && command.length > 0) return commandFromArgv(command);
  return undefined;
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash']);

/**
 * An argv as the user would type it: agents like codex-acp run `['/bin/bash', '-lc', script]`, and
 * the script is what was asked for, so that is what the card shows and the user is asked about.
 */
export function commandFromArgv(argv: readonly string[]): string {
  const [program, flag, script, ...rest] = argv;
  const shell = program?.split('/').pop() ?? '';
  if (rest.length === 0 && script !== undefined && flag !== undefined && /^-l?c$/.test(flag) && SHELLS.has(shell)) return script;
  return argv.join(' ');
}

function isRequestCancelled(reason: unknown): boolean {
  return reason instanceof RequestError && reason.code === REQUEST_CANCELLED_CODE;
}
