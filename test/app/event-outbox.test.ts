import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandHandlers, EventEnvelope } from '../../src-shared/ipc-contract';
import { EventOutbox, withReadySignal } from '../../src-main/app/event-outbox';

const entry = (text: string): EventEnvelope => ({ event: 'notice', payload: { message: text } });
const levels: EventEnvelope = { event: 'levels', payload: { input: { rmsDbfs: -20, peakDbfs: -17 }, output: { rmsDbfs: -100 } } };
const patch: EventEnvelope = { event: 'state', payload: { base: 1, revision: 2, fields: { micCheck: true } } };
const notice: EventEnvelope = { event: 'navigate', payload: { page: 'settings' } };

test('events wait until the renderer is ready, then arrive in order; levels and state are not queued', () => {
  const delivered: EventEnvelope[] = [];
  const outbox = new EventOutbox((envelope) => delivered.push(envelope));
  outbox.push(entry('one'));
  outbox.push(levels);
  outbox.push(patch);
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

test('app.ready takes the state and opens the outbox at once, so no patch after that revision is lost', async () => {
  const delivered: EventEnvelope[] = [];
  const outbox = new EventOutbox((envelope) => delivered.push(envelope));
  outbox.push(notice);
  outbox.push(patch);
  const handlers = withReadySignal({ 'app.ready': () => ({ status: 'idle', revision: 1 }) } as unknown as CommandHandlers, outbox);
  const state = await handlers['app.ready'](undefined);
  assert.equal(state.revision, 1);
  assert.equal(outbox.isReady, true);
  assert.deepEqual(delivered, [notice], 'the queued notice, not the stale patch');
  outbox.push(patch);
  assert.equal(delivered.at(-1), patch);
});
