// window.parley for a plain browser tab talking to the loopback web bridge (the Chromium e2e
// tests). Same shape as the preload's API, built from the contract's command list:
//   command → POST /api/commands/<name> with {args} → CommandResponse
//   events  → one EventSource on /api/events whose messages are EventEnvelope JSON.
// Auth is a cookie the server already set, so nothing here carries a token.
import {
  COMMAND_NAMES,
  EVENT_NAMES,
  isEventName,
  type CommandError,
  type CommandName,
  type EventName,
  type ParleyApi,
} from '../../../src-shared/ipc-contract';

const COMMAND_PATH = '/api/commands/';
const EVENTS_PATH = '/api/events';
/** `app.ready` waits this long at most for the event stream to open, so no flushed event is missed. */
const EVENTS_OPEN_WAIT_MS = 3_000;
export const WEB_BRIDGE_VERSION = 'web-bridge';
export const BRIDGE_UNREACHABLE = 'bridge_unreachable';

type Listener = (payload: unknown) => void;
type FailedResponse = { readonly ok: false; readonly error: CommandError };

export interface WebBridgeOptions {
  readonly fetch?: typeof fetch;
  readonly createEventSource?: (url: string) => EventSource;
}

function unreachable(message: string): FailedResponse {
  return { ok: false, error: { code: BRIDGE_UNREACHABLE, message } };
}

function isCommandResponse(value: unknown): value is { ok: boolean } {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const record = value as Record<string, unknown>;
  if (record.ok === true) return 'value' in record || Object.keys(record).length === 1;
  if (record.ok !== false) return false;
  const error = record.error as Record<string, unknown> | undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** A readable reason from a refused request's body, when the server sent one. */
async function refusalDetail(response: Response): Promise<string> {
  try {
    const body: unknown = await response.json();
    if (isCommandResponse(body) && body.ok === false) return ` ${(body as FailedResponse).error.message}`;
  } catch {}
  return '';
}

export function createWebBridgeClient(options: WebBridgeOptions = {}): ParleyApi {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const createEventSource = options.createEventSource ?? ((url: string) => new EventSource(url));
  const listeners = new Map<EventName, Set<Listener>>(EVENT_NAMES.map((name) => [name, new Set<Listener>()]));
  let source: EventSource | undefined;
  let opened: Promise<void> | undefined;

  function dispatch(data: unknown): void {
    if (typeof data !== 'string') return;
    let envelope: unknown;
    try {
      envelope = JSON.parse(data);
    } catch {
      console.warn('Parley web bridge: ignored an event that is not JSON');
      return;
    }
    if (typeof envelope !== 'object' || envelope === null) return;
    const { event, payload } = envelope as { event?: unknown; payload?: unknown };
    if (!isEventName(event)) return;
    for (const listener of [...(listeners.get(event) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`Parley web bridge: a "${event}" listener threw`, error);
      }
    }
  }

  /** One stream for every subscription, opened with the first one and kept for the page's life. */
  function ensureEventSource(): void {
    if (source) return;
    const stream = createEventSource(EVENTS_PATH);
    source = stream;
    opened = new Promise<void>((resolve) => {
      stream.addEventListener('open', () => resolve(), { once: true });
      setTimeout(resolve, EVENTS_OPEN_WAIT_MS);
    });
    stream.addEventListener('message', (message: MessageEvent) => dispatch(message.data));
  }

  async function invoke(name: CommandName, args: unknown): Promise<unknown> {
    // The contract's startup rule: listen first, then say ready. Over HTTP "listening" means
    // the event stream is open, otherwise the events main flushes after `app.ready` are lost.
    if (name === 'app.ready' && opened) await opened;
    let response: Response;
    try {
      response = await doFetch(COMMAND_PATH + name, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(args === undefined ? {} : { args }),
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return unreachable(`Parley's window cannot reach the app (${reason}). Is Parley still running?`);
    }
    if (!response.ok) {
      const detail = await refusalDetail(response);
      return unreachable(`The app refused the "${name}" request (HTTP ${response.status}).${detail}`);
    }
    try {
      const body: unknown = await response.json();
      if (isCommandResponse(body)) return body;
    } catch {}
    return unreachable(`The app sent an unreadable answer to "${name}".`);
  }

  const api: Record<string, unknown> = { version: WEB_BRIDGE_VERSION };
  for (const name of COMMAND_NAMES) {
    const [namespace = name, method = name] = name.split('.');
    const group = (api[namespace] ??= {}) as Record<string, unknown>;
    group[method] = (args?: unknown) => invoke(name, args);
  }

  api.on = (event: unknown, listener: unknown): (() => void) => {
    if (!isEventName(event)) {
      throw new TypeError(`parley.on: unknown event "${String(event)}"; use one of ${EVENT_NAMES.join(', ')}`);
    }
    if (typeof listener !== 'function') throw new TypeError('parley.on: the listener must be a function');
    const set = listeners.get(event)!;
    const wrapped: Listener = (payload) => (listener as Listener)(payload);
    set.add(wrapped);
    ensureEventSource();
    return () => {
      set.delete(wrapped);
    };
  };

  return Object.freeze(api) as unknown as ParleyApi;
}
