import type { SessionEvent, TranscriptEntryEvent } from '../../../src-shared/session-events';
import { redactSecrets, unsafeTailStart } from '../util/redact';

type DeltaEvent = Extract<SessionEvent, { type: 'transcript.delta' }>;

/** What a held stream needs to send its tail later: the last event of that stream, as a template. */
interface HeldStream {
  /** Raw text not released yet (it could be the start of a secret). */
  raw: string;
  /** The raw character just before `raw` (a key shape only starts at a word boundary). */
  before: string;
  template: TranscriptEntryEvent | DeltaEvent;
}

/**
 * Redaction of transcript text that arrives in pieces. Redacting each piece alone would let a
 * secret split across two deltas through (half in each), so each stream (an entry, and the raw
 * deltas of one role and item) holds back the tail of its text that could be the start of a
 * registered secret or a key shape (`unsafeTailStart` in util/redact.ts) and releases it, redacted,
 * with the next piece that settles it, with the entry's final text, or when the stream ends (a
 * newer v1 entry, a reply that ended early, a handoff, a typed message, the session closing). The released pieces put
 * together are the redacted whole text, and every event stays linear in the text it carries.
 *
 * Other events pass through untouched: their texts are whole and redacted where they are shown.
 * One instance per event stream (the app store, the JSON-lines printer).
 */
export class TranscriptRedactor {
  private readonly held = new Map<string, HeldStream>();

  /** `event` made safe to show, preceded by the tails it releases; possibly nothing (all held). */
  redact<E extends SessionEvent>(event: E): (E | TranscriptEntryEvent | DeltaEvent)[] {
    switch (event.type) {
      case 'transcript.entry':
        return this.onEntry(event as TranscriptEntryEvent);
      case 'transcript.delta':
        return this.onDelta(event as DeltaEvent);
      case 'handoff.requested':
      case 'user.text':
      case 'closed':
        return [...this.releaseAll(), event];
      case 'response.ended': {
        // A reply that ended early gets no final text: its items' tails are released now.
        const ended = new Set(event.itemIds);
        const keys = [...this.held].filter(([, stream]) => stream.template.itemId !== undefined && ended.has(stream.template.itemId)).map(([key]) => key);
        return [...keys.flatMap((key) => this.release(key)), event];
      }
      case 'state':
        return event.state === 'closed' || event.state === 'error' || event.state === 'idle' ? [...this.releaseAll(), event] : [event];
      default:
        return [event];
    }
  }

  /** Every held tail as events (redacted), emptying the holds. */
  releaseAll(): (TranscriptEntryEvent | DeltaEvent)[] {
    const released = [...this.held.keys()].flatMap((key) => this.release(key));
    this.held.clear();
    return released;
  }

  private onEntry(event: TranscriptEntryEvent): (TranscriptEntryEvent | DeltaEvent)[] {
    const key = `entry:${event.entryId}`;
    const out: (TranscriptEntryEvent | DeltaEvent)[] = [];
    // v1 entries follow one another: a newer one means the older ones are done.
    if (event.itemId === undefined) {
      for (const [other, stream] of [...this.held]) {
        if (other !== key && stream.template.type === 'transcript.entry' && stream.template.itemId === undefined) out.push(...this.release(other));
      }
    }
    const stream = this.held.get(key);
    if (event.text !== undefined) {
      // A whole text replaces whatever was held: nothing of the old tail belongs to it.
      this.held.delete(key);
      const safe = this.settle(key, event.text, '', event.final === true, event);
      out.push({ ...event, text: safe });
      return out;
    }
    const safe = this.settle(key, (stream?.raw ?? '') + event.append, stream?.before ?? '', event.final === true, event);
    if (safe.length > 0 || event.final === true) out.push({ ...event, append: safe });
    return out;
  }

  private onDelta(event: DeltaEvent): (TranscriptEntryEvent | DeltaEvent)[] {
    const key = `delta:${event.role}:${event.itemId ?? ''}`;
    const stream = this.held.get(key);
    const safe = this.settle(key, (stream?.raw ?? '') + event.delta, stream?.before ?? '', false, event);
    return safe.length > 0 ? [{ ...event, delta: safe }] : [];
  }

  /** The redacted part of `text` that is safe to release now; the rest is held for `key`. */
  private settle(key: string, text: string, before: string, final: boolean, template: HeldStream['template']): string {
    const cut = final ? text.length : unsafeTailStart(text, before);
    if (cut < text.length) this.held.set(key, { raw: text.slice(cut), before: cut > 0 ? text[cut - 1]! : before, template });
    else this.held.delete(key);
    return cut === 0 ? '' : redactSecrets(cut === text.length ? text : text.slice(0, cut));
  }

  /** The held tail of `key` as its own event (redacted), and the hold dropped. */
  private release(key: string): (TranscriptEntryEvent | DeltaEvent)[] {
    const stream = this.held.get(key);
    this.held.delete(key);
    if (!stream || stream.raw.length === 0) return [];
    const text = redactSecrets(stream.raw);
    if (stream.template.type === 'transcript.delta') return [{ ...stream.template, delta: text }];
    const { text: _text, append: _append, final: _final, ...fields } = stream.template;
    return [{ ...fields, append: text }];
  }
}
