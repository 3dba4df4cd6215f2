import type { SessionEvent } from '../../../src-shared/session-events';
import { textAfter } from '../../../src-shared/transcript-text';

export type RecordedRole = 'user' | 'assistant' | 'agent';

export interface RecordedLine {
  readonly role: RecordedRole;
  readonly text: string;
}

/** What the record keeps at most: far more than a seed uses, so memory stays flat in long sessions. */
export const MAX_RECORDED_LINES = 400;
export const MAX_RECORDED_LINE_CHARS = 8_000;

/**
 * The conversation as said so far, across every connection of one voice session: what the user
 * and the assistant said (their transcript entries and typed messages) and what the background
 * agent answered, in order. A new connection (reconnect or renewal) is seeded from it so the
 * assistant keeps its context. It listens to the session's own events, the one path every
 * transcript already takes.
 */
export class ConversationRecord {
  /** Keyed so a growing entry replaces its own line; a Map keeps first-seen order. */
  private readonly lines = new Map<string, RecordedLine>();
  private nextTypedKey = 0;
  private running: { readonly handoffId: string; readonly request: string } | undefined;

  onEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'transcript.entry':
        this.put(`entry:${event.entryId}`, event.role, textAfter(this.lines.get(`entry:${event.entryId}`)?.text, event));
        return;
      case 'user.text':
        this.put(`typed:${this.nextTypedKey++}`, 'user', event.text);
        return;
      case 'handoff.started':
        this.running = { handoffId: event.handoffId, request: event.agentText };
        return;
      case 'handoff.steered':
        if (this.running) this.running = { handoffId: event.handoffId, request: `${this.running.request}\n${event.agentText}` };
        return;
      case 'handoff.answered':
        this.put(`agent:${event.handoffId}:${this.lines.size}`, 'agent', event.text);
        return;
      case 'handoff.completed':
      case 'handoff.failed':
        if (this.running?.handoffId === event.handoffId) this.running = undefined;
        return;
      default:
        return;
    }
  }

  /** Oldest first. */
  snapshot(): readonly RecordedLine[] {
    return [...this.lines.values()];
  }

  /** What the record holds now, to tell later what is new (`linesSince`). */
  mark(): ReadonlyMap<string, RecordedLine> {
    return new Map(this.lines);
  }

  /** Lines added or changed since `mark` was taken, oldest first. */
  linesSince(mark: ReadonlyMap<string, RecordedLine>): readonly RecordedLine[] {
    const newer: RecordedLine[] = [];
    for (const [key, line] of this.lines) if (mark.get(key) !== line) newer.push(line);
    return newer;
  }

  /** The request of an agent turn still running, if any: the new session is told it is coming. */
  get runningRequest(): string | undefined {
    return this.running?.request;
  }

  clear(): void {
    this.lines.clear();
    this.running = undefined;
  }

  private put(key: string, role: RecordedRole, text: string): void {
    const kept = text.length > MAX_RECORDED_LINE_CHARS ? text.slice(-MAX_RECORDED_LINE_CHARS) : text;
    if (kept.trim().length === 0 && !this.lines.has(key)) return;
    this.lines.set(key, { role, text: kept });
    if (this.lines.size > MAX_RECORDED_LINES) {
      const oldest = this.lines.keys().next().value;
      if (oldest !== undefined) this.lines.delete(oldest);
    }
  }
}
