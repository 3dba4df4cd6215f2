import type { AgentApprovalPolicy, AgentSandbox } from '../../../src-shared/ipc-contract';
import type { AgentBackend, AgentBackendKind } from '../../core/agent/agent-backend';
import type { Logger } from '../../core/util/logger';
import { CodexBackend } from './codex/codex-backend';
import { DEFAULT_APPROVAL_TIMEOUT_MS } from './codex/codex-approvals';
import { createCommandBackend } from './command-backend';
import { lazyAgentBackend } from './lazy-agent-backend';
import { createNoneBackend } from './none-backend';
import { createResponsesBackend } from './responses-backend';

export type { AgentApprovalPolicy, AgentSandbox };

/**
 * The defaults: actions that only read are allowed without asking, anything else is put to the
 * user (the handoff card and a spoken question, through the backend's onActivity and
 * answerApproval) and denied if nobody answers within the approval timeout. Codex works inside the
 * working folder without asking ('workspace-write'), so it asks only to go beyond it.
 */
export const DEFAULT_AGENT_APPROVAL_POLICY: AgentApprovalPolicy = 'allow-read-only';
export const DEFAULT_AGENT_SANDBOX: AgentSandbox = 'workspace-write';
/** How long a permission request waits for the user before it is denied. */
export const DEFAULT_AGENT_APPROVAL_TIMEOUT_MS = DEFAULT_APPROVAL_TIMEOUT_MS;

export interface AgentBackendSettings {
  readonly kind: AgentBackendKind;
  readonly apiKey: string | undefined;
  readonly url: string | undefined;
  readonly model: string | undefined;
  readonly instructions: string | undefined;
  /** command: the command line run per turn; codex: the program (default `codex`); acp: the agent's command line. */
  readonly command: string | undefined;
  readonly cwd: string | undefined;
  readonly timeoutMs: number | undefined;
  /** Responses only: attempts per request on 429/5xx/unreachable. Default 4. */
  readonly maxAttempts?: number;
  /** Responses only: characters of conversation resent per request. Default 200000. */
  readonly historyBudgetChars?: number;
  /** Codex only: config overrides as `key=value` (TOML values), passed as `-c key=value`. */
  readonly config?: readonly string[];
  /** Codex and ACP: default DEFAULT_AGENT_APPROVAL_POLICY. */
  readonly approvalPolicy?: AgentApprovalPolicy;
  /** Codex and ACP: an unanswered permission request is denied after this; default DEFAULT_AGENT_APPROVAL_TIMEOUT_MS (60 s). */
  readonly approvalTimeoutMs?: number;
  /** Codex only: default DEFAULT_AGENT_SANDBOX. */
  readonly sandbox?: AgentSandbox;
  /** Codex and ACP: added to (and overriding) this process's environment, e.g. CODEX_HOME. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** One place that turns settings (from flags or the settings store) into an agent backend. */
export function createAgentBackend(settings: AgentBackendSettings, logger: Logger): AgentBackend {
  switch (settings.kind) {
    case 'responses':
      return createResponsesBackend({
        apiKey: settings.apiKey,
        baseUrl: settings.url,
        model: settings.model,
        instructions: settings.instructions,
        requestTimeoutMs: settings.timeoutMs,
        maxAttempts: settings.maxAttempts,
        historyBudgetChars: settings.historyBudgetChars,
        logger,
      });
    case 'command':
      return createCommandBackend({ command: settings.command ?? '', cwd: settings.cwd, timeoutMs: settings.timeoutMs, logger });
    // Both report steps and permission requests (onActivity) and take the user's answers
    // (answerApproval): the core puts the requests on the handoff card and asks aloud.
    case 'codex':
      return new CodexBackend({
        program: settings.command ?? 'codex',
        cwd: settings.cwd ?? process.cwd(),
        ...(settings.model ? { model: settings.model } : {}),
        config: settings.config ?? [],
        approvalPolicy: settings.approvalPolicy ?? DEFAULT_AGENT_APPROVAL_POLICY,
        approvalTimeoutMs: settings.approvalTimeoutMs ?? DEFAULT_AGENT_APPROVAL_TIMEOUT_MS,
        sandbox: settings.sandbox ?? DEFAULT_AGENT_SANDBOX,
        ...(settings.env ? { env: settings.env } : {}),
        logger,
      });
    case 'acp':
      // Loaded on the first handoff: the ACP SDK costs start time and memory (lazy-agent-backend.ts).
      return lazyAgentBackend(
        'acp',
        async () =>
          (await import('./acp/acp-backend')).createAcpBackend({
            command: settings.command ?? '',
            cwd: settings.cwd ?? process.cwd(),
            approvalPolicy: settings.approvalPolicy ?? DEFAULT_AGENT_APPROVAL_POLICY,
            approvalTimeoutMs: settings.approvalTimeoutMs ?? DEFAULT_AGENT_APPROVAL_TIMEOUT_MS,
            ...(settings.timeoutMs !== undefined ? { promptTimeoutMs: settings.timeoutMs } : {}),
            ...(settings.env ? { env: settings.env } : {}),
            logger,
          }),
        logger,
      );
    case 'none':
      return createNoneBackend();
  }
}
