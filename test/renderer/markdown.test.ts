// The Markdown parser (each construct, nesting, unsafe links staying text, linear work on long
// answers) and the component that draws its tree (server-rendered to markup, no DOM needed).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { Markdown } from '../../src-renderer/src/components/common/Markdown';
import type { MarkdownBlock, MarkdownInline } from '../../src-renderer/src/markdown/markdown-tree';
import { parseInlines } from '../../src-renderer/src/markdown/parse-inlines';
import { parseMarkdown } from '../../src-renderer/src/markdown/parse-markdown';
import { safeHref } from '../../src-renderer/src/markdown/safe-href';
import { sameTree } from '../../src-renderer/src/markdown/same-tree';

const text = (value: string): MarkdownInline => ({ kind: 'text', text: value });
const paragraph = (...content: MarkdownInline[]): MarkdownBlock => ({ kind: 'paragraph', content });
const link = (href: string, label: string): MarkdownInline => ({ kind: 'link', href, children: [text(label)] });
const item = (...blocks: MarkdownBlock[]) => ({ blocks });

/** Every character of visible text in the tree, to prove nothing was lost or invented. */
function visibleText(nodes: readonly (MarkdownBlock | MarkdownInline)[]): string {
  return nodes
    .map((node) => {
      switch (node.kind) {
        case 'text':
        case 'code':
          return node.text;
        case 'break':
          return '\n';
        case 'strong':
        case 'emphasis':
        case 'link':
          return visibleText(node.children);
        case 'paragraph':
        case 'heading':
          return visibleText(node.content);
        case 'list':
          return node.items.map((entry) => visibleText(entry.blocks)).join('');
        case 'quote':
          return visibleText(node.blocks);
        case 'rule':
          return '';
      }
    })
    .join('');
}

const links = (inlines: readonly MarkdownInline[]): MarkdownInline[] =>
  inlines.flatMap((inline) => (inline.kind === 'link' ? [inline] : 'children' in inline ? links(inline.children) : []));

test('paragraphs are split by blank lines; a newline inside one is a line break', () => {
  assert.deepEqual(parseMarkdown('first line  \nsecond line\n\n\nnext paragraph\n'), [
    paragraph(text('first line'), { kind: 'break' }, text('second line')),
    paragraph(text('next paragraph')),
  ]);
  assert.deepEqual(parseMarkdown('a backslash\\\nbreaks too'), [paragraph(text('a backslash'), { kind: 'break' }, text('breaks too'))]);
  assert.deepEqual(parseMarkdown('   \n\n'), []);
});

test('headings one to six, closing hashes dropped; "#tag" and seven hashes are text', () => {
  assert.deepEqual(parseMarkdown('# Title ##\n### *Three*\n###### six'), [
    { kind: 'heading', level: 1, content: [text('Title')] },
    { kind: 'heading', level: 3, content: [{ kind: 'emphasis', children: [text('Three')] }] },
    { kind: 'heading', level: 6, content: [text('six')] },
  ]);
  assert.deepEqual(parseMarkdown('#tag\n####### seven'), [paragraph(text('#tag'), { kind: 'break' }, text('####### seven'))]);
});

test('bullet and numbered lists, with the first number kept', () => {
  assert.deepEqual(parseMarkdown('- one\n* two\n+ three'), [
    { kind: 'list', ordered: false, start: 1, items: [item(paragraph(text('one'))), item(paragraph(text('two'))), item(paragraph(text('three')))] },
  ]);
  assert.deepEqual(parseMarkdown('3. three\n4) four'), [
    { kind: 'list', ordered: true, start: 3, items: [item(paragraph(text('three'))), item(paragraph(text('four')))] },
  ]);
});

test('lists nest by indentation, two or more columns past the marker, three levels deep', () => {
  const nested = parseMarkdown(['1. Pack', '  - shirts', '    - blue', '  - shoes', '2. Travel', '   continued text'].join('\n'));
  assert.deepEqual(nested, [
    {
      kind: 'list',
      ordered: true,
      start: 1,
      items: [
        item(paragraph(text('Pack')), {
          kind: 'list',
          ordered: false,
          start: 1,
          items: [item(paragraph(text('shirts')), { kind: 'list', ordered: false, start: 1, items: [item(paragraph(text('blue')))] }), item(paragraph(text('shoes')))],
        }),
        item(paragraph(text('Travel'), { kind: 'break' }, text('continued text'))),
      ],
    },
  ]);
});

test('a list survives blank lines between items and ends at unindented text', () => {
  const blocks = parseMarkdown('- a\n\n- b\n\n  more about b\n\nafter the list');
  assert.deepEqual(blocks, [
    { kind: 'list', ordered: false, start: 1, items: [item(paragraph(text('a'))), item(paragraph(text('b')), paragraph(text('more about b')))] },
    paragraph(text('after the list')),
  ]);
  assert.deepEqual(parseMarkdown('- a\nlazy line')[0], { kind: 'list', ordered: false, start: 1, items: [item(paragraph(text('a'), { kind: 'break' }, text('lazy line')))] });
});

test('a number inside a sentence does not start a list, a bullet does', () => {
  assert.deepEqual(parseMarkdown('The year\n2021. was long'), [paragraph(text('The year'), { kind: 'break' }, text('2021. was long'))]);
  assert.equal(parseMarkdown('Steps:\n- one')[1]?.kind, 'list');
});

test('fenced code keeps its text verbatim with the language; an unclosed fence runs to the end (streaming)', () => {
  assert.deepEqual(parseMarkdown('```ts\nconst a = **1**;\n\n  indented <b>\n```\nafter'), [
    { kind: 'code', language: 'ts', text: 'const a = **1**;\n\n  indented <b>' },
    paragraph(text('after')),
  ]);
  assert.deepEqual(parseMarkdown('~~~\n```\nstill code\n~~~'), [{ kind: 'code', language: '', text: '```\nstill code' }]);
  assert.deepEqual(parseMarkdown('````py\nprint(1)\n```'), [{ kind: 'code', language: 'py', text: 'print(1)\n```' }]);
});

test('indented code is four spaces in, and cannot interrupt a paragraph', () => {
  assert.deepEqual(parseMarkdown('    npm test\n      --watch\n\ntext'), [{ kind: 'code', language: '', text: 'npm test\n  --watch' }, paragraph(text('text'))]);
  assert.deepEqual(parseMarkdown('text\n    still text'), [paragraph(text('text'), { kind: 'break' }, text('still text'))]);
});

test('block quotes hold blocks, nest, and take lazy continuation lines', () => {
  assert.deepEqual(parseMarkdown('> **Sent:**\n> - a\n> > deeper\n\n> one\nlazy'), [
    {
      kind: 'quote',
      blocks: [
        paragraph({ kind: 'strong', children: [text('Sent:')] }),
        { kind: 'list', ordered: false, start: 1, items: [item(paragraph(text('a')))] },
        { kind: 'quote', blocks: [paragraph(text('deeper'))] },
      ],
    },
    { kind: 'quote', blocks: [paragraph(text('one'), { kind: 'break' }, text('lazy'))] },
  ]);
});

test('horizontal rules from three or more -, * or _; a rule is not a list', () => {
  assert.deepEqual(parseMarkdown('---\n* * *\n___\ntext\n- - -'), [{ kind: 'rule' }, { kind: 'rule' }, { kind: 'rule' }, paragraph(text('text')), { kind: 'rule' }]);
});

test('inline code takes its text literally; a longer fence holds backticks; an unmatched backtick is text', () => {
  assert.deepEqual(parseInlines('run `npm *test*` or `` a`b `` now'), [text('run '), { kind: 'code', text: 'npm *test*' }, text(' or '), { kind: 'code', text: 'a`b' }, text(' now')]);
  assert.deepEqual(parseInlines('it`s fine'), [text('it`s fine')]);
});

test('strong, emphasis and both, in either spelling; snake_case stays text; unmatched stays text', () => {
  assert.deepEqual(parseInlines('**bold** __also__ *it* _it_'), [
    { kind: 'strong', children: [text('bold')] },
    text(' '),
    { kind: 'strong', children: [text('also')] },
    text(' '),
    { kind: 'emphasis', children: [text('it')] },
    text(' '),
    { kind: 'emphasis', children: [text('it')] },
  ]);
  assert.deepEqual(parseInlines('***both***'), [{ kind: 'emphasis', children: [{ kind: 'strong', children: [text('both')] }] }]);
  assert.deepEqual(parseInlines('*a **b** c*'), [{ kind: 'emphasis', children: [text('a '), { kind: 'strong', children: [text('b')] }, text(' c')] }]);
  assert.deepEqual(parseInlines('call my_helper_function now'), [text('call my_helper_function now')]);
  assert.deepEqual(parseInlines('2 * 3 * 4 and **open'), [text('2 * 3 * 4 and **open')]);
  assert.deepEqual(parseInlines('***a**'), [text('*'), { kind: 'strong', children: [text('a')] }]);
});

test('links: [text](url) with a title, parentheses, <angle> destinations, mailto; formatting inside the text', () => {
  assert.deepEqual(parseInlines('[the **docs**](https://example.com/a_(b) "Docs") and [mail](mailto:me@example.com)'), [
    { kind: 'link', href: 'https://example.com/a_(b)', children: [text('the '), { kind: 'strong', children: [text('docs')] }] },
    text(' and '),
    link('mailto:me@example.com', 'mail'),
  ]);
  assert.deepEqual(parseInlines('[spaced](<https://example.com/a b>)'), [link('https://example.com/a%20b', 'spaced')]);
  assert.deepEqual(parseInlines('[a [b] c](https://x.org)'), [link('https://x.org/', 'a [b] c')]);
  assert.deepEqual(parseInlines('[no destination] here'), [text('[no destination] here')]);
});

test('bare and <angle> URLs become links without trailing punctuation or an unbalanced parenthesis', () => {
  assert.deepEqual(parseInlines('See https://example.com/path?q=1. Or (https://example.org/a_b) <https://x.io/y>, thanks'), [
    text('See '),
    link('https://example.com/path?q=1', 'https://example.com/path?q=1'),
    text('. Or ('),
    link('https://example.org/a_b', 'https://example.org/a_b'),
    text(') '),
    link('https://x.io/y', 'https://x.io/y'),
    text(', thanks'),
  ]);
  assert.deepEqual(parseInlines('**https://example.com**'), [{ kind: 'strong', children: [link('https://example.com/', 'https://example.com')] }]);
  assert.deepEqual(parseInlines('[https://a.example](https://a.example)'), [link('https://a.example/', 'https://a.example')], 'a URL as link text is not a link in a link');
  assert.deepEqual(parseInlines('xhttps://no.example and https:// alone'), [text('xhttps://no.example and https:// alone')]);
});

test('javascript:, data:, file: and relative links stay text, whatever their spelling', () => {
  for (const target of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', 'data:text/html,hi', 'file:///etc/passwd', '/relative', 'vbscript:x']) {
    const inlines = parseInlines(`[click](${target})`);
    assert.deepEqual(links(inlines), [], target);
    assert.equal(visibleText(inlines), `[click](${target})`, `${target} is shown as written`);
  }
  assert.deepEqual(links(parseInlines('<javascript:alert(1)>')), []);
  assert.equal(safeHref(' https://example.com'), undefined, 'no leading space tricks');
  assert.equal(safeHref('https://example.com'), 'https://example.com/');
});

test('a link inside link text leaves the outer brackets as text (its bare URL still links)', () => {
  assert.deepEqual(parseInlines('[a [b](https://b.example) c](https://c.example)'), [
    text('[a '),
    link('https://b.example/', 'b'),
    text(' c]('),
    link('https://c.example/', 'https://c.example'),
    text(')'),
  ]);
});

test('backslash escapes and HTML are text', () => {
  assert.deepEqual(parseInlines('\\*not emphasis\\* \\[x\\](y) <script>alert(1)</script> <b>'), [text('*not emphasis* [x](y) <script>alert(1)</script> <b>')]);
});

test('a 100 KB answer parses completely: every block and every character is accounted for', () => {
  const section = [
    '## Step',
    '',
    'Some **bold** text with `code`, a [link](https://example.com/a_b) and https://x.org/p.',
    '',
    '- item *one*',
    '- item two',
    '  1. nested',
    '',
    '```js',
    'const x = 1;',
    '```',
    '',
    '> quoted _text_',
    '',
  ].join('\n');
  const repeats = Math.ceil(100_000 / section.length);
  const blocks = parseMarkdown(section.repeat(repeats));
  assert.equal(blocks.length, repeats * 5);
  assert.deepEqual(blocks.slice(0, 5).map((block) => block.kind), ['heading', 'paragraph', 'list', 'code', 'quote']);
  assert.ok(blocks.every((block, index) => sameTree(block, blocks[index % 5])), 'every section parses the same');
  assert.equal(visibleText(blocks).length, repeats * visibleText(parseMarkdown(section)).length);
});

test('hostile 100 KB inputs (unclosed openers, deep nesting, odd backticks) parse into bounded trees, losing no text', () => {
  const size = 100_000;
  const inputs: Record<string, string> = {
    openers: '*a _b [c '.repeat(size / 9),
    closers: '](( '.repeat(size / 4),
    backticks: Array.from({ length: size / 25 }, (_, index) => '`'.repeat((index % 20) + 1) + 'x').join(' '),
    quotes: '> '.repeat(size / 2),
    indents: Array.from({ length: size / 60 }, (_, index) => ' '.repeat((index % 40) * 2) + '- item').join('\n'),
  };
  for (const [name, input] of Object.entries(inputs)) {
    const blocks = parseMarkdown(input);
    assert.ok(blocks.length > 0, name);
    assert.ok(visibleText(blocks).trim().length > 0, `${name}: the text beyond the nesting cap is shown as text`);
    assert.ok(depthOf(blocks) < 80, `${name}: nesting is capped (${depthOf(blocks)})`);
  }
  assert.equal(visibleText(parseMarkdown(inputs['openers']!)), inputs['openers']!.trim(), 'unmatched openers come back as the text they were');
});

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((deepest: number, entry) => Math.max(deepest, depthOf(entry)), 0);
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

test('sameTree compares parse results by content', () => {
  assert.equal(sameTree(parseMarkdown('- a\n- **b**'), parseMarkdown('- a\n- **b**')), true);
  assert.equal(sameTree(parseMarkdown('- a\n- **b**'), parseMarkdown('- a\n- *b*')), false);
  assert.equal(sameTree(parseMarkdown('a'), parseMarkdown('a\n\nb')), false);
});

test('the component draws elements, opens safe links outside the app, and never injects markup', () => {
  const html = renderToStaticMarkup(
    createElement(Markdown, {
      text: [
        '# Plan',
        '1. [Docs](https://example.com/docs) and mailto:x is text',
        '2. `npm test`',
        '',
        '```sh',
        'echo "<b>hi</b>"',
        '```',
        '[bad](javascript:alert(1)) <img src=x onerror=alert(1)>',
      ].join('\n'),
    }),
  );
  assert.match(html, /^<div class="markdown">/);
  assert.match(html, /<h3 class="markdown-h1">Plan<\/h3>/, '"#" sits below the page headings');
  assert.match(html, /<ol><li><p><a href="https:\/\/example.com\/docs" target="_blank" rel="noreferrer noopener" title="https:\/\/example.com\/docs">Docs<\/a> and mailto:x is text<\/p><\/li><li><p><code>npm test<\/code><\/p><\/li><\/ol>/);
  assert.match(html, /<pre class="markdown-code" data-language="sh"><code>echo &quot;&lt;b&gt;hi&lt;\/b&gt;&quot;<\/code><\/pre>/);
  assert.match(html, /\[bad\]\(javascript:alert\(1\)\) &lt;img src=x onerror=alert\(1\)&gt;/);
  assert.equal((html.match(/<a /g) ?? []).length, 1, 'one link only');
  assert.doesNotMatch(html, /href="javascript/i);
  assert.doesNotMatch(html, /<img/);
});

test('the history preview heading offset puts "#" at h2', () => {
  const html = renderToStaticMarkup(createElement(Markdown, { text: '# what is the weather\n\n**You:** hi', headingLevelOffset: 1 }));
  assert.equal(html, '<div class="markdown"><h2 class="markdown-h1">what is the weather</h2><p><strong>You:</strong> hi</p></div>');
});
