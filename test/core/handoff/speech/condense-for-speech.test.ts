// The agent's answer as the voice model speaks it: Markdown made plain, listings left on screen
// with a line that says so, long answers cut at a sentence, and all of it in linear time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { condenseForSpeech, DETAILS_ON_SCREEN, MAX_SPOKEN_CHARS } from '../../../../src-main/core/handoff/speech/condense-for-speech';

const spoken = (markdown: string): string => condenseForSpeech(markdown).text;
const lines = (count: number, make: (index: number) => string): string => Array.from({ length: count }, (_, index) => make(index)).join('\n');

test('a fenced code block becomes one line naming its language and line count', () => {
  const code = lines(40, (index) => `const value${index} = ${index};`);
  const result = condenseForSpeech(`Here is the fix:\n\n\`\`\`ts\n${code}\n\`\`\`\n\nIt compiles.`);
  assert.equal(result.text, "Here is the fix:\n\n[A 40-line TypeScript code block is on the user's screen.]\n\nIt compiles.");
  assert.equal(result.condensed, true);
  assert.deepEqual(result.leftOnScreen, ['a 40-line TypeScript code block']);
});

test('a tilde fence without a language, and an unclosed fence, are named as code blocks', () => {
  assert.equal(spoken(`Output:\n~~~\n${lines(8, (index) => `line ${index}`)}\n~~~`), "Output:\n\n[An 8-line code block is on the user's screen.]");
  // An answer cut off inside a fence: the rest of it is code, not prose to read aloud.
  assert.equal(spoken(`Start.\n\`\`\`python\n${lines(3, (index) => `print(${index})`)}`), "Start.\n\n[A 3-line Python code block is on the user's screen.]");
  assert.equal(spoken(`\`\`\`diff\n-a\n+b\n\`\`\``), "[A 2-line diff is on the user's screen.]");
});

test('a one-line block short enough to say is kept as the command itself', () => {
  const result = condenseForSpeech('Run this:\n\n```bash\n$ npm test -- test/core\n```');
  assert.equal(result.text, 'Run this:\n\nnpm test -- test/core');
  assert.deepEqual(result.leftOnScreen, []);
  const long = `node ${'--flag '.repeat(12)}`.trim();
  assert.ok(long.length > 60);
  assert.equal(spoken(`\`\`\`sh\n${long}\n\`\`\``), "[A 1-line shell code block is on the user's screen.]");
});

test('an indented code block after a blank line is named; indented text inside a list item is not code', () => {
  assert.equal(spoken(`Like this:\n\n    a = 1\n    b = 2\n\n    c = 3\n\nDone.`), "Like this:\n\n[A 4-line code block is on the user's screen.]\n\nDone.");
  assert.equal(spoken('- First item\n\n    still the first item'), 'First item still the first item.');
});

test('a code block inside a list item stays with its item', () => {
  const result = condenseForSpeech(`1. Install:\n   \`\`\`sh\n   npm install\n   \`\`\`\n2. Build:\n   \`\`\`sh\n${lines(5, (index) => `   step ${index}`)}\n   \`\`\``);
  assert.equal(result.text, "Install: npm install.\nBuild: [A 5-line shell code block is on the user's screen.]");
});

test('inline code loses its backticks but not its text, and nothing inside it is read as Markdown', () => {
  assert.equal(spoken('Edit `src/__init__.py` and `*.ts`, then run ``a `b` c``.'), 'Edit src/__init__.py and *.ts, then run a `b` c.');
  assert.equal(spoken('A lone ` backtick'), 'A lone backtick');
});

test('emphasis, strong and strikethrough markers go; products, snake_case and dunder names stay', () => {
  assert.equal(spoken('This is **very** *important*, ***really***, __strong__, _soft_ and ~~old~~ news.'), 'This is very important, really, strong, soft and old news.');
  assert.equal(spoken('**Bold with *italic* inside**'), 'Bold with italic inside');
  assert.equal(condenseForSpeech('Use snake_case_name, 2 * 3 = 6, 2*3*4 and __init__.py here.').condensed, false);
  assert.equal(spoken('Escaped \\*stars\\* and 5\\_000 stay,\\\nthen a break.'), 'Escaped *stars* and 5_000 stay, then a break.');
});

test('headings become sentences without their hashes', () => {
  assert.equal(spoken('# Summary\nAll good.'), 'Summary.\n\nAll good.');
  assert.equal(spoken('### What changed? ###'), 'What changed?');
  assert.equal(spoken('Results\n=======\nGreen.'), 'Results.\n\nGreen.');
  assert.equal(condenseForSpeech('#123 is fixed').condensed, false, 'a hash without a space is not a heading');
});

test('links become their text and bare addresses become a link to their host', () => {
  assert.equal(spoken('See [the pull request](https://github.com/acme/app/pull/42 "PR").'), 'See the pull request.');
  assert.equal(spoken('Docs: https://www.example.com/guide?x=1.'), 'Docs: a link to example.com.');
  assert.equal(spoken('Open <http://localhost:5173/app>'), 'Open a link to localhost:5173');
  assert.equal(spoken('[https://nodejs.org/api](https://nodejs.org/api)'), 'a link to nodejs.org');
  assert.equal(spoken('See [docs][1].\n\n[1]: https://example.com/docs'), 'See docs.');
});

test('an image becomes its alt text and is noted as left on screen', () => {
  const result = condenseForSpeech('Here: ![Architecture diagram](docs/arch.png) and ![](x.png).');
  assert.equal(result.text, 'Here: Architecture diagram and .');
  assert.deepEqual(result.leftOnScreen, ['an image: Architecture diagram', 'an image']);
});

test('HTML tags and comments are stripped, entities decoded, and generic types left alone', () => {
  assert.equal(spoken('<details><summary>Logs</summary>All <b>42</b> passed<br/>cleanly<!-- hidden --></details>'), 'Logs All 42 passed cleanly');
  assert.equal(spoken('Fish &amp; chips &#8364;5 &lt;3'), 'Fish & chips €5 <3');
  assert.equal(condenseForSpeech('It returns Promise<void> now.').condensed, false);
});

test('a table becomes a line with its row count, naming a short header', () => {
  const table = '| File | Lines |\n|:-----|------:|\n| a.ts | 10 |\n| b.ts | 20 |\n| c.ts | 30 |';
  const result = condenseForSpeech(`Sizes:\n\n${table}\n\nThat is all.`);
  assert.equal(result.text, "Sizes:\n\n[A table with 3 rows and the columns File and Lines is on the user's screen.]\n\nThat is all.");
  assert.deepEqual(result.leftOnScreen, ['a table with 3 rows']);
  const wide = `| ${lines(8, (index) => `Column number ${index}`).split('\n').join(' | ')} |\n|${'---|'.repeat(8)}\n|${' x |'.repeat(8)}`;
  assert.equal(spoken(wide), "[A table with 1 row is on the user's screen.]");
});

test('list markers go and each item reads as a sentence', () => {
  assert.equal(spoken('Steps:\n- build the app\n- run the tests!\n* ship it\n'), 'Steps:\n\nbuild the app.\nrun the tests!\nship it.');
  assert.equal(spoken('1. One\n2) Two\n3. Three'), 'One.\nTwo.\nThree.');
  assert.equal(spoken('- [x] write tests\n- [ ] release'), 'write tests (done).\nrelease (not done).');
});

test('a list of more than 5 items keeps the first 3 and says how many more', () => {
  const result = condenseForSpeech(lines(9, (index) => `- Item number ${index + 1}`));
  assert.equal(result.text, "Item number 1.\nItem number 2.\nItem number 3.\nAnd 6 more items are on the user's screen.");
  assert.deepEqual(result.leftOnScreen, ['6 more list items']);
  assert.equal(spoken(lines(5, (index) => `- Item ${index + 1}`)), 'Item 1.\nItem 2.\nItem 3.\nItem 4.\nItem 5.', 'five items are all spoken');
  assert.match(spoken(lines(6, (index) => `- Item ${index + 1}`)), /^Item 1\.\nItem 2\.\nItem 3\.\nAnd 3 more items are on the user's screen\.$/, 'six items are too many');
});

test('a list of more than 3 file paths becomes a count and three base names', () => {
  const result = condenseForSpeech(`Changed:\n${['`src/core/a.ts`', 'src/core/b.ts', 'test/c.test.ts', 'docs/', 'README.md'].map((path) => `- ${path}`).join('\n')}`);
  assert.equal(result.text, "Changed:\n\n5 files, including a.ts, b.ts and c.test.ts; the full list is on the user's screen.");
  assert.deepEqual(result.leftOnScreen, ['2 more file names']);
  assert.equal(spoken('- src/a.ts\n- src/b.ts\n- lib/c.js'), 'src/a.ts.\nsrc/b.ts.\nlib/c.js.', 'a short list keeps its full paths');
  assert.equal(spoken('- src/a.ts\n- src/b.ts\n- lib/c.js\n- and a note'), 'src/a.ts.\nsrc/b.ts.\nlib/c.js.\nand a note.', 'a mixed list is not a file list');
});

test('a long answer keeps whole leading sentences within the budget and ends with the details line', () => {
  const sentences = Array.from({ length: 60 }, (_, index) => `Sentence ${index + 1} says something about step ${index + 1}.`);
  const answer = `${sentences.slice(0, 30).join(' ')}\n\n${sentences.slice(30).join(' ')}`;
  const result = condenseForSpeech(answer);
  assert.ok(result.text.length <= MAX_SPOKEN_CHARS, `spoken ${result.text.length} chars`);
  assert.ok(result.text.endsWith(`\n\n${DETAILS_ON_SCREEN}`));
  assert.equal(result.condensed, true);
  const kept = result.text.slice(0, -DETAILS_ON_SCREEN.length).trim();
  assert.ok(answer.startsWith(kept), 'the kept text is the leading part of the answer');
  assert.match(kept, /step \d+\.$/, 'the cut falls after a whole sentence');
  assert.ok(kept.length > MAX_SPOKEN_CHARS - 120, `the budget is used: ${kept.length}`);
  assert.match(result.leftOnScreen.at(-1)!, /^the rest of the answer \([\d,]+ characters\)$/);
});

test('a long answer made of blocks keeps whole leading blocks before cutting inside one', () => {
  const paragraph = (index: number): string => `Paragraph ${index} is here. ${'It has words. '.repeat(12).trim()}`;
  const answer = Array.from({ length: 12 }, (_, index) => paragraph(index + 1)).join('\n\n');
  const kept = spoken(answer).slice(0, -DETAILS_ON_SCREEN.length).trim();
  assert.ok(kept.startsWith(`${paragraph(1)}\n\n${paragraph(2)}\n\n`), 'leading paragraphs are kept whole');
  assert.match(kept, /\.$/);
});

test('one sentence longer than the budget is cut at a word, never mid-word', () => {
  const answer = `First ${'longword '.repeat(300)}end.`;
  const result = condenseForSpeech(answer);
  assert.ok(result.text.length <= MAX_SPOKEN_CHARS);
  assert.match(result.text, /^First (longword )+longword…\n\nThe details are on the user's screen\.$/);
});

test('plain short text comes back unchanged, line breaks and all', () => {
  for (const answer of ['The build is green.', 'Done.\nAll 12 tests pass.\n\nNothing else to do.', '', '  spaced  ']) {
    const result = condenseForSpeech(answer);
    assert.equal(result.text, answer);
    assert.equal(result.condensed, false);
    assert.deepEqual(result.leftOnScreen, []);
  }
});

test('numbers, names, short file lists and the first sentence survive condensing', () => {
  const answer = [
    '**Fixed 3 bugs** in `parser.ts` for Alice; latency fell from 420 ms to 95 ms.',
    '',
    '## Details',
    '- Timeout raised to 30 s in `config/net.json`',
    '- Retries: 5',
    '',
    '```ts',
    lines(12, (index) => `retry(${index});`),
    '```',
    '',
    'Version 2.4.1 ships on 2026-03-14.',
  ].join('\n');
  const result = condenseForSpeech(answer);
  assert.ok(result.text.startsWith('Fixed 3 bugs in parser.ts for Alice; latency fell from 420 ms to 95 ms.'));
  for (const fact of ['420', '95', '30 s', 'config/net.json', 'Retries: 5', '2.4.1', '2026-03-14', 'Alice']) {
    assert.ok(result.text.includes(fact), `kept: ${fact}\n${result.text}`);
  }
});

test('a 200 KB answer condenses well within 200 ms', () => {
  const section = [
    '## Section with **bold**, `code`, [a link](https://example.com/x) and https://example.org/y',
    'Some prose with *emphasis*, snake_case_names, 2 * 3 and numbers 12345.',
    '',
    '- item one',
    '- `src/some/file.ts`',
    '',
    '| a | b |',
    '|---|---|',
    '| 1 | 2 |',
    '',
    '```ts',
    'const x = 1;',
    'const y = 2;',
    '```',
    '',
  ].join('\n');
  const answer = section.repeat(Math.ceil(200_000 / section.length));
  assert.ok(answer.length >= 200_000);
  condenseForSpeech(answer.slice(0, 5_000)); // warm the regex compiler
  const started = performance.now();
  const result = condenseForSpeech(answer);
  const elapsedMs = performance.now() - started;
  assert.ok(elapsedMs < 200, `took ${elapsedMs.toFixed(1)} ms`);
  assert.ok(result.text.endsWith(DETAILS_ON_SCREEN));
});

test('pathological inputs take linear time (no regex rescans a run of characters)', () => {
  const size = 50_000;
  const inputs: Record<string, string> = {
    backticks: '`'.repeat(size),
    'alternating backtick runs': Array.from({ length: 2_000 }, (_, index) => '`'.repeat((index % 40) + 1)).join(' x '),
    'many code spans': '`x` '.repeat(size / 4),
    'one unmatched run among many spans': `\`\` ${'`x` '.repeat(size / 4)}`,
    asterisks: '*'.repeat(size),
    underscores: '_'.repeat(size),
    tildes: `Text ${'~'.repeat(size)}`,
    'unclosed emphasis': '*a '.repeat(size / 3),
    'unclosed strong': '**a '.repeat(size / 4),
    brackets: '['.repeat(size),
    'unclosed links': '[a](b '.repeat(size / 6),
    'unclosed comments': '<!--'.repeat(size / 4),
    'unclosed tags': '<b '.repeat(size / 3),
    'heading of spaces': `# ${' '.repeat(size)}x`,
    'spaces then text': `${' '.repeat(size)}x`,
    'dashes then text': `${'- '.repeat(size / 2)}x`,
    'pipes': `a|b\n|${'-|'.repeat(size / 2)}`,
    'one long url': `https://${'a'.repeat(size)}`,
    'dots then spaces': `${'. '.repeat(size / 2)}`,
    'html entities': '&#'.repeat(size / 2),
    'nested quotes': '>'.repeat(size),
    'list markers': '- \n'.repeat(size / 3),
    'blank indented lines': `    code\n${'\n'.repeat(size)}x`,
  };
  for (const [name, input] of Object.entries(inputs)) {
    const started = performance.now();
    condenseForSpeech(input);
    const elapsedMs = performance.now() - started;
    assert.ok(elapsedMs < 200, `${name}: ${elapsedMs.toFixed(1)} ms`);
  }
});
