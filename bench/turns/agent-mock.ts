/**
 * The background agent for bench:turns: test/support/mock-responses-server.ts (the Responses API
 * over SSE) with one gated reply per handoff. Each reply sends `response.created` at once and
 * holds the rest (the answer's text, its item, `response.completed`) until the benchmark calls
 * `answer(n)`: everything after the gate is written in the same tick, so the moment `answer`
 * records is when the answer left the agent.
 */
import { assistantMessageEvents, startMockResponsesServer, type MockResponsesServer } from '../../test/support/mock-responses-server';

/** Replies beyond the planned handoffs, answered at once, so an unexpected request does not fail the agent. */
const SPARE_REPLIES = 3;

export interface AgentMock {
  /** "http://127.0.0.1:PORT/v1": Parley's --agent-url. */
  readonly baseUrl: string;
  readonly requestCount: number;
  /** Resolves with the arrival time of request number `n` (1-based). */
  waitForRequest(n: number, timeoutMs: number): Promise<number>;
  /** Releases the answer to request `n`; returns when it was sent (performance.now()). */
  answer(n: number): number;
  close(): Promise<void>;
}

export async function startAgentMock(handoffs: number, answerText: (n: number) => string): Promise<AgentMock> {
  const releases: (() => void)[] = [];
  const replies = Array.from({ length: handoffs }, (_, index) => {
    const gate = new Promise<void>((resolve) => releases.push(resolve));
    return { kind: 'sse' as const, events: assistantMessageEvents(`resp_agent_${index + 1}`, `msg_agent_${index + 1}`, answerText(index + 1)), gate };
  });
  for (let spare = 0; spare < SPARE_REPLIES; spare++) {
    replies.push({ kind: 'sse', events: assistantMessageEvents(`resp_spare_${spare + 1}`, `msg_spare_${spare + 1}`, 'Nothing more to add.'), gate: Promise.resolve() });
  }
  const server: MockResponsesServer = await startMockResponsesServer(replies);
  const arrivals: number[] = [];
  // Request arrival times: the server records requests as they come; the first check after each is stamped.
  let watching = true;
  const watch = async (): Promise<void> => {
    while (watching) {
      try {
        await server.waitForRequests(arrivals.length + 1, 1_000);
        arrivals.push(performance.now());
      } catch {
        // nothing yet: look again
      }
    }
  };
  void watch();
  return {
    baseUrl: server.baseUrl,
    get requestCount() {
      return server.requests.length;
    },
    async waitForRequest(n, timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      while (arrivals.length < n) {
        if (performance.now() > deadline) throw new Error(`the agent mock got ${arrivals.length} of ${n} requests within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return arrivals[n - 1]!;
    },
    answer(n) {
      const release = releases[n - 1];
      if (!release) throw new Error(`the agent mock has no planned reply ${n} (of ${handoffs})`);
      const at = performance.now();
      release();
      return at;
    },
    async close() {
      watching = false;
      for (const release of releases) release();
      await server.close();
    },
  };
}
