// Keeps the conversation the Responses backend resends (store:false) within a character budget.

/** About 50k tokens of English: far below any current model's context, cheap to resend. */
export const DEFAULT_AGENT_HISTORY_BUDGET_CHARS = 200_000;

export interface HistoryMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

export interface CappedHistory {
  /** What stays, oldest first; the current turn's messages are always kept. */
  readonly kept: HistoryMessage[];
  /** Earlier turns dropped by this call. */
  readonly droppedTurns: number;
}

/**
 * Drops the oldest whole turns (a turn: its user inputs and the answers that follow them) until
 * the history fits `budgetChars`, counting `reservedChars` for the line that says what was left
 * out. Messages from `protectedFrom` on (the current turn) are never dropped, even if they alone
 * exceed the budget.
 */
export function capHistory(
  history: readonly HistoryMessage[],
  protectedFrom: number,
  budgetChars: number,
  reservedChars: number,
): CappedHistory {
  let total = history.reduce((sum, message) => sum + message.text.length, 0);
  if (total <= budgetChars) return { kept: history.slice(), droppedTurns: 0 };
  total += reservedChars;
  let start = 0;
  let droppedTurns = 0;
  while (total > budgetChars && start < protectedFrom) {
    const end = endOfTurn(history, start, protectedFrom);
    for (let index = start; index < end; index++) total -= history[index]!.text.length;
    start = end;
    droppedTurns++;
  }
  return { kept: history.slice(start), droppedTurns };
}

/** Index just past the turn that begins at `start`: its user messages, then its answers. */
function endOfTurn(history: readonly HistoryMessage[], start: number, limit: number): number {
  let index = start;
  while (index < limit && history[index]!.role === 'user') index++;
  while (index < limit && history[index]!.role === 'assistant') index++;
  return Math.max(index, start + 1);
}

/**
 * Where the current turn begins: the earliest of its `turnInputCount` user messages, counted from
 * the end (a steered turn has several, with answers between them).
 */
export function currentTurnStart(history: readonly HistoryMessage[], turnInputCount: number): number {
  let remaining = turnInputCount;
  for (let index = history.length - 1; index >= 0; index--) {
    if (history[index]!.role !== 'user') continue;
    remaining--;
    if (remaining <= 0) return index;
  }
  return 0;
}

/** The line that replaces dropped turns in what is sent. */
export function droppedTurnsLine(droppedTurns: number): string {
  return `[${droppedTurns} earlier ${turns(droppedTurns)} of this conversation ${droppedTurns === 1 ? 'was' : 'were'} left out to stay within the history limit.]`;
}

/** The notice shown on the handoff card when a request drops turns. */
export function droppedTurnsNotice(droppedTurns: number): string {
  return `${droppedTurns} earlier ${turns(droppedTurns)} ${droppedTurns === 1 ? 'was' : 'were'} left out of the agent's history to stay within its limit.`;
}

/** The middle of `text` cut out, with a note saying so inside it, so that it fits `maxChars`. */
export function cutToBudget(text: string, maxChars: number): { readonly text: string; readonly cutChars: number } {
  if (text.length <= maxChars) return { text, cutChars: 0 };
  // The note's own length depends on the count; the longest count is the whole text.
  const noteChars = cutNote(text.length).length + 2;
  const keep = Math.max(0, maxChars - noteChars);
  const head = text.slice(0, Math.ceil(keep / 2));
  const tail = keep - head.length > 0 ? text.slice(text.length - (keep - head.length)) : '';
  const cutChars = text.length - head.length - tail.length;
  return { text: `${head}\n${cutNote(cutChars)}\n${tail}`, cutChars };
}

/** The notice shown when one input had to be cut. */
export function cutInputNotice(cutChars: number): string {
  return `The request was too long for the agent; ${cutChars.toLocaleString('en-US')} characters were cut from its middle.`;
}

function cutNote(cutChars: number): string {
  return `[… ${cutChars} characters cut …]`;
}

function turns(count: number): string {
  return count === 1 ? 'turn' : 'turns';
}
