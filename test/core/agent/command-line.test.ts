import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CommandLineError, splitCommandLine, substitutePrompt } from '../../../src-main/core/agent/command-line';

describe('splitCommandLine', () => {
  test('splits on runs of whitespace and ignores leading and trailing space', () => {
    assert.deepEqual(splitCommandLine('  codex   exec\t--json \n'), ['codex', 'exec', '--json']);
  });

  test('single quotes keep everything literally, backslashes included', () => {
    assert.deepEqual(splitCommandLine(`node -e 'console.log("a b") \\n'`), ['node', '-e', 'console.log("a b") \\n']);
  });

  test('double quotes keep spaces and single quotes; \\" and \\\\ are escapes', () => {
    assert.deepEqual(splitCommandLine(`say "it's \\"here\\" \\\\ now \\x"`), ['say', `it's "here" \\ now \\x`]);
  });

  test('quotes join adjacent text into one argument', () => {
    assert.deepEqual(splitCommandLine(`--name="a b"'c d'e`), ['--name=a bc de']);
  });

  test('empty quotes are an empty argument', () => {
    assert.deepEqual(splitCommandLine(`a "" '' b`), ['a', '', '', 'b']);
  });

  test('outside quotes a backslash escapes space and quotes but leaves Windows paths alone', () => {
    assert.deepEqual(splitCommandLine(`my\\ agent \\"x\\" C:\\tools\\agent.exe \\\\srv`), [
      'my agent',
      '"x"',
      'C:\\tools\\agent.exe',
      '\\srv',
    ]);
  });

  test('an empty or blank line is no arguments', () => {
    assert.deepEqual(splitCommandLine(''), []);
    assert.deepEqual(splitCommandLine('   '), []);
  });

  test('an unterminated quote is an error naming the quote', () => {
    assert.throws(() => splitCommandLine(`agent "oops`), (error: unknown) => {
      assert.ok(error instanceof CommandLineError);
      assert.match(error.message, /unterminated " quote/);
      return true;
    });
    assert.throws(() => splitCommandLine(`agent 'oops`), CommandLineError);
  });
});

describe('substitutePrompt', () => {
  test('replaces every placeholder, inside arguments too, without $ patterns', () => {
    assert.deepEqual(substitutePrompt(['exec', '{prompt}', '--say={prompt}!'], 'cost $& and $1'), [
      'exec',
      'cost $& and $1',
      '--say=cost $& and $1!',
    ]);
  });

  test('no placeholder → undefined (the prompt goes to stdin)', () => {
    assert.equal(substitutePrompt(['exec', '--json'], 'hi'), undefined);
  });
});
