// A code block as the voice says it: a short command is said as it is; anything longer is named
// by language and line count and left on screen, since a listing read aloud helps no one.

import { capitalize, countArticle } from './spoken-words';
import { isBlank } from './markdown-lines';

/** A one-line code block this short is a command the voice can say, not a listing to skip. */
export const MAX_SPOKEN_CODE_CHARS = 60;

const LANGUAGE_NAMES: Record<string, string> = {
  ts: 'TypeScript', typescript: 'TypeScript', tsx: 'TSX', js: 'JavaScript', javascript: 'JavaScript',
  mjs: 'JavaScript', cjs: 'JavaScript', jsx: 'JSX', py: 'Python', python: 'Python', sh: 'shell',
  bash: 'shell', shell: 'shell', zsh: 'shell', console: 'shell', shellsession: 'shell', ps1: 'PowerShell',
  powershell: 'PowerShell', json: 'JSON', jsonc: 'JSON', yaml: 'YAML', yml: 'YAML', toml: 'TOML',
  html: 'HTML', css: 'CSS', scss: 'SCSS', sql: 'SQL', go: 'Go', rs: 'Rust', rust: 'Rust', rb: 'Ruby',
  ruby: 'Ruby', java: 'Java', kt: 'Kotlin', kotlin: 'Kotlin', swift: 'Swift', c: 'C', h: 'C', cpp: 'C++',
  'c++': 'C++', cc: 'C++', cs: 'C#', csharp: 'C#', diff: 'diff', patch: 'diff', md: 'Markdown',
  markdown: 'Markdown', xml: 'XML', dockerfile: 'Dockerfile', makefile: 'Makefile', make: 'Makefile',
  text: '', txt: '', plaintext: '', plain: '', output: '', log: '',
};

function languageName(language: string): string {
  return LANGUAGE_NAMES[language.toLowerCase()] ?? language;
}

/**
 * The spoken form of a code block's lines ('' for an empty block); what is left on screen is told
 * to `leftOnScreen`.
 */
export function speakCode(language: string, content: readonly string[], leftOnScreen: (what: string) => void): string {
  let first = 0;
  let last = content.length;
  while (first < last && isBlank(content[first]!)) first += 1;
  while (last > first && isBlank(content[last - 1]!)) last -= 1;
  const lineCount = last - first;
  if (lineCount === 0) {
    leftOnScreen('an empty code block');
    return '';
  }
  if (lineCount === 1) {
    const command = content[first]!.trim().replace(/^[$%>][ \t]+/, '');
    if (command.length <= MAX_SPOKEN_CODE_CHARS) return command;
  }
  const name = languageName(language);
  const kind = name === 'diff' ? 'diff' : name === '' ? 'code block' : `${name} code block`;
  const described = `${countArticle(lineCount)} ${lineCount}-line ${kind}`;
  leftOnScreen(described);
  return `[${capitalize(described)} is on the user's screen.]`;
}
