// Events for one renderer: held back until the renderer says it is listening (`app.ready`), then
// delivered in order. A reload makes the renderer deaf again until its next `app.ready`.
import type { AppStateSnapshot, CommandHandlers, EventEnvelope } from '../../src-shared/ipc-contract';

/** Enough for a long burst of transcript while the window loads; older events give way first. */
export const DEFAULT_OUTBOX_LIMIT = 5_000;

export class EventOutbox {
  private readonly queue: EventEnvelope[] = [];
  private ready = false;
  private dropped = 0;

  constructor(
    private readonly deliver: (envelope: EventEnvelope) => void,
    private readonly limit = DEFAULT_OUTBOX_LIMIT,
  ) {}

  get isReady(): boolean {
    return this.ready;
  }

  /** Events dropped because the queue was full before the renderer was ready. */
  get droppedCount(): number {
    return this.dropped;
  }

  push(envelope: EventEnvelope): void {
    if (this.ready) {
      this.deliver(envelope);
      return;
    }
    // Levels are only worth anything live, and `state` is superseded by the snapshot `app.ready`
    // returns, so neither is queued.
    if (envelope.event === 'levels' || envelope.event === 'state') return;
    if (this.queue.length >= this.limit) {
      this.queue.shift();
      this.dropped += 1;
    }
    this.queue.push(envelope);
  }

  /** The renderer is listening: deliver what waited, in order. */
  markReady(): void {
    if (this.ready) return;
    this.ready = true;
    const waiting = this.queue.splice(0);
    for (const envelope of waiting) this.deliver(envelope);
  }

  /** The renderer went away (reload, navigation): queue again until it is ready. */
  reset(): void {
    this.ready = false;
  }
}

/**
 * The app's command handlers with `app.ready` wired to an outbox: answer the snapshot first, then
 * flush the queued events on the next turn, so they arrive after the snapshot they follow.
 */
export function withReadySignal(commands: CommandHandlers, outbox: EventOutbox): CommandHandlers {
  return {
    ...commands,
    'app.ready': async () => {
      const snapshot: AppStateSnapshot = await commands['app.ready'](undefined);
      setImmediate(() => outbox.markReady());
      return snapshot;
    },
  };
}
