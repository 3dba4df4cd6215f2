// An agent backend that declines requests while a budget cap is reached: the handoff controller
// asks `declineReason()` before it starts or steers a turn, and tells the voice model why not.
// Everything else passes straight to the backend it wraps (optional verbs stay optional).
import type { AgentBackend } from '../core/agent/agent-backend';

export function budgetGatedAgent(agent: AgentBackend, budgetDeclineReason: () => string | undefined): AgentBackend {
  const { steer, onActivity, answerApproval } = agent;
  return {
    kind: agent.kind,
    delegates: agent.delegates,
    runRequest: (request) => agent.runRequest(request),
    ...(steer ? { steer: (input: string) => steer.call(agent, input) } : {}),
    ...(onActivity ? { onActivity: (listener: Parameters<typeof onActivity>[0]) => onActivity.call(agent, listener) } : {}),
    ...(answerApproval ? { answerApproval: (...args: Parameters<typeof answerApproval>) => answerApproval.apply(agent, args) } : {}),
    declineReason: () => budgetDeclineReason() ?? agent.declineReason?.(),
    reset: () => agent.reset(),
    dispose: () => agent.dispose(),
  };
}
