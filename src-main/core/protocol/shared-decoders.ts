// Inbound events both dialects spell the same way. Each answers undefined when a required field
// is missing, and the codec logs and skips the frame.
import { objectField, serverErrorMessage, stringField, type JsonObject, idField } from './json-fields';
import type { Logger } from '../util/logger';
import type { RealtimeEvent } from './realtime-event';
import type { Dialect } from './session-config';

/** Logs why a frame was skipped (at debug: a chatty server must not flood the logs) and answers undefined. */
export function frameSkipper(logger: Logger, dialect: Dialect): (reason: string, type?: string) => undefined {
  return (reason, type) => {
    logger.debug(`realtime ${dialect}: skipped inbound frame: ${reason}`, type ? { type } : undefined);
    return undefined;
  };
}

export function decodeSessionUpdated(event: JsonObject): RealtimeEvent | undefined {
  const session = objectField(event, 'session');
  const sessionId = session && idField(session, 'id');
  if (!session || sessionId === undefined) return undefined;
  return { type: 'session.updated', sessionId, instructions: stringField(session, 'instructions') };
}

export function decodeItemAdded(event: JsonObject): RealtimeEvent | undefined {
  if (!('item' in event)) return undefined;
  return { type: 'item.added', item: event['item'] };
}

export function decodeServerError(event: JsonObject): RealtimeEvent | undefined {
  const message = serverErrorMessage(event);
  if (message === undefined) return undefined;
  const nested = objectField(event, 'error');
  return { type: 'error', message, code: nested ? stringField(nested, 'code') : undefined };
}
