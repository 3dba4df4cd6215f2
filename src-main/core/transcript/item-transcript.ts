import type { TranscriptEntry, TranscriptRole, TranscriptTextChange } from '../../../src-shared/session-events';

/**
 * One change of an item's text, with what a UI needs to key and place it: the whole `text` on
 * the item's first change and when its text is replaced, else only the `append`ed piece ('' for
 * a final text the deltas already built).
 */
export type ItemChange = {
  /** Stable for the conversation, one per item. */
  readonly entryId: number;
  /** Position of the item in the conversation order. */
  readonly index: number;
  readonly itemId: string;
  /** False for an item made up for text the server sent without an item id. */
  readonly identified: boolean;
  readonly role: TranscriptRole;
} & TranscriptTextChange;

type ItemRole = TranscriptRole | 'system';

interface ItemNode {
  readonly id: string;
  readonly identified: boolean;
  role: ItemRole | undefined;
  text: string;
  entryId: number | undefined;
  /** The server said where the item belongs; otherwise it sits where it was first heard of. */
  placed: boolean;
  /** Listeners were told about the item (a bubble or card exists for it), so others can follow it. */
  announced: boolean;
  /** Its text went to the agent with a handoff, or it came before one: never sent again. */
  handedOff: boolean;
  /** Cut to what the user heard (conversation.item.truncated): later text for it is unheard. */
  truncated: boolean;
}

const ANONYMOUS_PREFIX = '~anonymous:';

/**
 * Dialect v2's transcript: the conversation's items in the conversation's order (each item's
 * `previous_item_id`, user speech where its audio was committed), not in the order events
 * arrive. Transcription is asynchronous, so a user's words can arrive after the reply to them:
 * they land on the user's own item, before the reply. A handoff takes the text of the items
 * before its function call that no earlier handoff took. One instance per connection.
 */
export class ItemTranscript {
  private readonly order: ItemNode[] = [];
  private readonly byId = new Map<string, ItemNode>();
  private nextEntryId = 0;
  private anonymousCount = 0;

  /**
   * Puts an item where the server says it belongs: after `previousItemId`, first for null, at the
   * end when the event does not say (undefined). An item already placed keeps its place; one that
   * was only heard of (text before its item event) moves to where it belongs.
   */
  place(itemId: string, role: ItemRole | undefined, previousItemId: string | null | undefined): void {
    let node = this.byId.get(itemId);
    if (node) {
      if (role !== undefined && node.role === undefined) node.role = role;
      if (node.placed || previousItemId === undefined) return;
      this.order.splice(this.order.indexOf(node), 1);
    } else {
      node = this.create(itemId, role, true, false);
    }
    const after = typeof previousItemId === 'string' ? this.byId.get(previousItemId) : undefined;
    if (previousItemId === null) {
      this.order.unshift(node);
      node.placed = true;
    } else if (after && after !== node) {
      this.order.splice(this.order.indexOf(after) + 1, 0, node);
      node.placed = true;
    } else {
      this.order.push(node);
      // After an item we never heard of: its place is as good as unknown.
      node.placed = false;
    }
  }

  /** The item that holds text the server sent without an item id (consecutive same-role text merges). */
  anonymousItemId(role: TranscriptRole): string {
    const last = this.order[this.order.length - 1];
    if (last && !last.identified && last.role === role) return last.id;
    const id = `${ANONYMOUS_PREFIX}${this.anonymousCount++}`;
    this.create(id, role, false);
    return id;
  }

  appendDelta(itemId: string, role: TranscriptRole, delta: string): ItemChange | undefined {
    if (delta.length === 0) return undefined;
    const node = this.ensure(itemId, role);
    if (node.truncated) return undefined;
    node.text += delta;
    return this.changeOf(node, { append: delta });
  }

  /** A `.done`/`.completed` event: the final text of this item, replacing what its deltas said. */
  replaceText(itemId: string, role: TranscriptRole, text: string): ItemChange | undefined {
    const node = this.ensure(itemId, role);
    if (node.truncated || (text.length === 0 && node.text.length === 0)) return undefined;
    return this.replaced(node, text);
  }

  /**
   * The server cut the item's audio after `heardFraction` of it and dropped the rest of its
   * transcript: keep the same share of its words (as the service does), so the bubble and the next
   * handoff's context hold only what was heard. Text arriving for it later is ignored. Undefined
   * when the item is unknown or already truncated.
   */
  truncate(itemId: string, heardFraction: number): ItemChange | undefined {
    const node = this.byId.get(itemId);
    if (!node || node.truncated) return undefined;
    node.truncated = true;
    return this.replaced(node, heardWords(node.text, heardFraction));
  }

  markAnnounced(itemId: string): void {
    const node = this.byId.get(itemId);
    if (node) node.announced = true;
  }

  /**
   * Where listeners should show the item: after the nearest earlier item they were told about,
   * null when there is none, undefined when the item's place is unknown (show it last).
   */
  previousAnnouncedId(itemId: string): string | null | undefined {
    const node = this.byId.get(itemId);
    if (!node || !node.placed) return undefined;
    for (let index = this.order.indexOf(node) - 1; index >= 0; index--) {
      const candidate = this.order[index]!;
      if (candidate.announced && candidate.identified) return candidate.id;
    }
    return null;
  }

  /**
   * The handoff context for the function call `callItemId`: the text of the items before it (in
   * conversation order) that no earlier handoff took. Those items and the call are taken; later
   * text for them (a late transcription) is shown but never sent again. An unknown call takes all.
   */
  takeContextBefore(callItemId: string | undefined): TranscriptEntry[] {
    const call = callItemId === undefined ? undefined : this.byId.get(callItemId);
    const end = call ? this.order.indexOf(call) : this.order.length;
    const entries: TranscriptEntry[] = [];
    for (let index = 0; index < end; index++) {
      const node = this.order[index]!;
      if (node.handedOff) continue;
      node.handedOff = true;
      if ((node.role === 'user' || node.role === 'assistant') && node.text.length > 0) entries.push({ role: node.role, text: node.text });
    }
    if (call) call.handedOff = true;
    return entries;
  }

  /** Text items not yet taken by a handoff, in conversation order. */
  snapshot(): TranscriptEntry[] {
    return this.order.flatMap((node) =>
      !node.handedOff && (node.role === 'user' || node.role === 'assistant') && node.text.length > 0 ? [{ role: node.role, text: node.text }] : [],
    );
  }

  get length(): number {
    return this.order.length;
  }

  private ensure(itemId: string, role: TranscriptRole): ItemNode {
    const node = this.byId.get(itemId);
    if (node) {
      if (node.role === undefined) node.role = role;
      return node;
    }
    return this.create(itemId, role, !itemId.startsWith(ANONYMOUS_PREFIX));
  }

  /** A new item, last unless the caller puts it somewhere (`append` false). */
  private create(itemId: string, role: ItemRole | undefined, identified: boolean, append = true): ItemNode {
    const node: ItemNode = { id: itemId, identified, role, text: '', entryId: undefined, placed: false, announced: false, handedOff: false, truncated: false };
    this.byId.set(itemId, node);
    if (append) this.order.push(node);
    return node;
  }

  /** The item's text is now `text`: sent whole only when it differs from what listeners have. */
  private replaced(node: ItemNode, text: string): ItemChange {
    const same = node.entryId !== undefined && node.text === text;
    node.text = text;
    return this.changeOf(node, same ? { append: '' } : { text });
  }

  /** The change as listeners get it: the item's first change carries its whole text. */
  private changeOf(node: ItemNode, change: TranscriptTextChange): ItemChange {
    const first = node.entryId === undefined;
    if (node.entryId === undefined) node.entryId = this.nextEntryId++;
    const role: TranscriptRole = node.role === 'assistant' ? 'assistant' : 'user';
    const text: TranscriptTextChange = first ? { text: node.text } : change;
    return { entryId: node.entryId, index: this.order.indexOf(node), itemId: node.id, identified: node.identified, role, ...text };
  }
}

/** The first `fraction` of the words of `text` (rounded down), with their leading spaces. */
export function heardWords(text: string, fraction: number): string {
  const words = text.match(/\s*\S+/g) ?? [];
  const share = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  return words.slice(0, Math.floor(words.length * share)).join('');
}
