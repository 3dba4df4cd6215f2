// The agent's answer as the voice model gets it to speak from. The whole answer stays on the card;
// this text is the voice model's material, so Markdown becomes plain sentences, every fact that is
// kept is kept whole, and what only makes sense on screen (code, tables, long listings) becomes one
// bracketed line that says it is there. Linear time on any input: blocks are read in one pass over
// the lines, and no pattern in this folder can rescan a run of characters from each of its positions.

import { readBlocks } from './block-reader';
import { keepWithinBudget, MAX_SPOKEN_CHARS } from './speech-budget';

export { DETAILS_ON_SCREEN, MAX_SPOKEN_CHARS } from './speech-budget';
export { MAX_SPOKEN_CODE_CHARS } from './code-speech';

export interface SpeechText {
  /** What the voice model speaks from. */
  text: string;
  /** False when `text` is the answer exactly as given (already plain and short). */
  condensed: boolean;
  /** Short descriptions of what was left on screen only, for logs and tests. */
  leftOnScreen: string[];
}

export function condenseForSpeech(answer: string): SpeechText {
  const read = readBlocks(answer);
  const blocks = read.blocks.filter((block) => block.length > 0);
  const leftOnScreen = read.leftOnScreen;
  const spoken = blocks.join('\n\n');
  if (spoken.length > MAX_SPOKEN_CHARS) {
    const text = keepWithinBudget(blocks, spoken.length, (what) => leftOnScreen.push(what));
    return { text, condensed: true, leftOnScreen };
  }
  if (leftOnScreen.length === 0 && sameWords(spoken, answer)) return { text: answer, condensed: false, leftOnScreen: [] };
  return { text: spoken, condensed: true, leftOnScreen };
}

function sameWords(spoken: string, answer: string): boolean {
  return spoken.replace(/\s+/g, ' ').trim() === answer.replace(/\s+/g, ' ').trim();
}
