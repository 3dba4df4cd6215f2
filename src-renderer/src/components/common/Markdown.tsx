// Draws Markdown (agent answers, exported history) from the parsed tree as React elements: text
// stays text (no HTML is ever injected), and only http(s) and mailto links become links, which
// open outside the app (the desktop shell hands them to the system browser; a browser opens a tab).
import { createElement, memo, useDeferredValue, useMemo, type ReactElement, type ReactNode } from 'react';
import type { MarkdownBlock, MarkdownInline } from '../../markdown/markdown-tree';
import { parseMarkdown } from '../../markdown/parse-markdown';
import { safeHref } from '../../markdown/safe-href';
import { sameTree } from '../../markdown/same-tree';

const DEEPEST_HEADING = 6;

interface MarkdownProps {
  readonly text: string;
  readonly className?: string;
  /**
   * Added to every heading level so a document's "#" does not compete with the page's own
   * headings: 2 turns "#" into <h3> inside a card. Visual size follows the Markdown level.
   */
  readonly headingLevelOffset?: number;
}

export const Markdown = memo(function Markdown({ text, className, headingLevelOffset = 2 }: MarkdownProps): ReactElement {
  // While an answer streams, React may skip intermediate texts when renders fall behind.
  const deferredText = useDeferredValue(text);
  const blocks = useMemo(() => parseMarkdown(deferredText), [deferredText]);
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      {blocks.map((block, index) => (
        <TopLevelBlock key={index} block={block} headingLevelOffset={headingLevelOffset} />
      ))}
    </div>
  );
});

interface BlockProps {
  readonly block: MarkdownBlock;
  readonly headingLevelOffset: number;
}

/** A top-level block, redrawn only when its content changed (a streaming answer grows at the end). */
const TopLevelBlock = memo(
  function TopLevelBlock({ block, headingLevelOffset }: BlockProps): ReactElement {
    return renderBlock(block, headingLevelOffset);
  },
  (before, after) => before.headingLevelOffset === after.headingLevelOffset && sameTree(before.block, after.block),
);

function renderBlocks(blocks: readonly MarkdownBlock[], headingLevelOffset: number): ReactNode[] {
  return blocks.map((block, index) => <BlockElement key={index} block={block} headingLevelOffset={headingLevelOffset} />);
}

function BlockElement({ block, headingLevelOffset }: BlockProps): ReactElement {
  return renderBlock(block, headingLevelOffset);
}

function renderBlock(block: MarkdownBlock, headingLevelOffset: number): ReactElement {
  switch (block.kind) {
    case 'paragraph':
      return <p>{renderInlines(block.content)}</p>;
    case 'heading': {
      const level = Math.min(DEEPEST_HEADING, block.level + headingLevelOffset);
      return createElement(`h${level}`, { className: `markdown-h${block.level}` }, ...renderInlines(block.content));
    }
    case 'list': {
      const items = block.items.map((item, index) => <li key={index}>{renderBlocks(item.blocks, headingLevelOffset)}</li>);
      return block.ordered ? <ol start={block.start === 1 ? undefined : block.start}>{items}</ol> : <ul>{items}</ul>;
    }
    case 'code':
      return (
        <pre className="markdown-code" data-language={block.language || undefined}>
          <code>{block.text}</code>
        </pre>
      );
    case 'quote':
      return <blockquote>{renderBlocks(block.blocks, headingLevelOffset)}</blockquote>;
    case 'rule':
      return <hr />;
  }
}

function renderInlines(inlines: readonly MarkdownInline[]): ReactNode[] {
  return inlines.map(renderInline);
}

function renderInline(inline: MarkdownInline, key: number): ReactNode {
  switch (inline.kind) {
    case 'text':
      return inline.text;
    case 'code':
      return <code key={key}>{inline.text}</code>;
    case 'strong':
      return <strong key={key}>{renderInlines(inline.children)}</strong>;
    case 'emphasis':
      return <em key={key}>{renderInlines(inline.children)}</em>;
    case 'link': {
      // The parser only makes safe links; checked again here because this is where it matters.
      const href = safeHref(inline.href);
      if (href === undefined) return <span key={key}>{renderInlines(inline.children)}</span>;
      return (
        <a key={key} href={href} target="_blank" rel="noreferrer noopener" title={href}>
          {renderInlines(inline.children)}
        </a>
      );
    }
    case 'break':
      return <br key={key} />;
  }
}
