import type { AgentApprovalPolicy, AgentSandbox } from '../../../src-shared/ipc-contract';
import type { AgentBackend, AgentBackendKind } from '../../core/agent/agent-backend';
import type { Logger } from '../../core/util/logger';
import { createAcpBackend } from './acp/acp-backend';
import { CodexBackend } from './codex/codex-backend';
import { createCommandBackend } from './command-backend';
import { denyUnaskedApprovals } from './deny-unasked-approvals';
import { createNoneBackend } from './none-backend';
import { createResponsesBackend } from './responses-backend';

export type { AgentApprovalPolicy, AgentSandbox };

/**
 * The defaults while Parley cannot yet ask the user (no approval card or spoken question): actions
 * that only read are allowed, anything else is denied at once with a notice on the card. Codex
 * works inside the working folder without asking ('workspace-write'); it asks only to go beyond.
 */
export const DEFAULT_AGENT_APPROVAL_POLICY: AgentApprovalPolicy = 'allow-read-only';
export const DEFAULT_AGENT_SANDBOX: AgentSandbox = 'workspace-write';

const HOW_TO_ALLOW = 'To let the agent do this without asking, set its approval policy to never ask (Settings › Agent, or --agent-approval never-ask).';

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
    case 'codex':
      return denyUnaskedApprovals(
        new CodexBackend({
          program: settings.command ?? 'codex',
          cwd: settings.cwd ?? process.cwd(),
          ...(settings.model ? { model: settings.model } : {}),
          config: settings.config ?? [],
          approvalPolicy: settings.approvalPolicy ?? DEFAULT_AGENT_APPROVAL_POLICY,
          sandbox: settings.sandbox ?? DEFAULT_AGENT_SANDBOX,
          ...(settings.env ? { env: settings.env } : {}),
          logger,
        }),
        logger,
        HOW_TO_ALLOW,
      );
    case 'acp':
      return denyUnaskedApprovals(
        createAcpBackend({
          command: settings.command ?? '',
          cwd: settings.cwd ?? process.cwd(),
          approvalPolicy: settings.approvalPolicy ?? DEFAULT_AGENT_APPROVAL_POLICY,
          ...(settings.timeoutMs !== undefined ? { promptTimeoutMs: settings.timeoutMs } : {}),
          ...(settings.env ? { env: settings.env } : {}),
          logger,
        }),
        logger,
        HOW_TO_ALLOW,
      );
    case 'none':
      return createNoneBackend();
  }
}
