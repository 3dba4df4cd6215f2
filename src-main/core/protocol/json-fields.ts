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
  return typeof nested === 'string' ? nested : JSON.stringify(nested);
}
