import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ItemAudioLedger, truncateAudioEndMs } from '../../../src-main/core/session/item-audio-ledger';

const BYTES_PER_MS_24K_MONO = 48;

test('truncate point: what was heard, rounded down, never past the audio sent', () => {
  assert.equal(truncateAudioEndMs(250.9, 500, false), 250);
  assert.equal(truncateAudioEndMs(612.9, 500, false), 500);
  assert.equal(truncateAudioEndMs(99.99, 99.6, false), 99, 'a fractional sent length is floored too');
  assert.equal(truncateAudioEndMs(-5, 500, false), 0);
  assert.equal(truncateAudioEndMs(Number.NaN, 500, false), 0);
});

test('truncate point: none when the item played to its end or had no audio', () => {
  assert.equal(truncateAudioEndMs(300, 300, true), undefined);
  assert.equal(truncateAudioEndMs(310, 300, true), undefined);
  assert.equal(truncateAudioEndMs(299.5, 300, true), 299, 'not quite the end: cut at what was heard');
  assert.equal(truncateAudioEndMs(300, 300, false), 300, 'more audio is still coming: cut it');
  assert.equal(truncateAudioEndMs(100, 0, false), undefined);
});

test('the ledger counts the audio sent per item, at its rate and channel count', () => {
  const ledger = new ItemAudioLedger();
  ledger.onAudio('a', 100 * BYTES_PER_MS_24K_MONO, 24_000, 1);
  ledger.onAudio('a', 50 * BYTES_PER_MS_24K_MONO, 24_000, 1);
  ledger.onAudio('b', 48_000 * 2 * 2 * 0.2, 48_000, 2);
  ledger.onAudio(undefined, 1_000, 24_000, 1);
  assert.equal(ledger.sentMs('a'), 150);
  assert.equal(ledger.sentMs('b'), 200);
  assert.equal(ledger.truncatePoint('a', 400), 150);
  ledger.onAudioDone('a');
  assert.equal(ledger.truncatePoint('a', 150), undefined);
  assert.equal(ledger.truncatePoint('unknown', 100), undefined);
});
