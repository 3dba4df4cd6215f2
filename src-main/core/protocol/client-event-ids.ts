import type { OutboundMessage } from './outbound-message';

/** What a client event was sent for: an outbound message's type, or the session configuration. */
export type ClientEventPurpose = OutboundMessage['type'] | 'session.update';

/**
 * How many sent events are remembered. An `error` naming an event comes back within a round trip,
 * long before this many other remembered events are sent (audio appends are not remembered).
 */
export const REMEMBERED_CLIENT_EVENTS = 64;

/**
 * The `event_id`s of one connection's client events (`evt_1`, `evt_2`, …) and, for the latest few,
 * what each was for, so an `error` that names one is tied to its request instead of guessed from
 * its text.
 */
export class ClientEventIds {
  private counter = 0;
  private readonly purposes = new Map<string, ClientEventPurpose>();

  /** A new id; `remember: false` for the hot path (audio), whose errors change no state. */
  next(purpose: ClientEventPurpose, remember = true): string {
    const eventId = `evt_${++this.counter}`;
    if (!remember) return eventId;
    this.purposes.set(eventId, purpose);
    if (this.purposes.size > REMEMBERED_CLIENT_EVENTS) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.purposes.keys().next().value;
      if (oldest !== undefined) this.purposes.delete(oldest);
    }
    return eventId;
  }

  purposeOf(eventId: string | undefined): ClientEventPurpose | undefined {
    return eventId === undefined ? undefined : this.purposes.get(eventId);
  }
}
