import type { RealtimeEvent } from './realtime-event';
import { INPUT_SAMPLE_RATE_HZ } from './session-config';

const PREFIX = '{"type":"response.output_audio.delta"';
const DELTA_KEY = '"delta":"';
const ITEM_ID_KEY = '"item_id":"';
const COMMA = 44;
const CLOSING_BRACE = 125;
const BACKSLASH = '\\';

/**
 * The per-frame fast path for v2 assistant audio, which is most of the traffic: it reads the
 * base64 `delta` and the `item_id` out of the frame text without JSON.parse building a copy of
 * a 1.3 KB string per 20 ms. It accepts only the exact shape the server sends (type first,
 * no escapes, no rate or channel fields, a closing brace) and answers undefined for anything
 * else, which then takes the full parser. What it accepts, the full parser accepts the same way.
 */
export function decodeAudioDeltaFast(frame: string): RealtimeEvent | undefined {
  if (!frame.startsWith(PREFIX) || frame.charCodeAt(PREFIX.length) !== COMMA) return undefined;
  if (frame.charCodeAt(frame.length - 1) !== CLOSING_BRACE) return undefined;
  const keyAt = frame.indexOf(DELTA_KEY, PREFIX.length);
  if (keyAt === -1) return undefined;
  const valueStart = keyAt + DELTA_KEY.length;
  const valueEnd = frame.indexOf('"', valueStart);
  if (valueEnd === -1) return undefined;
  const base64 = frame.slice(valueStart, valueEnd);
  if (base64.includes(BACKSLASH)) return undefined;
  // The fields around the audio are short: look for anything unusual only there.
  const head = frame.slice(PREFIX.length, keyAt);
  const tail = frame.slice(valueEnd + 1);
  if (hasUnusualFields(head) || hasUnusualFields(tail)) return undefined;
  const itemIdBefore = readItemId(head);
  const itemIdAfter = readItemId(tail);
  if (itemIdBefore === null || itemIdAfter === null) return undefined;
  const itemId = itemIdBefore ?? itemIdAfter;
  return {
    type: 'audio.delta',
    audio: { base64, sampleRate: INPUT_SAMPLE_RATE_HZ, channels: 1, samplesPerChannel: undefined, itemId },
  };
}

/** Rate or channel fields, escapes, nested objects or arrays, a second delta: the full parser decides those. */
const UNUSUAL_FIELDS = /"sample_rate"|"channels"|[\\{[]|"delta":"/;

function hasUnusualFields(text: string): boolean {
  return UNUSUAL_FIELDS.test(text);
}

/** undefined when absent, null when present but not a plain string (fall back to the parser). */
function readItemId(text: string): string | undefined | null {
  const at = text.indexOf(ITEM_ID_KEY);
  if (at === -1) return text.includes('"item_id"') ? null : undefined;
  const start = at + ITEM_ID_KEY.length;
  const end = text.indexOf('"', start);
  if (end === -1) return null;
  return text.slice(start, end);
}
