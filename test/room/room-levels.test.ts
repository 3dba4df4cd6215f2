// The arithmetic the room tests and the room dialogue judge with (no audio devices): echo removed
// over stretches, cutting the person's speech out of them, finding a voice's onset, and the plan
// of the five-minute dialogue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planDialogue } from '../../long-checks/room-dialogue-plan';
import { echoRemovedDb, LevelTrack, onsetIn, totalMs, within, without } from '../../long-checks/room-levels';

function track(levelsDbfs: readonly number[], windowMs = 20): LevelTrack {
  const levels = new LevelTrack();
  levelsDbfs.forEach((dbfs, index) => levels.addSum(index * windowMs, 480 * 32768 ** 2 * 10 ** (dbfs / 10), 480));
  return levels;
}

test('echo removed is the raw level minus the sent level over the same windows only', () => {
  const raw = track([-30, -30, -30, -30, -10]);
  const sent = track([-70, -70, -70, -70, -10]);
  assert.ok(Math.abs(echoRemovedDb(raw, sent, [{ fromMs: 0, toMs: 80 }]) - 40) < 1e-9);
  // The last window (the person, equally loud in both) is outside the stretch and does not count.
  assert.ok(echoRemovedDb(raw, sent, [{ fromMs: 0, toMs: 100 }]) < 1);
});

test('cutting the person out of an answer leaves the parts before and after', () => {
  const parts = without([{ fromMs: 0, toMs: 10_000 }], [{ fromMs: 4_000, toMs: 6_000 }, { fromMs: 9_500, toMs: 12_000 }]);
  assert.deepEqual(parts, [
    { fromMs: 0, toMs: 4_000 },
    { fromMs: 6_000, toMs: 9_500 },
  ]);
  assert.equal(totalMs(parts), 7_500);
  assert.deepEqual(within(parts, 3_000, 7_000), [
    { fromMs: 3_000, toMs: 4_000 },
    { fromMs: 6_000, toMs: 7_000 },
  ]);
});

test('an onset needs consecutive loud windows: a single click does not start a voice', () => {
  const levels = track([-90, -30, -90, -90, -35, -32, -31, -30]);
  assert.equal(onsetIn(levels, 0, 1_000, -40), 80);
  assert.equal(onsetIn(levels, 0, 100, -40), undefined);
});

test('the dialogue plan spreads the interruptions over the run, in order, with time after the last', () => {
  const plan = planDialogue({ minutes: 5, interruptions: 10, seed: 1 });
  assert.equal(plan.interruptionsAtMs.length, 10);
  assert.equal(plan.interruptionsAtMs[0], 20_000);
  for (let index = 1; index < 10; index++) assert.ok(plan.interruptionsAtMs[index]! > plan.interruptionsAtMs[index - 1]! + 20_000);
  assert.ok(plan.interruptionsAtMs[9]! <= 5 * 60_000 - 12_000);
  assert.deepEqual(planDialogue({ minutes: 5, interruptions: 10, seed: 1 }).interruptionsAtMs, plan.interruptionsAtMs, 'the same seed gives the same plan');
});
