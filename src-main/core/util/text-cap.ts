// Size caps for text that leaves one part for another (agent answers into the voice session, the
// conversation into an agent). A cut is always said in the text itself, never silent.

/** The start of `text`, at most `maxChars` plus the note; the note says how much was left out. */
export function keepHead(text: string, maxChars: number, note: (cutChars: number) => string): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}${note(text.length - maxChars)}`;
}

/** The end of `text` (the most recent part of a conversation), with the note first. */
export function keepTail(text: string, maxChars: number, note: (cutChars: number) => string): string {
  if (text.length <= maxChars) return text;
  return `${note(text.length - maxChars)}${text.slice(text.length - maxChars)}`;
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}
