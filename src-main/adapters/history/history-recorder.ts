import { appendFileSync, mkdirSync } from 'node:fs';
import { redactSecrets } from '../../core/util/redact';

/** A conversation is private: only its owner may read the file (and list the folder). */
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_FOLDER_MODE = 0o700;
import { join } from 'node:path';
import type { AgentApprovalRequest } from '../../../src-shared/agent-activity';
import type { SessionEvent, TranscriptEntry, TranscriptEntryEvent } from '../../../src-shared/session-events';
import { textAfter } from '../../../src-shared/transcript-text';
import { errorMessage } from '../../core/util/errors';
import { silentLogger, type Logger } from '../../core/util/logger';
import type { HistoryRecord } from './history-record';

export const HISTORY_FILE_SUFFIX = '.jsonl';

/** Records that make a session worth keeping: something was said, typed, delegated or answered. */
export function isMessageRecord(record: HistoryRecord): boolean {
  switch (record.kind) {
    case 'transcript':
    case 'typed':
    case 'handoff':
    case 'handoff.joined':
    case 'agent.answer':
      return true;
    case 'session.started':
    case 'agent.failed':
    case 'agent.approval':
    case 'usage':
    case 'agent.usage':
    case 'cost':
    case 'session.ended':
      return false;
  }
}

/**
 * Writes one voice session's history as JSON lines, from the session's own event stream: each
 * transcript entry once it is final (the next entry started, a handoff took it, or the session
 * ended), typed text, every handoff with the exact agent text, answers and failures, and every
 * permission request the user was asked, once decided (its progress steps are not kept). Appends are
 * small and synchronous so nothing is lost if the app dies; a write error is logged once and
 * recording stops rather than disturbing the conversation.
 *
 * A session that connected but never had a message leaves no file: records are held back until
 * the first message, which is written together with them in one append. So every history file
 * holds a message from its first write on, and a file without one is debris (see listHistory).
 */
export class HistoryRecorder {
  private readonly path: string;
  private pending: { entryId: number; entry: TranscriptEntry; at: number } | undefined;
  /** v2 items whose text is not final yet, by item id. */
  private readonly pendingItems = new Map<string, { entry: TranscriptEntry; at: number; afterItemId: string | null | undefined }>();
  /** v2 items already written, with the text written: a later append or final builds on it. */
  private readonly writtenItems = new Map<string, string>();
  /** Permission requests the user is being asked, by approval id: their decision is written with them. */
  private readonly askedApprovals = new Map<string, AgentApprovalRequest>();
  private broken = false;
  /** Records waiting for the first message; undefined once the file exists. */
  private heldBack: HistoryRecord[] | undefined = [];

  constructor(
    directory: string,
    readonly sessionId: string,
    private readonly now: () => number = Date.now,
    private readonly logger: Logger = silentLogger,
  ) {
    mkdirSync(directory, { recursive: true, mode: PRIVATE_FOLDER_MODE });
    this.path = join(directory, `${sessionId}${HISTORY_FILE_SUFFIX}`);
    this.append({ kind: 'session.started', at: now(), sessionId });
  }

  /** Where the history goes; the file exists only once the session had a message. */
  get file(): string {
    return this.path;
  }

  onEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'transcript.entry':
        if (event.itemId !== undefined) {
          this.onItemEntry(event.itemId, event);
          return;
        }
        if (this.pending && this.pending.entryId !== event.entryId) this.flushTranscript();
        // Linear events: a delta adds its piece to the entry's text (the first event carries it whole).
        this.pending = { entryId: event.entryId, entry: { role: event.role, text: textAfter(this.pending?.entry.text, event) }, at: this.pending?.at ?? this.now() };
        return;
      case 'user.text':
        this.flushTranscript();
        this.append({ kind: 'typed', at: this.now(), text: event.text });
        return;
      case 'handoff.requested':
        this.flushTranscript();
        this.flushItems();
        if (!event.agentText) return;
        if (event.joinsHandoffId !== undefined) {
          this.append({ kind: 'handoff.joined', at: this.now(), handoffId: event.handoffId, turnHandoffId: event.joinsHandoffId, agentText: event.agentText });
          return;
        }
        this.append({
          kind: 'handoff',
          at: this.now(),
          handoffId: event.handoffId,
          agentText: event.agentText,
          ...(event.itemId !== undefined ? { itemId: event.itemId } : {}),
          ...(event.previousItemId !== undefined ? { afterItemId: event.previousItemId } : {}),
        });
        return;
      case 'handoff.answered':
        this.append({ kind: 'agent.answer', at: this.now(), handoffId: event.handoffId, text: event.text });
        return;
      case 'handoff.failed':
        this.append({ kind: 'agent.failed', at: this.now(), handoffId: event.handoffId, reason: event.reason });
        return;
      case 'agent.approval.requested':
        this.askedApprovals.set(event.approval.id, event.approval);
        return;
      case 'agent.approval.resolved': {
        const approval = this.askedApprovals.get(event.approvalId);
        // Resolved events come only for requests the user was asked; the request gave kind and subject.
        if (!approval) return;
        this.askedApprovals.delete(event.approvalId);
        this.append({
          kind: 'agent.approval',
          at: this.now(),
          handoffId: event.handoffId,
          approvalId: event.approvalId,
          approvalKind: approval.kind,
          subject: approval.subject,
          ...(approval.reason !== undefined ? { reason: approval.reason } : {}),
          decision: event.decision,
          decidedBy: event.decidedBy,
        });
        return;
      }
      case 'usage': {
        const { type: _type, responseId, ...usage } = event;
        this.append({ kind: 'usage', at: this.now(), responseId, ...usage });
        return;
      }
      case 'agent.usage': {
        const { type: _type, ...usage } = event;
        this.append({ kind: 'agent.usage', at: this.now(), ...usage });
        return;
      }
      case 'cost':
        this.append({ kind: 'cost', at: this.now(), source: event.source, id: event.id, model: event.model, ...(event.usd !== undefined ? { usd: event.usd } : {}) });
        return;
      case 'closed':
        this.flushTranscript();
        this.flushItems();
        this.append({ kind: 'session.ended', at: this.now(), reason: event.reason });
        return;
      default:
        return;
    }
  }

  /**
   * A v2 item is written once its text is final (`.done`/`.completed`), or when a handoff or the
   * end of the session comes first; a later final text is written again and replaces it on reading.
   */
  private onItemEntry(itemId: string, event: TranscriptEntryEvent): void {
    const earlier = this.pendingItems.get(itemId);
    const written = this.writtenItems.get(itemId);
    // A final that says what was already written (`append: ''`) changes nothing.
    if (!earlier && written !== undefined && event.final === true && event.append === '') return;
    const entry = { role: event.role, text: textAfter(earlier?.entry.text ?? written, event) };
    // The item keeps the place it was first shown at.
    const afterItemId = earlier && earlier.afterItemId !== undefined ? earlier.afterItemId : event.previousItemId;
    const pending = { entry, at: earlier?.at ?? this.now(), afterItemId };
    if (event.final !== true) {
      this.pendingItems.set(itemId, pending);
      return;
    }
    this.pendingItems.delete(itemId);
    this.writeItem(itemId, pending);
  }

  private flushItems(): void {
    const pending = [...this.pendingItems];
    this.pendingItems.clear();
    for (const [itemId, item] of pending) this.writeItem(itemId, item);
  }

  private writeItem(itemId: string, item: { entry: TranscriptEntry; at: number; afterItemId: string | null | undefined }): void {
    this.writtenItems.set(itemId, item.entry.text);
    if (item.entry.text.trim() === '') return;
    this.append({
      kind: 'transcript',
      at: item.at,
      role: item.entry.role,
      text: item.entry.text,
      itemId,
      ...(item.afterItemId !== undefined ? { afterItemId: item.afterItemId } : {}),
    });
  }

  private flushTranscript(): void {
    const pending = this.pending;
    this.pending = undefined;
    // An entry that never got words (speech that was not transcribed) has nothing to keep.
    if (pending && pending.entry.text.trim() !== '') this.append({ kind: 'transcript', at: pending.at, role: pending.entry.role, text: pending.entry.text });
  }

  private append(record: HistoryRecord): void {
    if (this.broken) return;
    let records = [record];
    if (this.heldBack) {
      this.heldBack.push(record);
      if (!isMessageRecord(record)) return;
      records = this.heldBack;
      this.heldBack = undefined;
    }
    try {
      // The one redaction rule (redact.ts) applies to history as to every other output.
      appendFileSync(this.path, redactSecrets(records.map((each) => JSON.stringify(each) + '\n').join('')), { mode: PRIVATE_FILE_MODE });
    } catch (error) {
      this.broken = true;
      this.logger.error('history recording stopped', { file: this.path, error: errorMessage(error) });
    }
  }
}
