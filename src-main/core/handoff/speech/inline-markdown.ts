// Inline Markdown made plain for the voice: emphasis, inline code, links, bare web addresses,
// images, HTML tags and comments, entities and escapes. Each step runs only when its trigger
// character is there, and no pattern can rescan a run of characters from each of its positions.

/** Unspeakable glyphs (icon fonts); removing them also frees the range for the placeholders below. */
const PRIVATE_USE = /[\uE000-\uF8FF]/g;
const CODE_OPEN = '\uE000';
const CODE_CLOSE = '\uE001';
const CODE_PLACEHOLDER = /\uE000(\d+)\uE001/g;
/** An escaped ASCII punctuation character is held as U+E100 + its code until the end. */
const ESCAPED_BASE = 0xe100;
const ESCAPED_PLACEHOLDER = /[\uE100-\uE17F]/g;
const ESCAPE = /\\([!-/:-@[-`{-~])/g;

const AUTOLINK = /<((?:https?|ftp|mailto):[^\s<>]*)>/gi;
const SPACED_TAG_NAMES = 'br|p|div|li|ul|ol|tr|td|th|thead|tbody|table|details|summary|blockquote|pre|hr|img|h[1-6]';
const INLINE_TAG_NAMES = 'a|b|i|u|s|em|strong|code|kbd|span|del|ins|mark|sub|sup|small|samp|var|abbr|cite|q';
const SPACED_TAG = new RegExp(`</?(?:${SPACED_TAG_NAMES})(?:[\\s/][^<>]*)?>`, 'gi');
const INLINE_TAG = new RegExp(`</?(?:${INLINE_TAG_NAMES})(?:[\\s/][^<>]*)?>`, 'gi');
const IMAGE = /!\[([^[\]\n]*)\]\([^()\n]*\)/g;
const LINK = /\[([^[\]\n]*)\]\([ \t]*<?([^\s()<>]*)>?(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'))?[ \t]*\)/g;
const REFERENCE_LINK = /\[([^[\]\n]+)\]\[[^[\]\n]*\]/g;
const FOOTNOTE_REFERENCE = /\[\^[^[\]\s]+\]/g;
const BARE_URL = /\b(?:https?|ftp):\/\/[^\s<>()[\]{}"'`\uE000-\uF8FF]+/gi;
const URL_LIKE = /^(?:(?:https?|ftp):\/\/|www\.)/i;
const ENTITY = /&(?:(amp|lt|gt|quot|apos|nbsp)|#(\d{1,7})|#x([0-9a-f]{1,6}));/gi;
const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * A delimiter pair around text, removed keeping the text. The opener must not follow a word
 * character and the closer must not precede one (so `snake_case`, `2*3*4` and `__init__.py` stay),
 * and the text cannot contain the delimiter character, so a failed match stops at the next one.
 */
function emphasis(delimiter: string, character: string): RegExp {
  const c = character === '*' ? '\\*' : character;
  const d = c.repeat(delimiter.length);
  return new RegExp(`(^|[^\\w${c}])${d}(?=[^\\s${c}])([^${c}]*?[^\\s${c}])${d}(?![\\w${c}]|\\.\\w)`, 'g');
}
// Triple first (bold italic), then single, then double: removing `*it*` inside `**bold *it***`
// leaves a plain double pair.
const EMPHASIS: readonly (readonly [string, RegExp])[] = [
  ['*', emphasis('***', '*')],
  ['*', emphasis('*', '*')],
  ['*', emphasis('**', '*')],
  ['_', emphasis('___', '_')],
  ['_', emphasis('_', '_')],
  ['_', emphasis('__', '_')],
  ['~', emphasis('~~', '~')],
];

/** One run of inline Markdown as plain words; each image it drops from speech is told to `leftOnScreen`. */
export function speakInline(markdown: string, leftOnScreen: (what: string) => void): string {
  // Each step runs only when its trigger character is there: most lines of an answer have none,
  // and a long list or many short paragraphs would otherwise pay for every pattern on each one.
  const codes: string[] = [];
  let text = markdown.replace(PRIVATE_USE, '');
  if (text.includes('`')) text = protectCodeSpans(text, codes);
  const escaped = text.includes('\\');
  if (escaped) text = text.replace(ESCAPE, (_match, character: string) => String.fromCharCode(ESCAPED_BASE + character.charCodeAt(0)));
  if (text.includes('<')) {
    text = removeHtmlComments(text);
    text = text.replace(AUTOLINK, '$1');
    text = text.replace(SPACED_TAG, ' ').replace(INLINE_TAG, '');
  }
  if (text.includes('[')) {
    text = text.replace(IMAGE, (_match, alt: string) => {
      const description = alt.trim();
      leftOnScreen(description.length > 0 ? `an image: ${description}` : 'an image');
      return description;
    });
    text = text.replace(LINK, (_match, label: string, target: string) => {
      const words = label.trim();
      return words.length === 0 || URL_LIKE.test(words) ? linkTo(target) : words;
    });
    text = text.replace(REFERENCE_LINK, '$1').replace(FOOTNOTE_REFERENCE, '');
  }
  if (text.includes('://')) {
    text = text.replace(BARE_URL, (url) => {
      let end = url.length;
      while (end > 0 && '.,;:!?'.includes(url[end - 1]!)) end -= 1;
      return `${linkTo(url.slice(0, end))}${url.slice(end)}`;
    });
  }
  for (const [character, pattern] of EMPHASIS) if (text.includes(character)) text = text.replace(pattern, '$1$2');
  if (text.includes('&')) text = text.replace(ENTITY, decodeEntity);
  if (codes.length > 0) text = text.replace(CODE_PLACEHOLDER, (_match, index: string) => codes[Number(index)] ?? '');
  if (escaped) text = text.replace(ESCAPED_PLACEHOLDER, (held) => String.fromCharCode(held.charCodeAt(0) - ESCAPED_BASE));
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Code spans become placeholders so nothing inside them is read as Markdown; their backticks go.
 * A backtick run closes at the next run of the same length (found through per-length queues that
 * only move forward, so it is linear); an unmatched run is dropped.
 */
function protectCodeSpans(text: string, codes: string[]): string {
  if (!text.includes('`')) return text;
  const runs: { start: number; length: number }[] = [];
  for (let index = 0; index < text.length; ) {
    if (text[index] !== '`') {
      index += 1;
      continue;
    }
    const start = index;
    while (index < text.length && text[index] === '`') index += 1;
    runs.push({ start, length: index - start });
  }
  const byLength = new Map<number, { runs: number[]; cursor: number }>();
  runs.forEach((run, index) => {
    const queue = byLength.get(run.length) ?? { runs: [], cursor: 0 };
    queue.runs.push(index);
    byLength.set(run.length, queue);
  });
  let result = '';
  let copied = 0;
  for (let index = 0; index < runs.length; ) {
    const open = runs[index]!;
    const queue = byLength.get(open.length)!;
    while (queue.cursor < queue.runs.length && queue.runs[queue.cursor]! <= index) queue.cursor += 1;
    result += text.slice(copied, open.start);
    if (queue.cursor >= queue.runs.length) {
      copied = open.start + open.length;
      index += 1;
      continue;
    }
    const closeIndex = queue.runs[queue.cursor]!;
    const close = runs[closeIndex]!;
    const content = text.slice(open.start + open.length, close.start).replace(/\s+/g, ' ').trim();
    result += `${CODE_OPEN}${codes.length}${CODE_CLOSE}`;
    codes.push(content);
    copied = close.start + close.length;
    index = closeIndex + 1;
  }
  return result + text.slice(copied);
}

/** `<!-- … -->` removed; an unclosed comment is left as it is (one indexOf each, so linear). */
function removeHtmlComments(text: string): string {
  let result = '';
  let copied = 0;
  for (;;) {
    const open = text.indexOf('<!--', copied);
    if (open < 0) break;
    const close = text.indexOf('-->', open + 4);
    if (close < 0) break;
    result += text.slice(copied, open);
    copied = close + 3;
  }
  return result + text.slice(copied);
}

/** "a link to github.com": a web address said as its host (with a port, which is a fact). */
function linkTo(target: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(target);
  if (scheme === null) return target.length > 0 ? `a link to ${target}` : 'a link';
  let host = target.slice(scheme[0].length);
  const pathStart = host.search(/[/?#]/);
  if (pathStart >= 0) host = host.slice(0, pathStart);
  host = host.slice(host.lastIndexOf('@') + 1);
  if (host.toLowerCase().startsWith('www.')) host = host.slice(4);
  return host.length > 0 ? `a link to ${host}` : 'a link';
}

function decodeEntity(entity: string, name: string | undefined, decimal: string | undefined, hex: string | undefined): string {
  if (name !== undefined) return NAMED_ENTITIES[name.toLowerCase()] ?? entity;
  const codePoint = decimal !== undefined ? Number(decimal) : Number.parseInt(hex!, 16);
  return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
}

