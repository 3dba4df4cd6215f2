import { ConfigurationError } from '../util/errors';

const HTTP_TO_WEBSOCKET: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:' };
const ANY_TO_WEBSOCKET: Record<string, string> = { ...HTTP_TO_WEBSOCKET, 'ws:': 'ws:', 'wss:': 'wss:' };

export interface RealtimeUrlRules {
  /** How the URL is named in errors: the setting or flag the user must fix. */
  readonly setting?: string;
  /** v1 takes only http(s) base URLs; v2 also takes ws(s) (its default is wss://). */
  readonly acceptWebsocketSchemes?: boolean;
}

/**
 * Turns a configured base URL into the realtime websocket URL: http→ws, https→wss; an empty path
 * becomes /v1/realtime, a path ending in /v1 gets /realtime, a path ending in /realtime is kept.
 * Query parameters the user wrote are kept; `forcedQuery` entries are set after them, in order.
 */
export function realtimeWebsocketUrl(
  baseUrl: string,
  forcedQuery: ReadonlyArray<readonly [string, string]>,
  rules: RealtimeUrlRules = {},
): string {
  const setting = rules.setting ?? 'realtime URL';
  const schemes = rules.acceptWebsocketSchemes ? ANY_TO_WEBSOCKET : HTTP_TO_WEBSOCKET;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(
      `The ${setting} "${baseUrl}" is not a valid URL; use e.g. wss://api.openai.com/v1`,
      setting,
    );
  }
  const scheme = schemes[url.protocol];
  if (!scheme) {
    const allowed = Object.keys(schemes).map((name) => name.replace(':', ''));
    throw new ConfigurationError(
      `The ${setting} "${baseUrl}" uses ${url.protocol.replace(':', '')}; only ${allowed.join(', ')} work here`,
      setting,
    );
  }
  url.protocol = scheme;
  url.pathname = normalizeRealtimePath(url.pathname);
  for (const [name] of forcedQuery) url.searchParams.delete(name);
  for (const [name, value] of forcedQuery) url.searchParams.append(name, value);
  return url.toString();
}

function normalizeRealtimePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/v1/realtime';
  if (trimmed.endsWith('/v1')) return `${trimmed}/realtime`;
  return trimmed;
}
