// Builds the app core from its real parts: the settings file and history under the user data
// folder, the `ws` transport, and native audio. Shared by the Electron main process and the
// loopback web bridge command, so both run exactly the same app.
import { join } from 'node:path';
import type { Logger } from '../core/util/logger';
import { NativeAudioEngine } from '../adapters/audio/native/native-audio-engine';
import type { NativeAudioHostOptions } from '../adapters/audio/native/native-audio-host';
import { createSettingsStore, type SecretCipher } from '../adapters/settings/settings-store';
import { connectWebSocket } from '../adapters/transport/ws-transport';
import { AppController } from './app-controller';
import type { AudioEngineFactory } from './audio-controller';

export interface DesktopAppOptions {
  readonly userDataDir: string;
  readonly cipher: SecretCipher;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  /** False runs without live audio (typed conversation only). */
  readonly audio: boolean;
  /** How to start the audio process; the default runs the TypeScript source through tsx. */
  readonly audioHost?: NativeAudioHostOptions;
}

export const HISTORY_FOLDER = 'history';

export function nativeAudioFactory(logger: Logger, host?: NativeAudioHostOptions): AudioEngineFactory {
  return (request) =>
    new NativeAudioEngine({
      inputDevice: request.inputDevice,
      outputDevice: request.outputDevice,
      logger,
      host,
      onInputLevel: request.onInputLevel,
      onNotice: request.onNotice,
    });
}

export function createDesktopApp(options: DesktopAppOptions): AppController {
  const settings = createSettingsStore({ cwd: options.userDataDir, cipher: options.cipher, env: options.env, logger: options.logger });
  return new AppController({
    settings,
    historyDir: join(options.userDataDir, HISTORY_FOLDER),
    transport: connectWebSocket,
    createAudioEngine: options.audio ? nativeAudioFactory(options.logger, options.audioHost) : undefined,
    logger: options.logger,
  });
}
