import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { DEEP_NESTING_LEVELS, FrameMutator, HUGE_STRING_MAX_CHARS, MUTATIONS, type FuzzFrame } from '../../long-checks/frame-mutator';
import { SeededRandom } from '../../long-checks/seeded-random';
import type { Dialect } from '../../src-main/core/protocol/session-config';

const FRAMES_PER_DIALECT = 2_500;

function frames(dialect: Dialect, seed: number, count: number): FuzzFrame[] {
  const mutator = new FrameMutator(dialect, new SeededRandom(seed));
  return Array.from({ length: count }, () => mutator.next());
}

function fingerprint(list: readonly FuzzFrame[]): string {
  const hash = createHash('sha256');
  for (const frame of list) {
    hash.update(frame.kind).update(frame.label);
    hash.update(frame.kind === 'text' ? frame.text : frame.bytes);
  }
  return hash.digest('hex');
}

/** Nesting depth of JSON text, brackets inside strings not counted (the text need not parse). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === '\\') index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '[' || char === '{') deepest = Math.max(deepest, ++depth);
    else if (char === ']' || char === '}') depth--;
  }
  return deepest;
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const corpus: Record<Dialect, FuzzFrame[]> = { v1: frames('v1', 42, FRAMES_PER_DIALECT), v2: frames('v2', 42, FRAMES_PER_DIALECT) };

describe('seeded random', () => {
  test('the same seed gives the same sequence and another seed a different one', () => {
    const draw = (seed: number) => Array.from({ length: 50 }, ((random) => () => random.nextUint32())(new SeededRandom(seed)));
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
  });

  test('int stays within its bound', () => {
    const random = new SeededRandom(1);
    for (let index = 0; index < 10_000; index++) {
      const value = random.int(3);
      assert.ok(value >= 0 && value < 3 && Number.isInteger(value), `int(3) gave ${value}`);
    }
  });
});

describe('frame mutator', () => {
  test('replays the same frames for the same seed, and other frames for another seed', () => {
    assert.equal(fingerprint(frames('v2', 42, 300)), fingerprint(corpus.v2.slice(0, 300)));
    assert.notEqual(fingerprint(frames('v2', 43, 300)), fingerprint(corpus.v2.slice(0, 300)));
  });

  for (const dialect of ['v1', 'v2'] as const) {
    test(`${dialect}: every mutation kind occurs and each frame names the dialect or what it replays`, () => {
      const mutator = new FrameMutator(dialect, new SeededRandom(42));
      for (let index = 0; index < FRAMES_PER_DIALECT; index++) {
        const frame = mutator.next();
        assert.ok(frame.label.startsWith(`${dialect} `) || frame.label.startsWith('replay of ['), `unlabelled frame: ${frame.label}`);
      }
      const missing = MUTATIONS.filter((mutation) => mutator.counts[mutation] === 0);
      assert.deepEqual(missing, [], `mutations never produced in ${FRAMES_PER_DIALECT} frames`);
    });
  }

  test('deep nesting reaches 10,000 levels', () => {
    const deepest = Math.max(...[...corpus.v1, ...corpus.v2].map((frame) => (frame.kind === 'text' ? nestingDepth(frame.text) : 0)));
    assert.ok(deepest >= DEEP_NESTING_LEVELS, `deepest frame has ${deepest} levels`);
  });

  test('huge strings go past 100 KB and stay about 1 MB at most', () => {
    const lengths = [...corpus.v1, ...corpus.v2].map((frame) => (frame.kind === 'text' ? frame.text.length : frame.bytes.length));
    const longest = Math.max(...lengths);
    assert.ok(longest > 100_000, `longest frame is ${longest} chars`);
    // JSON escapes can double a string; nothing more may be added on top.
    assert.ok(longest <= 2 * HUGE_STRING_MAX_CHARS + 10_000, `longest frame is ${longest} chars`);
  });

  test('invalid UTF-8 goes out only in binary frames, and binary and empty frames both occur', () => {
    const all = [...corpus.v1, ...corpus.v2];
    const binary = all.filter((frame): frame is Extract<FuzzFrame, { kind: 'binary' }> => frame.kind === 'binary');
    assert.ok(binary.some((frame) => !isValidUtf8(frame.bytes)), 'no binary frame with invalid UTF-8');
    assert.ok(binary.some((frame) => frame.bytes.length === 0), 'no empty binary frame');
    assert.ok(all.some((frame) => frame.kind === 'text' && frame.text === ''), 'no empty text frame');
    for (const frame of all) if (frame.kind === 'text') assert.ok(isValidUtf8(Buffer.from(frame.text, 'utf8')));
  });

  test('absurd numbers reach the wire as raw literals (1e999 parses to Infinity) and as number-like strings', () => {
    const texts = [...corpus.v1, ...corpus.v2].flatMap((frame) => (frame.kind === 'text' ? [frame.text] : []));
    assert.ok(texts.some((text) => /:1e999[,}\]]/.test(text)), 'no raw 1e999 literal');
    assert.ok(texts.some((text) => /"(sample_rate|channels|num_channels)":"(NaN|Infinity|-Infinity)"/.test(text)), 'no NaN-like string in an audio field');
    assert.ok(texts.some((text) => text.includes('"sample_rate":1e9') || text.includes('"sample_rate":1000000000')), 'no sample_rate of 1e9');
  });

  test('orphan ids refer to items, responses and calls never seen', () => {
    const orphans = corpus.v2.filter((frame) => frame.kind === 'text' && frame.label.includes('orphan-ids') && frame.text.includes('"ghost_'));
    assert.ok(orphans.length > 0, 'no frame with an orphan id');
  });
});
