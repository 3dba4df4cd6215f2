// Inline Markdown in one left-to-right pass: code spans, **strong**, *emphasis* (and the `_`
// forms), [links](url), <autolinks>, bare http(s) URLs, backslash escapes and line breaks.
//
// Linear on purpose (answers stream in and are parsed again on every delta): open delimiters and
// brackets live on a stack of frames whose contents are linked lists, so closing or abandoning a
// frame costs O(1); a closer only searches the stack when it knows a matching opener is there
// (per-character counters), and every frame it passes is collapsed for good. Code-span closers
// are found through an index of backtick runs built once. Link tails and bare URLs are bounded.
import type { MarkdownInline } from './markdown-tree';
import { safeHref } from './safe-href';

/** Deeper emphasis or bracket nesting is kept as literal text (it also bounds recursion). */
const MAX_INLINE_NESTING = 32;
/** A link tail `(destination "title")` longer than this is not a link. */
const MAX_LINK_TAIL_CHARS = 2_048;
const MAX_DESTINATION_PARENTHESES = 32;
const ASCII_PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const TRAILING_URL_PUNCTUATION = new Set('.,:;!?"\'*_~');
const UNICODE_PUNCTUATION = /[\p{P}\p{S}]/u;
const UNICODE_WHITESPACE = /\s/u;
const WORD_CHARACTER = /[\p{L}\p{N}]/u;
const ANGLE_AUTOLINK = /<((?:https?:\/\/|mailto:)[^\s<>]+)>/iy;

type EmphasisCharacter = '*' | '_';

/** A mutable inline while the pass runs; children are linked lists until `finish`. */
type Draft =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong' | 'emphasis'; children: Chain }
  | { kind: 'link'; href: string; children: Chain }
  | { kind: 'break' };

interface ChainNode {
  draft: Draft;
  next: ChainNode | undefined;
}

interface Chain {
  head: ChainNode | undefined;
  tail: ChainNode | undefined;
}

type Frame =
  | { kind: 'root'; chain: Chain }
  | { kind: 'emphasis'; chain: Chain; character: EmphasisCharacter; count: number }
  /** `linksBefore`: links completed when it opened; a link inside makes this bracket literal. */
  | { kind: 'bracket'; chain: Chain; linksBefore: number; outerOpeners: Record<EmphasisCharacter, number> };

const emptyChain = (): Chain => ({ head: undefined, tail: undefined });

function appendDraft(chain: Chain, draft: Draft): void {
  if (draft.kind === 'text') {
    if (draft.text === '') return;
    const tail = chain.tail?.draft;
    if (tail?.kind === 'text') {
      tail.text += draft.text; // adjacent text merges: one node per run
      return;
    }
  }
  const node: ChainNode = { draft, next: undefined };
  if (chain.tail) chain.tail.next = node;
  else chain.head = node;
  chain.tail = node;
}

function appendText(chain: Chain, text: string): void {
  appendDraft(chain, { kind: 'text', text });
}

/** Moves `source`'s nodes to the end of `target` in O(1) (merging text at the seam). */
function appendChain(target: Chain, source: Chain): void {
  const first = source.head;
  if (!first) return;
  const tail = target.tail?.draft;
  if (tail?.kind === 'text' && first.draft.kind === 'text') {
    tail.text += first.draft.text;
    if (!first.next) return;
    target.tail!.next = first.next;
    target.tail = source.tail;
    return;
  }
  if (target.tail) target.tail.next = first;
  else target.head = first;
  target.tail = source.tail;
}

function finish(chain: Chain): MarkdownInline[] {
  const inlines: MarkdownInline[] = [];
  for (let node = chain.head; node; node = node.next) {
    const draft = node.draft;
    switch (draft.kind) {
      case 'text':
      case 'code':
        inlines.push({ kind: draft.kind, text: draft.text });
        break;
      case 'strong':
      case 'emphasis':
        inlines.push({ kind: draft.kind, children: finish(draft.children) });
        break;
      case 'link':
        inlines.push({ kind: 'link', href: draft.href, children: finish(draft.children) });
        break;
      case 'break':
        inlines.push({ kind: 'break' });
        break;
    }
  }
  return inlines;
}

/** Links cannot hold links: autolinks inside a link's text become their text again. */
function withoutAutolinks(chain: Chain): Chain {
  const result = emptyChain();
  for (let node = chain.head; node; node = node.next) {
    const draft = node.draft;
    if (draft.kind === 'link') appendChain(result, withoutAutolinks(draft.children));
    else if (draft.kind === 'strong' || draft.kind === 'emphasis') appendDraft(result, { kind: draft.kind, children: withoutAutolinks(draft.children) });
    else appendDraft(result, draft);
  }
  return result;
}

const isWhitespace = (character: string | undefined) => character === undefined || UNICODE_WHITESPACE.test(character);
const isPunctuation = (character: string | undefined) => character !== undefined && (ASCII_PUNCTUATION.has(character) || UNICODE_PUNCTUATION.test(character));

/** Positions of every maximal run of backticks, by run length, to find code-span closers. */
class BacktickRuns {
  private readonly positions = new Map<number, number[]>();
  private readonly cursors = new Map<number, number>();

  constructor(source: string) {
    for (let index = source.indexOf('`'); index !== -1; ) {
      let end = index;
      while (source[end] === '`') end++;
      const length = end - index;
      const list = this.positions.get(length);
      if (list) list.push(index);
      else this.positions.set(length, [index]);
      index = source.indexOf('`', end);
    }
  }

  /** The start of the first run of exactly `length` backticks after `position`, or -1. */
  nextAfter(position: number, length: number): number {
    const list = this.positions.get(length);
    if (!list) return -1;
    let cursor = this.cursors.get(length) ?? 0; // callers ask in increasing position: never rewinds
    while (cursor < list.length && list[cursor]! <= position) cursor++;
    this.cursors.set(length, cursor);
    return cursor < list.length ? list[cursor]! : -1;
  }
}

/** `(destination "optional title")` right after a `]`; the destination and where the tail ends. */
function parseLinkTail(source: string, open: number): { destination: string; end: number } | undefined {
  if (source[open] !== '(') return undefined;
  const limit = Math.min(source.length, open + MAX_LINK_TAIL_CHARS);
  let index = skipSpace(source, open + 1, limit);
  let destination: string;
  if (source[index] === '<') {
    const close = source.indexOf('>', index + 1);
    if (close === -1 || close >= limit) return undefined;
    destination = source.slice(index + 1, close);
    if (/[\n<]/.test(destination)) return undefined;
    index = close + 1;
  } else {
    const start = index;
    let depth = 0;
    while (index < limit) {
      const character = source[index]!;
      if (character === '\\' && ASCII_PUNCTUATION.has(source[index + 1] ?? '')) {
        index += 2;
        continue;
      }
      if (character <= ' ') break;
      if (character === '(') {
        if (++depth > MAX_DESTINATION_PARENTHESES) return undefined;
      } else if (character === ')') {
        if (depth === 0) break;
        depth--;
      }
      index++;
    }
    if (depth !== 0) return undefined;
    destination = unescapePunctuation(source.slice(start, index));
  }
  const afterDestination = index;
  index = skipSpace(source, index, limit);
  const quote = source[index];
  if (index > afterDestination && (quote === '"' || quote === "'" || quote === '(')) {
    const closing = quote === '(' ? ')' : quote;
    const close = source.indexOf(closing, index + 1);
    if (close === -1 || close >= limit) return undefined;
    index = skipSpace(source, close + 1, limit); // the title is dropped: the answer needs no tooltip
  }
  if (source[index] !== ')') return undefined;
  return { destination, end: index + 1 };
}

function skipSpace(source: string, from: number, limit: number): number {
  let index = from;
  while (index < limit && (source[index] === ' ' || source[index] === '\t' || source[index] === '\n')) index++;
  return index;
}

function unescapePunctuation(text: string): string {
  return text.includes('\\') ? text.replace(/\\([!-/:-@[-`{-~])/g, '$1') : text;
}

/** Where a bare URL starting at `start` ends: no spaces or brackets, no trailing punctuation. */
function bareUrlEnd(source: string, start: number): number {
  let end = start;
  let opened = 0;
  let closed = 0;
  while (end < source.length) {
    const character = source[end]!;
    if (isWhitespace(character) || character === '<' || character === '>' || character === '[' || character === ']' || character === '`') break;
    if (character === '(') opened++;
    else if (character === ')') closed++;
    end++;
  }
  for (;;) {
    const last = source[end - 1]!;
    if (TRAILING_URL_PUNCTUATION.has(last)) end--;
    else if (last === ')' && closed > opened) {
      end--;
      closed--;
    } else return end;
  }
}

function normalizeCodeSpan(text: string): string {
  const flat = text.replace(/\n/g, ' ');
  return flat.length >= 2 && flat.startsWith(' ') && flat.endsWith(' ') && flat.trim() !== '' ? flat.slice(1, -1) : flat;
}

/** Inline Markdown of one paragraph or heading (`\n` separates its lines) as a tree. */
export function parseInlines(source: string): MarkdownInline[] {
  return new InlineParser(source).parse();
}

class InlineParser {
  private readonly root: Chain = emptyChain();
  private readonly stack: Frame[] = [{ kind: 'root', chain: this.root }];
  private readonly backticks: BacktickRuns;
  /** Open emphasis frames per character above the nearest bracket. */
  private openers: Record<EmphasisCharacter, number> = { '*': 0, _: 0 };
  private openBrackets = 0;
  private linksCompleted = 0;
  private index = 0;
  /** Where the pending run of plain text started. */
  private textStart = 0;

  constructor(private readonly source: string) {
    this.backticks = new BacktickRuns(source);
  }

  parse(): MarkdownInline[] {
    const source = this.source;
    while (this.index < source.length) {
      switch (source[this.index]) {
        case '\\':
          this.onBackslash();
          break;
        case '\n':
          this.onNewline();
          break;
        case '`':
          this.onBackticks();
          break;
        case '*':
        case '_':
          this.onDelimiterRun(source[this.index] as EmphasisCharacter);
          break;
        case '[':
          this.onOpenBracket();
          break;
        case ']':
          this.onCloseBracket();
          break;
        case '<':
          this.onAngleBracket();
          break;
        case 'h':
          this.onPossibleUrl();
          break;
        default:
          this.index++;
      }
    }
    this.flushText(source.length);
    while (this.stack.length > 1) this.collapseTop();
    return finish(this.root);
  }

  private get top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private flushText(end: number): void {
    if (end > this.textStart) appendText(this.top.chain, this.source.slice(this.textStart, end));
  }

  /** Ends the pending text at the current position, adds `draft`, and resumes text at `next`. */
  private emit(draft: Draft, next: number): void {
    this.flushText(this.index);
    appendDraft(this.top.chain, draft);
    this.index = next;
    this.textStart = next;
  }

  /** Pops the top frame and gives its contents to the frame below as literal text. */
  private collapseTop(): void {
    const frame = this.stack.pop()!;
    const parent = this.top.chain;
    if (frame.kind === 'emphasis') {
      this.openers[frame.character]--;
      appendText(parent, frame.character.repeat(frame.count));
    } else if (frame.kind === 'bracket') {
      this.openBrackets--;
      this.openers = frame.outerOpeners;
      appendText(parent, '[');
    }
    appendChain(parent, frame.chain);
  }

  private onBackslash(): void {
    const next = this.source[this.index + 1];
    if (next === '\n') this.emit({ kind: 'break' }, this.index + 2);
    else if (next !== undefined && ASCII_PUNCTUATION.has(next)) this.emit({ kind: 'text', text: next }, this.index + 2);
    else this.index++;
  }

  /** As in chat apps, a newline inside a paragraph is a line break; spaces around it go. */
  private onNewline(): void {
    const source = this.source;
    let end = this.index;
    while (end > this.textStart && source[end - 1] === ' ') end--;
    this.flushText(end);
    appendDraft(this.top.chain, { kind: 'break' });
    let next = this.index + 1;
    while (source[next] === ' ' || source[next] === '\t') next++;
    this.index = next;
    this.textStart = next;
  }

  private onBackticks(): void {
    let end = this.index;
    while (this.source[end] === '`') end++;
    const length = end - this.index;
    const close = this.backticks.nextAfter(this.index, length);
    if (close === -1) this.index = end; // no closer: the backticks are text
    else this.emit({ kind: 'code', text: normalizeCodeSpan(this.source.slice(end, close)) }, close + length);
  }

  private onDelimiterRun(character: EmphasisCharacter): void {
    const source = this.source;
    const start = this.index;
    let end = start;
    while (source[end] === character) end++;
    this.flushText(start);
    this.index = end;
    this.textStart = end;

    const before = source[start - 1];
    const after = source[end];
    const leftFlanking = !isWhitespace(after) && (!isPunctuation(after) || isWhitespace(before) || isPunctuation(before));
    const rightFlanking = !isWhitespace(before) && (!isPunctuation(before) || isWhitespace(after) || isPunctuation(after));
    // `_` inside a word (snake_case) is text; `*` inside a word is emphasis.
    const canOpen = character === '*' ? leftFlanking : leftFlanking && (!rightFlanking || isPunctuation(before));
    const canClose = character === '*' ? rightFlanking : rightFlanking && (!leftFlanking || isPunctuation(after));
    let remaining = end - start;
    if (canClose) remaining = this.closeEmphasis(character, remaining);
    if (remaining === 0) return;
    if (canOpen && this.stack.length < MAX_INLINE_NESTING) {
      this.stack.push({ kind: 'emphasis', chain: emptyChain(), character, count: remaining });
      this.openers[character]++;
    } else appendText(this.top.chain, character.repeat(remaining));
  }

  /** Matches a closing run against open frames; returns how many delimiters are left over. */
  private closeEmphasis(character: EmphasisCharacter, length: number): number {
    let remaining = length;
    while (remaining > 0 && this.openers[character] > 0) {
      let frame = this.top;
      // The counter says a matching frame is open above the nearest bracket: collapse what is
      // in between (unmatched openers are text now); each frame is collapsed only once.
      while (frame.kind !== 'emphasis' || frame.character !== character) {
        this.collapseTop();
        frame = this.top;
      }
      const used = remaining >= 2 && frame.count >= 2 ? 2 : 1;
      frame.count -= used;
      remaining -= used;
      const node: Draft = { kind: used === 2 ? 'strong' : 'emphasis', children: frame.chain };
      frame.chain = emptyChain();
      appendDraft(frame.chain, node);
      if (frame.count === 0) {
        this.stack.pop();
        this.openers[character]--;
        appendDraft(this.top.chain, node);
      }
    }
    return remaining;
  }

  private onOpenBracket(): void {
    this.flushText(this.index);
    if (this.stack.length < MAX_INLINE_NESTING) {
      this.stack.push({ kind: 'bracket', chain: emptyChain(), linksBefore: this.linksCompleted, outerOpeners: this.openers });
      this.openers = { '*': 0, _: 0 }; // emphasis cannot close across a bracket
      this.openBrackets++;
    } else appendText(this.top.chain, '[');
    this.index++;
    this.textStart = this.index;
  }

  /** A `]`: closes the nearest `[` as a link when a safe destination follows, else as text. */
  private onCloseBracket(): void {
    this.flushText(this.index);
    const position = this.index;
    this.index = position + 1;
    this.textStart = this.index;
    if (this.openBrackets === 0) {
      appendText(this.top.chain, ']');
      return;
    }
    while (this.top.kind !== 'bracket') this.collapseTop();
    const bracket = this.stack.pop() as Extract<Frame, { kind: 'bracket' }>;
    this.openBrackets--;
    this.openers = bracket.outerOpeners;
    const parent = this.top.chain;
    const tail = parseLinkTail(this.source, position + 1);
    const href = tail ? safeHref(tail.destination) : undefined;
    if (tail && href !== undefined && bracket.linksBefore === this.linksCompleted) {
      appendDraft(parent, { kind: 'link', href, children: withoutAutolinks(bracket.chain) });
      this.linksCompleted++;
      this.index = tail.end;
      this.textStart = tail.end;
      return;
    }
    appendText(parent, '[');
    appendChain(parent, bracket.chain);
    appendText(parent, ']');
  }

  private onAngleBracket(): void {
    ANGLE_AUTOLINK.lastIndex = this.index;
    const match = ANGLE_AUTOLINK.exec(this.source);
    const href = match ? safeHref(match[1]!) : undefined;
    if (!match || href === undefined) {
      this.index++;
      return;
    }
    this.emit(linkWithText(href, match[1]!), this.index + match[0].length);
  }

  private onPossibleUrl(): void {
    const source = this.source;
    const start = this.index;
    const isUrlStart = (source.startsWith('http://', start) || source.startsWith('https://', start)) && !WORD_CHARACTER.test(source[start - 1] ?? ' ');
    const end = isUrlStart ? bareUrlEnd(source, start) : start;
    const text = source.slice(start, end);
    const href = isUrlStart && /^https?:\/\/[^/?#]/i.test(text) ? safeHref(text) : undefined;
    if (href === undefined) this.index++;
    else this.emit(linkWithText(href, text), end);
  }
}

function linkWithText(href: string, text: string): Draft {
  const children = emptyChain();
  appendText(children, text);
  return { kind: 'link', href, children };
}
