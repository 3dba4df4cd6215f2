// Which link targets may become clickable links. Anything else (javascript:, data:, file:,
// relative paths, custom schemes) stays plain text.

const LINKABLE_PROTOCOLS: ReadonlySet<string> = new Set(['http:', 'https:', 'mailto:']);
// Checked on the raw text as well as on the parsed URL: the URL parser forgives leading control
// characters and tabs inside the scheme ("java\tscript:"), this check does not.
const LINKABLE_PREFIX = /^(?:https?:\/\/|mailto:)/i;

/** The normalized href for `target` when it is an absolute http(s) or mailto URL, else undefined. */
export function safeHref(target: string): string | undefined {
  if (!LINKABLE_PREFIX.test(target)) return undefined;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  return LINKABLE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}
