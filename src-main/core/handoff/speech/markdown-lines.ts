// Tests on one line of Markdown: what block it starts, ends or belongs to. Each is anchored, or
// written out by hand where a pattern could rescan a run, so reading an answer stays linear.

/** An opening code fence: what closes it, and the language named after it. */
export interface Fence {
  marker: '`' | '~';
  length: number;
  indent: number;
  language: string;
}

export function isBlank(line: string): boolean {
  return line.trim().length === 0;
}

/** Block-quote markers removed: a quoted answer is spoken like any other. */
export function unquote(line: string): string {
  return line.startsWith('>') || line.trimStart().startsWith('>') ? line.replace(/^[ \t]{0,3}(?:>[ \t]?)+/, '') : line;
}

export function indentWidth(line: string): number {
  let width = 0;
  for (const character of line) {
    if (character === ' ') width += 1;
    else if (character === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

export function openingFence(line: string): Fence | undefined {
  if (!line.includes('``') && !line.includes('~~')) return undefined;
  const match = /^([ \t]*)(`{3,}|~{3,})(.*)$/.exec(line);
  if (match === null) return undefined;
  const marker = match[2]![0] as '`' | '~';
  const info = match[3]!;
  if (marker === '`' && info.includes('`')) return undefined;
  const language = /^[ \t]*\{?\.?([\w+#-]{1,20})/.exec(info)?.[1] ?? '';
  return { marker, length: match[2]!.length, indent: indentWidth(match[1]!), language };
}

export function isClosingFence(line: string, fence: Fence): boolean {
  const trimmed = line.trim();
  if (trimmed.length < fence.length) return false;
  for (const character of trimmed) if (character !== fence.marker) return false;
  return true;
}

/** The text of an ATX heading (`## Title ##`), or undefined. */
export function atxHeading(line: string): string | undefined {
  if (!line.includes('#')) return undefined;
  const match = /^ {0,3}(#{1,6})(?:[ \t]|$)/.exec(line);
  if (match === null) return undefined;
  let text = line.slice(match[0].length).trim();
  let end = text.length;
  while (end > 0 && text[end - 1] === '#') end -= 1;
  if (end === 0 || text[end - 1] === ' ' || text[end - 1] === '\t') text = text.slice(0, end).trim();
  return text;
}

export function isSetextUnderline(line: string): boolean {
  const trimmed = line.trim();
  if (trimmed.length === 0 || indentWidth(line) > 3) return false;
  const marker = trimmed[0];
  if (marker !== '=' && marker !== '-') return false;
  for (const character of trimmed) if (character !== marker) return false;
  return true;
}

export function isThematicBreak(line: string): boolean {
  if (indentWidth(line) > 3) return false;
  let marker: string | undefined;
  let count = 0;
  for (const character of line) {
    if (character === ' ' || character === '\t') continue;
    if (character !== '-' && character !== '*' && character !== '_') return false;
    if (marker !== undefined && character !== marker) return false;
    marker = character;
    count += 1;
  }
  return count >= 3;
}

/** A header row with pipes followed by a delimiter row such as `|---|:--:|`. */
export function isTableStart(line: string, nextLine: string | undefined): boolean {
  if (nextLine === undefined || !line.includes('|')) return false;
  const delimiter = unquote(nextLine).trim();
  if (!delimiter.includes('|') || !delimiter.includes('-')) return false;
  for (const character of delimiter) if (!'|:- \t'.includes(character)) return false;
  return true;
}

export function tableCells(line: string): string[] {
  const cells = line.trim().split('|');
  if (cells[0]!.trim() === '') cells.shift();
  if (cells.length > 0 && cells[cells.length - 1]!.trim() === '') cells.pop();
  return cells.map((cell) => cell.trim());
}

/** The text after a bullet or number marker, or undefined when the line is not a list item. */
export function listItemText(line: string): string | undefined {
  const match = /^[ \t]*(?:[-*+]|\d{1,3}[.)])(?:[ \t]+|$)/.exec(line);
  return match === null ? undefined : line.slice(match[0].length).trim();
}

export function isReferenceDefinition(line: string): boolean {
  return /^ {0,3}\[[^[\]\n]+\]:[ \t]*\S/.test(line);
}
