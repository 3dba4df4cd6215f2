// Events for one renderer: held back until the renderer says it is listening (`app.ready`), then
// delivered in order. A reload makes the renderer deaf again until its next `app.ready`.
import type { AppState, CommandHandlers, EventEnvelope } from '../../src-shared/ipc-contract';

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
    // Levels are only worth anything live, and `state` patches are superseded by the whole
    // state `app.ready` returns, so neither is queued.
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
 * The app's command handlers with `app.ready` wired to an outbox: the renderer is ready from the
 * moment its state is taken, so every patch after that revision reaches it (it applies the ones
 * newer than the state it got, in order, and asks again if it ever sees a gap).
 */
export function withReadySignal(commands: CommandHandlers, outbox: EventOutbox): CommandHandlers {
  return {
    ...commands,
    'app.ready': async () => {
      const state: AppState = await commands['app.ready'](undefined);
      outbox.markReady();
      return state;
    },
  };
}
