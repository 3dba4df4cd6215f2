import type { RecordedLine, RecordedRole } from './conversation-record';

/** How much of the conversation a new session is given: about 4,000 tokens of instructions. */
export const SEED_BUDGET_CHARS = 16_000;
/** One line is never more than this; a long agent answer keeps its start. */
export const SEED_LINE_MAX_CHARS = 2_000;

const SPEAKER: Record<RecordedRole, string> = { user: 'User', assistant: 'Assistant', agent: 'Background agent' };

export const SEED_HEADER =
  'This conversation continues from an earlier realtime session (the connection was renewed). ' +
  'What was said so far, oldest first:';
export const SEED_FOOTER =
  'Continue the conversation from here: do not greet the user again and do not mention the new connection unless asked.';

/**
 * The instructions for a session that takes over a running conversation: the configured
 * instructions, then the latest lines of the conversation that fit the budget (newest kept,
 * oldest left out with a count), then what the background agent is still working on, so the
 * voice model neither forgets the context nor starts that work again.
 */
export function seededInstructions(
  baseInstructions: string,
  lines: readonly RecordedLine[],
  runningRequest: string | undefined,
  budgetChars = SEED_BUDGET_CHARS,
): string {
  if (lines.length === 0 && runningRequest === undefined) return baseInstructions;
  const running =
    runningRequest === undefined
      ? ''
      : `\nA background agent is still working on this request: "${clip(runningRequest)}". Its answer will arrive as a message; do not ask for it again.`;
  const kept: string[] = [];
  let used = SEED_HEADER.length + SEED_FOOTER.length + running.length;
  let index = lines.length - 1;
  for (; index >= 0; index--) {
    const line = lines[index]!;
    const rendered = `${SPEAKER[line.role]}: ${clip(line.text.replace(/\s+/g, ' ').trim())}`;
    if (used + rendered.length + 1 > budgetChars) break;
    used += rendered.length + 1;
    kept.push(rendered);
  }
  kept.reverse();
  const leftOut = index + 1;
  const omitted = leftOut > 0 ? `(${leftOut} earlier ${leftOut === 1 ? 'line was' : 'lines were'} left out.)\n` : '';
  const base = baseInstructions.trim().length > 0 ? `${baseInstructions}\n\n` : '';
  return `${base}${SEED_HEADER}\n${omitted}${kept.join('\n')}${running}\n${SEED_FOOTER}`;
}

function clip(text: string): string {
  return text.length > SEED_LINE_MAX_CHARS ? `${text.slice(0, SEED_LINE_MAX_CHARS)} […]` : text;
}

export const CATCH_UP_HEADER = 'Said since this session was prepared, oldest first:';

/**
 * What was said between preparing a new session (its seed) and switching to it, as one message
 * for the new session; undefined when nothing was.
 */
export function catchUpText(lines: readonly RecordedLine[], budgetChars = SEED_BUDGET_CHARS): string | undefined {
  if (lines.length === 0) return undefined;
  const rendered = lines.map((line) => `${SPEAKER[line.role]}: ${clip(line.text.replace(/\s+/g, ' ').trim())}`);
  let text = rendered.join('\n');
  if (text.length > budgetChars) text = text.slice(text.length - budgetChars);
  return `${CATCH_UP_HEADER}\n${text}`;
}
