// The small typed tree the Markdown parser produces and the Markdown component draws. Plain data:
// no HTML survives parsing, so what the component renders is text, never markup.

export type HeadingLevel = 1 | 2 | 3 | 4 | 5 | 6;

export type MarkdownInline =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'strong'; readonly children: readonly MarkdownInline[] }
  | { readonly kind: 'emphasis'; readonly children: readonly MarkdownInline[] }
  /** `href` is always an absolute http:, https: or mailto: URL (see safe-href.ts). */
  | { readonly kind: 'link'; readonly href: string; readonly children: readonly MarkdownInline[] }
  | { readonly kind: 'break' };

export interface MarkdownListItem {
  readonly blocks: readonly MarkdownBlock[];
}

export type MarkdownBlock =
  | { readonly kind: 'paragraph'; readonly content: readonly MarkdownInline[] }
  | { readonly kind: 'heading'; readonly level: HeadingLevel; readonly content: readonly MarkdownInline[] }
  | { readonly kind: 'list'; readonly ordered: boolean; readonly start: number; readonly items: readonly MarkdownListItem[] }
  | { readonly kind: 'code'; readonly language: string; readonly text: string }
  | { readonly kind: 'quote'; readonly blocks: readonly MarkdownBlock[] }
  | { readonly kind: 'rule' };
