/**
 * The one redaction rule for everything Parley shows or writes (UI, logs, headless output,
 * history): every secret Parley knows is removed by its exact value, wherever it appears and
 * however it was quoted back (a server or an agent may echo a key), and anything shaped like an
 * OpenAI key is masked too (some APIs quote part of a rejected key).
 *
 * Secrets are registered once, where they enter (the settings store resolving the key, a flag);
 * every sink calls `redactSecrets`. Registering is process-wide on purpose: a sink must not need
 * to be handed the key to keep it out.
 */
const knownSecrets = new Set<string>();
/** Shorter values could be ordinary words; keys are far longer. */
const MIN_SECRET_CHARS = 8;
const KEY_SHAPE = /\bsk-[A-Za-z0-9_*-]{6,}/g;
const REDACTED = '[redacted]';

/** Remember a secret so that no sink ever prints it. Returns a function that forgets it. */
export function registerSecret(value: string | undefined): () => void {
  const secret = value?.trim();
  if (!secret || secret.length < MIN_SECRET_CHARS) return () => {};
  knownSecrets.add(secret);
  return () => knownSecrets.delete(secret);
}

/** `text` without any registered secret (nor `extraSecret`), and with key-shaped strings masked. */
export function redactSecrets(text: string, extraSecret?: string): string {
  let out = text;
  if (extraSecret && extraSecret.length >= MIN_SECRET_CHARS) out = out.split(extraSecret).join(REDACTED);
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out.replace(KEY_SHAPE, 'sk-[redacted]');
}

/** Longest key-shaped run held back at the end of streamed text; longer runs are released (masked). */
const MAX_HELD_KEY_CHARS = 512;
const KEY_CHAR = /[A-Za-z0-9_*-]/;
const WORD_CHAR = /[A-Za-z0-9_]/;

/**
 * For text that arrives in pieces (a transcript): where the end of `text` could be the start of a
 * registered secret or of a key shape that later text completes, or the start of a secret that
 * runs across that point. Redact and release the text before it; hold the rest until more text
 * (or the end) arrives. `text.length` when nothing needs holding. `before` is the character just
 * before `text` ('' at the start), which decides whether a key shape can start at its first
 * character.
 */
export function unsafeTailStart(text: string, before = ''): number {
  let start = text.length;
  // A key shape (`sk-` and key characters) still growing at the end: from its `s`.
  let run = text.length;
  while (run > 0 && text.length - run < MAX_HELD_KEY_CHARS && KEY_CHAR.test(text[run - 1]!)) run--;
  for (let index = run; index < text.length; index++) {
    if (text[index] !== 's') continue;
    const previous = index === 0 ? before : text[index - 1]!;
    if (previous !== '' && WORD_CHAR.test(previous)) continue;
    const rest = text.length - index;
    if (rest <= 2 ? 'sk'.startsWith(text.slice(index)) : text.startsWith('sk-', index)) {
      start = index;
      break;
    }
  }
  // A registered secret whose beginning ends the text.
  for (const secret of knownSecrets) {
    for (let index = Math.max(0, text.length - secret.length + 1); index < start; index++) {
      if (text[index] === secret[0] && secret.startsWith(text.slice(index))) {
        start = index;
        break;
      }
    }
  }
  // A whole secret across the cut would be released in two halves: cut before it instead.
  for (let moved = true; moved; ) {
    moved = false;
    for (const secret of knownSecrets) {
      const found = text.indexOf(secret, Math.max(0, start - secret.length + 1));
      if (found >= 0 && found < start && found + secret.length > start) {
        start = found;
        moved = true;
      }
    }
  }
  return start;
}

const MAX_DISPLAY_CHARS = 400;
const JSON_OBJECT = /\{[\s\S]*\}/;

/**
 * Text from outside made fit for a person: secrets redacted, an embedded JSON body replaced by
 * the message it carries (or dropped), whitespace folded, length capped. Bounded work for any
 * input: the JSON is parsed only when short enough.
 */
export function readableText(text: string, maxChars = MAX_DISPLAY_CHARS): string {
  let out = redactSecrets(text.length > 20_000 ? text.slice(0, 20_000) : text);
  const json = JSON_OBJECT.exec(out);
  if (json) {
    const carried = messageInJson(json[0]);
    out = (out.slice(0, json.index) + (carried ?? '') + out.slice(json.index + json[0].length)).trim();
    if (out.endsWith(':')) out = out.slice(0, -1).trim();
  }
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > maxChars ? `${out.slice(0, maxChars - 1)}…` : out;
}

function messageInJson(body: string): string | undefined {
  if (body.length > 10_000) return undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    return findMessage(parsed, 0);
  } catch {
    return undefined;
  }
}

function findMessage(value: unknown, depth: number): string | undefined {
  if (depth > 4 || typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (typeof record['message'] === 'string') return record['message'];
  if (typeof record['error'] === 'string') return record['error'];
  for (const nested of Object.values(record)) {
    const found = findMessage(nested, depth + 1);
    if (found) return found;
  }
  return undefined;
}
