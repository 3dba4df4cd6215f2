// The settings store's cipher on Electron's safeStorage (the recording stub): it encrypts when
// the keychain is real, and on Linux's plaintext `basic_text` backend it refuses, so the API key
// is never stored under a fixed key while the UI claims it is safe.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, test } from 'node:test';
import { ApiKeyStorageUnavailableError, createSettingsStore } from '../../src-main/adapters/settings/settings-store';

register('../support/electron-resolve-hook.mjs', import.meta.url);
const { createSafeStorageCipher, KeychainUnavailableError } = await import('../../src-main/shell/safe-storage-cipher');
const { stubConfig, resetStub } = await import('../support/electron-stub.mjs');

beforeEach(() => resetStub());

const KEY = 'sk-test-0123456789abcdefghij';

test('with a real keychain it is available and round-trips, and the ciphertext is not the key', () => {
  const cipher = createSafeStorageCipher({ platform: 'linux' });
  assert.equal(cipher.isAvailable(), true);
  const encrypted = cipher.encrypt(KEY);
  assert.ok(!encrypted.toString('utf8').includes(KEY));
  assert.equal(cipher.decrypt(encrypted), KEY);
});

test("on Linux the plaintext basic_text backend counts as unavailable, and encrypt/decrypt refuse", () => {
  const encrypted = createSafeStorageCipher({ platform: 'linux' }).encrypt(KEY);
  stubConfig.storageBackend = 'basic_text';
  const cipher = createSafeStorageCipher({ platform: 'linux' });
  assert.equal(cipher.isAvailable(), false);
  assert.throws(() => cipher.encrypt(KEY), KeychainUnavailableError);
  assert.throws(() => cipher.decrypt(encrypted), KeychainUnavailableError);
  for (const backend of ['gnome_libsecret', 'kwallet5', 'kwallet6']) {
    stubConfig.storageBackend = backend;
    assert.equal(cipher.isAvailable(), true, backend);
  }
});

test('the backend question is Linux-only; elsewhere Electron\'s own answer decides', () => {
  stubConfig.storageBackend = 'basic_text';
  assert.equal(createSafeStorageCipher({ platform: 'darwin' }).isAvailable(), true);
  stubConfig.encryptionAvailable = false;
  assert.equal(createSafeStorageCipher({ platform: 'darwin' }).isAvailable(), false);
  assert.equal(createSafeStorageCipher({ platform: 'win32' }).isAvailable(), false);
});

test('availability is asked on every call (a keyring unlocked later is used)', () => {
  stubConfig.encryptionAvailable = false;
  const cipher = createSafeStorageCipher({ platform: 'linux' });
  assert.equal(cipher.isAvailable(), false);
  stubConfig.encryptionAvailable = true;
  assert.equal(cipher.isAvailable(), true);
});

test('an injected safeStorage without getSelectedStorageBackend works', () => {
  const cipher = createSafeStorageCipher({
    platform: 'linux',
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (text) => Buffer.from([...text].reverse().join('')),
      decryptString: (data) => [...data.toString()].reverse().join(''),
    },
  });
  assert.equal(cipher.isAvailable(), true);
  assert.equal(cipher.decrypt(cipher.encrypt('abc')), 'abc');
});

test('with the settings store: basic_text makes saving the key fail with the store\'s explanation', (t) => {
  const cwd = mkdtempSync(join(tmpdir(), 'parley-cipher-'));
  t.after(() => rmSync(cwd, { recursive: true, force: true }));
  stubConfig.storageBackend = 'basic_text';
  const store = createSettingsStore({ cwd, cipher: createSafeStorageCipher({ platform: 'linux' }), env: {} });
  assert.throws(() => store.setApiKey(KEY), ApiKeyStorageUnavailableError);
  assert.equal(store.apiKeyStatus().isSet, false);
  stubConfig.storageBackend = 'gnome_libsecret';
  store.setApiKey(KEY);
  assert.equal(store.resolveApiKey(), KEY);
});
