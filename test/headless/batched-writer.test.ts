import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatchedWriter, MAX_BATCH_CHARS } from '../../src-main/headless/batched-writer';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

test('what is written in one turn of the event loop goes out as one write, in order, at the next turn', async () => {
  const writes: string[] = [];
  const out = createBatchedWriter((text) => writes.push(text));
  out.write('{"a":1}\n');
  out.write('');
  out.write('{"b":2}\n');
  assert.deepEqual(writes, [], 'nothing yet within the turn');
  await nextTurn();
  assert.deepEqual(writes, ['{"a":1}\n{"b":2}\n']);
  out.write('{"c":3}\n');
  await nextTurn();
  await nextTurn();
  assert.deepEqual(writes, ['{"a":1}\n{"b":2}\n', '{"c":3}\n'], 'a later turn is its own write; nothing is written twice');
});

test('a batch that reaches the cap goes out at once, and flush writes what is held and cancels the pending turn', async () => {
  const writes: string[] = [];
  const out = createBatchedWriter((text) => writes.push(text));
  const line = 'x'.repeat(1023) + '\n';
  for (let index = 0; index < MAX_BATCH_CHARS / line.length; index++) out.write(line);
  assert.equal(writes.length, 1, 'the full batch went out without waiting');
  assert.equal(writes[0]!.length, MAX_BATCH_CHARS);
  out.write('tail\n');
  out.flush();
  assert.deepEqual(writes.slice(1), ['tail\n']);
  out.flush();
  await nextTurn();
  assert.equal(writes.length, 2, 'flush left nothing behind to write again');
});
