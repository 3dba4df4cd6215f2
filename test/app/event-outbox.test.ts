import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandHandlers, EventEnvelope } from '../../src-shared/ipc-contract';
import { EventOutbox, withReadySignal } from '../../src-main/app/event-outbox';

const entry = (text: string): EventEnvelope => ({
  event: 'session',
  payload: { type: 'transcript.entry', entryId: 1, index: 0, entry: { role: 'user', text } },
});
const levels: EventEnvelope = { event: 'levels', payload: { input: { rmsDbfs: -20, peakDbfs: -17 }, output: { rmsDbfs: -100 } } };
const notice: EventEnvelope = { event: 'notice', payload: { kind: 'info', message: 'hello' } };

test('events wait until the renderer is ready, then arrive in order; levels and state are not queued', () => {
  const delivered: EventEnvelope[] = [];
  const outbox = new EventOutbox((envelope) => delivered.push(envelope));
  outbox.push(entry('one'));
  outbox.push(levels);
  outbox.push(notice);
  assert.deepEqual(delivered, []);
  outbox.markReady();
  assert.deepEqual(delivered, [entry('one'), notice]);
  outbox.push(levels);
  assert.equal(delivered.at(-1), levels, 'once ready, everything goes straight through');
});

test('a reload queues again until the next ready; a full queue drops the oldest and counts it', () => {
  const delivered: EventEnvelope[] = [];
  const outbox = new EventOutbox((envelope) => delivered.push(envelope), 2);
  outbox.markReady();
  outbox.reset();
  outbox.push(entry('a'));
  outbox.push(entry('b'));
  outbox.push(entry('c'));
  assert.equal(outbox.droppedCount, 1);
  outbox.markReady();
  assert.deepEqual(delivered, [entry('b'), entry('c')]);
});

test('app.ready answers the snapshot first and flushes the queue after it', async () => {
  const order: string[] = [];
  const outbox = new EventOutbox(() => order.push('event'));
  outbox.push(notice);
  const handlers = withReadySignal({ 'app.ready': () => ({ status: 'idle' }) } as unknown as CommandHandlers, outbox);
  const snapshot = await handlers['app.ready'](undefined);
  order.push('snapshot');
  assert.equal(snapshot.status, 'idle');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['snapshot', 'event']);
  assert.equal(outbox.isReady, true);
});
