// Parley issue #10: a 10 MB monologue in `--events jsonl` used to print the whole entry so far
// with every delta (quadratic output; out of memory at 4.5 GB). Linear events print each piece once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJsonLinesPrinter, createReadablePrinter } from '../../src-main/headless/event-printers';
import { heapUsedBytes, MONOLOGUE_CHARS, MONOLOGUE_DELTAS, playMonologue } from '../support/monologue';

/**
 * Each delta is two lines (the raw transcript.delta and the entry's append), each about 100 bytes
 * of JSON around 100 characters of text; quadratic output would be ~50,000 times the text.
 */
const MAX_OUTPUT_PER_TEXT_BYTE = 5;
const MAX_HEAP_GROWTH_BYTES = 64 * 1024 * 1024;

test('a 10 MB monologue in 100,000 deltas costs JSON-lines output and memory in proportion to its text', () => {
  const heapBefore = heapUsedBytes();
  let bytes = 0;
  let lines = 0;
  let entryTextChars = 0;
  const print = createJsonLinesPrinter((line) => {
    bytes += line.length;
    lines++;
    // Each piece of the entry's text is printed once (no line repeats the text so far).
    if (line.startsWith('{"type":"transcript.entry"')) {
      const event = JSON.parse(line) as { text?: string; append?: string };
      entryTextChars += (event.text ?? event.append ?? '').length;
    }
    // Fail fast rather than run out of memory if the output is not linear.
    if (bytes > MAX_OUTPUT_PER_TEXT_BYTE * MONOLOGUE_CHARS) throw new Error(`output passed ${MAX_OUTPUT_PER_TEXT_BYTE}× the text after ${lines} lines`);
  });
  const started = performance.now();
  playMonologue(print);
  const elapsedMs = performance.now() - started;
  const heapGrowth = heapUsedBytes() - heapBefore;
  assert.equal(lines, 2 * MONOLOGUE_DELTAS + 1);
  assert.equal(entryTextChars, MONOLOGUE_CHARS, 'the entry lines carry the text exactly once');
  assert.ok(bytes < MAX_OUTPUT_PER_TEXT_BYTE * MONOLOGUE_CHARS, `${bytes} bytes for ${MONOLOGUE_CHARS} characters`);
  assert.ok(heapGrowth < MAX_HEAP_GROWTH_BYTES, `the heap grew by ${(heapGrowth / 1e6).toFixed(1)} MB`);
  console.log(`jsonl: ${MONOLOGUE_CHARS / 1e6} MB text → ${(bytes / 1e6).toFixed(1)} MB output (${(bytes / MONOLOGUE_CHARS).toFixed(2)}×), heap +${(heapGrowth / 1e6).toFixed(1)} MB, ${elapsedMs.toFixed(0)} ms`);
});

test('the readable printer prints the 10 MB monologue once, whole, when it is final', () => {
  const out: string[] = [];
  const printer = createReadablePrinter((text) => out.push(text), () => {});
  playMonologue((event) => printer.onEvent(event));
  printer.flush();
  assert.equal(out.length, 1);
  assert.ok(out[0]!.startsWith('assistant: 0 and then'));
  assert.equal(out[0]!.length, 'assistant: '.length + MONOLOGUE_CHARS - 1 + 1, 'the text, its trailing space dropped, and a newline');
});
