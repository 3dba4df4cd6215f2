// How much of the answer the voice speaks: about 20 s. Past that, whole leading paragraphs and
// sentences are kept, and the voice says the rest is on screen, so no fact is spoken half.

import { formatCount } from './spoken-words';

/** About 20 s of speech: past this, the leading part is spoken and the rest is left on screen. */
export const MAX_SPOKEN_CHARS = 1_200;
/** Ends an answer that was too long to speak whole. */
export const DETAILS_ON_SCREEN = "The details are on the user's screen.";

/**
 * The spoken text for blocks whose whole (`spokenLength` characters joined) is over
 * MAX_SPOKEN_CHARS: the leading part that fits, then DETAILS_ON_SCREEN. What was cut is told to
 * `leftOnScreen`.
 */
export function keepWithinBudget(blocks: readonly string[], spokenLength: number, leftOnScreen: (what: string) => void): string {
  const kept = keepLeading(blocks, MAX_SPOKEN_CHARS - DETAILS_ON_SCREEN.length - 2);
  leftOnScreen(`the rest of the answer (${formatCount(spokenLength - kept.length)} characters)`);
  return `${kept}\n\n${DETAILS_ON_SCREEN}`;
}

/**
 * The leading blocks that fit in `budget`; in the first block that does not, its leading
 * sentences (or lines) that do. A first sentence longer than the budget is cut at a word.
 */
function keepLeading(blocks: readonly string[], budget: number): string {
  let kept = '';
  for (const block of blocks) {
    const separator = kept.length === 0 ? '' : '\n\n';
    if (kept.length + separator.length + block.length <= budget) {
      kept += separator + block;
      continue;
    }
    let fits = 0;
    for (const end of sentenceEnds(block)) {
      if (kept.length + separator.length + end > budget) break;
      fits = end;
    }
    if (fits > 0) kept += separator + block.slice(0, fits).trimEnd();
    break;
  }
  if (kept.length > 0 || blocks.length === 0) return kept;
  const first = blocks[0]!;
  const space = first.lastIndexOf(' ', budget - 1);
  return `${first.slice(0, space > 0 ? space : budget - 1).trimEnd()}…`;
}

/** Where sentences end: after . ! ? … (and a closing quote) before a capital or digit, and at line ends. */
function* sentenceEnds(block: string): Generator<number> {
  const boundary = /[.!?…]["'”’)\]]?(?=[ \t]+["'“‘([]?[A-Z0-9])|\n/g;
  for (const match of block.matchAll(boundary)) yield match[0] === '\n' ? match.index : match.index + match[0].length;
}
