import type { SessionEvent } from '../../../src-shared/session-events';
import { toDisposable, type Disposable } from '../util/disposable';
import type { Logger } from '../util/logger';

export type SessionEventListener = (event: SessionEvent) => void;

/** Fan-out of session events. A listener that throws is logged and does not stop the others. */
export class SessionEventHub {
  /** An array, replaced on (un)subscribe: emit runs once per audio frame and only reads it. */
  private listeners: readonly SessionEventListener[] = [];

  constructor(private readonly logger: Logger) {}

  subscribe(listener: SessionEventListener): Disposable {
    this.listeners = [...this.listeners, listener];
    return toDisposable(() => {
      this.listeners = this.listeners.filter((candidate) => candidate !== listener);
    });
  }

  emit(event: SessionEvent): void {
    const listeners = this.listeners;
    for (let index = 0; index < listeners.length; index++) {
      try {
        listeners[index]!(event);
      } catch (error) {
        this.logger.error('session event listener threw', { event: event.type, error: String(error) });
      }
    }
  }
}
