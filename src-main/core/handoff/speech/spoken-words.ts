// Small wording helpers shared by the parts of the speech text: counts, lists of words and
// sentence ends said the same way wherever they appear.

/** Counts as in the rest of the app's text ("1,234"). */
export { formatCount } from '../../util/text-cap';

/** "an" before a number said with a vowel sound: 8, 11, 18, 80-89, 800-899, 8,000… */
export function countArticle(count: number): string {
  const digits = String(count);
  return digits.startsWith('8') || /^1[18](?:\d{3})?$/.test(digits) ? 'an' : 'a';
}

export function capitalize(text: string): string {
  return text.length > 0 ? `${text[0]!.toUpperCase()}${text.slice(1)}` : text;
}

export function joinSpoken(before: string, after: string): string {
  if (after.length === 0) return before;
  return before.length === 0 ? after : `${before} ${after}`;
}

/** "a, b and c". */
export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** Ends with a full stop unless it already ends a sentence (a heading, a list item). */
export function sentence(text: string): string {
  let end = text.length;
  while (end > 0 && ')"\'”’]'.includes(text[end - 1]!)) end -= 1;
  if (text.length === 0 || (end > 0 && '.!?:;…'.includes(text[end - 1]!))) return text;
  return `${text}.`;
}
