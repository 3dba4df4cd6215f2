// Dialect v2: what `response.done` tells the user. A response that did not complete (cancelled,
// failed, incomplete) is reported with its reason, never dropped; its usage is reported whatever
// its status. Pure: the live conversation emits what this returns.
import type { ResponseEndStatus, SessionEvent } from '../../../src-shared/session-events';
import type { RealtimeEvent, ResponseStatusDetails } from '../protocol/realtime-event';
import { readableText } from '../util/redact';

type ResponseDone = Extract<RealtimeEvent, { type: 'response.done' }>;

const END_STATUSES: ReadonlySet<string> = new Set<ResponseEndStatus>(['cancelled', 'failed', 'incomplete']);

/** The server's reasons in words; an unknown reason is shown as the server spelled it. */
const REASON_WORDS: Readonly<Record<string, string>> = {
  turn_detected: 'the user started speaking',
  client_cancelled: 'Parley cancelled it',
  max_output_tokens: 'it reached the output token limit',
  content_filter: 'the content filter stopped it',
};

/** Used when a response id is missing (a malformed event): the events still need one. */
export const UNKNOWN_RESPONSE_ID = 'unknown';

export function responseOutcomeEvents(done: ResponseDone): SessionEvent[] {
  const responseId = done.responseId ?? UNKNOWN_RESPONSE_ID;
  const events: SessionEvent[] = [];
  if (done.status !== undefined && END_STATUSES.has(done.status)) {
    const status = done.status as ResponseEndStatus;
    events.push({ type: 'response.ended', responseId, itemIds: done.outputItemIds ?? [], status, reason: responseEndReason(status, done.statusDetails) });
  }
  if (done.usage) events.push({ type: 'usage', responseId, ...done.usage });
  return events;
}

/** "The reply failed: rate limit reached (rate_limit_exceeded)." and the like, from status_details. */
export function responseEndReason(status: ResponseEndStatus, details: ResponseStatusDetails | undefined): string {
  const what = status === 'failed' ? 'The reply failed' : status === 'incomplete' ? 'The reply was cut off' : 'The reply was cancelled';
  const why = reasonText(details);
  return why ? `${what}: ${why}.` : `${what}.`;
}

function reasonText(details: ResponseStatusDetails | undefined): string | undefined {
  if (!details) return undefined;
  const errorWords = details.errorMessage ?? details.errorCode ?? details.errorType;
  if (errorWords !== undefined) {
    const code = details.errorCode !== undefined && details.errorMessage !== undefined ? ` (${details.errorCode})` : '';
    return readableText(errorWords).replace(/\.$/, '') + code;
  }
  if (details.reason === undefined) return undefined;
  return REASON_WORDS[details.reason] ?? details.reason.replace(/_/g, ' ');
}
