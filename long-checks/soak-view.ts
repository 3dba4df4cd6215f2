/**
 * What the soak keeps of the session's events: the user's timeline (every forwarded event folded
 * through the UI's reducer as it arrives, as the app's store does), the finished transcript lines
 * in arrival order, and counts. No event is kept: audio events carry buffers, and an hour of
 * events kept would be the soak's memory, not the session's.
 */
import type { ConnectionStatus, SessionEvent, TranscriptRole } from '../src-shared/session-events';
import { conversationReducer, initialConversationState, type ConversationState } from '../src-shared/conversation-reducer';
import { isForwardedSessionEvent } from '../src-shared/ipc-contract';

export class SoakView {
  timeline: ConversationState = initialConversationState;
  private foldedEvents = 0;
  readonly eventCounts: Record<string, number> = {};
  readonly connectionCounts: Record<ConnectionStatus, number> = { lost: 0, reconnecting: 0, reconnected: 0, renewing: 0, renewed: 0 };
  /** Finished transcript lines ("user: …", "assistant: …") in the order they were finished. */
  readonly finalLines: string[] = [];
  private readonly openEntries = new Map<number, { role: TranscriptRole; text: string }>();
  /** Handoff answers not yet looked at, by handoff id. */
  private readonly answers = new Map<string, string>();
  readonly recoverableErrors: Record<string, number> = {};
  readonly recoverableErrorExamples: string[] = [];
  readonly fatalErrors: string[] = [];
  readonly closedEvents: string[] = [];
  readonly handoffFailures: string[] = [];
  readonly droppedAudioFrames: Record<string, number> = {};
  /** Renewals the server's session_expired started (the client's own renewal came too late). */
  renewalsAfterExpiry = 0;
  largestReconnectAttempt = 0;
  longestDowntimeMs = 0;
  lastHandoffStartedId: string | undefined;
  private readonly waiters = new Set<() => void>();

  onEvent(event: SessionEvent): void {
    this.eventCounts[event.type] = (this.eventCounts[event.type] ?? 0) + 1;
    if (isForwardedSessionEvent(event)) this.timeline = conversationReducer(this.timeline, { type: 'session-event', event, at: this.foldedEvents++ });
    switch (event.type) {
      case 'transcript.entry': {
        const open = this.openEntries.get(event.entryId) ?? { role: event.role, text: '' };
        open.text = event.text !== undefined ? event.text : open.text + event.append;
        if (event.final) {
          this.openEntries.delete(event.entryId);
          this.finalLines.push(`${open.role}: ${open.text}`);
        } else {
          this.openEntries.set(event.entryId, open);
        }
        break;
      }
      case 'connection':
        this.connectionCounts[event.status]++;
        if (event.status === 'renewing' && event.reason.startsWith('the server ended')) this.renewalsAfterExpiry++;
        if (event.attempt !== undefined && event.status === 'reconnecting') this.largestReconnectAttempt = Math.max(this.largestReconnectAttempt, event.attempt);
        if (event.downtimeMs !== undefined) this.longestDowntimeMs = Math.max(this.longestDowntimeMs, event.downtimeMs);
        break;
      case 'handoff.started':
        this.lastHandoffStartedId = event.handoffId;
        break;
      case 'handoff.answered':
        this.answers.set(event.handoffId, event.text);
        break;
      case 'handoff.failed':
        this.handoffFailures.push(`${event.handoffId}: ${event.cause}: ${event.reason}`);
        break;
      case 'audio.dropped':
        this.droppedAudioFrames[event.reason] = (this.droppedAudioFrames[event.reason] ?? 0) + event.frames;
        break;
      case 'error':
        if (!event.recoverable) {
          this.fatalErrors.push(`${event.code}: ${event.message}`);
        } else {
          this.recoverableErrors[event.code] = (this.recoverableErrors[event.code] ?? 0) + 1;
          if (this.recoverableErrorExamples.length < 5) this.recoverableErrorExamples.push(`${event.code}: ${event.message.slice(0, 200)}`);
        }
        break;
      case 'closed':
        this.closedEvents.push(`${event.reason}${event.detail ? ` (${event.detail})` : ''}`);
        break;
      default:
        break;
    }
    for (const wake of [...this.waiters]) wake();
  }

  count(type: SessionEvent['type']): number {
    return this.eventCounts[type] ?? 0;
  }

  /** The answer of a handoff, once (it is forgotten when taken). */
  takeAnswer(handoffId: string): string | undefined {
    const text = this.answers.get(handoffId);
    this.answers.delete(handoffId);
    return text;
  }

  /** Whether every line was finished at or after position `from` of finalLines. */
  finishedSince(from: number, lines: readonly string[]): boolean {
    return lines.every((line) => this.finalLines.indexOf(line, from) !== -1);
  }

  /** Resolves once `condition` holds (checked now and after every event); rejects after `timeoutMs` with `what`. */
  waitFor(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms: ${what()}`));
      }, timeoutMs);
      this.waiters.add(check);
    });
  }

  /** Like waitFor, but resolves false instead of rejecting. */
  async waitQuietly(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    try {
      await this.waitFor(condition, timeoutMs, () => '');
      return true;
    } catch {
      return false;
    }
  }
}
