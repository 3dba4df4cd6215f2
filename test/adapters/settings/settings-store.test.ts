import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Logger } from '../../../src-main/core/util/logger';
import {
  DEFAULT_SETTINGS,
  SettingsValidationError,
  validateSettingsPatch,
} from '../../../src-main/adapters/settings/settings-schema';
import {
  ApiKeyStorageUnavailableError,
  createSettingsStore,
  type SecretCipher,
  type SettingsStoreOptions,
} from '../../../src-main/adapters/settings/settings-store';
import { tempDir } from '../../support/temp-dir';

const SECRET = 'sk-test-0123456789abcdefSECRET';

/** Stands in for safeStorage: a reversible transform whose output never contains the input. */
function fakeCipher(available = true): SecretCipher & { decrypts: number } {
  const cipher = {
    decrypts: 0,
    isAvailable: () => available,
    encrypt: (plain: string) => Buffer.from([...Buffer.from(plain, 'utf8')].map((byte) => byte ^ 0x5a)),
    decrypt: (data: Buffer) => {
      cipher.decrypts += 1;
      return Buffer.from([...data].map((byte) => byte ^ 0x5a)).toString('utf8');
    },
  };
  return cipher;
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const record = (message: string, details?: Record<string, unknown>) => {
    lines.push(`${message} ${JSON.stringify(details ?? {})}`);
  };
  return { lines, debug: record, info: record, warn: record, error: record };
}

function settingsDir(): string {
  return tempDir('parley-settings-');
}

function open(cwd: string, overrides: Partial<SettingsStoreOptions> = {}) {
  return createSettingsStore({ cwd, cipher: fakeCipher(), env: {}, ...overrides });
}

test('a new store starts from the defaults and writes them with the settings version', () => {
  const cwd = settingsDir();
  const store = open(cwd);
  assert.deepEqual(store.get(), DEFAULT_SETTINGS);
  assert.equal(store.notice, undefined);
  assert.equal(store.path, join(cwd, 'settings.json'));
  const raw = JSON.parse(readFileSync(store.path, 'utf8'));
  assert.equal(raw.dialect, 'v2');
  assert.equal(raw.agentModel, 'gpt-5-mini');
  assert.equal(raw.__internal__.migrations.version, '0.3.0');
  assert.equal('encryptedApiKey' in store.get(), false, 'get() never carries the key field');
});

test('update validates, returns the new settings and persists them for the next start', () => {
  const cwd = settingsDir();
  const store = open(cwd);
  const updated = store.update({ talkMode: 'push-to-talk', inputDevice: 'USB Mic', hotkeys: { talk: 'Alt+Space' }, startAtLogin: true });
  assert.equal(updated.talkMode, 'push-to-talk');
  assert.equal(updated.voice, DEFAULT_SETTINGS.voice, 'untouched keys keep their values');

  const reopened = open(cwd);
  assert.deepEqual(reopened.get(), {
    ...DEFAULT_SETTINGS,
    talkMode: 'push-to-talk',
    inputDevice: 'USB Mic',
    hotkeys: { talk: 'Alt+Space', holdToTalk: DEFAULT_SETTINGS.hotkeys.holdToTalk },
    startAtLogin: true,
  });
});

test('a bad patch is refused with an error naming the field in the form\'s words, and nothing is saved', () => {
  const store = open(settingsDir());
  const refusals: Array<[unknown, string, string]> = [
    [{ talkMode: 'shouting' }, 'talkMode', 'Talk mode: '],
    [{ realtimeUrl: 'ftp://example.com' }, 'realtimeUrl', 'Realtime URL: must be a URL starting with'],
    [{ agentUrl: 'wss://example.com' }, 'agentUrl', 'Agent URL: must be a URL starting with'],
    [{ startAtLogin: 'yes' }, 'startAtLogin', 'Start at login: '],
    [{ agentModel: '' }, 'agentModel', 'Agent model: must not be empty'],
    [{ hotkeys: { talk: 42 } }, 'hotkeys.talk', 'Talk hotkey: must be text'],
    [{ hotkeys: { scream: 'F1' } }, 'hotkeys.scream', 'Setting "hotkeys.scream" is not a known hotkey'],
    [{ colour: 'blue' }, 'colour', 'Setting "colour" is not a known setting'],
    [{ encryptedApiKey: 'AAAA' }, 'encryptedApiKey', 'Setting "encryptedApiKey" cannot be changed here'],
  ];
  for (const [patch, key, start] of refusals) {
    assert.throws(
      () => store.update(patch),
      (error: unknown) =>
        error instanceof SettingsValidationError && error.field === key && error.code === 'invalid_setting' && error.message.startsWith(start),
      `patch ${JSON.stringify(patch)} should be refused naming ${key}`,
    );
  }
  assert.throws(() => validateSettingsPatch(['dialect']), SettingsValidationError);
  assert.deepEqual(store.get(), DEFAULT_SETTINGS);
});

test('a refused value is never echoed in the error (it might be a pasted key)', () => {
  assert.throws(
    () => validateSettingsPatch({ agentUrl: SECRET }),
    (error: unknown) => error instanceof Error && !error.message.includes(SECRET),
  );
});

test('onChange fires with the new and previous settings until unsubscribed', () => {
  const store = open(settingsDir());
  const seen: Array<[string, string]> = [];
  const unsubscribe = store.onChange((settings, previous) => seen.push([settings.dialect, previous.dialect]));
  store.update({ dialect: 'v1' });
  unsubscribe();
  store.update({ dialect: 'v2' });
  assert.deepEqual(seen, [['v1', 'v2']]);
});

test('a stored API key is encrypted on disk, reported as stored, resolved, and never logged', () => {
  const cwd = settingsDir();
  const logger = recordingLogger();
  const store = open(cwd, { logger, env: { OPENAI_API_KEY: 'sk-from-environment' } });
  store.setApiKey(`  ${SECRET}\n`);

  const raw = readFileSync(store.path, 'utf8');
  assert.equal(raw.includes(SECRET), false, 'no plaintext key in the file');
  assert.match(JSON.parse(raw).encryptedApiKey, /^[A-Za-z0-9+/]+=*$/);
  if (process.platform !== 'win32') assert.equal(statSync(store.path).mode & 0o077, 0, 'only the owner can read the file');

  assert.deepEqual(store.apiKeyStatus(), { isSet: true, source: 'stored', storage: 'keychain' });
  assert.equal(store.resolveApiKey(), SECRET, 'the stored key wins over the environment');
  assert.equal(JSON.stringify(store.get()).includes(SECRET), false);
  assert.equal(open(cwd).resolveApiKey(), SECRET, 'survives a restart');
  assert.equal(logger.lines.some((line) => line.includes(SECRET)), false);
});

test('clearing the key removes it from the file and falls back to the environment', () => {
  const store = open(settingsDir(), { env: { OPENAI_API_KEY: 'sk-from-environment' } });
  store.setApiKey(SECRET);
  store.clearApiKey();
  assert.equal(JSON.parse(readFileSync(store.path, 'utf8')).encryptedApiKey, null);
  assert.deepEqual(store.apiKeyStatus(), { isSet: true, source: 'environment', storage: 'keychain' });
  assert.equal(store.resolveApiKey(), 'sk-from-environment');
});

test('with no stored key and no environment key the status is none', () => {
  const store = open(settingsDir(), { env: { OPENAI_API_KEY: '   ' } });
  assert.deepEqual(store.apiKeyStatus(), { isSet: false, source: 'none', storage: 'keychain' });
  assert.equal(store.resolveApiKey(), undefined);
});

test('without an OS keychain setApiKey refuses clearly, points to OPENAI_API_KEY, and stores nothing', () => {
  const store = open(settingsDir(), { cipher: fakeCipher(false) });
  assert.throws(
    () => store.setApiKey(SECRET),
    (error: unknown) =>
      error instanceof ApiKeyStorageUnavailableError &&
      /keychain is unavailable/.test(error.message) &&
      error.message.includes('OPENAI_API_KEY') &&
      !error.message.includes(SECRET),
  );
  assert.equal(readFileSync(store.path, 'utf8').includes(SECRET), false);
  assert.deepEqual(store.apiKeyStatus(), { isSet: false, source: 'none', storage: 'unavailable' });
});

test('a key that cannot be decrypted any more falls back to the environment without leaking', () => {
  const cwd = settingsDir();
  open(cwd).setApiKey(SECRET);
  const broken: SecretCipher = { ...fakeCipher(), decrypt: () => { throw new Error('keyring reset'); } };
  const logger = recordingLogger();
  const store = open(cwd, { cipher: broken, logger, env: { OPENAI_API_KEY: 'sk-from-environment' } });
  assert.equal(store.resolveApiKey(), 'sk-from-environment');
  assert.ok(logger.lines.some((line) => line.includes('could not be decrypted')));
});

test('a v0.1 file is migrated: agent becomes agentBackend, realtimeProtocol becomes dialect, other values kept', () => {
  const cwd = settingsDir();
  writeFileSync(
    join(cwd, 'settings.json'),
    JSON.stringify({ agent: 'command', realtimeProtocol: 'v1', agentCommand: 'codex exec', voice: 'cove', __internal__: { migrations: { version: '0.1.0' } } }),
  );
  const store = open(cwd);
  assert.equal(store.notice, undefined);
  const settings = store.get();
  assert.equal(settings.agentBackend, 'command');
  assert.equal(settings.dialect, 'v1');
  assert.equal(settings.agentCommand, 'codex exec');
  assert.equal(settings.voice, 'cove');
  const raw = JSON.parse(readFileSync(store.path, 'utf8'));
  assert.equal('agent' in raw, false);
  assert.equal('realtimeProtocol' in raw, false);
  assert.equal(raw.__internal__.migrations.version, '0.3.0');
});

test('a v0.2 file gains the hold-to-talk hotkey and skips onboarding when a key is already stored', () => {
  const cwd = settingsDir();
  writeFileSync(
    join(cwd, 'settings.json'),
    JSON.stringify({ hotkeys: { talk: 'F8' }, encryptedApiKey: Buffer.from('sealed').toString('base64'), __internal__: { migrations: { version: '0.2.0' } } }),
  );
  const store = open(cwd);
  assert.equal(store.notice, undefined, 'not treated as corrupt');
  assert.deepEqual(store.get().hotkeys, { talk: 'F8', holdToTalk: DEFAULT_SETTINGS.hotkeys.holdToTalk });
  assert.equal(store.get().onboardingDone, true);

  const fresh = settingsDir();
  writeFileSync(join(fresh, 'settings.json'), JSON.stringify({ hotkeys: { talk: 'F8' }, __internal__: { migrations: { version: '0.2.0' } } }));
  assert.equal(open(fresh).get().onboardingDone, false, 'no key stored yet: onboarding still shows');
});

test('a v0.1 value the new schema does not know is dropped for the default instead of failing', () => {
  const cwd = settingsDir();
  writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ agent: 'telepathy', realtimeProtocol: 'v2' }));
  const store = open(cwd);
  assert.equal(store.notice, undefined);
  assert.equal(store.get().agentBackend, 'responses');
});

for (const [name, content] of [
  ['not JSON', '{"dialect": "v2", '],
  ['not an object', 'null'],
  ['against the schema', JSON.stringify({ dialect: 'v9', talkMode: 'hands-free' })],
] as const) {
  test(`a settings file that is ${name} is kept as a backup, defaults are restored and the user is told`, () => {
    const cwd = settingsDir();
    writeFileSync(join(cwd, 'settings.json'), content);
    const store = open(cwd, { now: () => new Date('2025-03-04T05:06:07.089Z') });

    const backupPath = join(cwd, 'settings.corrupt-2025-03-04T05-06-07-089Z.json');
    assert.ok(store.notice, 'a notice is reported');
    assert.equal(store.notice.backupPath, backupPath);
    assert.equal(store.notice.message, `Your settings file was unreadable; it was kept as ${backupPath} and defaults were restored.`);
    assert.equal(readFileSync(backupPath, 'utf8'), content, 'the original bytes are kept');
    assert.deepEqual(store.get(), DEFAULT_SETTINGS);
    assert.equal(open(cwd).notice, undefined, 'the restored file opens cleanly next time');
  });
}

test('a second corrupt file on the same clock tick gets its own backup name', () => {
  const cwd = settingsDir();
  const now = () => new Date('2025-03-04T05:06:07.089Z');
  writeFileSync(join(cwd, 'settings.json'), 'garbage');
  open(cwd, { now });
  writeFileSync(join(cwd, 'settings.json'), 'more garbage');
  const second = open(cwd, { now });
  assert.ok(second.notice?.backupPath.endsWith('-1.json'));
  assert.equal(readdirSync(cwd).filter((file) => file.includes('.corrupt-')).length, 2);
});

test('configName chooses the file name', () => {
  const cwd = settingsDir();
  const store = open(cwd, { configName: 'preferences' });
  assert.equal(store.path, join(cwd, 'preferences.json'));
  assert.ok(existsSync(join(cwd, 'preferences.json')));
});

const SESSION_LIMIT_REFUSAL = 'Session length limit: must be a whole number of minutes from 2 to 720';

test('session length limit: whole minutes from 2 to 720 are saved and kept; anything else is refused naming the field', () => {
  const cwd = settingsDir();
  const store = open(cwd);
  assert.equal(store.get().maxSessionMinutes, 60, 'the default is the OpenAI Realtime API limit');
  for (const minutes of [2, 720, 60]) assert.equal(store.update({ maxSessionMinutes: minutes }).maxSessionMinutes, minutes);
  store.update({ maxSessionMinutes: 45 });
  assert.equal(open(cwd).get().maxSessionMinutes, 45, 'persisted for the next start');

  for (const refused of [1, 721, 30.5, '60', 0, -5, Number.NaN, Number.POSITIVE_INFINITY, null]) {
    assert.throws(
      () => store.update({ maxSessionMinutes: refused }),
      (error: unknown) =>
        error instanceof SettingsValidationError &&
        error.field === 'maxSessionMinutes' &&
        error.page === 'general' &&
        error.message === SESSION_LIMIT_REFUSAL,
      `${String(refused)} should be refused`,
    );
  }
  assert.equal(store.get().maxSessionMinutes, 45, 'nothing refused was saved');
});

test('session length limit: a file from before the setting opens with the default, not as corrupt', () => {
  const cwd = settingsDir();
  writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ voice: 'cedar', __internal__: { migrations: { version: '0.3.0' } } }));
  const store = open(cwd);
  assert.equal(store.notice, undefined);
  assert.equal(store.get().maxSessionMinutes, 60);
  assert.equal(store.get().voice, 'cedar');
});

test('session length limit: a hand-edited value out of range keeps the file (it is a problem to fix, not corruption)', () => {
  const cwd = settingsDir();
  writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ voice: 'cedar', maxSessionMinutes: 1, __internal__: { migrations: { version: '0.3.0' } } }));
  const store = open(cwd);
  assert.equal(store.notice, undefined, 'not reset to defaults');
  assert.deepEqual({ voice: store.get().voice, minutes: store.get().maxSessionMinutes }, { voice: 'cedar', minutes: 1 });
  assert.equal(store.update({ talkMode: 'toggle' }).talkMode, 'toggle', 'other settings still save');
  assert.equal(store.update({ maxSessionMinutes: 30 }).maxSessionMinutes, 30, 'and the value can be fixed');
});
