import { ConfigurationError } from '../util/errors';

const SCHEME_TO_WEBSOCKET: Record<string, string> = {
  'http:': 'ws:',
  'https:': 'wss:',
  'ws:': 'ws:',
  'wss:': 'wss:',
};

/**
 * Turns a configured base URL into the realtime websocket URL: http→ws, https→wss; an empty path
 * becomes /v1/realtime, a path ending in /v1 gets /realtime, a path ending in /realtime is kept.
 * Query parameters the user wrote are kept; `forcedQuery` entries are set after them, in order.
 */
export function realtimeWebsocketUrl(
  baseUrl: string,
  forcedQuery: ReadonlyArray<readonly [string, string]>,
  setting = 'realtime URL',
): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new ConfigurationError(
      `The ${setting} "${baseUrl}" is not a valid URL; use e.g. wss://api.openai.com/v1`,
      setting,
    );
  }
  const scheme = SCHEME_TO_WEBSOCKET[url.protocol];
  if (!scheme) {
    throw new ConfigurationError(
      `The ${setting} "${baseUrl}" uses ${url.protocol.replace(':', '')}; only http, https, ws and wss work`,
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
