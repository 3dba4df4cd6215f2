import type {
  AgentActivityEvent,
  AgentApprovalDecision,
  AgentApprovalRequest,
  AgentBackend,
  AgentRequest,
  AgentStreamEvent,
} from '../../core/agent/agent-backend';
import type { Logger } from '../../core/util/logger';

/** A coding-agent backend (Codex app server, ACP) that reports activity and takes answers. */
export interface ApprovingAgentBackend extends AgentBackend {
  onActivity(listener: (event: AgentActivityEvent) => void): () => void;
  answerApproval(id: string, decision: AgentApprovalDecision): boolean;
}

/**
 * Until Parley can put a permission request in front of the user (a card and a spoken question),
 * nobody can answer one: left alone it would hold the agent for the whole approval timeout and
 * then be denied without a word. Instead every request the policy did not answer by itself is
 * denied at once, and the request running then gets a `notice` (shown on the handoff card, never
 * spoken) saying what was denied and how to allow it. The agent hears "declined" and carries on.
 */
export function denyUnaskedApprovals(backend: ApprovingAgentBackend, logger: Logger, howToAllow: string): AgentBackend {
  const notices: string[] = [];
  let wake: (() => void) | undefined;
  let runningRequests = 0;

  const unsubscribe = backend.onActivity((event) => {
    if (event.type !== 'approval.requested') return;
    const { approval } = event;
    backend.answerApproval(approval.id, 'deny');
    const text = deniedNotice(approval, howToAllow);
    logger.info('an agent permission request was denied: Parley cannot ask for approval yet', { kind: approval.kind });
    if (runningRequests === 0) return; // nothing to show it on
    notices.push(text);
    wake?.();
  });

  async function* runRequest(request: AgentRequest): AsyncGenerator<AgentStreamEvent> {
    runningRequests++;
    const iterator = backend.runRequest(request)[Symbol.asyncIterator]();
    let finished = false;
    try {
      let next = iterator.next();
      for (;;) {
        while (notices.length > 0) yield { type: 'notice', text: notices.shift()! };
        const noticeArrived = new Promise<'notice'>((resolve) => (wake = () => resolve('notice')));
        const winner = await Promise.race([next, noticeArrived]);
        wake = undefined;
        if (winner === 'notice') continue;
        if (winner.done) {
          finished = true;
          while (notices.length > 0) yield { type: 'notice', text: notices.shift()! };
          return;
        }
        yield winner.value;
        next = iterator.next();
      }
    } catch (error) {
      finished = true; // the inner stream threw: it has ended itself
      throw error;
    } finally {
      runningRequests--;
      if (runningRequests === 0) notices.length = 0;
      // The consumer left early (abort, break): the inner stream's own cleanup must run.
      if (!finished) void iterator.return?.().catch(() => undefined);
    }
  }

  return {
    kind: backend.kind,
    delegates: backend.delegates,
    runRequest,
    ...(backend.steer ? { steer: (input: string) => backend.steer!(input) } : {}),
    reset: () => backend.reset(),
    async dispose() {
      unsubscribe();
      await backend.dispose();
    },
  };
}

function deniedNotice(approval: AgentApprovalRequest, howToAllow: string): string {
  const what = approval.kind === 'command' ? `run ${approval.subject}` : approval.kind === 'file_change' ? approval.subject.replace(/^Change /, 'change ') : approval.subject;
  const subject = what.length > 200 ? what.slice(0, 199) + '…' : what;
  return `Denied the agent's request to ${subject}: Parley cannot ask you for approval yet. ${howToAllow}`;
}
