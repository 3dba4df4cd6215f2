import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseFuzzOptions } from '../../long-checks/fuzz-options';
import { parseSoakOptions, DEFAULT_TURNS } from '../../long-checks/soak-options';

describe('long-check flags', () => {
  test('a value is taken after = or from the next argument', () => {
    assert.deepEqual(parseFuzzOptions(['--seed=7', '--frames', '300', '--batch=5', '--dialect', 'v2']), { seed: 7, frames: 300, batch: 5, dialects: ['v2'] });
    assert.deepEqual(parseSoakOptions(['--turns', '12', '--seed=0']), { seed: 0, turns: 12 });
  });

  test('absent flags keep their defaults and a seed is drawn', () => {
    const options = parseSoakOptions([]);
    assert.equal(options.turns, DEFAULT_TURNS);
    assert.ok(Number.isInteger(options.seed) && options.seed >= 0 && options.seed <= 0xffff_ffff, `seed ${options.seed}`);
  });

  test('a flag without its value names the flag and gives the usage', () => {
    assert.throws(() => parseSoakOptions(['--turns']), { message: '--turns needs a value; usage: soak-conversation [--turns N] [--seed N]' });
  });

  test('a number outside its range or not whole is refused with the range', () => {
    assert.throws(() => parseFuzzOptions(['--batch', '0']), { message: '--batch must be a whole number from 1 to 100000, not "0"' });
    assert.throws(() => parseSoakOptions(['--seed=1.5']), { message: '--seed must be a whole number from 0 to 4294967295, not "1.5"' });
  });

  test('an option of the other check is unknown here', () => {
    assert.throws(() => parseSoakOptions(['--frames=10']), { message: 'unknown option "--frames=10"; usage: soak-conversation [--turns N] [--seed N]' });
    assert.throws(() => parseFuzzOptions(['--turns', '3']), /^Error: unknown option "--turns"; usage: fuzz-frames /);
  });

  test('--help and -h answer with the usage alone', () => {
    assert.throws(() => parseFuzzOptions(['-h']), { message: 'usage: fuzz-frames [--seed N] [--frames N] [--batch N] [--dialect v1|v2|both]' });
    assert.throws(() => parseSoakOptions(['--help']), { message: 'usage: soak-conversation [--turns N] [--seed N]' });
  });

  test('a dialect other than v1, v2 or both is refused; both means both', () => {
    assert.throws(() => parseFuzzOptions(['--dialect', 'v3']), /--dialect must be v1, v2 or both, not "v3"/);
    assert.deepEqual(parseFuzzOptions(['--dialect=both', '--seed=1']).dialects, ['v1', 'v2']);
  });
});
