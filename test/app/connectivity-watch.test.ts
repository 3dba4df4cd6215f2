import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { watchConnectivity } from '../../src-main/app/connectivity-watch';
import { silentLogger } from '../../src-main/core/util/logger';

function stage(online = true) {
  const power = new EventEmitter();
  const calls: string[] = [];
  const network = { online };
  const watch = watchConnectivity({
    power: power as never,
    isOnline: () => network.online,
    session: { suspendConnection: (reason) => calls.push(`suspend: ${reason}`), resumeConnection: () => calls.push('resume') },
    logger: silentLogger,
    intervalMs: 10,
  });
  return { power, calls, network, watch };
}

const tick = (ms = 40) => new Promise((resolve) => setTimeout(resolve, ms));

test('sleep suspends the connection once and waking resumes it once', async () => {
  const { power, calls, watch } = stage();
  power.emit('suspend');
  power.emit('suspend');
  await tick();
  power.emit('resume');
  await tick();
  watch.dispose();
  assert.deepEqual(calls, ['suspend: the computer is going to sleep', 'resume']);
});

test('the network going away and coming back suspends and resumes once each', async () => {
  const { calls, network, watch } = stage();
  network.online = false;
  await tick();
  network.online = true;
  await tick();
  watch.dispose();
  assert.deepEqual(calls, ['suspend: the network is unavailable', 'resume']);
});

test('waking while still offline does not resume; the network coming back does', async () => {
  const { power, calls, network, watch } = stage();
  power.emit('suspend');
  network.online = false;
  power.emit('resume');
  await tick();
  assert.deepEqual(calls, ['suspend: the computer is going to sleep']);
  network.online = true;
  await tick();
  watch.dispose();
  assert.deepEqual(calls, ['suspend: the computer is going to sleep', 'resume']);
});

test('after dispose nothing is watched: no listeners, no timer', async () => {
  const { power, calls, network, watch } = stage();
  watch.dispose();
  assert.equal(power.listenerCount('suspend') + power.listenerCount('resume'), 0);
  network.online = false;
  await tick();
  assert.deepEqual(calls, []);
});
