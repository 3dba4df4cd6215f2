import type { TranscriptEntry, TranscriptRole } from '../../../src-shared/session-events';

export interface TranscriptChange {
  /** Position in the active list (restarts after each handoff). */
  readonly index: number;
  /** Stable for the life of the connection, across handoffs: what a UI keys its bubbles on. */
  readonly entryId: number;
  readonly entry: TranscriptEntry;
}

interface MutableEntry {
  readonly id: number;
  readonly role: TranscriptRole;
  text: string;
}

/**
 * What has been said since the last handoff, assembled from live transcript deltas. Same-role
 * deltas merge with no separator; a handoff takes the whole list and leaves it empty. One
 * instance per connection.
 */
export class ActiveTranscript {
  private entries: MutableEntry[] = [];
  private nextEntryId = 0;

  /** Appends a delta; answers the merged entry, or undefined for an empty delta. */
  appendDelta(role: TranscriptRole, delta: string): TranscriptChange | undefined {
    if (delta.length === 0) return undefined;
    const last = this.entries[this.entries.length - 1];
    if (last && last.role === role) {
      last.text += delta;
      return this.changeAt(this.entries.length - 1);
    }
    return this.push(role, delta);
  }

  /**
   * A "done" event carries the final text of an utterance: it replaces the text of the last entry
   * of that role (transcription can finish after the other side has started talking), or starts
   * a new entry when there is none since the last handoff.
   */
  applyDone(role: TranscriptRole, text: string): TranscriptChange | undefined {
    if (text.length === 0) return undefined;
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const entry = this.entries[index]!;
      if (entry.role === role) {
        entry.text = text;
        return this.changeAt(index);
      }
    }
    return this.push(role, text);
  }

  /** Hands the whole list over and starts empty: each handoff carries only what is new. */
  take(): TranscriptEntry[] {
    const taken = this.snapshot();
    this.entries = [];
    return taken;
  }

  snapshot(): TranscriptEntry[] {
    return this.entries.map((entry) => ({ role: entry.role, text: entry.text }));
  }

  private push(role: TranscriptRole, text: string): TranscriptChange {
    this.entries.push({ id: this.nextEntryId++, role, text });
    return this.changeAt(this.entries.length - 1);
  }

  private changeAt(index: number): TranscriptChange {
    const entry = this.entries[index]!;
    return { index, entryId: entry.id, entry: { role: entry.role, text: entry.text } };
  }

  get length(): number {
    return this.entries.length;
  }
}
