import {
  AgentError,
  type AgentBackend,
  type AgentRequest,
  type AgentStreamEvent,
} from '../../core/agent/agent-backend';
import { SseParser, type SseEvent } from '../../core/agent/sse-parser';
import { silentLogger, type Logger } from '../../core/util/logger';
import { abortReason, formatSeconds, sleepUnlessAborted } from './agent-request-helpers';
import { redactSecrets } from '../../core/util/redact';
import {
  capHistory,
  currentTurnStart,
  cutInputNotice,
  cutToBudget,
  DEFAULT_AGENT_HISTORY_BUDGET_CHARS,
  droppedTurnsLine,
  droppedTurnsNotice,
  type HistoryMessage,
} from './history-budget';
import {
  backoffDelayMs,
  DEFAULT_AGENT_MAX_ATTEMPTS,
  DEFAULT_AGENT_MAX_RETRY_AFTER_MS,
  DEFAULT_AGENT_RETRY_BASE_DELAY_MS,
  describeRetryableStatus,
  formatWait,
  isRetryableStatus,
  retryAfterMs,
  retryNotice,
} from './retry-policy';

/**
 * The background agent as an OpenAI Responses API conversation, streamed over SSE.
 * The conversation is kept here (store:false, whole history on every request) so it continues
 * across the handoffs of one voice session until `reset()`.
 */

export const DEFAULT_RESPONSES_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_RESPONSES_MODEL = 'gpt-5-mini';
export const DEFAULT_AGENT_REQUEST_TIMEOUT_MS = 120_000;
export const DEFAULT_AGENT_INSTRUCTIONS =
  'You are a background agent working for a voice assistant. The user asked for the task below ' +
  'by voice. Do the task and answer in plain text; your answer is read aloud, so keep it short ' +
  'and avoid markdown, tables and code blocks unless they are asked for.';

const ERROR_DETAIL_MAX_CHARS = 200;

export interface ResponsesBackendOptions {
  /** The OpenAI API key. Missing → every request fails with `agent_misconfigured`. */
  readonly apiKey: string | undefined;
  /** Default `https://api.openai.com/v1`; a trailing slash is fine. */
  readonly baseUrl?: string;
  /** Default `gpt-5-mini`. */
  readonly model?: string;
  /** Default DEFAULT_AGENT_INSTRUCTIONS. */
  readonly instructions?: string;
  /** Whole-request limit (connect + retries + full stream). Default 120000. */
  readonly requestTimeoutMs?: number;
  /** Attempts per request when the provider is busy, failing or unreachable (first included). Default 4. */
  readonly maxAttempts?: number;
  /** First backoff before a retry; doubles each time, ±20 % jitter. Default 1000. */
  readonly retryBaseDelayMs?: number;
  /** Longest `retry-after` Parley waits for; a longer one fails the request saying when to retry. Default 30000. */
  readonly maxRetryAfterMs?: number;
  /** Characters of conversation resent per request; older turns are left out beyond it. Default 200000. */
  readonly historyBudgetChars?: number;
  readonly logger?: Logger;
  /** Injected for tests; default global fetch. */
  readonly fetchImpl?: typeof fetch;
  /** Injected for tests; default Math.random (the retry jitter). */
  readonly random?: () => number;
}

/** A failed attempt that may be sent again, with the error to report if it is not. */
interface RetryableFailure {
  readonly error: AgentError;
  /** For the notice: "is busy (HTTP 429)". */
  readonly why: string;
  readonly retryAfterMs: number | undefined;
}

export function createResponsesBackend(options: ResponsesBackendOptions): AgentBackend {
  const logger = options.logger ?? silentLogger;
  const fetchImpl = options.fetchImpl ?? ((input, init) => fetch(input, init));
  const random = options.random ?? Math.random;
  const model = options.model && options.model.trim().length > 0 ? options.model : DEFAULT_RESPONSES_MODEL;
  const instructions = options.instructions ?? DEFAULT_AGENT_INSTRUCTIONS;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_AGENT_REQUEST_TIMEOUT_MS;
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_AGENT_MAX_ATTEMPTS));
  const retryBaseDelayMs = Math.max(0, options.retryBaseDelayMs ?? DEFAULT_AGENT_RETRY_BASE_DELAY_MS);
  const maxRetryAfterMs = Math.max(0, options.maxRetryAfterMs ?? DEFAULT_AGENT_MAX_RETRY_AFTER_MS);
  const historyBudgetChars = Math.max(1_000, options.historyBudgetChars ?? DEFAULT_AGENT_HISTORY_BUDGET_CHARS);
  const apiKey = options.apiKey?.trim() ?? '';
  const baseUrl = (options.baseUrl ?? DEFAULT_RESPONSES_BASE_URL).trim().replace(/\/+$/, '');

  let history: HistoryMessage[] = [];
  /** Earlier turns left out of `history` so far in this conversation. */
  let droppedTurns = 0;
  /** Bumped by reset(): a request that started before it must not write into the new history. */
  let generation = 0;
  let disposed = false;
  const running = new Set<AbortController>();

  const redact = (text: string): string => redactSecrets(text, apiKey);

  /** Adds this request's inputs and trims the history to the budget; returns the notices to show. */
  function addInputs(request: AgentRequest): string[] {
    const notices: string[] = [];
    // The inputs were said; they stay in the conversation even if this request fails.
    for (const said of request.newInputs) {
      const { text, cutChars } = cutToBudget(said, historyBudgetChars);
      if (cutChars > 0) notices.push(cutInputNotice(cutChars));
      history.push({ role: 'user', text });
    }
    const protectedFrom = currentTurnStart(history, request.turnInputs.length);
    const reserved = droppedTurnsLine(droppedTurns + protectedFrom + 1).length;
    const capped = capHistory(history, protectedFrom, historyBudgetChars, reserved);
    if (capped.droppedTurns > 0) {
      history = capped.kept;
      droppedTurns += capped.droppedTurns;
      notices.push(droppedTurnsNotice(droppedTurns));
    }
    return notices;
  }

  function inputItems(): HistoryItem[] {
    const items: HistoryItem[] = [];
    if (droppedTurns > 0) items.push(userItem(droppedTurnsLine(droppedTurns)));
    for (const message of history) {
      items.push(message.role === 'user' ? userItem(message.text) : assistantItem(message.text));
    }
    return items;
  }

  async function* runRequest(request: AgentRequest): AsyncGenerator<AgentStreamEvent> {
    if (disposed) throw new AgentError('agent_misconfigured', 'the agent backend has been shut down');
    if (apiKey.length === 0) {
      throw new AgentError('agent_misconfigured', 'no OpenAI API key is set for the agent');
    }
    let url: URL;
    try {
      url = new URL(baseUrl + '/responses');
    } catch {
      throw new AgentError('agent_misconfigured', `the agent base URL is not a valid URL: ${redact(baseUrl).slice(0, 100)}`);
    }
    request.signal.throwIfAborted();

    const requestGeneration = generation;
    const notices = addInputs(request);
    const input = inputItems();

    const timeoutController = new AbortController();
    const stopController = new AbortController(); // dispose() or the consumer leaving early
    running.add(stopController);
    const signal = AbortSignal.any([request.signal, timeoutController.signal, stopController.signal]);
    const deadline = Date.now() + timeoutMs;
    const timer = setTimeout(() => timeoutController.abort(), timeoutMs);
    let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
    /** The response completed and every event was taken: closing the request can wait. */
    let answered = false;

    /** Abort-caused failures win over whatever error the transport reported. */
    const abortFailure = (): unknown => {
      if (request.signal.aborted) return abortReason(request.signal);
      if (timeoutController.signal.aborted) {
        return new AgentError('agent_timeout', `the agent did not finish within ${formatSeconds(timeoutMs)}`);
      }
      if (stopController.signal.aborted) return new AgentError('agent_stream_error', 'the agent request was stopped');
      return undefined;
    };

    /** One POST: the streaming response, or a failure worth retrying; anything else throws. */
    const send = async (): Promise<Response | RetryableFailure> => {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: 'POST',
          headers: {
            Authorization: `Bearer ${apiKey}`,
            'Content-Type': 'application/json',
            Accept: 'text/event-stream',
          },
          body: JSON.stringify({ model, instructions, input, stream: true, store: false }),
          signal,
        });
      } catch (error) {
        const failure = abortFailure();
        if (failure) throw failure;
        const cause = causeSuffix(error);
        return {
          error: new AgentError('agent_unreachable', `could not reach the agent API at ${url.host}${cause}`),
          why: `could not be reached${cause}`,
          retryAfterMs: undefined,
        };
      }
      if (response.ok) return response;
      const detail = await readErrorDetail(response, signal, redact);
      const failure = abortFailure();
      if (failure) throw failure;
      const error = new AgentError('agent_http_error', `the agent API answered ${response.status}${detail ? ': ' + detail : ''}`);
      if (!isRetryableStatus(response.status)) throw error;
      return { error, why: describeRetryableStatus(response.status), retryAfterMs: retryAfterMs(response.headers, Date.now()) };
    };

    logger.debug('agent request', { host: url.host, model, inputItems: input.length });
    try {
      for (const text of notices) yield { type: 'notice', text };

      let response: Response | undefined;
      for (let attempt = 1; response === undefined; attempt++) {
        if (attempt === 1) yield { type: 'request.sent' };
        const outcome = await send();
        if (outcome instanceof Response) {
          response = outcome;
          break;
        }
        if (attempt >= maxAttempts) throw outcome.error;
        if (outcome.retryAfterMs !== undefined && outcome.retryAfterMs > maxRetryAfterMs) {
          const at = new Date(Date.now() + outcome.retryAfterMs).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
          throw new AgentError(
            'agent_http_error',
            `the agent's provider ${outcome.why} and asks to wait ${formatWait(outcome.retryAfterMs)}; try again after ${at}`,
          );
        }
        const delayMs = outcome.retryAfterMs ?? backoffDelayMs(attempt, retryBaseDelayMs, random);
        // A wait that would outlast the whole-request limit only postpones the same failure.
        if (Date.now() + delayMs >= deadline) throw outcome.error;
        logger.info('agent request will be retried', { message: outcome.error.message, delayMs, attempt: attempt + 1 });
        yield { type: 'notice', text: retryNotice(outcome.why, delayMs, attempt + 1, maxAttempts) };
        try {
          await sleepUnlessAborted(delayMs, signal);
        } catch (error) {
          throw abortFailure() ?? error;
        }
      }
      if (!response.body) throw new AgentError('agent_stream_error', 'the agent API sent no stream');

      reader = response.body.getReader();
      const decoder = new TextDecoder();
      const parser = new SseParser();
      const stream = new ResponseStreamState(model);

      const handle = (events: SseEvent[]): AgentStreamEvent[] => {
        const out: AgentStreamEvent[] = [];
        for (const sse of events) {
          for (const produced of stream.accept(sse, logger, redact)) {
            if (produced.type === 'message.completed' && requestGeneration === generation) {
              history.push({ role: 'assistant', text: produced.text });
            }
            out.push(produced);
          }
          if (stream.completed) break;
        }
        return out;
      };

      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw abortFailure() ?? new AgentError('agent_stream_error', `the agent stream ended early${causeSuffix(error)}`);
        }
        const events = chunk.done
          ? parser.push(decoder.decode()).concat(parser.flush())
          : parser.push(decoder.decode(chunk.value, { stream: true }));
        for (const event of handle(events)) yield event;
        if (stream.completed) {
          answered = true;
          return;
        }
        if (chunk.done) break;
      }
      throw abortFailure() ?? new AgentError('agent_stream_error', 'the agent stream ended early');
    } catch (error) {
      if (error instanceof AgentError) logger.warn('agent request failed', { code: error.code, message: error.message });
      throw error;
    } finally {
      clearTimeout(timer);
      running.delete(stopController);
      const release = (): void => {
        stopController.abort(); // closes the connection if the consumer stopped early
        reader?.cancel().catch(() => {});
      };
      // After a whole answer, the consumer sends it on first: the abort costs 0.7-0.9 ms (bench:turns).
      if (answered) setImmediate(release);
      else release();
    }
  }

  return {
    kind: 'responses',
    delegates: true,
    runRequest,
    reset(): void {
      generation++;
      history = [];
      droppedTurns = 0;
    },
    async dispose(): Promise<void> {
      disposed = true;
      for (const controller of running) controller.abort();
      running.clear();
    },
  };
}

type HistoryItem =
  | { readonly role: 'user'; readonly content: ReadonlyArray<{ readonly type: 'input_text'; readonly text: string }> }
  | {
      readonly role: 'assistant';
      readonly content: ReadonlyArray<{ readonly type: 'output_text'; readonly text: string }>;
    };

function userItem(text: string): HistoryItem {
  return { role: 'user', content: [{ type: 'input_text', text }] };
}

function assistantItem(text: string): HistoryItem {
  return { role: 'assistant', content: [{ type: 'output_text', text }] };
}

/** Turns Responses API stream events into agent events; remembers what it already yielded. */
class ResponseStreamState {
  completed = false;
  /** The model asked for: usage is priced by the model the server names, else this one. */
  constructor(private readonly requestedModel: string) {}
  private readonly emittedItemIds = new Set<string>();
  /** Text streamed per output item, for the fallback when no output_item.done arrives. */
  private readonly streamedText = new Map<string, string>();

  accept(sse: SseEvent, logger: Logger, redact: (text: string) => string): AgentStreamEvent[] {
    let payload: unknown;
    try {
      payload = JSON.parse(sse.data);
    } catch {
      logger.warn('agent stream: ignoring an event whose data is not JSON', { event: sse.event });
      return [];
    }
    if (!isRecord(payload)) return [];
    const type = typeof payload['type'] === 'string' ? payload['type'] : sse.event;

    switch (type) {
      case 'response.output_text.delta': {
        const delta = payload['delta'];
        if (typeof delta !== 'string' || delta.length === 0) return [];
        const itemId = typeof payload['item_id'] === 'string' ? payload['item_id'] : '';
        this.streamedText.set(itemId, (this.streamedText.get(itemId) ?? '') + delta);
        return [{ type: 'text.delta', delta }];
      }
      case 'response.output_item.done': {
        const completed = this.completeItem(payload['item']);
        return completed ? [completed] : [];
      }
      case 'response.completed': {
        this.completed = true;
        const out: AgentStreamEvent[] = [];
        const response = payload['response'];
        const output = isRecord(response) && Array.isArray(response['output']) ? response['output'] : [];
        for (const item of output) {
          const completed = this.completeItem(item);
          if (completed) out.push(completed);
        }
        // Text that streamed for an item the server never finished or listed.
        for (const [itemId, text] of this.streamedText) {
          if (this.emittedItemIds.has(itemId)) continue;
          this.emittedItemIds.add(itemId);
          if (text.length > 0) out.push({ type: 'message.completed', text });
        }
        const usage = isRecord(response) ? agentUsage(response, this.requestedModel) : undefined;
        if (usage) out.push(usage);
        return out;
      }
      case 'response.failed': {
        const response = payload['response'];
        const error = isRecord(response) ? response['error'] : undefined;
        const message = isRecord(error) && typeof error['message'] === 'string' ? error['message'] : undefined;
        throw new AgentError('agent_stream_error', shorten(redact(`the agent response failed${message ? ': ' + message : ''}`)));
      }
      case 'response.incomplete': {
        const response = payload['response'];
        const details = isRecord(response) ? response['incomplete_details'] : undefined;
        const reason = isRecord(details) && typeof details['reason'] === 'string' ? details['reason'] : undefined;
        throw new AgentError(
          'agent_stream_error',
          shorten(redact(`the agent response was cut short${reason ? ' (' + reason.replace(/_/g, ' ') + ')' : ''}`)),
        );
      }
      case 'error': {
        const nested = payload['error'];
        const message =
          typeof payload['message'] === 'string'
            ? payload['message']
            : isRecord(nested) && typeof nested['message'] === 'string'
              ? nested['message']
              : undefined;
        throw new AgentError('agent_stream_error', shorten(redact(`the agent stream reported an error${message ? ': ' + message : ''}`)));
      }
      default:
        return [];
    }
  }

  private completeItem(item: unknown): AgentStreamEvent | undefined {
    if (!isRecord(item) || item['type'] !== 'message' || item['role'] !== 'assistant') return undefined;
    const itemId = typeof item['id'] === 'string' ? item['id'] : undefined;
    if (itemId !== undefined) {
      if (this.emittedItemIds.has(itemId)) return undefined;
      this.emittedItemIds.add(itemId);
    }
    const content = Array.isArray(item['content']) ? item['content'] : [];
    let text = '';
    for (const part of content) {
      if (isRecord(part) && part['type'] === 'output_text' && typeof part['text'] === 'string') text += part['text'];
    }
    if (text.length === 0 && itemId !== undefined) text = this.streamedText.get(itemId) ?? '';
    return text.length > 0 ? { type: 'message.completed', text } : undefined;
  }
}

/**
 * The error body's message, redacted before it is cut: a key cut in half would no longer match
 * its exact value. Redacted again after JSON decoding, which may unescape a quoted secret.
 */
async function readErrorDetail(response: Response, signal: AbortSignal, redact: (text: string) => string): Promise<string> {
  let body: string;
  try {
    body = redact(await response.text());
  } catch {
    return signal.aborted ? '' : 'the error body could not be read';
  }
  try {
    const parsed: unknown = JSON.parse(body);
    if (isRecord(parsed)) {
      const error = parsed['error'];
      if (isRecord(error) && typeof error['message'] === 'string') return shorten(redact(error['message']));
      if (typeof parsed['message'] === 'string') return shorten(redact(parsed['message']));
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return shorten(body.trim());
}

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > ERROR_DETAIL_MAX_CHARS ? oneLine.slice(0, ERROR_DETAIL_MAX_CHARS) + '…' : oneLine;
}

function causeSuffix(error: unknown): string {
  const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
  if (isRecord(cause) && typeof cause['code'] === 'string') return ` (${cause['code']})`;
  return '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `response.usage` of a completed response (input_tokens, input_tokens_details.cached_tokens, output_tokens). */
function agentUsage(response: Record<string, unknown>, requestedModel: string): AgentStreamEvent | undefined {
  const usage = response['usage'];
  if (!isRecord(usage)) return undefined;
  const count = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0);
  const details = usage['input_tokens_details'];
  const model = typeof response['model'] === 'string' && response['model'].length > 0 ? response['model'] : requestedModel;
  return {
    type: 'usage',
    model,
    inputTokens: count(usage['input_tokens']),
    cachedInputTokens: isRecord(details) ? count(details['cached_tokens']) : 0,
    outputTokens: count(usage['output_tokens']),
  };
}
