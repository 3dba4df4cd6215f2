// Block Markdown: paragraphs, ATX headings, bullet and numbered lists (nested by indentation),
// fenced and indented code, block quotes and rules; inline content goes to parse-inlines.ts.
// Close to CommonMark where answers need it, forgiving where models are loose: a nested list
// indented by two spaces under "1." still nests, and a newline inside a paragraph is kept as a
// line break. Each nesting level reads its lines once, and nesting is capped, so a parse is
// linear in the text.
import type { HeadingLevel, MarkdownBlock, MarkdownListItem } from './markdown-tree';
import { parseInlines } from './parse-inlines';

/** Quotes and lists nested deeper than this are read as paragraph text. */
const MAX_BLOCK_NESTING = 16;
const TAB_WIDTH = 4;
const INDENTED_CODE_WIDTH = 4;
/** More spaces than this after a list marker: the item starts with indented code (CommonMark). */
const MAX_SPACES_AFTER_MARKER = 4;

const FENCE_OPEN = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*))?$/;
const HEADING_CLOSING_HASHES = /(?:^|[ \t]+)#+[ \t]*$/;
const RULE = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const QUOTE_MARKER = /^ {0,3}> ?/;
const LIST_MARKER = /^( {0,3})([-+*]|(\d{1,9})[.)])([ \t]+|$)/;

interface ListMarker {
  readonly ordered: boolean;
  readonly start: number;
  /** Columns before the marker. */
  readonly markerIndent: number;
  /** The column where the item's content starts. */
  readonly contentIndent: number;
  /** The first line's content. */
  readonly content: string;
}

interface Fence {
  readonly indent: number;
  readonly marker: string;
  readonly language: string;
}

const NON_SPACE = /\S/;

function isBlank(line: string): boolean {
  return !NON_SPACE.test(line);
}

function indentOf(line: string): number {
  let column = 0;
  while (line[column] === ' ') column++;
  return column;
}

/** Leading tabs become spaces once, so every later step counts columns in spaces. */
function expandLeadingTabs(line: string): string {
  if (!line.startsWith('\t') && !/^ *\t/.test(line)) return line;
  let column = 0;
  let index = 0;
  for (; index < line.length; index++) {
    if (line[index] === ' ') column++;
    else if (line[index] === '\t') column += TAB_WIDTH - (column % TAB_WIDTH);
    else break;
  }
  return ' '.repeat(column) + line.slice(index);
}

/** The first character after the indentation: a cheap test before any pattern runs. */
function leadingCharacter(line: string): string | undefined {
  return line[indentOf(line)];
}

function matchFence(line: string): Fence | undefined {
  const first = leadingCharacter(line);
  if (first !== '`' && first !== '~') return undefined;
  const match = FENCE_OPEN.exec(line);
  if (!match) return undefined;
  const marker = match[2]!;
  const info = match[3]!.trim();
  if (marker.startsWith('`') && info.includes('`')) return undefined; // inline code, not a fence
  return { indent: match[1]!.length, marker, language: info.split(/\s+/)[0] ?? '' };
}

function closesFence(line: string, fence: Fence): boolean {
  const trimmed = line.trim();
  return indentOf(line) < INDENTED_CODE_WIDTH && trimmed.length >= fence.marker.length && trimmed === fence.marker[0]!.repeat(trimmed.length);
}

function matchListMarker(line: string): ListMarker | undefined {
  const first = leadingCharacter(line);
  if (first !== '-' && first !== '*' && first !== '+' && !(first! >= '0' && first! <= '9')) return undefined;
  const match = LIST_MARKER.exec(line);
  if (!match) return undefined;
  const markerIndent = match[1]!.length;
  const markerWidth = match[2]!.length;
  const spacing = match[4]!.replace(/\t/g, ' '.repeat(TAB_WIDTH)).length;
  const rest = line.slice(match[0].length);
  const spaces = rest === '' ? 1 : spacing > MAX_SPACES_AFTER_MARKER ? 1 : spacing;
  const content = spacing > MAX_SPACES_AFTER_MARKER && rest !== '' ? ' '.repeat(spacing - 1) + rest : rest;
  return {
    ordered: match[3] !== undefined,
    start: match[3] === undefined ? 1 : Number(match[3]),
    markerIndent,
    contentIndent: markerIndent + markerWidth + spaces,
    content,
  };
}

/** Whether `line` starts a block that ends a paragraph. */
function interruptsParagraph(line: string, depth: number): boolean {
  const first = leadingCharacter(line);
  if (first === undefined || /[\p{L}\p{N}]/u.test(first) && !(first >= '0' && first <= '9')) return false; // most lines start with a letter
  if (matchFence(line) || HEADING.test(line) || RULE.test(line)) return true;
  if (depth >= MAX_BLOCK_NESTING) return false;
  if (QUOTE_MARKER.test(line)) return true;
  const marker = matchListMarker(line);
  // As in CommonMark, "2021. was a year" mid-paragraph is text; only an item starting at 1 or a
  // bullet with content interrupts.
  return marker !== undefined && marker.content.trim() !== '' && (!marker.ordered || marker.start === 1);
}

function headingFrom(line: string): MarkdownBlock | undefined {
  const match = HEADING.exec(line);
  if (!match) return undefined;
  const text = (match[2] ?? '').replace(HEADING_CLOSING_HASHES, '').trim();
  return { kind: 'heading', level: match[1]!.length as HeadingLevel, content: parseInlines(text) };
}

function trimBlankEnds(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && isBlank(lines[start]!)) start++;
  while (end > start && isBlank(lines[end - 1]!)) end--;
  return start === 0 && end === lines.length ? lines : lines.slice(start, end);
}

/** The blocks of `lines` (tabs already expanded), `depth` levels inside quotes and lists. */
function parseBlocks(lines: readonly string[], depth: number): MarkdownBlock[] {
  const blocks: MarkdownBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (isBlank(line)) {
      index++;
      continue;
    }

    if (indentOf(line) >= INDENTED_CODE_WIDTH) {
      const code: string[] = [];
      while (index < lines.length && (isBlank(lines[index]!) || indentOf(lines[index]!) >= INDENTED_CODE_WIDTH)) {
        code.push(lines[index]!.slice(INDENTED_CODE_WIDTH));
        index++;
      }
      blocks.push({ kind: 'code', language: '', text: trimBlankEnds(code).join('\n') });
      continue;
    }

    const fence = matchFence(line);
    if (fence) {
      const code: string[] = [];
      index++;
      while (index < lines.length && !closesFence(lines[index]!, fence)) {
        const codeLine = lines[index]!;
        code.push(codeLine.slice(Math.min(fence.indent, indentOf(codeLine))));
        index++;
      }
      index++; // the closing fence (or the end: an unclosed fence runs to the end, as when streaming)
      blocks.push({ kind: 'code', language: fence.language, text: code.join('\n') });
      continue;
    }

    if (RULE.test(line)) {
      blocks.push({ kind: 'rule' });
      index++;
      continue;
    }

    const heading = headingFrom(line);
    if (heading) {
      blocks.push(heading);
      index++;
      continue;
    }

    if (depth < MAX_BLOCK_NESTING && QUOTE_MARKER.test(line)) {
      const quoted: string[] = [];
      let previousWasText = false;
      while (index < lines.length) {
        const next = lines[index]!;
        if (QUOTE_MARKER.test(next)) {
          const inner = next.replace(QUOTE_MARKER, '');
          quoted.push(inner);
          previousWasText = !isBlank(inner) && !matchFence(inner);
        } else if (previousWasText && !isBlank(next) && !interruptsParagraph(next, depth)) {
          quoted.push(next); // a lazy continuation of the quoted paragraph
        } else break;
        index++;
      }
      blocks.push({ kind: 'quote', blocks: parseBlocks(quoted, depth + 1) });
      continue;
    }

    const marker = depth < MAX_BLOCK_NESTING ? matchListMarker(line) : undefined;
    if (marker) {
      index = parseList(lines, index, depth, marker, blocks);
      continue;
    }

    const paragraph = [line.trim()];
    index++;
    while (index < lines.length && !isBlank(lines[index]!) && !interruptsParagraph(lines[index]!, depth)) {
      paragraph.push(lines[index]!.trim());
      index++;
    }
    blocks.push({ kind: 'paragraph', content: parseInlines(paragraph.join('\n')) });
  }
  return blocks;
}

/** Reads one list starting at `index` into `blocks`; returns the index after it. */
function parseList(lines: readonly string[], index: number, depth: number, first: ListMarker, blocks: MarkdownBlock[]): number {
  const items: MarkdownListItem[] = [];
  let marker: ListMarker | undefined = first;
  while (marker && marker.ordered === first.ordered) {
    // Lines indented past the marker belong to the item: at the content column (CommonMark) or,
    // for models that indent sub-lists by two under "1.", two columns past the marker.
    const childIndent = Math.min(marker.contentIndent, marker.markerIndent + 2);
    // The first child line sets how much indentation every child line loses, so the children
    // keep their indentation relative to each other.
    let childMargin: number | undefined;
    const itemLines = [marker.content];
    let previousWasText = !isBlank(marker.content);
    index++;
    while (index < lines.length) {
      const next = lines[index]!;
      if (isBlank(next)) {
        itemLines.push('');
        previousWasText = false;
      } else if (indentOf(next) >= childIndent) {
        childMargin ??= Math.min(indentOf(next), marker.contentIndent);
        const inner = next.slice(Math.min(indentOf(next), childMargin));
        itemLines.push(inner);
        previousWasText = !matchFence(inner);
      } else if (previousWasText && !matchListMarker(next) && !interruptsParagraph(next, depth)) {
        itemLines.push(next.trim()); // a lazy continuation of the item's paragraph
      } else break;
      index++;
    }
    items.push({ blocks: parseBlocks(trimBlankEnds(itemLines), depth + 1) });
    marker = index < lines.length ? matchListMarker(lines[index]!) : undefined;
  }
  blocks.push({ kind: 'list', ordered: first.ordered, start: first.start, items });
  return index;
}

/** Markdown text as a tree of blocks. Never throws; any text is some Markdown. */
export function parseMarkdown(text: string): MarkdownBlock[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map(expandLeadingTabs);
  return parseBlocks(lines, 0);
}
