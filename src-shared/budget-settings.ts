// The usage settings: budget caps (USD; 0 = no cap) and the pricing table as the user edits it
// (JSON text; empty = the built-in defaults). One check for the IPC contract, the settings store
// and the headless flags, so each refuses the same values with the same words.
import { checkPricingTable, DEFAULT_PRICING, type PricingTable } from './pricing';

export const DEFAULT_BUDGET_USD = 0;
/** A cap above this is surely a typo (and would make 80 % of it meaningless). */
export const MAX_BUDGET_USD = 100_000;
export const BUDGET_PROBLEM = `must be a number of US dollars from 0 (no cap) to ${MAX_BUDGET_USD}`;
export const MAX_PRICING_TABLE_CHARS = 20_000;

export function isBudgetUsd(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_BUDGET_USD;
}

/** What is wrong with the pricing table text, naming the model and field; undefined when it is usable. */
export function pricingTableTextProblem(text: string): string | undefined {
  if (text.trim() === '') return undefined;
  if (text.length > MAX_PRICING_TABLE_CHARS) return `must be at most ${MAX_PRICING_TABLE_CHARS} characters`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `is not valid JSON (${error instanceof Error ? error.message : String(error)})`;
  }
  const checked = checkPricingTable(parsed);
  return checked.ok ? undefined : checked.problems.join('; ');
}

/** The table to price with: the user's, or the defaults when the text is empty or unusable. */
export function pricingTableFromText(text: string): PricingTable {
  if (text.trim() === '' || pricingTableTextProblem(text) !== undefined) return DEFAULT_PRICING;
  const checked = checkPricingTable(JSON.parse(text));
  return checked.ok ? checked.table : DEFAULT_PRICING;
}

/** The defaults as the settings page shows them to start editing from: one model per line. */
export function pricingTableText(table: PricingTable): string {
  const rows = Object.entries(table).map(([model, prices]) => `  ${JSON.stringify(model)}: ${JSON.stringify(prices)}`);
  return `{\n${rows.join(',\n')}\n}`;
}
