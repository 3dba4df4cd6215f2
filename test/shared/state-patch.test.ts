import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TimelineItem } from '../../src-shared/conversation-reducer';
import { timelineSplice } from '../../src-shared/state-patch';

const item = (key: string, text = key): TimelineItem => ({ kind: 'typed', key, text, firstSeenAt: 0 });
const applySplice = (items: readonly TimelineItem[], splice: ReturnType<typeof timelineSplice>) =>
  splice ? [...items.slice(0, splice.start), ...splice.items, ...items.slice(splice.start + splice.deleteCount)] : items;

test('a streaming delta sends only the bubble that grew', () => {
  const before = [item('a'), item('b'), item('c')];
  const after = [before[0]!, before[1]!, item('c', 'c grew')];
  assert.deepEqual(timelineSplice(before, after), { start: 2, deleteCount: 1, items: [after[2]] });
});

test('an item inserted above the newest (a late user transcript) sends only that item', () => {
  const before = [item('a'), item('reply')];
  const after = [before[0]!, item('user'), before[1]!];
  const splice = timelineSplice(before, after);
  assert.deepEqual(splice, { start: 1, deleteCount: 0, items: [after[1]] });
  assert.deepEqual(applySplice(before, splice), after);
});

test('3,000 items and one change: the splice holds one item', () => {
  const before = Array.from({ length: 3_000 }, (_, index) => item(`k${index}`));
  const after = before.slice();
  after[1_500] = item('k1500', 'changed');
  const splice = timelineSplice(before, after)!;
  assert.equal(splice.items.length, 1);
  assert.deepEqual(applySplice(before, splice), after);
  assert.equal(timelineSplice(before, before), null);
});
