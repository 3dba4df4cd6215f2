import type { AgentActivityEvent } from '../../core/agent/agent-backend';
import type { Logger } from '../../core/util/logger';

/**
 * The onActivity listeners of a coding-agent backend. Events reach every listener in the order
 * they were emitted, even when a listener answers a request from inside its callback: the
 * approval.resolved that answer causes waits until every listener has seen the approval.requested.
 * A listener that throws is logged and the others still get the event.
 */
export class ActivityListeners {
  private readonly listeners = new Set<(event: AgentActivityEvent) => void>();
  private readonly queue: AgentActivityEvent[] = [];
  private dispatching = false;

  constructor(private readonly logger: Logger) {}

  /** Returns the unsubscribe. */
  add(listener: (event: AgentActivityEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AgentActivityEvent): void {
    this.queue.push(event);
    if (this.dispatching) return; // delivered by the dispatch already running, in order
    this.dispatching = true;
    try {
      for (let next = this.queue.shift(); next !== undefined; next = this.queue.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(next);
          } catch (error) {
            this.logger.warn('an agent activity listener failed', { error: error instanceof Error ? error.message : String(error) });
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }
}
