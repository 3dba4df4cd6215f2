// Tiny accessors for decoded JSON: the codecs check exactly the fields they use, by hand, so the
// per-audio-frame path stays free of schema libraries.
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function stringField(object: JsonObject, name: string): string | undefined {
  const value = object[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * Ids the server assigns are short (the live API's are about 20 characters). An id longer than
 * this is not one: the event is treated as having none, so no map is ever keyed by megabytes.
 */
export const MAX_ID_CHARS = 256;

/** An id field (`item_id`, `call_id`, `id`, …): a string of at most MAX_ID_CHARS, else undefined. */
export function idField(object: JsonObject, name: string): string | undefined {
  const value = object[name];
  return typeof value === 'string' && value.length <= MAX_ID_CHARS ? value : undefined;
}

export function numberField(object: JsonObject, name: string): number | undefined {
  const value = object[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function objectField(object: JsonObject, name: string): JsonObject | undefined {
  const value = object[name];
  return isObject(value) ? value : undefined;
}

/** JSON.parse that answers undefined instead of throwing, and only for objects with a string `type`. */
export function parseTypedFrame(frame: string): JsonObject | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(frame);
  } catch {
    return undefined;
  }
  if (!isObject(parsed) || typeof parsed['type'] !== 'string') return undefined;
  return parsed;
}

/** The server's error text: `message`, else `error.message`, else the JSON of `error`. */
export function serverErrorMessage(event: JsonObject): string | undefined {
  const direct = stringField(event, 'message');
  if (direct !== undefined) return direct;
  const nested = event['error'];
  if (isObject(nested)) {
    const nestedMessage = stringField(nested, 'message');
    if (nestedMessage !== undefined) return nestedMessage;
  }
  if (nested === undefined) return undefined;
  return typeof nested === 'string' ? nested : boundedJson(nested);
}

const MAX_DESCRIBED_DEPTH = 6;
const MAX_DESCRIBED_CHARS = 500;

/**
 * JSON text of a server value, bounded in depth and length whatever the server sent: a value
 * nested thousands deep would make JSON.stringify overflow the stack (a hostile 12 KB frame did).
 */
export function boundedJson(value: unknown, maxChars = MAX_DESCRIBED_CHARS): string {
  const out: string[] = [];
  let length = 0;
  const push = (text: string): boolean => {
    if (length >= maxChars) return false;
    out.push(text);
    length += text.length;
    return length < maxChars;
  };
  const walk = (current: unknown, depth: number): boolean => {
    if (current === null || typeof current !== 'object') {
      const text = typeof current === 'string' ? JSON.stringify(current.length > maxChars ? current.slice(0, maxChars) : current) : String(JSON.stringify(current) ?? 'null');
      return push(text);
    }
    if (depth >= MAX_DESCRIBED_DEPTH) return push(Array.isArray(current) ? '[…]' : '{…}');
    if (Array.isArray(current)) {
      if (!push('[')) return false;
      for (let index = 0; index < current.length; index++) {
        if ((index > 0 && !push(',')) || !walk(current[index], depth + 1)) return false;
      }
      return push(']');
    }
    if (!push('{')) return false;
    let first = true;
    for (const [key, nested] of Object.entries(current as Record<string, unknown>)) {
      if ((!first && !push(',')) || !push(`${JSON.stringify(key)}:`) || !walk(nested, depth + 1)) return false;
      first = false;
    }
    return push('}');
  };
  walk(value, 0);
  const text = out.join('');
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : length >= maxChars ? `${text}…` : text;
}
