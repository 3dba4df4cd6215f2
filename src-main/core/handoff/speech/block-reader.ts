// Splits an answer into the blocks the voice speaks, in one pass over its lines: code fences and
// indented code, tables, lists, headings, paragraphs and block quotes (spoken like any other text).
// Each block comes out already spoken; what is left on screen only is noted as it is met.

import { speakCode } from './code-speech';
import { speakInline } from './inline-markdown';
import { type ListItem, speakList, startListItem } from './list-speech';
import {
  atxHeading, type Fence, indentWidth, isBlank, isClosingFence, isReferenceDefinition, isSetextUnderline,
  isTableStart, isThematicBreak, listItemText, openingFence, tableCells, unquote,
} from './markdown-lines';
import { capitalize, formatCount, joinWords, sentence } from './spoken-words';

/** A table's header is named only when the voice can say it in a breath. */
const MAX_TABLE_HEADER_CHARS = 60;

export interface ReadBlocks {
  /** Each block as spoken, in order; some may be empty. */
  blocks: string[];
  /** Short descriptions of what was left on screen only, in the order it was met. */
  leftOnScreen: string[];
}

export function readBlocks(markdown: string): ReadBlocks {
  const reader = new BlockReader();
  reader.read(markdown);
  return { blocks: reader.blocks, leftOnScreen: reader.leftOnScreen };
}

class BlockReader {
  readonly blocks: string[] = [];
  readonly leftOnScreen: string[] = [];
  private paragraph: string[] = [];
  private list: ListItem[] | undefined;
  private blankInList = false;

  read(markdown: string): void {
    const lines = markdown.split(/\r\n?|\n/);
    let index = 0;
    while (index < lines.length) index = this.readLine(lines, index);
    this.flushParagraph();
    this.flushList();
  }

  /** Reads the block element starting at `index`; returns the index of the next unread line. */
  private readLine(lines: readonly string[], index: number): number {
    const line = unquote(lines[index]!);
    if (isBlank(line)) {
      this.flushParagraph();
      if (this.list !== undefined) this.blankInList = true;
      return index + 1;
    }
    const indent = indentWidth(line);
    const fence = openingFence(line);
    if (this.list !== undefined) {
      const next = this.readInList(lines, index, line, indent, fence);
      if (next !== undefined) return next;
      this.flushList();
    }
    if (fence !== undefined) {
      this.flushParagraph();
      return this.readFence(lines, index, fence, (spoken) => this.blocks.push(spoken));
    }
    const heading = atxHeading(line);
    if (heading !== undefined) {
      this.flushParagraph();
      this.blocks.push(sentence(this.speak(heading)));
      return index + 1;
    }
    if (this.paragraph.length > 0 && isSetextUnderline(line)) {
      const text = this.paragraph.join(' ');
      this.paragraph = [];
      this.blocks.push(sentence(this.speak(text)));
      return index + 1;
    }
    if (isThematicBreak(line)) {
      this.flushParagraph();
      return index + 1;
    }
    if (isTableStart(line, lines[index + 1])) {
      this.flushParagraph();
      return this.readTable(lines, index);
    }
    const item = listItemText(line);
    if (item !== undefined) {
      this.flushParagraph();
      this.list = [];
      this.startItem(item);
      return index + 1;
    }
    if (this.paragraph.length === 0 && indent >= 4) return this.readIndentedCode(lines, index);
    if (this.paragraph.length === 0 && isReferenceDefinition(line)) return index + 1;
    // A trailing backslash is a Markdown line break, not a character to say.
    const text = line.trim();
    this.paragraph.push(text.endsWith('\\') ? text.slice(0, -1) : text);
    return index + 1;
  }

  /** A line while a list is open: a new item, or more of the current one; undefined ends the list. */
  private readInList(lines: readonly string[], index: number, line: string, indent: number, fence: Fence | undefined): number | undefined {
    const item = this.list![this.list!.length - 1]!;
    if (fence !== undefined) {
      if (indent < 2) return undefined;
      this.blankInList = false;
      return this.readFence(lines, index, fence, (spoken) => item.parts.push({ text: spoken, markdown: false }));
    }
    if (isThematicBreak(line)) return undefined;
    const text = listItemText(line);
    if (text !== undefined) {
      this.startItem(text);
      return index + 1;
    }
    if (indent < 2 && (this.blankInList || atxHeading(line) !== undefined)) return undefined;
    item.parts.push({ text: line.trim(), markdown: true });
    this.blankInList = false;
    return index + 1;
  }

  private startItem(markdown: string): void {
    this.list!.push(startListItem(markdown));
    this.blankInList = false;
  }

  private readFence(lines: readonly string[], index: number, fence: Fence, emit: (spoken: string) => void): number {
    const content: string[] = [];
    let next = index + 1;
    while (next < lines.length) {
      const line = unquote(lines[next]!);
      next += 1;
      if (isClosingFence(line, fence)) break;
      content.push(line);
    }
    const spoken = speakCode(fence.language, content, this.noteLeftOnScreen);
    if (spoken.length > 0) emit(spoken);
    return next;
  }

  private readIndentedCode(lines: readonly string[], index: number): number {
    const content: string[] = [];
    let next = index;
    while (next < lines.length) {
      const line = unquote(lines[next]!);
      if (!isBlank(line)) {
        if (indentWidth(line) < 4) break;
        content.push(line);
        next += 1;
        continue;
      }
      // Blank lines belong to the block only when more indented code follows them.
      let after = next;
      while (after < lines.length && isBlank(unquote(lines[after]!))) after += 1;
      if (after >= lines.length || indentWidth(unquote(lines[after]!)) < 4) break;
      for (; next < after; next += 1) content.push('');
    }
    this.blocks.push(speakCode('', content, this.noteLeftOnScreen));
    return next;
  }

  private readTable(lines: readonly string[], index: number): number {
    const header = tableCells(unquote(lines[index]!))
      .map((cell) => this.speak(cell))
      .filter((cell) => cell.length > 0);
    let next = index + 2;
    while (next < lines.length) {
      const line = unquote(lines[next]!);
      if (isBlank(line) || !line.includes('|')) break;
      next += 1;
    }
    const rows = next - index - 2;
    const described = `a table with ${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'}`;
    const columns = joinWords(header);
    const named = header.length > 0 && columns.length <= MAX_TABLE_HEADER_CHARS ? ` and the columns ${columns}` : '';
    this.blocks.push(`[${capitalize(described)}${named} is on the user's screen.]`);
    this.leftOnScreen.push(described);
    return next;
  }

  private flushParagraph(): void {
    if (this.paragraph.length === 0) return;
    this.blocks.push(this.speak(this.paragraph.join(' ')));
    this.paragraph = [];
  }

  private flushList(): void {
    const items = this.list;
    this.list = undefined;
    this.blankInList = false;
    if (items !== undefined) this.blocks.push(speakList(items, this.speak, this.noteLeftOnScreen));
  }

  private readonly noteLeftOnScreen = (what: string): void => {
    this.leftOnScreen.push(what);
  };

  private readonly speak = (markdown: string): string => (markdown.length === 0 ? '' : speakInline(markdown, this.noteLeftOnScreen));
}
