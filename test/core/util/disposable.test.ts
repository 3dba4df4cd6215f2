import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DisposableStore, toDisposable } from '../../../src-main/core/util/disposable';

test('a store releases everything newest first, once, and reports every failure instead of stopping', () => {
  const order: string[] = [];
  const failures: unknown[] = [];
  const store = new DisposableStore((error) => failures.push(error));
  store.add(() => order.push('first'));
  store.add(toDisposable(() => order.push('second')));
  store.add(() => {
    throw new Error('close failed');
  });
  store.add({ dispose: () => order.push('fourth') });
  store.dispose();
  store.dispose();
  assert.deepEqual(order, ['fourth', 'second', 'first']);
  assert.equal(failures.length, 1);
  assert.match(String(failures[0]), /close failed/);
  assert.equal(store.size, 0);
});

test('what is added after dispose is released at once, and timers are owned too', (t) => {
  t.mock.timers.enable({ apis: ['setInterval'] });
  const store = new DisposableStore(() => assert.fail('no failure expected'));
  let ticks = 0;
  store.addInterval(() => ticks++, 100);
  t.mock.timers.tick(250);
  store.dispose();
  t.mock.timers.tick(1_000);
  assert.equal(ticks, 2, 'the interval stopped with the store');
  let late = false;
  store.add(() => (late = true));
  assert.equal(late, true);
});
