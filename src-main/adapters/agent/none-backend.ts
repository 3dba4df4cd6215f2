import { AgentError, type AgentBackend, type AgentStreamEvent } from '../../core/agent/agent-backend';

/** No background agent: handoffs are shown but not delegated. */
export function createNoneBackend(): AgentBackend {
  return {
    kind: 'none',
    delegates: false,
    // eslint-disable-next-line require-yield -- a stream that fails before its first event
    async *runRequest(): AsyncGenerator<AgentStreamEvent> {
      throw new AgentError('agent_misconfigured', 'no agent backend is configured');
    },
    reset(): void {},
    async dispose(): Promise<void> {},
  };
}
