// Rebuilding a transcript entry's text from its linear transcript.entry events (session-events.ts).
import type { TranscriptTextChange } from './session-events';

/**
 * The entry's text after `change`: its whole `text`, or the text so far (`before`, '' for an
 * entry not seen yet) with the `append`ed piece. Appending is O(piece): JS strings concatenate
 * as ropes, so a long monologue costs linear time and memory.
 */
export function textAfter(before: string | undefined, change: TranscriptTextChange): string {
  if (change.text !== undefined) return change.text;
  return (before ?? '') + change.append;
}

/** The characters `change` carries (for size accounting and "did anything change"). */
export function changedText(change: TranscriptTextChange): string {
  return change.text !== undefined ? change.text : change.append;
}
