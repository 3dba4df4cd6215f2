import type { TranscriptEntry, TranscriptRole, TranscriptTextChange } from '../../../src-shared/session-events';

/**
 * One change of an entry, in the shape of a transcript.entry event (spread it into one): the
 * whole `text` when the entry starts or is replaced, else only the `append`ed piece.
 */
export type TranscriptChange = {
  /** Position in the active list (restarts after each handoff). */
  readonly index: number;
  /** Stable for the life of the conversation, across handoffs: what a UI keys its bubbles on. */
  readonly entryId: number;
  readonly role: TranscriptRole;
} & TranscriptTextChange;

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

  /** Appends a delta; answers the piece added to the merged entry, or undefined for an empty delta. */
  appendDelta(role: TranscriptRole, delta: string): TranscriptChange | undefined {
    if (delta.length === 0) return undefined;
    const last = this.entries[this.entries.length - 1];
    if (last && last.role === role) {
      last.text += delta;
      return { index: this.entries.length - 1, entryId: last.id, role, append: delta };
    }
    return this.push(role, delta);
  }

  /**
   * A "done" event carries the final text of an utterance: it replaces the text of the last entry
   * of that role (transcription can finish after the other side has started talking), or starts
   * a new entry when there is none since the last handoff. Undefined when it says what the
   * deltas already did (nothing to send).
   */
  applyDone(role: TranscriptRole, text: string): TranscriptChange | undefined {
    if (text.length === 0) return undefined;
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const entry = this.entries[index]!;
      if (entry.role === role) {
        if (entry.text === text) return undefined;
        entry.text = text;
        return { index, entryId: entry.id, role, text };
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
    const id = this.nextEntryId++;
    this.entries.push({ id, role, text });
    return { index: this.entries.length - 1, entryId: id, role, text };
  }

  get length(): number {
    return this.entries.length;
  }
}
