/**
 * Revisioned changes of the app state, main → renderer. Main sends the whole state once (on
 * `app.ready`) and then one patch per change: the top-level fields that changed, and for the
 * conversation its small fields plus one splice of the timeline (streaming touches the newest
 * bubble, a late transcript one bubble above it), so a long conversation costs the same per
 * delta as a short one. The state is immutable, so "changed" is reference inequality and the
 * diff is a scan of references, not of contents.
 *
 * A patch applies only to the revision it names (`base`); the renderer asks for the whole state
 * again when one is missing. Pure: used by main to make patches and by the renderer to apply them.
 */
import type { AppState } from './app-state';
import type { ConversationState, TimelineItem } from './conversation-reducer';

type ConversationFields = Omit<ConversationState, 'items'>;

/** Replace `deleteCount` items at `start` with `items` (Array.prototype.splice semantics). */
export interface TimelineSplice {
  readonly start: number;
  readonly deleteCount: number;
  readonly items: readonly TimelineItem[];
}

export interface StatePatch {
  /** The revision this patch applies to. */
  readonly base: number;
  /** The revision after it. */
  readonly revision: number;
  /** Top-level fields that changed (the conversation travels in `conversation` below). */
  readonly fields: Partial<Omit<AppState, 'revision' | 'conversation'>>;
  readonly conversation?: {
    readonly fields: ConversationFields;
    readonly splice: TimelineSplice | null;
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

/** The patch from `before` to `after` (whose revision must be newer). */
export function diffState(before: AppState, after: AppState): StatePatch {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof AppState)[]) {
    if (key === 'revision' || key === 'conversation') continue;
    if (before[key] !== after[key]) fields[key] = after[key];
  }
  const patch: StatePatch = { base: before.revision, revision: after.revision, fields };
  if (before.conversation === after.conversation) return patch;
  const { items, ...conversationFields } = after.conversation;
  return { ...patch, conversation: { fields: conversationFields, splice: timelineSplice(before.conversation.items, items) } };
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
    const splice = patch.conversation.splice;
    if (splice) {
      if (splice.start + splice.deleteCount > items.length) return undefined;
      items = [...items.slice(0, splice.start), ...splice.items, ...items.slice(splice.start + splice.deleteCount)];
    }
    conversation = { ...patch.conversation.fields, items };
  }
  return { ...state, ...patch.fields, conversation, revision: patch.revision };
}
