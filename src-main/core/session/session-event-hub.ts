import type { SessionEvent } from '../../../src-shared/session-events';
import { toDisposable, type Disposable } from '../util/disposable';
import type { Logger } from '../util/logger';

export type SessionEventListener = (event: SessionEvent) => void;

/** Fan-out of session events. A listener that throws is logged and does not stop the others. */
export class SessionEventHub {
  private readonly listeners = new Set<SessionEventListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: SessionEventListener): Disposable {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  }

  emit(event: SessionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.logger.error('session event listener threw', { event: event.type, error: String(error) });
      }
    }
  }
}
