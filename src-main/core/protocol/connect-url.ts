import { ConfigurationError } from '../util/errors';

// Both dialects take ws(s) as given: the reference's own tests connect to ws://127.0.0.1:<port>.
const SCHEME_TO_WEBSOCKET: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };

export interface RealtimeUrlRules {
  /** How the URL is named in errors: the setting or flag the user must fix. */
  readonly setting?: string;
  /**
   * @deprecated Ignored: every dialect now takes ws(s) base URLs. Kept only so callers that still
   * pass it compile; remove it with its last call site.
   */
  readonly acceptWebsocketSchemes?: boolean;
}

/**
 * Turns a configured base URL into the realtime websocket URL: http→ws, https→wss, ws and wss
 * kept; any other scheme is a configuration error naming the setting. An empty path
 * becomes /v1/realtime, a path ending in /v1 gets /realtime, a path ending in /realtime is kept.
 * Query parameters the user wrote are kept; `forcedQuery` entries are set after them, in order.
 */
export function realtimeWebsocketUrl(
  baseUrl: string,
  forcedQuery: ReadonlyArray<readonly [string, string]>,
  rules: RealtimeUrlRules = {},
): string {
  const setting = rules.setting ?? 'realtime URL';
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
    const allowed = Object.keys(SCHEME_TO_WEBSOCKET).map((name) => name.replace(':', ''));
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
