// The settings file, on `conf` (what electron-store is built on, with the same options, so the app
// can hand it electron-store's cwd later without this file importing electron). The API key is
// stored only as ciphertext from an injected cipher (Electron's safeStorage in the app).
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Conf, { type Schema } from 'conf';
import type { Logger } from '../../core/util/logger';
import { silentLogger } from '../../core/util/logger';
import {
  AGENT_BACKENDS,
  DEFAULT_SETTINGS,
  DEFAULT_STORED_SETTINGS,
  DIALECTS,
  SETTINGS_JSON_SCHEMA,
  publicSettings,
  validateSettingsPatch,
  type Settings,
  type SettingsChangeCheck,
  type StoredSettings,
} from './settings-schema';

/** The settings format version; independent of the app version so migrations follow the file. */
export const SETTINGS_VERSION = '0.3.0';
export const DEFAULT_SETTINGS_CONFIG_NAME = 'settings';
/** The environment variable that supplies a key when none is stored. */
export const API_KEY_ENV = 'OPENAI_API_KEY';
const MAX_API_KEY_CHARS = 1_024;
/** Owner read/write only: the file holds the (encrypted) API key. */
const SETTINGS_FILE_MODE = 0o600;

/** Electron's safeStorage has exactly this shape. */
export interface SecretCipher {
  isAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface SettingsStoreOptions {
  /** The folder holding the file (the app passes its user data folder). */
  readonly cwd: string;
  readonly cipher: SecretCipher;
  readonly logger?: Logger;
  /** The file name without `.json`; `settings` by default. */
  readonly configName?: string;
  /** Where OPENAI_API_KEY is read from; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** For the corrupt-file backup name. */
  readonly now?: () => Date;
  /**
   * Where setApiKey keeps the key: 'keychain' (default) encrypts it into the file with `cipher`;
   * 'memory' (the browser UI, which has no OS keychain) holds it in this object for the process
   * lifetime and never writes it anywhere.
   */
  readonly keyStorage?: 'keychain' | 'memory';
  /**
   * Runs on every update after the shape checks: the app passes createSettingsCheck (voice of the
   * dialect, command on PATH, folder exists, hotkeys parse). Without it only shapes are checked.
   */
  readonly check?: SettingsChangeCheck;
}

export type ApiKeySource = 'stored' | 'memory' | 'environment' | 'none';
/** Where a key given to setApiKey would be kept; 'unavailable': nowhere (no usable keychain). */
export type ApiKeyStorage = 'keychain' | 'memory' | 'unavailable';
export interface ApiKeyStatus {
  readonly isSet: boolean;
  readonly source: ApiKeySource;
  readonly storage: ApiKeyStorage;
}

/** Something the user must be told about once, e.g. that an unreadable file was replaced. */
export interface SettingsNotice {
  readonly kind: 'settings-reset';
  readonly backupPath: string;
  readonly message: string;
}

export type SettingsListener = (settings: Settings, previous: Settings) => void;

export interface SettingsStore {
  readonly path: string;
  /** Set when the file was unreadable at start-up and replaced by defaults. */
  readonly notice: SettingsNotice | undefined;
  /** The settings without the API key. */
  get(): Settings;
  /**
   * Validates (throwing SettingsValidationError naming the field), saves and returns the new
   * settings, which the check may have adjusted (a voice the new dialect lacks goes back to '').
   */
  update(patch: unknown): Settings;
  /** Called after every update; returns an unsubscribe. API key changes do not fire it. */
  onChange(listener: SettingsListener): () => void;
  /** Encrypts and stores the key (keyStorage 'memory': keeps it for this process only); throws when the OS keychain is unavailable. */
  setApiKey(key: string): void;
  clearApiKey(): void;
  apiKeyStatus(): ApiKeyStatus;
  /** The stored key wins over OPENAI_API_KEY: the user typed it into this app on purpose. */
  resolveApiKey(): string | undefined;
}

export class ApiKeyStorageUnavailableError extends Error {
  override readonly name = 'ApiKeyStorageUnavailableError';
  constructor() {
    super(
      'The OS keychain is unavailable, so Parley cannot store the API key securely. ' +
        `Set the ${API_KEY_ENV} environment variable before starting Parley instead.`,
    );
  }
}

export class InvalidApiKeyError extends Error {
  override readonly name = 'InvalidApiKeyError';
}

/** The file could not be used as it is: not JSON, not an object, or against the schema. */
class UnreadableSettingsError extends Error {}

type LooseConf = Conf<Record<string, unknown>>;

/** Renames a v0.1 key to its v0.2 name, keeping the value only when the new schema accepts it. */
function renameKey(store: LooseConf, from: string, to: string, accepted: readonly string[], logger: Logger): void {
  if (!store.has(from)) return;
  const value = store.get(from);
  if (typeof value === 'string' && accepted.includes(value)) store.set(to, value);
  else logger.warn('settings migration: dropped an unsupported value', { key: from });
  store.delete(from);
}

function settingsMigrations(logger: Logger): Record<string, (store: LooseConf) => void> {
  return {
    // v0.1 called the agent backend `agent` and the wire dialect `realtimeProtocol`.
    '0.2.0': (store) => {
      renameKey(store, 'agent', 'agentBackend', AGENT_BACKENDS, logger);
      renameKey(store, 'realtimeProtocol', 'dialect', DIALECTS, logger);
    },
    // v0.3 added the hold-to-talk hotkey and the onboarding flag. Someone who already stored a
    // key has been through setup, so they do not see onboarding again.
    '0.3.0': (store) => {
      const hotkeys = store.get('hotkeys');
      if (typeof hotkeys === 'object' && hotkeys !== null && !Object.hasOwn(hotkeys, 'holdToTalk')) {
        store.set('hotkeys', { ...hotkeys, holdToTalk: DEFAULT_SETTINGS.hotkeys.holdToTalk });
      }
      if (typeof store.get('encryptedApiKey') === 'string') store.set('onboardingDone', true);
    },
  };
}

function isUnreadableError(error: unknown): boolean {
  if (error instanceof UnreadableSettingsError || error instanceof SyntaxError) return true;
  if (!(error instanceof Error)) return false;
  return error.message.startsWith('Config schema violation:') || error.message.startsWith('Something went wrong during the migration!');
}

/** conf quietly treats `null` or `[]` as an empty store; we want to tell the user instead. */
function assertReadableFile(path: string): void {
  if (!existsSync(path)) return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UnreadableSettingsError('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UnreadableSettingsError('not an object');
}

function backupPathFor(path: string, now: Date): string {
  const stem = basename(path).replace(/\.json$/, '');
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let candidate = join(dirname(path), `${stem}.corrupt-${stamp}.json`);
  for (let attempt = 1; existsSync(candidate); attempt += 1) {
    candidate = join(dirname(path), `${stem}.corrupt-${stamp}-${attempt}.json`);
  }
  return candidate;
}

export function createSettingsStore(options: SettingsStoreOptions): SettingsStore {
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? process.env;
  const now = options.now ?? (() => new Date());
  const configName = options.configName ?? DEFAULT_SETTINGS_CONFIG_NAME;
  const path = join(options.cwd, `${configName}.json`);
  const { cipher } = options;
  const inMemory = options.keyStorage === 'memory';
  // Memory mode only: the key for this process, never persisted.
  let memoryKey: string | undefined;

  const open = (): Conf<StoredSettings> =>
    new Conf<StoredSettings>({
      cwd: options.cwd,
      configName,
      projectVersion: SETTINGS_VERSION,
      schema: SETTINGS_JSON_SCHEMA as Schema<StoredSettings>,
      defaults: DEFAULT_STORED_SETTINGS,
      migrations: settingsMigrations(logger) as unknown as Record<string, (store: Conf<StoredSettings>) => void>,
      configFileMode: SETTINGS_FILE_MODE,
      // Keys contain no dots, and a device name might.
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
    });

  let conf: Conf<StoredSettings>;
  let notice: SettingsNotice | undefined;
  // conf merges defaults and migrates in place before it validates, so keep the user's bytes first.
  const original = existsSync(path) ? readFileSync(path) : undefined;
  try {
    assertReadableFile(path);
    conf = open();
  } catch (error) {
    if (!isUnreadableError(error)) throw error;
    const backupPath = backupPathFor(path, now());
    if (original === undefined) renameSync(path, backupPath);
    else {
      writeFileSync(backupPath, original, { mode: SETTINGS_FILE_MODE, flag: 'wx' });
      rmSync(path, { force: true });
    }
    // Only the kind of failure: parser messages quote the file's text.
    logger.warn('settings file unreadable; kept a backup and restored defaults', {
      reason: error instanceof UnreadableSettingsError || error instanceof SyntaxError ? 'not a JSON object' : 'schema or migration failure',
      backupPath,
    });
    conf = open();
    notice = {
      kind: 'settings-reset',
      backupPath,
      message: `Your settings file was unreadable; it was kept as ${backupPath} and defaults were restored.`,
    };
  }

  const listeners = new Set<SettingsListener>();
  const storedKey = (): string | null => conf.get('encryptedApiKey');
  const environmentKey = (): string | undefined => {
    const value = env[API_KEY_ENV]?.trim();
    return value ? value : undefined;
  };
  const get = (): Settings => structuredClone(publicSettings(conf.store as unknown as Record<string, unknown>));

  return {
    path: conf.path,
    notice,
    get,
    update(patch) {
      const valid = validateSettingsPatch(patch);
      const previous = get();
      const merged: Settings = { ...previous, ...valid, hotkeys: { ...previous.hotkeys, ...valid.hotkeys } } as Settings;
      const next = options.check ? options.check({ previous, next: merged, patch: valid }) : merged;
      conf.set({ ...next, encryptedApiKey: storedKey() });
      const saved = get();
      for (const listener of [...listeners]) {
        try {
          listener(saved, previous);
        } catch (error) {
          logger.error('a settings listener threw', { error: error instanceof Error ? error.message : String(error) });
        }
      }
      return saved;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    setApiKey(key) {
      if (typeof key !== 'string') throw new InvalidApiKeyError('The API key must be text.');
      const trimmed = key.trim();
      if (trimmed === '') throw new InvalidApiKeyError('The API key is empty; paste the whole key.');
      if (trimmed.length > MAX_API_KEY_CHARS || /\s/.test(trimmed)) {
        throw new InvalidApiKeyError('That does not look like an API key (it is too long or contains spaces); paste only the key.');
      }
      if (inMemory) {
        memoryKey = trimmed;
        logger.info('API key kept in memory for this run');
        return;
      }
      if (!cipher.isAvailable()) throw new ApiKeyStorageUnavailableError();
      conf.set('encryptedApiKey', cipher.encrypt(trimmed).toString('base64'));
      logger.info('API key stored (encrypted)');
    },
    clearApiKey() {
      if (inMemory) {
        memoryKey = undefined;
        logger.info('API key forgotten');
        return;
      }
      conf.set('encryptedApiKey', null);
      logger.info('stored API key cleared');
    },
    apiKeyStatus() {
      const storage = inMemory ? 'memory' : cipher.isAvailable() ? 'keychain' : 'unavailable';
      if (inMemory && memoryKey !== undefined) return { isSet: true, source: 'memory', storage };
      if (!inMemory && storedKey() !== null) return { isSet: true, source: 'stored', storage };
      if (environmentKey() !== undefined) return { isSet: true, source: 'environment', storage };
      return { isSet: false, source: 'none', storage };
    },
    resolveApiKey() {
      // Memory mode cannot read ciphertext a desktop run left in a shared folder: no keychain.
      if (inMemory) return memoryKey ?? environmentKey();
      const encrypted = storedKey();
      if (encrypted !== null) {
        try {
          if (!cipher.isAvailable()) throw new ApiKeyStorageUnavailableError();
          return cipher.decrypt(Buffer.from(encrypted, 'base64'));
        } catch {
          // A keychain that changed (new OS user, reset keyring) cannot read the old ciphertext.
          logger.warn(`the stored API key could not be decrypted; falling back to ${API_KEY_ENV} if set`);
        }
      }
      return environmentKey();
    },
  };
}
