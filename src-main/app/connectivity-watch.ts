// Sleep, wake and the network going away: the voice session is told, so a connection that cannot
// last is closed at once and no reconnect is tried until the machine is awake and online again.
import { toDisposable, type Disposable } from '../core/util/disposable';
import type { Logger } from '../core/util/logger';

/** How often the network is looked at (Electron has no online/offline event in main). */
export const ONLINE_CHECK_INTERVAL_MS = 3_000;

export interface PowerEvents {
  on(event: 'suspend' | 'resume', listener: () => void): unknown;
  removeListener(event: 'suspend' | 'resume', listener: () => void): unknown;
}

export interface ConnectionControl {
  suspendConnection(reason: string): void;
  resumeConnection(): void;
}

export interface ConnectivityWatchOptions {
  readonly power: PowerEvents;
  /** Electron's `net.isOnline()`. */
  readonly isOnline: () => boolean;
  readonly session: ConnectionControl;
  readonly logger: Logger;
  readonly intervalMs?: number;
}

/**
 * One reason at a time holds the connection: asleep or offline. Waking while still offline (or
 * coming online while asleep) does not resume; the last of the two to clear does, once.
 */
export function watchConnectivity(options: ConnectivityWatchOptions): Disposable {
  const { power, session, logger } = options;
  let asleep = false;
  let offline = !options.isOnline();

  const update = (wasHeld: boolean, reason: string): void => {
    const held = asleep || offline;
    if (held && !wasHeld) {
      logger.info('connection held', { reason });
      session.suspendConnection(reason);
    } else if (!held && wasHeld) {
      logger.info('connection released', { reason });
      session.resumeConnection();
    }
  };
  const onSuspend = (): void => {
    const wasHeld = asleep || offline;
    asleep = true;
    update(wasHeld, 'the computer is going to sleep');
  };
  const onResume = (): void => {
    const wasHeld = asleep || offline;
    asleep = false;
    offline = !options.isOnline();
    update(wasHeld, 'the computer woke up');
  };
  const checkOnline = (): void => {
    const wasHeld = asleep || offline;
    offline = !options.isOnline();
    update(wasHeld, offline ? 'the network is unavailable' : 'the network is back');
  };

  power.on('suspend', onSuspend);
  power.on('resume', onResume);
  const timer = setInterval(checkOnline, options.intervalMs ?? ONLINE_CHECK_INTERVAL_MS);
  timer.unref();
  return toDisposable(() => {
    clearInterval(timer);
    power.removeListener('suspend', onSuspend);
    power.removeListener('resume', onResume);
  });
}
