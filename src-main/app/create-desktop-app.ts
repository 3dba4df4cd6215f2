// Builds the app core from its real parts: the settings file and history under the user data
// folder, the `ws` transport, and native audio. Shared by the Electron main process and the
// loopback web bridge command, so both run exactly the same app.
import { DAY_SPEND_FILE_NAME } from '../adapters/usage/day-spend-file';
import { join } from 'node:path';
import type { Logger } from '../core/util/logger';
import type { NativeAudioHostOptions } from '../adapters/audio/native/native-audio-host';
import { createSettingsStore, type SecretCipher } from '../adapters/settings/settings-store';
import { connectWebSocket } from '../adapters/transport/ws-transport';
import { AppController } from './app-controller';
import { createSettingsCheck, nodeSettingsCheckDeps } from './settings-check';
import type { AudioEngineFactory } from './audio-controller';
import { createNativeAudioEngine } from './voice-runtime';

export interface DesktopAppOptions {
  readonly userDataDir: string;
  readonly cipher: SecretCipher;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** False runs without live audio (typed conversation only). */
  readonly audio: boolean;
  /** How to start the audio process; the default runs the TypeScript source through tsx. */
  readonly audioHost?: NativeAudioHostOptions;
  /** 'memory' (the browser UI, no keychain) keeps the API key for this run only; default 'keychain'. */
  readonly keyStorage?: 'keychain' | 'memory';
}

export const HISTORY_FOLDER = 'history';

/** The engine the headless command builds too (voice-runtime.ts), as the AudioController asks for it. */
export function nativeAudioFactory(logger: Logger, host?: NativeAudioHostOptions): AudioEngineFactory {
  return (request) => createNativeAudioEngine({ ...request, logger, host });
}

export function createDesktopApp(options: DesktopAppOptions): AppController {
  const checkDeps = nodeSettingsCheckDeps(options.env);
  const settings = createSettingsStore({
    cwd: options.userDataDir,
    cipher: options.cipher,
    env: options.env,
    logger: options.logger,
    keyStorage: options.keyStorage,
    // Every save is checked against this machine: voices, hotkeys, the agent command on PATH.
    check: createSettingsCheck(checkDeps),
  });
  return new AppController({
    settings,
    historyDir: join(options.userDataDir, HISTORY_FOLDER),
    daySpendFile: join(options.userDataDir, DAY_SPEND_FILE_NAME),
    transport: connectWebSocket,
    createAudioEngine: options.audio ? nativeAudioFactory(options.logger, options.audioHost) : undefined,
    logger: options.logger,
    settingsCheck: checkDeps,
  });
}
