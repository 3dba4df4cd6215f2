import type { AgentBackend, AgentBackendKind } from '../../core/agent/agent-backend';
import type { Logger } from '../../core/util/logger';
import { createCommandBackend } from './command-backend';
import { createNoneBackend } from './none-backend';
import { createResponsesBackend } from './responses-backend';

export interface AgentBackendSettings {
  readonly kind: AgentBackendKind;
  readonly apiKey: string | undefined;
  readonly url: string | undefined;
  readonly model: string | undefined;
  readonly instructions: string | undefined;
  readonly command: string | undefined;
  readonly cwd: string | undefined;
  readonly timeoutMs: number | undefined;
  /** Responses only: attempts per request on 429/5xx/unreachable. Default 4. */
  readonly maxAttempts?: number;
  /** Responses only: characters of conversation resent per request. Default 200000. */
  readonly historyBudgetChars?: number;
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
    case 'none':
      return createNoneBackend();
  }
}
