/**
 * The part of the `codex app-server` protocol (v2, as printed by `codex app-server
 * generate-json-schema` of @openai/codex 0.171.0) that Parley uses. Method names are verbatim;
 * shapes list only the fields read here, and every field read is checked where it is used,
 * since the server's messages arrive as untyped JSON.
 */

export const CodexMethod = {
  initialize: 'initialize',
  initialized: 'initialized',
  threadStart: 'thread/start',
  threadResume: 'thread/resume',
  turnStart: 'turn/start',
  turnSteer: 'turn/steer',
  turnInterrupt: 'turn/interrupt',
} as const;

export const CodexNotification = {
  turnStarted: 'turn/started',
  turnCompleted: 'turn/completed',
  turnPlanUpdated: 'turn/plan/updated',
  itemStarted: 'item/started',
  itemCompleted: 'item/completed',
  agentMessageDelta: 'item/agentMessage/delta',
  serverRequestResolved: 'serverRequest/resolved',
  error: 'error',
} as const;

export const CodexServerRequest = {
  commandApproval: 'item/commandExecution/requestApproval',
  fileChangeApproval: 'item/fileChange/requestApproval',
} as const;

/** `AskForApproval` (string forms); "untrusted" is refused by 0.171 ("no longer supported"). */
export type CodexAskForApproval = 'on-request' | 'never';
export type CodexSandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

export type CodexUserInput = { readonly type: 'text'; readonly text: string };

export type CodexTurnStatus = 'completed' | 'interrupted' | 'failed' | 'inProgress';

export interface CodexTurn {
  readonly id: string;
  readonly status: CodexTurnStatus;
  readonly error?: { readonly message?: string } | null;
}

export interface CodexCommandAction {
  /** read | listFiles | search | unknown */
  readonly type: string;
  readonly command?: string;
}

export interface CodexFileUpdateChange {
  readonly path: string;
  readonly kind: { readonly type: 'add' | 'delete' | 'update'; readonly move_path?: string | null };
  readonly diff: string;
}

/** `ThreadItem`: the kinds Parley shows, plus a catch-all for the many it does not. */
export type CodexThreadItem =
  | { readonly type: 'agentMessage'; readonly id: string; readonly text: string; readonly phase?: string | null }
  | { readonly type: 'plan'; readonly id: string; readonly text: string }
  | { readonly type: 'reasoning'; readonly id: string; readonly summary?: readonly string[]; readonly content?: readonly string[] }
  | {
      readonly type: 'commandExecution';
      readonly id: string;
      readonly command: string;
      readonly commandActions?: readonly CodexCommandAction[];
      readonly status: 'inProgress' | 'completed' | 'failed' | 'declined';
      readonly exitCode?: number | null;
      readonly aggregatedOutput?: string | null;
    }
  | {
      readonly type: 'fileChange';
      readonly id: string;
      readonly changes: readonly CodexFileUpdateChange[];
      readonly status: 'inProgress' | 'completed' | 'failed' | 'declined';
    }
  | { readonly type: 'mcpToolCall'; readonly id: string; readonly server: string; readonly tool: string; readonly status: string }
  | { readonly type: 'dynamicToolCall'; readonly id: string; readonly tool: string; readonly status: string }
  | { readonly type: 'webSearch'; readonly id: string; readonly query: string }
  | { readonly type: 'userMessage'; readonly id: string };

export interface CodexPlanStep {
  readonly step: string;
  readonly status: 'pending' | 'inProgress' | 'completed';
}

export interface CodexCommandApprovalParams {
  readonly threadId: string;
  readonly turnId: string;
  readonly itemId: string;
  readonly command?: string | null;
  readonly commandActions?: readonly CodexCommandAction[] | null;
  readonly cwd?: string | null;
  readonly reason?: string | null;
  /** Not in the printed schema, but sent by 0.171: e.g. ["accept", {...}, "cancel"]. */
  readonly availableDecisions?: readonly unknown[] | null;
}

export interface CodexFileChangeApprovalParams {
  readonly threadId: string;
  readonly turnId: string;
  readonly itemId: string;
  readonly reason?: string | null;
  readonly grantRoot?: string | null;
}

/** `CommandExecutionApprovalDecision` / `FileChangeApprovalDecision` (string forms). */
export type CodexApprovalDecision = 'accept' | 'acceptForSession' | 'decline' | 'cancel';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(value: unknown, name: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[name];
  return typeof field === 'string' ? field : undefined;
}
