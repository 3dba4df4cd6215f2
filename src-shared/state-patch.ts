/**
 * Revisioned changes of the app state, main → renderer. Main sends the whole state once (on
 * `app.ready`) and then one patch per change: the top-level fields that changed, and for the
 * conversation the small fields that changed plus one change of the timeline: a splice
 * (streaming touches the newest bubble, a late transcript one bubble above it), or, for a
 * transcript delta, an append of the new piece to one bubble's text. So a long conversation costs
 * the same per delta as a short one, and a long monologue costs its text once, not once per delta.
 * The state is immutable, so "changed" is reference inequality and the diff is a scan of
 * references, not of contents.
 *
 * A patch applies only to the revision it names (`base`); the renderer asks for the whole state
 * again when one is missing. Pure: used by main to make patches and by the renderer to apply them.
 */
import type { AppState } from './app-state';
import type { ConversationState, EntryItem, TimelineItem } from './conversation-reducer';

type ConversationFields = Omit<ConversationState, 'items'>;

/** Replace `deleteCount` items at `start` with `items` (Array.prototype.splice semantics). */
export interface TimelineSplice {
  readonly start: number;
  readonly deleteCount: number;
  readonly items: readonly TimelineItem[];
}

/**
 * Add `text` to the end of the text of the entry at `position` (whose key is `key`), making its
 * text version `textVersion`. Only the piece travels: the entry is not sent again.
 */
export interface TimelineAppend {
  readonly position: number;
  readonly key: string;
  readonly text: string;
  readonly textVersion: number;
}

export interface StatePatch {
  /** The revision this patch applies to. */
  readonly base: number;
  /** The revision after it. */
  readonly revision: number;
  /** Top-level fields that changed (the conversation travels in `conversation` below). */
  readonly fields: Partial<Omit<AppState, 'revision' | 'conversation'>>;
  readonly conversation?: {
    /** The conversation's small fields that changed. */
    readonly fields: Partial<ConversationFields>;
    readonly splice: TimelineSplice | null;
    /** Instead of a splice that would resend a growing bubble: its new piece. */
    readonly append?: TimelineAppend;
  };
}

/** The splice that turns `before` into `after`, comparing items by reference. */
export function timelineSplice(before: readonly TimelineItem[], after: readonly TimelineItem[]): TimelineSplice | null {
  if (before === after) return null;
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before[start] === after[start]) start++;
  let tail = 0;
  while (tail < shorter - start && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  const deleteCount = before.length - start - tail;
  const items = after.slice(start, after.length - tail);
  if (deleteCount === 0 && items.length === 0) return null;
  return { start, deleteCount, items };
}

/**
 * The append that turns the entry `before` into `after`, when that is all that changed: the next
 * text version, made by appending `after.lastAppend` (the reducer records it; comparing the texts
 * would cost the whole text per delta), with every other field the same.
 */
export function entryAppend(position: number, before: TimelineItem, after: TimelineItem): TimelineAppend | undefined {
  if (before.kind !== 'entry' || after.kind !== 'entry' || after.lastAppend === undefined) return undefined;
  if (after.key !== before.key || after.textVersion !== (before.textVersion ?? 0) + 1) return undefined;
  if (before.text.length + after.lastAppend.length !== after.text.length) return undefined;
  for (const field of Object.keys(after) as (keyof EntryItem)[]) {
    if (field !== 'text' && field !== 'textVersion' && field !== 'lastAppend' && after[field] !== before[field]) return undefined;
  }
  for (const field of Object.keys(before) as (keyof EntryItem)[]) {
    if (!(field in after)) return undefined;
  }
  return { position, key: after.key, text: after.lastAppend, textVersion: after.textVersion };
}

/** The patch from `before` to `after` (whose revision must be newer). */
export function diffState(before: AppState, after: AppState): StatePatch {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof AppState)[]) {
    if (key === 'revision' || key === 'conversation') continue;
    if (before[key] !== after[key]) fields[key] = after[key];
  }
  const patch: StatePatch = { base: before.revision, revision: after.revision, fields };
  if (before.conversation === after.conversation) return patch;
  const conversationFields: Record<string, unknown> = {};
  for (const key of Object.keys(after.conversation) as (keyof ConversationState)[]) {
    // A finished entry's text (lastFinished) is sent once, not with every later patch.
    if (key !== 'items' && before.conversation[key] !== after.conversation[key]) conversationFields[key] = after.conversation[key];
  }
  const splice = timelineSplice(before.conversation.items, after.conversation.items);
  const append =
    splice && splice.deleteCount === 1 && splice.items.length === 1
      ? entryAppend(splice.start, before.conversation.items[splice.start]!, splice.items[0]!)
      : undefined;
  return { ...patch, conversation: { fields: conversationFields, splice: append ? null : splice, ...(append ? { append } : {}) } };
}

/**
 * The state after `patch`, or undefined when the patch does not follow `state` (a gap: ask for
 * the whole state). A patch for a revision already applied answers `state` unchanged.
 */
export function applyStatePatch(state: AppState, patch: StatePatch): AppState | undefined {
  if (patch.revision <= state.revision) return state;
  if (patch.base !== state.revision) return undefined;
  let conversation = state.conversation;
  if (patch.conversation) {
    let items = conversation.items;
    const { splice, append } = patch.conversation;
    if (splice) {
      if (splice.start + splice.deleteCount > items.length) return undefined;
      items = [...items.slice(0, splice.start), ...splice.items, ...items.slice(splice.start + splice.deleteCount)];
    }
    if (append) {
      const entry = items[append.position];
      if (!entry || entry.kind !== 'entry' || entry.key !== append.key || (entry.textVersion ?? 0) + 1 !== append.textVersion) return undefined;
      const copy = items.slice();
      copy[append.position] = { ...entry, text: entry.text + append.text, textVersion: append.textVersion, lastAppend: append.text };
      items = copy;
    }
    conversation = { ...conversation, ...patch.conversation.fields, items };
  }
  return { ...state, ...patch.fields, conversation, revision: patch.revision };
}
