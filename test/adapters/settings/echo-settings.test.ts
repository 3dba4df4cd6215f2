// The echo settings (echo cancellation, its noise suppression and gain control, the minimum
// barge-in, the hands-free turn detection): their defaults, a file from before them, and values
// refused naming the field by the store, by the IPC bridge and by the command check.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  DEFAULT_SETTINGS,
  SETTINGS_JSON_SCHEMA,
  SettingsValidationError,
  settingShapeProblem,
  validateSettingsPatch,
} from '../../../src-main/adapters/settings/settings-schema';
import { createSettingsStore } from '../../../src-main/adapters/settings/settings-store';
import { settingsPatchSchema } from '../../../src-shared/ipc-contract';
import { validateCommand } from '../../../src-shared/ipc-validation';
import { testCipher } from '../../support/app-harness';
import { tempDir } from '../../support/temp-dir';

function open(cwd: string) {
  return createSettingsStore({ cwd, cipher: testCipher(), env: {} });
}

test('defaults: echo cancellation and noise suppression on, gain control off, 250 ms barge-in, server_vad', () => {
  assert.equal(DEFAULT_SETTINGS.echoCancellation, true);
  assert.equal(DEFAULT_SETTINGS.noiseSuppression, true);
  assert.equal(DEFAULT_SETTINGS.autoGainControl, false);
  assert.equal(DEFAULT_SETTINGS.minBargeInMs, 250);
  assert.equal(DEFAULT_SETTINGS.handsFreeTurnDetection, 'server_vad');
  for (const key of ['echoCancellation', 'noiseSuppression', 'autoGainControl', 'minBargeInMs', 'handsFreeTurnDetection'] as const) {
    assert.equal(SETTINGS_JSON_SCHEMA[key].default, DEFAULT_SETTINGS[key], `the store's schema fills in ${key}`);
  }
});

test('a settings file from before the echo settings opens with their defaults, keeping the rest', () => {
  const cwd = tempDir('parley-echo-settings-');
  writeFileSync(
    join(cwd, 'settings.json'),
    JSON.stringify({ voice: 'cedar', noiseReduction: 'near_field', vadSilenceMs: 800, __internal__: { migrations: { version: '0.3.0' } } }),
  );
  const store = open(cwd);
  assert.equal(store.notice, undefined, 'not treated as corrupt');
  const settings = store.get();
  assert.deepEqual(
    {
      echoCancellation: settings.echoCancellation,
      noiseSuppression: settings.noiseSuppression,
      autoGainControl: settings.autoGainControl,
      minBargeInMs: settings.minBargeInMs,
      handsFreeTurnDetection: settings.handsFreeTurnDetection,
    },
    { echoCancellation: true, noiseSuppression: true, autoGainControl: false, minBargeInMs: 250, handsFreeTurnDetection: 'server_vad' },
  );
  assert.equal(settings.voice, 'cedar');
  assert.equal(settings.vadSilenceMs, 800);
});

test('changed echo settings are saved and read back after a restart', () => {
  const cwd = tempDir('parley-echo-settings-');
  const patch = { echoCancellation: false, noiseSuppression: false, autoGainControl: true, minBargeInMs: 600, handsFreeTurnDetection: 'semantic_vad' } as const;
  open(cwd).update(patch);
  const reopened = open(cwd).get();
  for (const [key, value] of Object.entries(patch)) assert.equal(reopened[key as keyof typeof patch], value, key);
  assert.equal(JSON.parse(readFileSync(join(cwd, 'settings.json'), 'utf8')).minBargeInMs, 600);
});

test('a hand-edited barge-in length out of range keeps the file and is a listed problem', () => {
  const cwd = tempDir('parley-echo-settings-');
  writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ minBargeInMs: 20, __internal__: { migrations: { version: '0.3.0' } } }));
  const store = open(cwd);
  assert.equal(store.notice, undefined, 'not reset to defaults');
  assert.equal(store.get().minBargeInMs, 20);
  assert.equal(settingShapeProblem('minBargeInMs', 20), 'must be a whole number of milliseconds from 100 to 1500');
});

test('values in range are accepted by the store and the bridge', () => {
  const accepted = [
    { echoCancellation: false },
    { noiseSuppression: false },
    { autoGainControl: true },
    { minBargeInMs: 100 },
    { minBargeInMs: 1_500 },
    { handsFreeTurnDetection: 'semantic_vad' },
    { handsFreeTurnDetection: 'server_vad' },
  ];
  for (const patch of accepted) {
    assert.deepEqual(validateSettingsPatch(patch), patch);
    assert.equal(settingsPatchSchema.safeParse(patch).success, true, JSON.stringify(patch));
  }
});

test('wrong values are refused naming the field on the Audio page, by the store, the bridge and the command check', () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ echoCancellation: 'on' }, 'echoCancellation', 'Echo cancellation: must be true or false'],
    [{ noiseSuppression: 1 }, 'noiseSuppression', 'Noise suppression: must be true or false'],
    [{ autoGainControl: null }, 'autoGainControl', 'Automatic gain control: must be true or false'],
    [{ minBargeInMs: 99 }, 'minBargeInMs', 'Minimum barge-in: must be a whole number of milliseconds from 100 to 1500'],
    [{ minBargeInMs: 1_501 }, 'minBargeInMs', 'Minimum barge-in: must be a whole number of milliseconds from 100 to 1500'],
    [{ minBargeInMs: 250.5 }, 'minBargeInMs', 'Minimum barge-in: must be a whole number of milliseconds from 100 to 1500'],
    [{ minBargeInMs: '250' }, 'minBargeInMs', 'Minimum barge-in: must be a whole number of milliseconds from 100 to 1500'],
    [{ handsFreeTurnDetection: 'none' }, 'handsFreeTurnDetection', 'Turn detection: must be one of server_vad, semantic_vad'],
  ];
  for (const [patch, field, message] of cases) {
    assert.throws(
      () => validateSettingsPatch(patch),
      (error: unknown) => error instanceof SettingsValidationError && error.field === field && error.page === 'audio' && error.message === message,
      JSON.stringify(patch),
    );
    const bridged = settingsPatchSchema.safeParse(patch);
    assert.equal(bridged.success, false, JSON.stringify(patch));
    assert.deepEqual(bridged.error?.issues[0]?.path, [field]);
    const command = validateCommand('settings.update', patch);
    assert.equal(command.ok, false, JSON.stringify(patch));
    if (!command.ok) {
      assert.equal(command.error.field, field);
      assert.match(command.error.message, new RegExp(`^${message.split(':')[0]}: `), JSON.stringify(patch));
    }
  }
});

test('the bridge refuses the barge-in length with the same sentence as the store', () => {
  const command = validateCommand('settings.update', { minBargeInMs: 5_000 });
  assert.equal(command.ok, false);
  if (!command.ok) assert.equal(command.error.message, 'Minimum barge-in: must be a whole number of milliseconds from 100 to 1500');
});
