/**
 * What tokens cost: a pricing table (USD per million tokens, per model) and the price of one
 * response's or agent request's usage. Pure TS: main prices usage with it, the renderer edits the
 * table and headless prints what it prices.
 */
import type { TokenUsage } from './usage';

const TOKENS_PER_MILLION = 1_000_000;

/** One model's prices, USD per 1M tokens. Audio prices are absent for text-only models. */
export interface ModelPrices {
  readonly textInput: number;
  readonly cachedTextInput: number;
  readonly textOutput: number;
  readonly audioInput?: number;
  readonly cachedAudioInput?: number;
  readonly audioOutput?: number;
}

/** Prices by model id ("gpt-realtime"); a dated snapshot id finds its model's row (modelPrices). */
export type PricingTable = Readonly<Record<string, ModelPrices>>;

/** When the default prices were read from OpenAI's model pages; they change, so the table is editable. */
export const PRICES_TAKEN_ON = '2026-12-01';

export const PRICE_FIELDS = ['textInput', 'cachedTextInput', 'textOutput', 'audioInput', 'cachedAudioInput', 'audioOutput'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];
const REQUIRED_PRICE_FIELDS: readonly PriceField[] = ['textInput', 'cachedTextInput', 'textOutput'];

/**
 * The defaults: the realtime voice models and the Responses agent models, from OpenAI's model pages
 * on PRICES_TAKEN_ON (developers.openai.com/api/docs/models/…, "Text tokens" and "Audio tokens").
 */
export const DEFAULT_PRICING: PricingTable = {
  'gpt-realtime': { textInput: 4, cachedTextInput: 0.4, textOutput: 16, audioInput: 32, cachedAudioInput: 0.4, audioOutput: 64 },
  'gpt-realtime-mini': { textInput: 0.6, cachedTextInput: 0.06, textOutput: 2.4, audioInput: 10, cachedAudioInput: 0.3, audioOutput: 20 },
  'gpt-4o-realtime-preview': { textInput: 5, cachedTextInput: 2.5, textOutput: 20, audioInput: 40, cachedAudioInput: 2.5, audioOutput: 80 },
  'gpt-4o-mini-realtime-preview': { textInput: 0.6, cachedTextInput: 0.3, textOutput: 2.4, audioInput: 10, cachedAudioInput: 0.3, audioOutput: 20 },
  'gpt-5': { textInput: 1.25, cachedTextInput: 0.125, textOutput: 10 },
  'gpt-5-mini': { textInput: 0.25, cachedTextInput: 0.025, textOutput: 2 },
  'gpt-4.1': { textInput: 2, cachedTextInput: 0.5, textOutput: 8 },
  'gpt-4.1-mini': { textInput: 0.4, cachedTextInput: 0.1, textOutput: 1.6 },
};

/** A dated snapshot ("gpt-realtime-2025-08-28") is priced as its model ("gpt-realtime"). */
const SNAPSHOT_DATE = /-\d{4}-\d{2}-\d{2}$/;

/** The row for `model`: its own, else its snapshot's model's; undefined when the table has neither. */
export function modelPrices(model: string, table: PricingTable): ModelPrices | undefined {
  if (Object.hasOwn(table, model)) return table[model];
  const base = model.replace(SNAPSHOT_DATE, '');
  return base !== model && Object.hasOwn(table, base) ? table[base] : undefined;
}

/** Token counts of one agent request (the Responses API's usage: cached is part of input). */
export interface AgentTokens {
  readonly inputTokens: number;
  readonly cachedInputTokens: number;
  readonly outputTokens: number;
}

/**
 * USD for one realtime response's usage, or undefined when the table has no price for `model`
 * (or no audio price for a model that used audio). Cached input is priced at the cached rate and
 * taken out of the full-price input. Without the server's split of cached tokens into text and
 * audio, they are counted as text first: the dearer guess, so a budget is never under-counted.
 */
export function costOf(usage: TokenUsage, model: string, table: PricingTable): number | undefined {
  const prices = modelPrices(model, table);
  if (!prices) return undefined;
  const { input, output } = usage;
  const cachedText = Math.min(input.text, input.cachedText ?? Math.min(input.cached, input.text));
  const cachedAudio = Math.min(input.audio, input.cachedAudio ?? Math.max(0, input.cached - cachedText));
  const usesAudio = input.audio > 0 || output.audio > 0;
  if (usesAudio && (prices.audioInput === undefined || prices.cachedAudioInput === undefined || prices.audioOutput === undefined)) return undefined;
  const perMillion =
    (input.text - cachedText) * prices.textInput +
    cachedText * prices.cachedTextInput +
    output.text * prices.textOutput +
    (usesAudio ? (input.audio - cachedAudio) * prices.audioInput! + cachedAudio * prices.cachedAudioInput! + output.audio * prices.audioOutput! : 0);
  return perMillion / TOKENS_PER_MILLION;
}

/** USD for one agent request (text only), or undefined when the table has no price for `model`. */
export function agentCostOf(tokens: AgentTokens, model: string, table: PricingTable): number | undefined {
  const prices = modelPrices(model, table);
  if (!prices) return undefined;
  const cached = Math.min(tokens.cachedInputTokens, tokens.inputTokens);
  const perMillion = (tokens.inputTokens - cached) * prices.textInput + cached * prices.cachedTextInput + tokens.outputTokens * prices.textOutput;
  return perMillion / TOKENS_PER_MILLION;
}

/** "$0.42"; amounts under 10 cents keep three significant digits ("$0.0123", "$0.00312"): a turn's cost is often one cent or less. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0.00';
  if (Math.abs(usd) >= 0.1) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(3))}`;
}

/** "no price for MODEL": what is shown where a cost cannot be given. */
export function noPriceText(model: string): string {
  return `no price for ${model}`;
}

/**
 * Checks a pricing table as the user typed it (parsed JSON): answers the table or the problems,
 * each naming the model and the field ("gpt-realtime: audioInput must be a number of USD per 1M
 * tokens, 0 or more").
 */
export function checkPricingTable(value: unknown): { readonly ok: true; readonly table: PricingTable } | { readonly ok: false; readonly problems: readonly string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: ['the pricing table must be an object of model ids, each with its prices'] };
  }
  const problems: string[] = [];
  const table: Record<string, ModelPrices> = {};
  for (const [model, row] of Object.entries(value)) {
    if (model.trim() === '') {
      problems.push('a model id is empty');
      continue;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) {
      problems.push(`${model}: must be an object of prices (${PRICE_FIELDS.join(', ')})`);
      continue;
    }
    const prices: Partial<Record<PriceField, number>> = {};
    for (const [field, price] of Object.entries(row)) {
      if (!(PRICE_FIELDS as readonly string[]).includes(field)) {
        problems.push(`${model}: unknown field "${field}" (known: ${PRICE_FIELDS.join(', ')})`);
      } else if (typeof price !== 'number' || !Number.isFinite(price) || price < 0) {
        problems.push(`${model}: ${field} must be a number of USD per 1M tokens, 0 or more`);
      } else {
        prices[field as PriceField] = price;
      }
    }
    for (const field of REQUIRED_PRICE_FIELDS) {
      if (!Object.hasOwn(row, field)) problems.push(`${model}: ${field} is missing`);
    }
    const audio = (['audioInput', 'cachedAudioInput', 'audioOutput'] as const).filter((field) => Object.hasOwn(row, field));
    if (audio.length > 0 && audio.length < 3) problems.push(`${model}: give all of audioInput, cachedAudioInput and audioOutput, or none`);
    table[model] = prices as ModelPrices;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, table };
}
