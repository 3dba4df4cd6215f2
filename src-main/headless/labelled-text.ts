// Text under a label, so that where a multi-line text ends is visible in the headless output.

/** The indent of continuation lines under a label. */
export const CONTINUATION_INDENT = '    ';

/**
 * `label: text` for one line; for more, the label alone and each line indented under it (blank
 * lines stay empty, trailing blank lines are dropped), so a reader sees where the text ends.
 */
export function labelled(label: string, text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  while (lines.length > 1 && lines[0]!.trim() === '') lines.shift();
  if (lines.length === 1) return `${label}: ${lines[0]}\n`;
  return `${label}:\n${lines.map((line) => (line.trim() === '' ? '' : CONTINUATION_INDENT + line.trimEnd())).join('\n')}\n`;
}
