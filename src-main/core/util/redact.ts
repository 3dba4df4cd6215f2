/**
 * Removes API keys from text that came from outside (server errors, HTTP bodies, a command's
 * stderr) before it reaches a log, an event or the user's ears: the exact key when known, and
 * anything shaped like an OpenAI key (some APIs quote part of a rejected key).
 */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length > 0) out = out.split(apiKey).join('[redacted]');
  return out.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, 'sk-[redacted]');
}
