// The room settings (noise reduction, the pause that ends a turn, semantic eagerness): refused out
// of range by both the store and the IPC bridge, naming the field; turned into the session config.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, SettingsValidationError, settingShapeProblem, validateSettingsPatch } from '../../../src-main/adapters/settings/settings-schema';
import { realtimeConfigFrom } from '../../../src-main/app/session-settings';
import { settingsPatchSchema } from '../../../src-shared/ipc-contract';

test('defaults: automatic noise reduction, a 500 ms pause, automatic eagerness', () => {
  assert.equal(DEFAULT_SETTINGS.noiseReduction, 'auto');
  assert.equal(DEFAULT_SETTINGS.vadSilenceMs, 500);
  assert.equal(DEFAULT_SETTINGS.semanticEagerness, 'auto');
});

test('values in range are accepted by the store and the bridge', () => {
  for (const patch of [{ vadSilenceMs: 200 }, { vadSilenceMs: 2_000 }, { noiseReduction: 'off' }, { noiseReduction: 'near_field' }, { semanticEagerness: 'high' }]) {
    assert.deepEqual(validateSettingsPatch(patch), patch);
    assert.equal(settingsPatchSchema.safeParse(patch).success, true, JSON.stringify(patch));
  }
});

test('out-of-range or unknown values are refused naming the field, by the store and by the bridge', () => {
  const cases: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ vadSilenceMs: 199 }, 'vadSilenceMs', /^Pause that ends a turn: must be a whole number of milliseconds from 200 to 2000$/],
    [{ vadSilenceMs: 2_001 }, 'vadSilenceMs', /^Pause that ends a turn: must be a whole number/],
    [{ vadSilenceMs: 500.5 }, 'vadSilenceMs', /^Pause that ends a turn: /],
    [{ vadSilenceMs: '500' }, 'vadSilenceMs', /^Pause that ends a turn: /],
    [{ noiseReduction: 'loud' }, 'noiseReduction', /^Noise reduction: must be one of auto, near_field, far_field, off$/],
    [{ semanticEagerness: 'eager' }, 'semanticEagerness', /^Turn-taking eagerness: must be one of auto, low, medium, high$/],
  ];
  for (const [patch, field, message] of cases) {
    assert.throws(
      () => validateSettingsPatch(patch),
      (error: unknown) => error instanceof SettingsValidationError && error.field === field && error.page === 'audio' && message.test(error.message),
      JSON.stringify(patch),
    );
    const bridged = settingsPatchSchema.safeParse(patch);
    assert.equal(bridged.success, false, JSON.stringify(patch));
    assert.deepEqual(bridged.error?.issues[0]?.path, [field]);
  }
});

test('a hand-edited silence out of range is a listed problem, and the session uses the default meanwhile', () => {
  assert.match(settingShapeProblem('vadSilenceMs', 50) ?? '', /from 200 to 2000/);
  assert.equal(realtimeConfigFrom({ ...DEFAULT_SETTINGS, vadSilenceMs: 50 }).vadSilenceMs, 500);
});

test('the session config takes the room settings; auto noise reduction reads the chosen speaker', () => {
  const headset = realtimeConfigFrom({ ...DEFAULT_SETTINGS, outputDevice: 'Jabra Evolve2 Headset', vadSilenceMs: 900, semanticEagerness: 'low' });
  assert.equal(headset.noiseReduction, 'near_field');
  assert.equal(headset.vadSilenceMs, 900);
  assert.equal(headset.semanticEagerness, 'low');
  assert.equal(realtimeConfigFrom({ ...DEFAULT_SETTINGS, outputDevice: 'Built-in Audio Analog Stereo' }).noiseReduction, 'far_field');
  assert.equal(realtimeConfigFrom({ ...DEFAULT_SETTINGS, outputDevice: null }).noiseReduction, 'far_field');
  assert.equal(realtimeConfigFrom({ ...DEFAULT_SETTINGS, outputDevice: 'AirPods Pro', noiseReduction: 'off' }).noiseReduction, 'off');
});
