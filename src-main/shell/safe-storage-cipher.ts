// The settings store's SecretCipher on Electron's safeStorage (the OS keychain). On Linux without
// a secret service, safeStorage falls back to the `basic_text` backend: a fixed key compiled into
// Chromium, i.e. plaintext with extra steps. We call that unavailable, so the store refuses to
// save the API key and tells the user to use OPENAI_API_KEY, rather than pretending it is safe.
import { safeStorage as electronSafeStorage } from 'electron';
import type { SecretCipher } from '../adapters/settings/settings-store';

/** The part of Electron's safeStorage we use. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only in Electron. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface SafeStorageCipherOptions {
  readonly safeStorage?: SafeStorageLike;
  readonly platform?: NodeJS.Platform;
}

/** Backends that store secrets without real protection. */
const INSECURE_BACKENDS: ReadonlySet<string> = new Set(['basic_text']);

export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
  constructor() {
    super('The OS keychain is unavailable (or only offers plaintext storage), so the secret cannot be encrypted or decrypted.');
  }
}

/**
 * isAvailable() is checked on every call, not once: on Linux the keyring may be unlocked after
 * start-up, and safeStorage only answers reliably after the app's `ready` event.
 */
export function createSafeStorageCipher(options: SafeStorageCipherOptions = {}): SecretCipher {
  const storage = options.safeStorage ?? electronSafeStorage;
  const platform = options.platform ?? process.platform;
  const isAvailable = (): boolean => {
    if (!storage.isEncryptionAvailable()) return false;
    if (platform === 'linux' && storage.getSelectedStorageBackend) {
      return !INSECURE_BACKENDS.has(storage.getSelectedStorageBackend());
    }
    return true;
  };
  return {
    isAvailable,
    encrypt(plain: string): Buffer {
      if (!isAvailable()) throw new KeychainUnavailableError();
      return storage.encryptString(plain);
    },
    decrypt(data: Buffer): string {
      if (!isAvailable()) throw new KeychainUnavailableError();
      return storage.decryptString(data);
    },
  };
}
