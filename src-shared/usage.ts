/**
 * Token usage as the realtime server reports it per response (`response.done.usage`), and its sum
 * over a session. Pure TS: main sums it into the app state and history, headless prints it.
 */
export interface InputTokens {
  readonly text: number;
  readonly audio: number;
  /** Input tokens served from the prompt cache (already counted in text/audio). */
  readonly cached: number;
  /** The cached tokens that were text and audio, when the server says (v2 `cached_tokens_details`); pricing needs the split. */
  readonly cachedText?: number;
  readonly cachedAudio?: number;
}

export interface OutputTokens {
  readonly text: number;
  readonly audio: number;
}

export interface TokenUsage {
  readonly input: InputTokens;
  readonly output: OutputTokens;
  readonly total: number;
}

/** A session's usage: the sum of its responses' usage, and how many responses reported one. */
export interface UsageTotals extends TokenUsage {
  readonly responses: number;
}

export const EMPTY_USAGE_TOTALS: UsageTotals = {
  input: { text: 0, audio: 0, cached: 0 },
  output: { text: 0, audio: 0 },
  total: 0,
  responses: 0,
};

export function addUsage(totals: UsageTotals, usage: TokenUsage): UsageTotals {
  return {
    input: {
      text: totals.input.text + usage.input.text,
      audio: totals.input.audio + usage.input.audio,
      cached: totals.input.cached + usage.input.cached,
    },
    output: { text: totals.output.text + usage.output.text, audio: totals.output.audio + usage.output.audio },
    total: totals.total + usage.total,
    responses: totals.responses + 1,
  };
}

export function inputTokens(usage: TokenUsage): number {
  return usage.input.text + usage.input.audio;
}

export function outputTokens(usage: TokenUsage): number {
  return usage.output.text + usage.output.audio;
}

/** "in 120 (text 20, audio 100, cached 64) · out 50 (text 10, audio 40) · total 170 tokens" */
export function describeUsage(usage: TokenUsage): string {
  const { input, output } = usage;
  return (
    `in ${inputTokens(usage)} (text ${input.text}, audio ${input.audio}, cached ${input.cached}) · ` +
    `out ${outputTokens(usage)} (text ${output.text}, audio ${output.audio}) · total ${usage.total} tokens`
  );
}
