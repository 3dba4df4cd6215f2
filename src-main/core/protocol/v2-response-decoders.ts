// Dialect v2: the server events that tell how things went rather than what was said: how a
// response ended and what it cost (response.done), a transcription that failed, rate limits and a
// truncation. Kept apart from v2-codec.ts so the codec's switch stays a list of cases.
import type { RateLimitStatus } from '../../../src-shared/rate-limits';
import type { TokenUsage } from '../../../src-shared/usage';
import { isObject, numberField, objectField, stringField, type JsonObject, idField } from './json-fields';
import type { RealtimeEvent, ResponseStatusDetails } from './realtime-event';

export function decodeResponseDone(event: JsonObject): RealtimeEvent {
  const response = objectField(event, 'response') ?? {};
  const output = response['output'];
  const outputItemIds = Array.isArray(output)
    ? output.flatMap((item) => (isObject(item) && typeof item['id'] === 'string' ? [item['id']] : []))
    : [];
  return {
    type: 'response.done',
    responseId: idField(response, 'id'),
    status: stringField(response, 'status'),
    statusDetails: statusDetails(objectField(response, 'status_details')),
    outputItemIds,
    usage: tokenUsage(objectField(response, 'usage')),
  };
}

function statusDetails(details: JsonObject | undefined): ResponseStatusDetails | undefined {
  if (!details) return undefined;
  const error = objectField(details, 'error');
  return {
    reason: stringField(details, 'reason'),
    errorType: error && stringField(error, 'type'),
    errorCode: error && stringField(error, 'code'),
    errorMessage: error && stringField(error, 'message'),
  };
}

/** `usage` of response.done; undefined when the server sent none (a response cancelled before it ran). */
export function tokenUsage(usage: JsonObject | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  const inputDetails = objectField(usage, 'input_token_details') ?? {};
  const outputDetails = objectField(usage, 'output_token_details') ?? {};
  const count = (object: JsonObject, name: string): number => {
    const value = numberField(object, name);
    return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
  };
  const cachedDetails = objectField(inputDetails, 'cached_tokens_details');
  const input = {
    text: count(inputDetails, 'text_tokens'),
    audio: count(inputDetails, 'audio_tokens'),
    cached: count(inputDetails, 'cached_tokens'),
    // The split of cached tokens prices them right (cached text and audio can cost differently).
    ...(cachedDetails ? { cachedText: count(cachedDetails, 'text_tokens'), cachedAudio: count(cachedDetails, 'audio_tokens') } : {}),
  };
  const output = { text: count(outputDetails, 'text_tokens'), audio: count(outputDetails, 'audio_tokens') };
  const total = numberField(usage, 'total_tokens') ?? count(usage, 'input_tokens') + count(usage, 'output_tokens');
  return { input, output, total: Number.isFinite(total) && total > 0 ? total : 0 };
}

export function decodeTranscriptionFailed(event: JsonObject): RealtimeEvent | undefined {
  const itemId = idField(event, 'item_id');
  if (itemId === undefined) return undefined;
  const error = objectField(event, 'error');
  const message = error && (stringField(error, 'message') ?? stringField(error, 'code') ?? stringField(error, 'type'));
  return { type: 'transcription.failed', itemId, message };
}

export function decodeRateLimits(event: JsonObject): RealtimeEvent | undefined {
  const list = event['rate_limits'];
  if (!Array.isArray(list)) return undefined;
  const limits: RateLimitStatus[] = [];
  for (const entry of list) {
    if (!isObject(entry)) continue;
    const name = stringField(entry, 'name');
    const limit = numberField(entry, 'limit');
    const remaining = numberField(entry, 'remaining');
    if (name === undefined || limit === undefined || remaining === undefined) continue;
    limits.push({ name, limit, remaining, resetSeconds: numberField(entry, 'reset_seconds') ?? 0 });
  }
  return { type: 'rate_limits', limits };
}

export function decodeItemTruncated(event: JsonObject): RealtimeEvent | undefined {
  const itemId = idField(event, 'item_id');
  const audioEndMs = numberField(event, 'audio_end_ms');
  if (itemId === undefined || audioEndMs === undefined) return undefined;
  return { type: 'item.truncated', itemId, audioEndMs };
}
