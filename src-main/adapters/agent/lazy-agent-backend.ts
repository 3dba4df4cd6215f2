import type { AgentBackend, AgentBackendKind, AgentRequest, AgentStreamEvent } from '../../core/agent/agent-backend';
import type { Logger } from '../../core/util/logger';
import { ActivityListeners } from './activity-listeners';

/**
 * A backend whose module is loaded on its first request, not at start: the ACP backend pulls in
 * the protocol SDK's schemas (about 37 ms and 16 MB measured in the compiled command), which a
 * run that never hands off, or only prints its help, should not pay for. Listeners subscribed
 * before the load are attached once it is done; until then nothing is waiting for an answer.
 */
export function lazyAgentBackend(kind: AgentBackendKind, load: () => Promise<AgentBackend>, logger: Logger): AgentBackend {
  const listeners = new ActivityListeners(logger);
  let loaded: AgentBackend | undefined;
  let loading: Promise<AgentBackend> | undefined;
  let disposed = false;

  const ensure = (): Promise<AgentBackend> => {
    loading ??= load().then((backend) => {
      loaded = backend;
      backend.onActivity?.((event) => listeners.emit(event));
      return backend;
    });
    return loading;
  };

  async function* runRequest(request: AgentRequest): AsyncGenerator<AgentStreamEvent> {
    const backend = await ensure();
    yield* backend.runRequest(request);
  }

  return {
    kind,
    delegates: true,
    runRequest,
    steer: async (input) => (await ensure()).steer?.(input) ?? false,
    onActivity: (listener) => listeners.add(listener),
    answerApproval: (id, decision, decidedBy) => loaded?.answerApproval?.(id, decision, decidedBy) ?? false,
    reset: () => loaded?.reset(),
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (loading) await (await loading.catch(() => undefined))?.dispose();
    },
  };
}
