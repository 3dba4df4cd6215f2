/**
 * Turns valid realtime frames into malformed ones, deterministically from a seed. Each frame says
 * what was done to it (its label), so a failure names the input. Mutations: truncation, byte
 * flips, lone surrogates, wrong field types, missing fields, huge strings (up to ~1 MB), deep
 * nesting (10,000 levels), absurd numbers, unknown and cross-dialect types, orphan ids, replays of
 * earlier frames, duplicate keys, non-object JSON, binary and empty frames.
 *
 * Text frames always carry valid UTF-8: a websocket client must fail the connection on a text
 * frame that is not (RFC 6455 §8.1), so invalid UTF-8 goes out in binary frames, and as escaped
 * lone surrogates inside JSON text (valid on the wire, broken once parsed).
 */
import type { Dialect } from '../src-main/core/protocol/session-config';
import type { SeededRandom } from './seeded-random';
import { ValidFrames, type JsonRecord, type SeedFrame } from './valid-frames';

export type FuzzFrame =
  | { readonly kind: 'text'; readonly text: string; readonly label: string }
  | { readonly kind: 'binary'; readonly bytes: Buffer; readonly label: string };

export const MUTATIONS = [
  'valid',
  'truncate',
  'byte-flip',
  'lone-surrogate',
  'wrong-type',
  'missing-field',
  'huge-string',
  'deep-nesting',
  'absurd-number',
  'unknown-type',
  'cross-dialect',
  'orphan-ids',
  'replay',
  'duplicate-key',
  'non-object-json',
  'binary',
  'empty',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

/** How often each mutation is picked (relative). Huge frames are rare so a run stays bounded. */
const WEIGHTS: Readonly<Record<Mutation, number>> = {
  valid: 10,
  truncate: 8,
  'byte-flip': 8,
  'lone-surrogate': 4,
  'wrong-type': 14,
  'missing-field': 10,
  'huge-string': 0.6,
  'deep-nesting': 1.5,
  'absurd-number': 8,
  'unknown-type': 5,
  'cross-dialect': 4,
  'orphan-ids': 6,
  replay: 5,
  'duplicate-key': 3,
  'non-object-json': 3,
  binary: 4,
  empty: 2,
};

export const HUGE_STRING_MAX_CHARS = 1_000_000;
const HUGE_STRING_MIN_CHARS = 1_000;
export const DEEP_NESTING_LEVELS = 10_000;
const REPLAY_MEMORY_FRAMES = 64;
const BINARY_MAX_BYTES = 4_096;
/** A second structural mutation on top of the first, now and then. */
const SECOND_MUTATION_PROBABILITY = 0.2;

/** Values of every JSON kind, for "wrong type": a field gets one of a kind it is not. */
const VALUES_BY_KIND: Readonly<Record<string, readonly unknown[]>> = {
  string: ['', 'x', '42', 'true', 'null', '24000', '[]', '{}'],
  number: [0, -1, 1.5, 42, 24_000, 1e308, -1e308, Number.MAX_SAFE_INTEGER],
  boolean: [true, false],
  null: [null],
  array: [[], [1, 'a', null], [{}], [[[]]], ['delta']],
  object: [{}, { id: 1 }, { type: 'error' }, { message: ['x'] }, { id: 'item_0', type: 'function_call' }],
};
const KINDS = Object.keys(VALUES_BY_KIND);

/** Number literals written into the text as is (1e999 parses to Infinity, 1e-400 to 0). */
const ABSURD_NUMBER_LITERALS = [
  '1e308', '-1e308', '1e999', '-1e999', '1e-400', '-0', '0', '-24000', '1e9', '1000000000',
  '24000.5', '9007199254740993', '123456789012345678901234567890', '0.000001', '-1', '4294967296',
];
/** Numbers as the strings a careless parser might coerce. */
const NUMBER_LIKE_STRINGS = ['NaN', 'Infinity', '-Infinity', '1e9', '24000', '0x10', '', ' 1 ', '1,000'];
/** Fields where a number means something (rates, counts, offsets, tokens). */
const NUMERIC_FIELDS = [
  'sample_rate', 'channels', 'num_channels', 'samples_per_channel', 'audio_start_ms', 'audio_end_ms', 'content_index',
  'output_index', 'total_tokens', 'input_tokens', 'output_tokens', 'limit', 'remaining', 'reset_seconds',
];

const UNKNOWN_TYPES = [
  '', ' ', 'x', 'Session.Updated', 'session.updated ', 'response.audio.delta', 'response.audio_transcript.delta',
  'conversation.handoff.requested.v2', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'error\u0000',
  'response.output_audio.delta\n', '🙂', 'transcript.delta', 'audio.delta', 'handoff.requested',
];

const NON_OBJECT_JSON = [
  'null', 'true', 'false', '0', '-1e999', '"error"', '[]', '[{"type":"error","message":"x"}]', '{}', '{"type":null}',
  '{"type":42}', '{"type":["error"]}', '{"type":{"type":"error"}}', ' ', '\n', 'undefined', 'NaN', '{', '}', '{"type":"error"',
  '\u0000', '\ufeff{"type":"error","message":"bom"}',
];

const INVALID_UTF8_SEQUENCES = [
  [0xc3, 0x28], [0xa0, 0xa1], [0xe2, 0x28, 0xa1], [0xf0, 0x28, 0x8c, 0xbc], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xfe, 0xff],
];

const DEEP_TOKEN_PREFIX = '__fuzz_deep_';
const NUMBER_TOKEN_PREFIX = '__fuzz_number_';

type Path = readonly (string | number)[];

export class FrameMutator {
  private readonly seeds: ValidFrames;
  private readonly otherDialect: ValidFrames;
  private readonly recent: FuzzFrame[] = [];
  private readonly totalWeight: number;
  private ghostCounter = 0;
  /** Text that replaces placeholder strings after JSON.stringify (deep nesting, raw number literals). */
  private rawReplacements = new Map<string, string>();
  private wantsDuplicateKey = false;
  readonly counts: Record<Mutation, number>;

  constructor(
    readonly dialect: Dialect,
    private readonly random: SeededRandom,
  ) {
    this.seeds = new ValidFrames(dialect, random);
    this.otherDialect = new ValidFrames(dialect === 'v1' ? 'v2' : 'v1', random);
    this.totalWeight = MUTATIONS.reduce((sum, mutation) => sum + WEIGHTS[mutation], 0);
    this.counts = Object.fromEntries(MUTATIONS.map((mutation) => [mutation, 0])) as Record<Mutation, number>;
  }

  next(): FuzzFrame {
    const mutation = this.pickMutation();
    this.counts[mutation]++;
    const frame = this.build(mutation);
    this.recent.push(frame);
    if (this.recent.length > REPLAY_MEMORY_FRAMES) this.recent.shift();
    return frame;
  }

  private pickMutation(): Mutation {
    let roll = this.random.next() * this.totalWeight;
    for (const mutation of MUTATIONS) {
      roll -= WEIGHTS[mutation];
      if (roll < 0) return mutation;
    }
    return 'valid';
  }

  private build(mutation: Mutation): FuzzFrame {
    const { random, dialect } = this;
    switch (mutation) {
      case 'replay': {
        const earlier = this.recent.length > 0 ? random.pick(this.recent) : undefined;
        if (earlier) return { ...earlier, label: `replay of [${earlier.label}]` };
        return this.build('valid');
      }
      case 'non-object-json': {
        const text = random.pick(NON_OBJECT_JSON);
        return { kind: 'text', text, label: `${dialect} non-object-json ${JSON.stringify(text)}` };
      }
      case 'empty':
        return random.chance(0.5) ? { kind: 'text', text: '', label: `${dialect} empty text` } : { kind: 'binary', bytes: Buffer.alloc(0), label: `${dialect} empty binary` };
      case 'binary':
        return this.binaryFrame();
      case 'cross-dialect': {
        const seed = this.otherDialect.next();
        return { kind: 'text', text: JSON.stringify(seed.event), label: `${dialect} cross-dialect ${seed.name}` };
      }
      case 'truncate': {
        const seed = this.seeds.next();
        const text = JSON.stringify(seed.event);
        const cut = random.int(text.length);
        return { kind: 'text', text: text.slice(0, cut), label: `${dialect} ${seed.name} truncate at ${cut}/${text.length}` };
      }
      case 'byte-flip':
        return this.byteFlip(this.seeds.next());
      default:
        return this.structural(mutation);
    }
  }

  /** Mutations of the event as an object, then serialised (placeholders become raw text). */
  private structural(mutation: Mutation): FuzzFrame {
    const seed = this.seeds.next();
    const event = structuredClone(seed.event);
    this.rawReplacements = new Map();
    this.wantsDuplicateKey = false;
    const details: string[] = [];
    let root: unknown = event;
    root = this.applyStructural(mutation, root, details);
    if (mutation !== 'valid' && this.random.chance(SECOND_MUTATION_PROBABILITY)) {
      const second = this.random.pick(['wrong-type', 'missing-field', 'absurd-number', 'orphan-ids', 'lone-surrogate', 'duplicate-key'] as const);
      root = this.applyStructural(second, root, details);
    }
    let text = JSON.stringify(root) ?? 'null';
    if (this.wantsDuplicateKey) text = this.duplicateKey(text, details);
    for (const [token, raw] of this.rawReplacements) text = text.split(JSON.stringify(token)).join(raw);
    return { kind: 'text', text, label: `${this.dialect} ${seed.name} ${mutation}${details.length > 0 ? ` (${details.join('; ')})` : ''}` };
  }

  private applyStructural(mutation: Mutation, root: unknown, details: string[]): unknown {
    const { random } = this;
    switch (mutation) {
      case 'valid':
        return root;
      case 'wrong-type': {
        const path = random.pick(allPaths(root));
        const current = valueAt(root, path);
        const kind = random.pick(KINDS.filter((candidate) => candidate !== kindOf(current)));
        const value = structuredClone(random.pick(VALUES_BY_KIND[kind]!));
        details.push(`wrong-type ${describePath(path)}: ${kindOf(current)} -> ${JSON.stringify(value)}`);
        return setAt(root, path, value);
      }
      case 'missing-field': {
        const paths = allPaths(root).filter((path) => path.length > 0);
        if (paths.length === 0) return root;
        const path = random.pick(paths);
        details.push(`missing-field ${describePath(path)}`);
        return deleteAt(root, path);
      }
      case 'huge-string': {
        const chars = Math.round(HUGE_STRING_MIN_CHARS * Math.pow(HUGE_STRING_MAX_CHARS / HUGE_STRING_MIN_CHARS, random.next()));
        const [text, shape] = this.hugeString(chars);
        const path = this.stringPathOrAny(root);
        details.push(`huge-string ${describePath(path)}: ${chars} chars of ${shape}`);
        return setAt(root, path, text);
      }
      case 'deep-nesting': {
        const levels = random.chance(0.7) ? DEEP_NESTING_LEVELS : random.between(100, DEEP_NESTING_LEVELS);
        const [raw, shape] = deepText(levels, random.int(3));
        const token = `${DEEP_TOKEN_PREFIX}${this.rawReplacements.size}`;
        this.rawReplacements.set(token, raw);
        if (random.chance(0.1)) {
          details.push(`deep-nesting whole frame: ${levels} levels of ${shape}`);
          return token;
        }
        const path = this.preferredPath(root, ['error', 'item', 'session', 'response', 'rate_limits', 'delta', 'message', 'usage']);
        details.push(`deep-nesting ${describePath(path)}: ${levels} levels of ${shape}`);
        return setAt(root, path, token);
      }
      case 'absurd-number': {
        const path = this.preferredPath(root, NUMERIC_FIELDS);
        if (random.chance(0.7)) {
          const literal = random.pick(ABSURD_NUMBER_LITERALS);
          const token = `${NUMBER_TOKEN_PREFIX}${this.rawReplacements.size}`;
          this.rawReplacements.set(token, literal);
          details.push(`absurd-number ${describePath(path)} = ${literal}`);
          return setAt(root, path, token);
        }
        const text = random.pick(NUMBER_LIKE_STRINGS);
        details.push(`absurd-number ${describePath(path)} = ${JSON.stringify(text)}`);
        return setAt(root, path, text);
      }
      case 'unknown-type': {
        const type = random.chance(0.1) ? randomText(random, random.between(1, 200)) : random.pick(UNKNOWN_TYPES);
        details.push(`type ${JSON.stringify(type).slice(0, 60)}`);
        return setAt(root, ['type'], type);
      }
      case 'orphan-ids': {
        // Ids never seen: a delta for an item never added, a done for an unknown response or call.
        const paths = allPaths(root).filter((path) => /(^|_)id$/.test(String(path[path.length - 1])) && typeof valueAt(root, path) === 'string');
        let result = root;
        for (const path of paths) result = setAt(result, path, `ghost_${this.ghostCounter++}`);
        details.push(`orphan-ids ${paths.map(describePath).join(',') || 'none'}`);
        return result;
      }
      case 'lone-surrogate': {
        const path = this.stringPathOrAny(root);
        const current = valueAt(root, path);
        const base = typeof current === 'string' ? current : 'text';
        const at = random.int(base.length + 1);
        const surrogate = random.pick(['\ud800', '\udfff', '\udc00\ud800', '\ud83d']);
        details.push(`lone-surrogate ${describePath(path)}`);
        return setAt(root, path, base.slice(0, at) + surrogate + base.slice(at));
      }
      case 'duplicate-key':
        this.wantsDuplicateKey = true; // a text-level change: applied after serialisation
        return root;
      default:
        throw new Error(`frame mutator: ${mutation} is not a structural mutation`);
    }
  }

  /** A second "type" (or a __proto__ key) written into the object text; JSON.parse keeps the last. */
  private duplicateKey(text: string, details: string[]): string {
    if (!text.startsWith('{')) return text;
    const { random } = this;
    const choice = random.int(3);
    const key =
      choice === 0
        ? `"type":${JSON.stringify(random.pick(UNKNOWN_TYPES))},`
        : choice === 1
          ? '"__proto__":{"message":"polluted","type":"error"},'
          : `"type":${JSON.stringify(this.seeds.next().event['type'])},`;
    const atEnd = random.chance(0.5) && text.length > 2;
    details.push(`duplicate-key ${atEnd ? 'last' : 'first'} ${key.slice(0, 60)}`);
    return atEnd ? `${text.slice(0, -1)},${key.slice(0, -1)}}` : `{${key}${text.slice(1)}`;
  }

  private byteFlip(seed: SeedFrame): FuzzFrame {
    const { random } = this;
    const bytes = Buffer.from(JSON.stringify(seed.event), 'utf8');
    const flips = random.between(1, 8);
    const at: number[] = [];
    for (let index = 0; index < flips; index++) {
      const position = random.int(bytes.length);
      bytes[position] = bytes[position]! ^ (1 << random.int(8));
      at.push(position);
    }
    // A text frame must be UTF-8: broken sequences become U+FFFD, as a lenient server would send.
    return { kind: 'text', text: bytes.toString('utf8'), label: `${this.dialect} ${seed.name} byte-flip at ${at.join(',')}` };
  }

  private binaryFrame(): FuzzFrame {
    const { random, dialect } = this;
    switch (random.int(3)) {
      case 0: {
        const seed = this.seeds.next();
        return { kind: 'binary', bytes: Buffer.from(JSON.stringify(seed.event)), label: `${dialect} ${seed.name} as binary` };
      }
      case 1: {
        const bytes = Buffer.alloc(random.int(BINARY_MAX_BYTES));
        for (let index = 0; index < bytes.length; index++) bytes[index] = random.int(256);
        return { kind: 'binary', bytes, label: `${dialect} binary ${bytes.length} random bytes` };
      }
      default: {
        const sequence = random.pick(INVALID_UTF8_SEQUENCES);
        const json = Buffer.from('{"type":"error","message":"');
        return { kind: 'binary', bytes: Buffer.concat([json, Buffer.from(sequence), Buffer.from('"}')]), label: `${dialect} binary with invalid UTF-8 ${sequence.map((byte) => byte.toString(16)).join(' ')}` };
      }
    }
  }

  private hugeString(chars: number): [string, string] {
    const { random } = this;
    switch (random.int(5)) {
      case 0:
        return ['A'.repeat(chars), "'A'"];
      case 1:
        return ['{'.repeat(chars), "'{'"];
      case 2: {
        const unit = randomText(random, 64);
        return [unit.repeat(Math.ceil(chars / unit.length)).slice(0, chars), 'random text'];
      }
      case 3:
        return ['sk-'.concat('x'.repeat(chars - 3)), 'a key-shaped run'];
      default:
        return ['é🙂"\\\n'.repeat(Math.ceil(chars / 6)).slice(0, chars), 'escapes and astral chars'];
    }
  }

  /** A path to a string value (most fields the codec reads are strings), else any path. */
  private stringPathOrAny(root: unknown): Path {
    const paths = allPaths(root);
    const strings = paths.filter((path) => typeof valueAt(root, path) === 'string' && path[path.length - 1] !== 'type');
    return strings.length > 0 && this.random.chance(0.85) ? this.random.pick(strings) : this.random.pick(paths);
  }

  /** A path whose last key is one of `names` when the event has one, else any path (or a new field). */
  private preferredPath(root: unknown, names: readonly string[]): Path {
    const paths = allPaths(root).filter((path) => path.length > 0);
    const preferred = paths.filter((path) => names.includes(String(path[path.length - 1])));
    if (preferred.length > 0 && this.random.chance(0.8)) return this.random.pick(preferred);
    if (paths.length > 0 && this.random.chance(0.7)) return this.random.pick(paths);
    return [this.random.pick(names)];
  }
}

/** Every path in a JSON value, the root ([]) included. */
export function allPaths(root: unknown): Path[] {
  const out: Path[] = [[]];
  const walk = (value: unknown, path: Path): void => {
    if (Array.isArray(value)) {
      value.forEach((child, index) => {
        out.push([...path, index]);
        walk(child, [...path, index]);
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) {
        out.push([...path, key]);
        walk(child, [...path, key]);
      }
    }
  };
  walk(root, []);
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Sets in place (creating objects on the way) and answers the root; the empty path replaces it. */
function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  let current = root;
  if (typeof current !== 'object' || current === null) current = {};
  const result = current;
  for (let index = 0; index < path.length - 1; index++) {
    const key = path[index]!;
    const container = current as Record<string | number, unknown>;
    if (typeof container[key] !== 'object' || container[key] === null) container[key] = {};
    current = container[key];
  }
  (current as Record<string | number, unknown>)[path[path.length - 1]!] = value;
  return result;
}

function deleteAt(root: unknown, path: Path): unknown {
  const parent = valueAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (typeof parent === 'object' && parent !== null) delete (parent as JsonRecord)[key as string];
  return root;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function describePath(path: Path): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/** Nesting written as text: JSON.stringify itself would overflow the stack at this depth. */
export function deepText(levels: number, shape: number): [string, string] {
  switch (shape) {
    case 0:
      return ['['.repeat(levels) + ']'.repeat(levels), 'arrays'];
    case 1:
      return ['{"a":'.repeat(levels) + '1' + '}'.repeat(levels), 'objects'];
    default:
      return ['{"message":['.repeat(levels) + '"x"' + ']}'.repeat(levels), 'objects and arrays'];
  }
}

function randomText(random: SeededRandom, length: number): string {
  let text = '';
  for (let index = 0; index < length; index++) {
    const roll = random.int(10);
    // Mostly printable ASCII, some control characters and some non-ASCII.
    text += roll < 7 ? String.fromCharCode(random.between(32, 126)) : roll < 8 ? String.fromCharCode(random.int(32)) : String.fromCodePoint(random.between(0xa0, 0x2fff));
  }
  return text;
}
