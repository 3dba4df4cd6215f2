import type { Logger } from '../util/logger';
import { errorMessage } from '../util/errors';
import type { RecordedLine } from './conversation-record';
import type { PreparedConnection } from './prepared-connection';
import { QUIET_CHECK_INTERVAL_MS, renewalSchedule, type RenewalSchedule, type ResilienceOptions } from './resilience';

/** A renewal whose new connection failed tries again this much later (until the deadline). */
export const RENEWAL_RETRY_MS = 5_000;

/** What a renewal needs from the voice session it renews. */
export interface RenewalHost {
  readonly resilience: ResilienceOptions;
  readonly logger: Logger;
  /** The session is live: a renewal may start (or go on). */
  canRenew(): boolean;
  /** Nothing would be cut by a switch now (see LiveConversation.isQuiet). */
  isQuiet(): boolean;
  /** A reply is under way (see LiveConversation.isResponding). */
  isResponding(): boolean;
  /** The conversation as it is now, to tell later what was said after the seed. */
  markConversation(): ReadonlyMap<string, RecordedLine>;
  /** Opens the next session, seeded, beside the current one; resolves once the server confirmed it. */
  prepare(): Promise<PreparedConnection>;
  /** Switch the conversation over to the prepared session (`seedMark`: when its seed was taken). */
  switchTo(prepared: PreparedConnection, seedMark: ReadonlyMap<string, RecordedLine>, preparedAt: number): void;
  /** Preparing failed up to the deadline: renew the hard way, through a reconnect. */
  reconnectAtLimit(): void;
  /** Runs a timer callback so that whatever it throws is reported, never thrown. */
  guarded(where: string, callback: () => void): () => void;
  /** Starts work without waiting for it; a rejection is reported. */
  runDetached(where: string, work: () => Promise<void>): void;
  /** The renewal began (`renewing`); the switch is reported by the host. */
  onRenewing(): void;
}

interface Attempt {
  readonly startedAt: number;
  readonly seedMark: ReadonlyMap<string, RecordedLine>;
  prepared: PreparedConnection | undefined;
  /** When the server confirmed the prepared session: its own time limit runs from here. */
  preparedAt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Renews the realtime session before the provider's time limit, make before break: from the
 * renewal window on, the next session is opened and confirmed beside the current one, which goes
 * on carrying the conversation; the switch waits for a quiet moment, from `forceAt` only for a
 * reply to end, and at the deadline for nothing. One attempt at a time; `cancel()` closes what it
 * opened.
 */
export class SessionRenewal {
  private timer: NodeJS.Timeout | undefined;
  private attempt: Attempt | undefined;

  constructor(private readonly host: RenewalHost) {}

  /** Plans the renewal of a session the server started at `sessionStartedAt`. */
  arm(sessionStartedAt: number): void {
    this.cancel();
    const schedule = renewalSchedule(sessionStartedAt, this.host.resilience);
    this.schedulePrepare(schedule, schedule.lookFrom, false);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const attempt = this.attempt;
    this.attempt = undefined;
    if (attempt?.timer) clearTimeout(attempt.timer);
    attempt?.prepared?.connection.close();
  }

  private schedulePrepare(schedule: RenewalSchedule, at: number, retry: boolean): void {
    this.timer = setTimeout(
      this.host.guarded('the renewal timer', () => {
        this.timer = undefined;
        if (retry && Date.now() >= schedule.deadlineAt) this.host.reconnectAtLimit();
        else this.host.runDetached('the renewal', () => this.prepare(schedule));
      }),
      Math.max(0, at - Date.now()),
    );
  }

  private async prepare(schedule: RenewalSchedule): Promise<void> {
    const { host } = this;
    if (!host.canRenew() || this.attempt) return;
    const attempt: Attempt = { startedAt: Date.now(), seedMark: host.markConversation(), prepared: undefined, preparedAt: 0, timer: undefined };
    this.attempt = attempt;
    host.onRenewing();
    let prepared: PreparedConnection;
    try {
      prepared = await host.prepare();
    } catch (error) {
      if (this.attempt !== attempt) return;
      this.attempt = undefined;
      host.logger.warn('preparing the next realtime session failed', { error: errorMessage(error) });
      // The current session still works: try again later, or reconnect once the deadline is here.
      this.schedulePrepare(schedule, Math.min(Date.now() + RENEWAL_RETRY_MS, schedule.deadlineAt), true);
      return;
    }
    if (this.attempt !== attempt || !host.canRenew()) {
      prepared.connection.close();
      return;
    }
    attempt.prepared = prepared;
    attempt.preparedAt = Date.now();
    this.switchWhenQuiet(attempt, schedule);
  }

  private switchWhenQuiet(attempt: Attempt, schedule: RenewalSchedule): void {
    attempt.timer = undefined;
    const prepared = attempt.prepared;
    if (this.attempt !== attempt || !prepared || !this.host.canRenew()) return;
    const now = Date.now();
    if (now >= schedule.deadlineAt || (now >= schedule.forceAt && !this.host.isResponding()) || this.host.isQuiet()) {
      this.attempt = undefined;
      this.host.logger.info('switching to the renewed realtime session', {
        preparedInMs: attempt.preparedAt - attempt.startedAt,
        waitedMs: now - attempt.preparedAt,
      });
      this.host.switchTo(prepared, attempt.seedMark, attempt.preparedAt);
      return;
    }
    attempt.timer = setTimeout(this.host.guarded('the renewal', () => this.switchWhenQuiet(attempt, schedule)), QUIET_CHECK_INTERVAL_MS);
  }
}
