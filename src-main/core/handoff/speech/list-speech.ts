// A Markdown list as the voice says it: a short list item by item, a long one as its first items
// and a count of the rest, and a list of file paths as a count and a few base names.

import { formatCount, joinSpoken, joinWords, sentence } from './spoken-words';

/** A list longer than this is spoken as its first items and a count of the rest. */
const MAX_SPOKEN_LIST_ITEMS = 5;
const LIST_ITEMS_KEPT = 3;
/** A list of more file paths than this is spoken as a count and a few base names. */
const MAX_SPOKEN_PATHS = 3;
/** Longer items are prose, not paths (and bound the work of the path test). */
const MAX_PATH_CHARS = 260;

export interface ListItemPart {
  text: string;
  /** Markdown still to be made plain (a rendered code block inside an item is not). */
  markdown: boolean;
}

export interface ListItem {
  parts: ListItemPart[];
  /** A task-list checkbox: true checked, false open, undefined none. */
  done: boolean | undefined;
}

/** A new item from the Markdown after its bullet, with a task-list checkbox read off its front. */
export function startListItem(markdown: string): ListItem {
  const task = markdown.startsWith('[') ? /^\[([ xX])\][ \t]+/.exec(markdown) : null;
  const done = task === null ? undefined : task[1] !== ' ';
  const text = task === null ? markdown : markdown.slice(task[0].length);
  return { parts: [{ text, markdown: true }], done };
}

/**
 * The spoken block for a whole list. `speak` makes inline Markdown plain; what is left on screen
 * is told to `leftOnScreen`.
 */
export function speakList(items: readonly ListItem[], speak: (markdown: string) => string, leftOnScreen: (what: string) => void): string {
  const texts = items.map((item) => speakItem(item, speak)).filter((text) => text.length > 0);
  if (texts.length > MAX_SPOKEN_PATHS && texts.every(isPathLike)) {
    const names = texts.slice(0, MAX_SPOKEN_PATHS).map(baseName);
    leftOnScreen(`${formatCount(texts.length - MAX_SPOKEN_PATHS)} more file names`);
    return `${formatCount(texts.length)} files, including ${joinWords(names)}; the full list is on the user's screen.`;
  }
  if (texts.length > MAX_SPOKEN_LIST_ITEMS) {
    const more = texts.length - LIST_ITEMS_KEPT;
    const kept = texts.slice(0, LIST_ITEMS_KEPT).map(sentence);
    leftOnScreen(`${formatCount(more)} more list items`);
    return [...kept, `And ${formatCount(more)} more items are on the user's screen.`].join('\n');
  }
  return texts.map(sentence).join('\n');
}

function speakItem(item: ListItem, speak: (markdown: string) => string): string {
  // Consecutive Markdown lines are made plain together (a code span or link may cross them).
  let text = '';
  let markdown = '';
  for (const part of item.parts) {
    if (part.markdown) {
      markdown = markdown.length === 0 ? part.text : `${markdown} ${part.text}`;
      continue;
    }
    text = joinSpoken(joinSpoken(text, speak(markdown)), part.text);
    markdown = '';
  }
  text = joinSpoken(text, speak(markdown));
  if (item.done === undefined || text.length === 0) return text;
  return `${text} (${item.done ? 'done' : 'not done'})`;
}

function isPathLike(text: string): boolean {
  if (text.length === 0 || text.length > MAX_PATH_CHARS || /\s/.test(text) || text.includes('://')) return false;
  if (/[/\\]/.test(text)) return /[A-Za-z0-9]/.test(text);
  return /^[\w@+~-][\w.@+~-]*\.(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{1,10}$/.test(text);
}

function baseName(path: string): string {
  let end = path.length;
  while (end > 1 && (path[end - 1] === '/' || path[end - 1] === '\\')) end -= 1;
  const trimmed = path.slice(0, end);
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1) || trimmed;
}
