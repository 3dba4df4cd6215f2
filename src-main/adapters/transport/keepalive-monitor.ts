import type { KeepaliveOptions } from '../../core/protocol/transport';

export interface KeepaliveMonitorOptions extends KeepaliveOptions {
  /** Sends one ping; called every intervalMs while the connection still counts as alive. */
  ping(): void;
  /** Called once, after the monitor has stopped itself, when nothing was heard for deadAfterMs. */
  onDead(silentForMs: number): void;
  /** A monotonic clock in ms; performance.now by default (wall-clock jumps must not kill a call). */
  now?: () => number;
}

/**
 * Decides when a quiet connection is dead. The owner reports every sign of life (`heard`); a
 * timer pings every intervalMs and declares death on the first tick that finds deadAfterMs of
 * silence, so death is reported between deadAfterMs and deadAfterMs + intervalMs after the last
 * sign of life. The timer is unref'd: it never keeps the process alive on its own.
 */
export class KeepaliveMonitor {
  private readonly now: () => number;
  private lastHeardAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: KeepaliveMonitorOptions) {
    const { intervalMs, deadAfterMs } = options;
    if (!(Number.isFinite(intervalMs) && intervalMs > 0 && Number.isFinite(deadAfterMs) && deadAfterMs >= intervalMs)) {
      throw new RangeError(
        `keepalive needs 0 < intervalMs <= deadAfterMs (finite), got intervalMs=${intervalMs} deadAfterMs=${deadAfterMs}: ` +
          'pass DEFAULT_KEEPALIVE or positive values with deadAfterMs at least one interval.',
      );
    }
    this.now = options.now ?? (() => performance.now());
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts counting silence from now. Calling it again while running changes nothing. */
  start(): void {
    if (this.timer) return;
    this.lastHeardAt = this.now();
    this.timer = setInterval(() => this.tick(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Any frame or pong from the server. */
  heard(): void {
    this.lastHeardAt = this.now();
  }

  /** Idempotent; after it, no ping and no onDead. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private tick(): void {
    const silentForMs = this.now() - this.lastHeardAt;
    if (silentForMs >= this.options.deadAfterMs) {
      this.stop();
      this.options.onDead(silentForMs);
      return;
    }
    this.options.ping();
  }
}

/** The close reason for a connection the keepalive declared dead, e.g. "no answer from the server for 20 s". */
export function describeDeadConnection(deadAfterMs: number): string {
  return `no answer from the server for ${Number((deadAfterMs / 1_000).toFixed(1))} s`;
}
