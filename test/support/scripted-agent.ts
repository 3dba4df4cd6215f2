import type { AgentBackend, AgentRequest, AgentStreamEvent } from '../../src-main/core/agent/agent-backend';
import { AgentError } from '../../src-main/core/agent/agent-backend';

/**
 * An in-process agent whose requests the test finishes by hand: `reply(text)` completes the
 * oldest open request with one message, `fail(reason)` fails it. Records every request.
 */
export class ScriptedAgent implements AgentBackend {
  readonly kind = 'responses' as const;
  readonly delegates = true;
  readonly requests: AgentRequest[] = [];
  private readonly open: Array<{ resolve: (events: AgentStreamEvent[] | Error) => void }> = [];
  private readonly waiters = new Set<() => void>();

  runRequest(request: AgentRequest): AsyncIterable<AgentStreamEvent> {
    this.requests.push(request);
    const outcome = new Promise<AgentStreamEvent[] | Error>((resolve) => {
      this.open.push({ resolve });
      request.signal.addEventListener('abort', () => resolve(new DOMException('aborted', 'AbortError')));
    });
    for (const wake of [...this.waiters]) wake();
    return (async function* () {
      const result = await outcome;
      if (result instanceof Error) throw result;
      yield* result;
    })();
  }

  reply(text: string): void {
    this.next().resolve([{ type: 'text.delta', delta: text }, { type: 'message.completed', text }]);
  }

  fail(reason: string): void {
    this.next().resolve(new AgentError('agent_http_error', reason));
  }

  async waitForRequests(count: number): Promise<void> {
    while (this.requests.length < count) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.waiters.delete(wake);
          resolve();
        };
        this.waiters.add(wake);
      });
    }
  }

  reset(): void {}

  async dispose(): Promise<void> {}

  private next() {
    const entry = this.open.shift();
    if (!entry) throw new Error('ScriptedAgent: no open request to finish');
    return entry;
  }
}

/** Lets queued promise callbacks run. */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
