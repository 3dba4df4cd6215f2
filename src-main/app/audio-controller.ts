// The desktop app's live audio: starts the audio engine on first use (a machine without audio
// still gets a working, text-only Parley), keeps the microphone open while anyone needs it (the
// session, or the onboarding level check), and reports input/output levels 20 times a second.
import type { DeviceList, LevelsEvent } from '../../src-shared/ipc-contract';
import type { AudioSink } from '../core/audio/audio-io';
import type { CapturedFrame } from '../core/audio/capture-pipeline';
import type { PcmLevels } from '../core/audio/pcm';
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import type { AudioNotice, LevelledMicrophone } from '../adapters/audio/native/native-audio-engine';
import { CHIME_SAMPLE_RATE_HZ, chimePcm } from './chime';

/** What the app needs of an audio engine; NativeAudioEngine is the real one. */
export interface AudioEnginePort {
  start(): Promise<void>;
  listDevices(): Promise<DeviceList>;
  readonly microphone: LevelledMicrophone;
  readonly speaker: AudioSink;
  prepareSpeaker(): Promise<unknown>;
  switchInput(deviceName: string | undefined): Promise<unknown>;
  switchOutput(deviceName: string | undefined): Promise<unknown>;
  /** What the speaker plays now, dBFS (-Infinity when silent). */
  readonly playbackLevelDbfs: number;
  shutdown(): Promise<void>;
}

export interface AudioEngineRequest {
  readonly inputDevice: string | undefined;
  readonly outputDevice: string | undefined;
  onInputLevel(levels: PcmLevels): void;
  onNotice(notice: AudioNotice): void;
}
export type AudioEngineFactory = (request: AudioEngineRequest) => AudioEnginePort;

export interface AudioControllerOptions {
  /** Undefined: this Parley runs without live audio (text only), and says so when asked. */
  readonly createEngine: AudioEngineFactory | undefined;
  readonly devices: () => { readonly input: string | null; readonly output: string | null };
  readonly logger: Logger;
  readonly onLevels: (levels: LevelsEvent) => void;
  readonly onNotice: (kind: 'warning' | 'error' | 'info', message: string) => void;
  /** Whether the microphone is open changed (the snapshot shows it). */
  readonly onChange: () => void;
  readonly levelsIntervalMs?: number;
}

export class AudioUnavailableError extends Error {
  override readonly name = 'AudioUnavailableError';
}

/** Meter floor: JSON has no -Infinity, and nothing below this is audible anyway. */
export const LEVEL_FLOOR_DBFS = -100;
const LEVELS_INTERVAL_MS = 50;
const TEST_SOUND_ITEM = 'parley-test-sound';

const floor = (dbfs: number): number => (Number.isFinite(dbfs) ? Math.max(LEVEL_FLOOR_DBFS, Math.round(dbfs * 10) / 10) : LEVEL_FLOOR_DBFS);

export class AudioController {
  private engine: AudioEnginePort | undefined;
  private starting: Promise<AudioEnginePort> | undefined;
  private sessionFrames: ((frame: CapturedFrame, playbackDbfs: number) => void) | undefined;
  private checking = false;
  private microphoneOpen = false;
  private inputLevels: PcmLevels = { rmsDbfs: -Infinity, peakDbfs: -Infinity };
  private levelsTimer: NodeJS.Timeout | undefined;
  private lastLevelsKey = '';
  private closed = false;

  constructor(private readonly options: AudioControllerOptions) {}

  get isMicCheckOn(): boolean {
    return this.checking;
  }

  /** True while assistant audio (or the test sound) is audible. */
  get speaking(): boolean {
    return this.engine?.speaker.isPlaying() ?? false;
  }

  /** The engine, started on first use; throws AudioUnavailableError with the reason. */
  ensureStarted(): Promise<AudioEnginePort> {
    if (this.engine) return Promise.resolve(this.engine);
    if (this.closed) return Promise.reject(new AudioUnavailableError('Parley is shutting down.'));
    const create = this.options.createEngine;
    if (!create) return Promise.reject(new AudioUnavailableError('Live audio is turned off in this Parley; you can still type.'));
    this.starting ??= (async () => {
      const devices = this.options.devices();
      const engine = create({
        inputDevice: devices.input ?? undefined,
        outputDevice: devices.output ?? undefined,
        onInputLevel: (levels) => (this.inputLevels = levels),
        onNotice: (notice) => this.options.onNotice(notice.kind === 'audio-failed' ? 'error' : 'warning', notice.message),
      });
      try {
        await engine.start();
      } catch (error) {
        await engine.shutdown().catch(() => {});
        throw new AudioUnavailableError(`Live audio is unavailable (${errorMessage(error)}); you can still type.`);
      }
      this.engine = engine;
      return engine;
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /** The speaker for a session, opened now so the first words are not late; undefined without audio. */
  async speakerForSession(): Promise<AudioSink | undefined> {
    try {
      const engine = await this.ensureStarted();
      await engine.prepareSpeaker();
      return engine.speaker;
    } catch (error) {
      this.options.onNotice('warning', errorMessage(error));
      return undefined;
    }
  }

  /** The session's microphone feed; undefined detaches it. */
  async attachSession(onFrame: ((frame: CapturedFrame, playbackDbfs: number) => void) | undefined): Promise<void> {
    this.sessionFrames = onFrame;
    await this.updateMicrophone();
  }

  async setMicCheck(enabled: boolean): Promise<void> {
    if (enabled) await this.ensureStarted();
    this.checking = enabled;
    await this.updateMicrophone();
    this.options.onChange();
  }

  async listDevices(): Promise<DeviceList> {
    return (await this.ensureStarted()).listDevices();
  }

  /** Applies a device choice at once when audio is running (otherwise it applies at start). */
  async switchInput(name: string | null): Promise<void> {
    if (this.engine) await this.engine.switchInput(name ?? undefined);
  }

  async switchOutput(name: string | null): Promise<void> {
    if (this.engine) await this.engine.switchOutput(name ?? undefined);
  }

  async playTestSound(): Promise<void> {
    const engine = await this.ensureStarted();
    await engine.prepareSpeaker();
    engine.speaker.write({ pcm: Buffer.from(chimePcm()), sampleRate: CHIME_SAMPLE_RATE_HZ, channels: 1, itemId: TEST_SOUND_ITEM });
    engine.speaker.endItem?.(TEST_SOUND_ITEM);
    this.ensureLevelsTimer();
  }

  /** Closes the microphone and speaker and stops the audio process (bounded by the host). */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.sessionFrames = undefined;
    this.checking = false;
    this.stopLevelsTimer();
    const engine = this.engine ?? (await this.starting?.catch(() => undefined));
    this.engine = undefined;
    if (!engine) return;
    await engine.microphone.stop().catch(() => {});
    await engine.speaker.close().catch(() => {});
    await engine.shutdown().catch((error: unknown) => this.options.logger.warn('audio shutdown failed', { error: errorMessage(error) }));
  }

  private async updateMicrophone(): Promise<void> {
    const wanted = this.checking || this.sessionFrames !== undefined;
    if (wanted === this.microphoneOpen) return;
    if (!wanted) {
      this.microphoneOpen = false;
      this.inputLevels = { rmsDbfs: -Infinity, peakDbfs: -Infinity };
      await this.engine?.microphone.stop().catch(() => {});
      this.options.onChange();
      return;
    }
    let engine: AudioEnginePort;
    try {
      engine = await this.ensureStarted();
    } catch (error) {
      this.options.onNotice('warning', errorMessage(error));
      return;
    }
    this.microphoneOpen = true;
    engine.microphone.start(
      (frame) => this.sessionFrames?.(frame, engine.playbackLevelDbfs),
      (error) => {
        this.microphoneOpen = false;
        this.options.onNotice('error', `The microphone stopped: ${error?.message ?? 'the device closed'}. Check Settings › Audio.`);
        this.options.onChange();
      },
    );
    this.ensureLevelsTimer();
    this.options.onChange();
  }

  private ensureLevelsTimer(): void {
    if (this.levelsTimer) return;
    this.levelsTimer = setInterval(() => this.reportLevels(), this.options.levelsIntervalMs ?? LEVELS_INTERVAL_MS);
    this.levelsTimer.unref();
  }

  private stopLevelsTimer(): void {
    clearInterval(this.levelsTimer);
    this.levelsTimer = undefined;
  }

  /** Sends levels only when they moved; stops polling once everything is quiet and closed. */
  private reportLevels(): void {
    const output = floor(this.engine?.playbackLevelDbfs ?? -Infinity);
    const levels: LevelsEvent = {
      input: { rmsDbfs: floor(this.microphoneOpen ? this.inputLevels.rmsDbfs : -Infinity), peakDbfs: floor(this.microphoneOpen ? this.inputLevels.peakDbfs : -Infinity) },
      output: { rmsDbfs: output },
    };
    const key = `${levels.input.rmsDbfs}|${levels.input.peakDbfs}|${output}`;
    if (key !== this.lastLevelsKey) {
      this.lastLevelsKey = key;
      this.options.onLevels(levels);
    }
    this.options.onChange();
    if (!this.microphoneOpen && !this.speaking && output === LEVEL_FLOOR_DBFS) this.stopLevelsTimer();
  }

  /** Keep polling while a session may produce audio (the speaking status comes from here). */
  keepReporting(): void {
    this.ensureLevelsTimer();
  }
}
