/**
 * Proves a test left nothing running: no sockets, servers or ref'd timers beyond what was there
 * when it began (process.getActiveResourcesInfo), and no timer created during the test still
 * scheduled, unref'd ones included (async_hooks: getActiveResourcesInfo does not list those).
 */
import assert from 'node:assert/strict';
import { createHook } from 'node:async_hooks';

const WATCHED_RESOURCES = ['Timeout', 'TCPSocketWrap', 'TCPServerWrap'];
const SETTLE_POLL_MS = 10;

export interface LeakCheck {
  /** Polls until clean or settleMs passed, then fails naming what is left. Stops tracking. */
  assertNothingLeft(settleMs?: number): Promise<void>;
}

export function startLeakCheck(): LeakCheck {
  const baseline = countWatched();
  const liveTimeouts = new Set<number>();
  let creatingPollTimer = false;
  const hook = createHook({
    init(asyncId, type) {
      if (type === 'Timeout' && !creatingPollTimer) liveTimeouts.add(asyncId);
    },
    destroy(asyncId) {
      liveTimeouts.delete(asyncId);
    },
  }).enable();

  return {
    async assertNothingLeft(settleMs = 500) {
      const deadline = performance.now() + settleMs;
      let extra: string[] = [];
      for (;;) {
        extra = describeExtra(baseline, countWatched(), liveTimeouts.size);
        if (extra.length === 0 || performance.now() > deadline) break;
        // The poll's own timer is not the test's: keep it out of the count.
        creatingPollTimer = true;
        const pause = new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
        creatingPollTimer = false;
        await pause;
      }
      hook.disable();
      assert.deepEqual(extra, [], `resources left after the test: ${extra.join(', ')}`);
    },
  };
}

function countWatched(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const name of process.getActiveResourcesInfo()) {
    if (WATCHED_RESOURCES.includes(name)) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function describeExtra(baseline: Map<string, number>, now: Map<string, number>, liveTimeouts: number): string[] {
  const extra: string[] = [];
  for (const name of WATCHED_RESOURCES) {
    const added = (now.get(name) ?? 0) - (baseline.get(name) ?? 0);
    if (added > 0) extra.push(`${added} more ${name}`);
  }
  if (liveTimeouts > 0) extra.push(`${liveTimeouts} timer(s) created during the test still scheduled`);
  return extra;
}
