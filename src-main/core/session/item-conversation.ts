import type { SessionEvent } from '../../../src-shared/session-events';
import type { CallDecision, FunctionCalls } from '../handoff/function-calls';
import type { HandoffController } from '../handoff/handoff-controller';
import type { ConversationItemInfo, TranscriptRole } from '../protocol/realtime-event';
import { ItemTranscript, type ItemChange } from '../transcript/item-transcript';
import type { Logger } from '../util/logger';

/** Why a cut-off function call is shown but not delegated. */
export const INCOMPLETE_CALL_REASON = 'the call was interrupted before it was complete, so nothing was delegated';

/** Why a user's speech shows no words. */
export const NOT_TRANSCRIBED_REASON = 'the speech could not be transcribed';

export interface ItemConversationDeps {
  readonly calls: FunctionCalls;
  readonly handoffs: HandoffController;
  readonly logger: Logger;
  emit(event: SessionEvent): void;
}

/**
 * Dialect v2's side of a connection: the conversation by its items. Transcript text lands on its
 * own item and tells listeners where the item belongs; typed messages get their item; function
 * calls become a handoff (or a cut-off call) once, when their item is done, with the text of the
 * items before them as context.
 */
export class ItemConversation {
  private readonly items = new ItemTranscript();
  /** Typed messages sent and not yet seen as conversation items, oldest first. */
  private readonly typedAwaitingItem: string[] = [];
  private readonly typedItemIds = new Set<string>();

  constructor(private readonly deps: ItemConversationDeps) {}

  /** A message the user typed went to the server; its item comes back as conversation.item.added. */
  onTextSent(text: string): void {
    this.typedAwaitingItem.push(text);
  }

  onArguments(itemId: string | undefined, callId: string | undefined, delta: string | undefined, complete: string | undefined): void {
    this.deps.calls.onArguments(itemId, callId, delta, complete);
  }

  /** v2 transcript text lands on its own item; text without an item id merges like v1's. */
  onText(role: TranscriptRole, itemId: string | undefined, text: string, final: boolean): void {
    const id = itemId ?? this.items.anonymousItemId(role);
    const change = final ? this.items.replaceText(id, role, text) : this.items.appendDelta(id, role, text);
    if (!change) return;
    if (!final) this.deps.emit({ type: 'transcript.delta', role, delta: text, ...(change.identified ? { itemId: id } : {}) });
    this.emitItemEntry(change, final);
  }

  private emitItemEntry(change: ItemChange, final: boolean): void {
    const previousItemId = change.identified ? this.items.previousAnnouncedId(change.itemId) : undefined;
    this.deps.emit({
      type: 'transcript.entry',
      entryId: change.entryId,
      index: change.index,
      role: change.role,
      ...(change.text !== undefined ? { text: change.text } : { append: change.append }),
      ...(change.identified ? { itemId: change.itemId } : {}),
      ...(previousItemId !== undefined ? { previousItemId } : {}),
      final,
    });
    this.items.markAnnounced(change.itemId);
  }

  /**
   * conversation.item.truncated: the user heard `heardFraction` of the item's audio; its text
   * (the bubble, and what a later handoff takes as context) keeps only that share of its words.
   */
  onTruncated(itemId: string, heardFraction: number): void {
    const change = this.items.truncate(itemId, heardFraction);
    if (change) this.emitItemEntry(change, true);
  }

  /** The user's speech item has no text: say so on that item instead of showing nothing. */
  onTranscriptionFailed(itemId: string, message: string | undefined): void {
    const previousItemId = this.items.previousAnnouncedId(itemId);
    this.deps.emit({
      type: 'transcription.failed',
      itemId,
      reason: message === undefined ? NOT_TRANSCRIBED_REASON : `${NOT_TRANSCRIBED_REASON}: ${message}`,
      ...(previousItemId !== undefined ? { previousItemId } : {}),
    });
    this.items.markAnnounced(itemId);
  }

  onItemPlaced(item: ConversationItemInfo, previousItemId: string | null | undefined): void {
    this.items.place(item.id, item.kind === 'message' ? item.role : undefined, previousItemId);
    if (item.kind === 'function_call') this.deps.calls.onItem(item, false);
    if (item.kind === 'message' && item.role === 'user' && item.inputText !== undefined) this.onTypedItem(item.id, item.inputText);
  }

  /**
   * A user text item: the server's copy of a message typed here (the bubble already shows it; it
   * now has its place) or, if nothing typed matches, text to show. Never a handoff (echo guard).
   */
  private onTypedItem(itemId: string, text: string): void {
    if (this.typedItemIds.has(itemId)) return;
    this.typedItemIds.add(itemId);
    const change = this.items.replaceText(itemId, 'user', text);
    const waiting = this.typedAwaitingItem.indexOf(text);
    if (waiting < 0) {
      if (change) this.emitItemEntry(change, true);
      return;
    }
    this.typedAwaitingItem.splice(waiting, 1);
    this.deps.emit({ type: 'user.text.placed', itemId, text });
    this.items.markAnnounced(itemId);
  }

  onItemFinished(item: ConversationItemInfo): void {
    this.items.place(item.id, item.kind === 'message' ? item.role : undefined, undefined);
    const decision = this.deps.calls.onItem(item, true);
    if (decision) this.onCallDecided(decision);
  }

  private onCallDecided(decision: CallDecision): void {
    if (decision.kind === 'silence') {
      // Speech meant for someone else: answered on the wire without a word, nothing in the timeline.
      this.deps.logger.info('the voice model chose to remain silent', { callId: decision.callId });
      this.deps.handoffs.onSilenceRequested(decision.callId);
      return;
    }
    if (decision.kind === 'approval') {
      // The user's spoken answer to a permission request: shown on the request's card, not here.
      this.deps.handoffs.onApprovalAnswered(decision.callId, decision.arguments);
      return;
    }
    const previousItemId = this.items.previousAnnouncedId(decision.itemId);
    if (decision.kind === 'incomplete') {
      this.deps.logger.info('a background_agent call was cut off; not delegated', { callId: decision.callId });
      this.deps.emit({
        type: 'handoff.incomplete',
        handoffId: decision.callId,
        reason: INCOMPLETE_CALL_REASON,
        arguments: decision.arguments,
        itemId: decision.itemId,
        ...(previousItemId !== undefined ? { previousItemId } : {}),
      });
      this.items.markAnnounced(decision.itemId);
      return;
    }
    const context = this.items.takeContextBefore(decision.itemId);
    const joined = this.deps.handoffs.onHandoffRequested(decision.callId, decision.prompt, context, { itemId: decision.itemId, previousItemId });
    // A request that joined the running turn shows on that turn's card, not where its call is.
    if (!joined) this.items.markAnnounced(decision.itemId);
  }
}
