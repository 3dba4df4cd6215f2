// The desktop app's live audio: starts the audio engine on first use (a machine without audio
// still gets a working, text-only Parley), keeps the microphone open exactly while someone needs
// it (the session, or the onboarding level check) and the speaker exactly while a session is
// attached or the test sound plays, and reports input/output levels 20 times a second while
// anything is open or audible. After a session stops nothing stays open, and the audio process
// idles. Every open and close runs one after another, and a close that fails becomes a notice.
import type { DeviceList, LevelsEvent } from '../../src-shared/ipc-contract';
import type { AudioSink } from '../core/audio/audio-io';
import type { CapturedFrame } from '../core/audio/capture-pipeline';
import type { PcmLevels } from '../core/audio/pcm';
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import type { AudioNotice, LevelledMicrophone } from '../adapters/audio/native/native-audio-engine';
import { CHIME_SAMPLE_RATE_HZ, chimePcm } from './chime';
import { DEFAULT_ECHO_CANCELLATION, type EchoCancellationSettings, type EchoProtection } from '../../src-shared/echo-cancellation';
import type { RoomCheckResult } from '../../src-shared/room-check';
import { runRoomCheck } from './room-check';
import { ROOM_SOUND_SAMPLE_RATE_HZ } from './room-check-sound';
import type { ChunkLevels } from './room-measure';

/** What the app needs of an audio engine; NativeAudioEngine is the real one. */
export interface AudioEnginePort {
  start(): Promise<void>;
  listDevices(): Promise<DeviceList>;
  readonly microphone: LevelledMicrophone;
  readonly speaker: AudioSink;
  prepareSpeaker(): Promise<unknown>;
  /** Closes the speaker; with `drain` once the device played what it holds. Without it, speaker.close() (at once) is used. */
  closeSpeaker?(options: { readonly drain?: boolean }): Promise<void>;
  switchInput(deviceName: string | undefined): Promise<unknown>;
  switchOutput(deviceName: string | undefined): Promise<unknown>;
  /** What the speaker plays now, dBFS (-Infinity when silent). */
  readonly playbackLevelDbfs: number;
  shutdown(): Promise<void>;
  /** Which protection the microphone has (the room check reports it); engines without a canceller omit it. */
  readonly echoProtection?: EchoProtection | undefined;
  /** The microphone's 10 ms levels before and after the canceller while it is open (the room check needs them). */
  onCaptureLevels?(listener: (levels: ChunkLevels) => void): () => void;
  /** New canceller settings: the open microphone reopens with them. Engines without a canceller omit it. */
  setEchoCancellation?(settings: EchoCancellationSettings): Promise<void>;
}

export interface AudioEngineRequest {
  readonly inputDevice: string | undefined;
  readonly outputDevice: string | undefined;
  onInputLevel(levels: PcmLevels): void;
  onNotice(notice: AudioNotice): void;
  readonly echoCancellation: EchoCancellationSettings;
  onEchoProtection(protection: EchoProtection): void;
}
export type AudioEngineFactory = (request: AudioEngineRequest) => AudioEnginePort;

export interface AudioControllerOptions {
  /** Undefined: this Parley runs without live audio (text only), and says so when asked. */
  readonly createEngine: AudioEngineFactory | undefined;
  readonly devices: () => { readonly input: string | null; readonly output: string | null };
  /** The canceller's settings as stored now, read when the engine starts (default: on, with noise suppression). */
  readonly echoCancellation?: () => EchoCancellationSettings;
  /** Which protection the microphone has, each time it opens or changes. */
  readonly onEchoProtection?: (protection: EchoProtection) => void;
  readonly logger: Logger;
  readonly onLevels: (levels: LevelsEvent) => void;
  readonly onNotice: (kind: 'warning' | 'error' | 'info', message: string) => void;
  /** Fired only when what the app shows changed: microphone open, mic check on, speaking. */
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
/** The speaker stays open this long past the chime's length, for the device's own latency. */
const TEST_SOUND_TAIL_MS = 300;
const ROOM_CHECK_ITEM = 'parley-room-check';
/** The speaker is held open from before the room check's settle and background phases until its sound plays. */
const ROOM_CHECK_SPEAKER_HOLD_MS = 3_000;
const SILENT: PcmLevels = { rmsDbfs: -Infinity, peakDbfs: -Infinity };

const floor = (dbfs: number): number => (Number.isFinite(dbfs) ? Math.max(LEVEL_FLOOR_DBFS, Math.round(dbfs * 10) / 10) : LEVEL_FLOOR_DBFS);

/** One session's hold on the speaker, from speakerForSession() until the session is detached. */
interface SpeakerLease {
  /** The session wrote audio (which opens the device) before it was attached. */
  used: boolean;
}

type Device = 'microphone' | 'speaker';

interface Observed {
  readonly microphoneOpen: boolean;
  readonly micCheck: boolean;
  readonly speaking: boolean;
}

export class AudioController {
  private engine: AudioEnginePort | undefined;
  private starting: Promise<AudioEnginePort> | undefined;
  private sessionFrames: ((frame: CapturedFrame, playbackDbfs: number) => void) | undefined;
  private sessionSpeaker: SpeakerLease | undefined;
  private checking = false;
  private microphoneOpen = false;
  /** Counts microphone opens, so a late failure of an earlier one cannot close a newer one. */
  private microphoneOpenings = 0;
  /** Open, opening, or possibly opened by a session's first write: closed when nobody needs it. */
  private speakerOpen = false;
  /** Only the test sound used the open speaker: it closes after playing out; a session's closes at once. */
  private speakerForTestSoundOnly = false;
  /** Wall-clock ms until which the test sound holds the speaker open (0: no test sound). */
  private testSoundUntilMs = 0;
  private inputLevels: PcmLevels = SILENT;
  private levelsTimer: NodeJS.Timeout | undefined;
  private lastLevelsKey = '';
  private observed: Observed = { microphoneOpen: false, micCheck: false, speaking: false };
  /** Per device: opens, closes and switches run one after another, in the order asked for. */
  private readonly queues: Record<Device, Promise<unknown>> = { microphone: Promise.resolve(), speaker: Promise.resolve() };
  private closed = false;
  /** A room check holds the microphone open while it runs. */
  private roomChecking = false;
  private roomCheck: Promise<RoomCheckResult> | undefined;

  constructor(private readonly options: AudioControllerOptions) {}

  get isMicCheckOn(): boolean {
    return this.checking;
  }

  /** True while assistant audio (or the test sound) is audible. */
  get speaking(): boolean {
    return this.engine?.speaker.isPlaying() ?? false;
  }

  /** What is open right now (for diagnostics and tests). */
  get openStreams(): { readonly microphone: boolean; readonly speaker: boolean } {
    return { microphone: this.microphoneOpen, speaker: this.speakerOpen };
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
        echoCancellation: this.options.echoCancellation?.() ?? DEFAULT_ECHO_CANCELLATION,
        onEchoProtection: (protection) => this.options.onEchoProtection?.(protection),
      });
      try {
        await engine.start();
      } catch (error) {
        await this.stopEngine(engine);
        throw new AudioUnavailableError(`Live audio is unavailable (${errorMessage(error)}); you can still type.`);
      }
      if (this.closed) {
        await this.stopEngine(engine);
        throw new AudioUnavailableError('Parley is shutting down.');
      }
      this.engine = engine;
      return engine;
    })().finally(() => (this.starting = undefined));
    return this.starting;
  }

  /**
   * The speaker for a session; undefined without audio. The device opens when the session is
   * attached (before anyone speaks) or at its first audio, and closes when it is detached; audio
   * written after that is dropped instead of reopening the device.
   */
  async speakerForSession(): Promise<AudioSink | undefined> {
    try {
      const engine = await this.ensureStarted();
      const lease: SpeakerLease = { used: false };
      this.sessionSpeaker = lease;
      return this.leasedSpeaker(engine, lease);
    } catch (error) {
      this.options.onNotice('warning', errorMessage(error));
      return undefined;
    }
  }

  /**
   * The session's microphone feed. A function attaches the session: the microphone and the
   * session's speaker open. Undefined detaches it: the microphone closes unless the mic check
   * still wants it, and the session's speaker closes (after the test sound, if one is playing).
   * Resolves when the devices are open or closed; failures are reported through onNotice.
   */
  async attachSession(onFrame: ((frame: CapturedFrame, playbackDbfs: number) => void) | undefined): Promise<void> {
    this.sessionFrames = onFrame;
    if (!onFrame) this.sessionSpeaker = undefined;
    await this.apply();
  }

  /** The session stopped: close its microphone feed and speaker (the same as attachSession(undefined)). */
  releaseSession(): Promise<void> {
    return this.attachSession(undefined);
  }

  async setMicCheck(enabled: boolean): Promise<void> {
    if (enabled) await this.ensureStarted();
    this.checking = enabled;
    await this.apply();
  }

  async listDevices(): Promise<DeviceList> {
    return (await this.ensureStarted()).listDevices();
  }

  /** Applies a device choice at once to an open microphone (the old stream closes first); otherwise at the next open. */
  async switchInput(name: string | null): Promise<void> {
    const engine = this.engine;
    if (engine) await this.inTurn('microphone', () => engine.switchInput(name ?? undefined));
  }

  /** Applies a device choice at once to an open speaker (the old stream closes first); otherwise at the next open. */
  /** Which protection the microphone has; undefined until it has opened once (or without a canceller). */
  get echoProtection(): EchoProtection | undefined {
    return this.engine?.echoProtection;
  }

  /** New canceller settings: an open microphone reopens with them; otherwise they apply at its next open. */
  async setEchoCancellation(settings: EchoCancellationSettings): Promise<void> {
    const engine = this.engine;
    if (engine?.setEchoCancellation) await this.inTurn('microphone', () => engine.setEchoCancellation!(settings));
  }

  async switchOutput(name: string | null): Promise<void> {
    const engine = this.engine;
    if (engine) await this.inTurn('speaker', () => engine.switchOutput(name ?? undefined));
  }

  /** Opens the speaker, plays the chime, and closes the speaker again once it has played (unless a session holds it). */
  async playTestSound(): Promise<void> {
    const engine = await this.ensureStarted();
    const pcm = chimePcm();
    const chimeMs = (pcm.byteLength / 2 / CHIME_SAMPLE_RATE_HZ) * 1000;
    this.testSoundUntilMs = Date.now() + chimeMs + TEST_SOUND_TAIL_MS;
    try {
      await this.inTurn('speaker', async () => {
        if (this.speakerOpen) return;
        await engine.prepareSpeaker();
        this.speakerOpen = true;
        this.speakerForTestSoundOnly = true;
      });
    } catch (error) {
      this.testSoundUntilMs = 0;
      throw error;
    }
    engine.speaker.write({ pcm: Buffer.from(pcm), sampleRate: CHIME_SAMPLE_RATE_HZ, channels: 1, itemId: TEST_SOUND_ITEM });
    engine.speaker.endItem?.(TEST_SOUND_ITEM);
    this.ensureLevelsTimer();
  }

  /**
   * Plays the room check's sound and measures what the microphone hears of it before and after
   * the echo canceller (room-check.ts). Opens the microphone if nobody has it open and closes it
   * again after; the speaker closes once the sound has played (unless a session holds it). A
   * second call while one runs gets the same result. Refused while the assistant is speaking: its
   * voice would be measured as the room's background, and the sound would talk over it.
   */
  runRoomCheck(): Promise<RoomCheckResult> {
    if (this.roomCheck) return this.roomCheck;
    if (this.sessionFrames && this.speaking) {
      return Promise.reject(new Error('The room check cannot run while the assistant is speaking: wait until it has finished, or stop the session.'));
    }
    const check = (async () => {
      const engine = await this.ensureStarted();
      const onCaptureLevels = engine.onCaptureLevels?.bind(engine);
      if (!onCaptureLevels) throw new AudioUnavailableError('This audio engine cannot measure echo, so the room check is unavailable.');
      this.roomChecking = true;
      try {
        await this.apply();
        if (!this.microphoneOpen) throw new AudioUnavailableError('The microphone could not be opened for the room check. Check Settings › Audio.');
        // The speaker opens before the background is measured: a device that opens hands the
        // canceller half a second of reference at once, which it takes seconds to get over when
        // the sound starts inside that burst (measured: 8-13 dB removed instead of 30-60).
        this.testSoundUntilMs = Math.max(this.testSoundUntilMs, Date.now() + ROOM_CHECK_SPEAKER_HOLD_MS);
        await this.openSpeakerForSound(engine);
        return await runRoomCheck({
          onCaptureLevels,
          get echoProtection() {
            return engine.echoProtection;
          },
          play: (pcm) => this.playOnSpeaker(engine, pcm, ROOM_SOUND_SAMPLE_RATE_HZ, ROOM_CHECK_ITEM),
        });
      } finally {
        this.roomChecking = false;
        await this.apply();
      }
    })().finally(() => (this.roomCheck = undefined));
    this.roomCheck = check;
    return check;
  }

  /**
   * Stops the audio process (bounded by the host), which releases every stream it holds; a
   * failure is logged (the app is quitting, there is no one left to tell).
   */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.sessionFrames = undefined;
    this.sessionSpeaker = undefined;
    this.checking = false;
    this.testSoundUntilMs = 0;
    this.stopLevelsTimer();
    const engine = this.engine ?? (await this.starting?.catch(() => undefined));
    this.engine = undefined;
    this.microphoneOpen = false;
    this.speakerOpen = false;
    if (engine) await this.stopEngine(engine);
  }

  /** Resolves when every open, close and switch asked for so far has finished (closes included). */
  async settled(): Promise<void> {
    await Promise.all([this.queues.microphone, this.queues.speaker]);
  }

  /** Keep polling while a session may produce audio (the speaking status comes from here). */
  keepReporting(): void {
    this.ensureLevelsTimer();
  }

  // -------------------------------------------------------------------------------------------

  private async stopEngine(engine: AudioEnginePort): Promise<void> {
    try {
      await engine.shutdown();
    } catch (error) {
      this.options.logger.warn('stopping the audio engine failed', { error: errorMessage(error) });
    }
  }

  /** Runs after everything asked of that device before it; its failure goes to the caller only. */
  private inTurn<T>(device: Device, work: () => Promise<T>): Promise<T> {
    const run = this.queues[device].then(work, work);
    this.queues[device] = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes the open devices match what is wanted now. Never rejects: failures become notices.
   * Resolves once the microphone is open or closed and a wanted speaker is open; closing the
   * speaker (PulseAudio can take up to ~2 s to hand back an output) goes on in the background,
   * silent from its first moment, and the next open of the speaker waits for it. settled()
   * waits for everything.
   */
  private async apply(): Promise<void> {
    const microphone = this.inTurn('microphone', () => this.reconcileMicrophone());
    const speaker = this.inTurn('speaker', () => this.reconcileSpeaker());
    await Promise.all([microphone, this.wantsSpeaker() ? speaker : undefined]);
    // Once per request: a mic check that opens the microphone is one change, not two.
    this.notifyIfChanged();
  }

  private wantsSpeaker(): boolean {
    const lease = this.sessionSpeaker;
    const sessionWantsSpeaker = lease !== undefined && (this.sessionFrames !== undefined || lease.used);
    return !this.closed && (sessionWantsSpeaker || this.testSoundUntilMs > 0);
  }

  private async reconcileMicrophone(): Promise<void> {
    const wantMicrophone = !this.closed && (this.checking || this.roomChecking || this.sessionFrames !== undefined);
    if (wantMicrophone && !this.microphoneOpen) await this.openMicrophone();
    else if (!wantMicrophone && this.microphoneOpen) await this.closeMicrophone();
    if (this.microphoneOpen) this.ensureLevelsTimer();
  }

  private async reconcileSpeaker(): Promise<void> {
    const wantSpeaker = this.wantsSpeaker();
    if (this.sessionSpeaker && this.sessionFrames) this.speakerForTestSoundOnly = false;
    if (wantSpeaker && !this.speakerOpen) await this.openSpeaker();
    else if (!wantSpeaker && this.speakerOpen) await this.closeSpeaker();
    if (this.speakerOpen) this.ensureLevelsTimer();
  }

  /** Like the test sound: opens the speaker if it is closed, writes the sound, and lets it close once played. */
  private async playOnSpeaker(engine: AudioEnginePort, pcm: Uint8Array, sampleRate: number, itemId: string): Promise<void> {
    const soundMs = (pcm.byteLength / 2 / sampleRate) * 1000;
    this.testSoundUntilMs = Math.max(this.testSoundUntilMs, Date.now() + soundMs + TEST_SOUND_TAIL_MS);
    await this.openSpeakerForSound(engine);
    if (this.closed) return;
    engine.speaker.write({ pcm: Buffer.from(pcm), sampleRate, channels: 1, itemId });
    engine.speaker.endItem?.(itemId);
    this.ensureLevelsTimer();
  }

  /** Opens the speaker for a sound of Parley's own (it closes once the sound has played). */
  private async openSpeakerForSound(engine: AudioEnginePort): Promise<void> {
    await this.inTurn('speaker', async () => {
      if (this.speakerOpen) return;
      await engine.prepareSpeaker();
      this.speakerOpen = true;
      this.speakerForTestSoundOnly = true;
    });
  }

  private async openMicrophone(): Promise<void> {
    let engine: AudioEnginePort;
    try {
      engine = await this.ensureStarted();
    } catch (error) {
      this.options.onNotice('warning', errorMessage(error));
      return;
    }
    this.microphoneOpen = true;
    const opening = ++this.microphoneOpenings;
    engine.microphone.start(
      (frame) => this.sessionFrames?.(frame, engine.playbackLevelDbfs),
      (error) => {
        if (!this.microphoneOpen || opening !== this.microphoneOpenings) return;
        this.options.onNotice('error', `The microphone stopped: ${error?.message ?? 'the device closed'}. Check Settings › Audio.`);
        // Forget the failed stream so a later switch does not reopen it; the next need retries.
        void this.inTurn('microphone', () => this.closeMicrophone()).then(() => this.notifyIfChanged());
      },
    );
  }

  private async closeMicrophone(): Promise<void> {
    if (!this.microphoneOpen) return;
    this.microphoneOpen = false;
    this.inputLevels = SILENT;
    try {
      await this.engine?.microphone.stop();
    } catch (error) {
      this.options.onNotice('warning', `The microphone did not close cleanly (${errorMessage(error)}); Parley restarts its audio process to release it.`);
    }
  }

  private async openSpeaker(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    this.speakerOpen = true;
    this.speakerForTestSoundOnly = this.sessionSpeaker === undefined;
    try {
      await engine.prepareSpeaker();
    } catch (error) {
      this.speakerOpen = false;
      this.options.onNotice('warning', `The speaker could not be opened: ${errorMessage(error)}. Check Settings › Audio.`);
    }
  }

  private async closeSpeaker(): Promise<void> {
    const engine = this.engine;
    const drain = this.speakerForTestSoundOnly;
    this.speakerOpen = false;
    this.speakerForTestSoundOnly = false;
    try {
      if (engine?.closeSpeaker) await engine.closeSpeaker({ drain });
      else await engine?.speaker.close();
    } catch (error) {
      this.options.onNotice('warning', `The speaker did not close cleanly (${errorMessage(error)}); Parley restarts its audio process to release it.`);
    }
  }

  /** The session's view of the speaker: writes count only while its lease is the current one. */
  private leasedSpeaker(engine: AudioEnginePort, lease: SpeakerLease): AudioSink {
    const current = () => this.sessionSpeaker === lease && !this.closed;
    return {
      write: (frame) => {
        if (!current()) return;
        if (!this.speakerOpen) {
          // The engine opens the device on this write; remember it so the release closes it.
          lease.used = true;
          this.speakerOpen = true;
        }
        this.speakerForTestSoundOnly = false;
        engine.speaker.write(frame);
      },
      endItem: (itemId) => {
        if (current()) engine.speaker.endItem?.(itemId);
      },
      isPlaying: () => current() && engine.speaker.isPlaying(),
      interrupt: () => (current() ? engine.speaker.interrupt() : undefined),
      close: async () => {
        if (!current()) return;
        this.sessionSpeaker = undefined;
        await this.apply();
      },
    };
  }

  private notifyIfChanged(): void {
    const now: Observed = { microphoneOpen: this.microphoneOpen, micCheck: this.checking, speaking: this.speaking };
    const before = this.observed;
    if (now.microphoneOpen === before.microphoneOpen && now.micCheck === before.micCheck && now.speaking === before.speaking) return;
    this.observed = now;
    this.options.onChange();
  }

  private ensureLevelsTimer(): void {
    if (this.levelsTimer || this.closed) return;
    this.levelsTimer = setInterval(() => this.reportLevels(), this.options.levelsIntervalMs ?? LEVELS_INTERVAL_MS);
    this.levelsTimer.unref();
  }

  private stopLevelsTimer(): void {
    clearInterval(this.levelsTimer);
    this.levelsTimer = undefined;
  }

  /** Sends levels only when they moved; stops polling once everything is closed and silent. */
  private reportLevels(): void {
    const speaking = this.speaking;
    if (this.testSoundUntilMs > 0 && Date.now() >= this.testSoundUntilMs && !speaking) {
      this.testSoundUntilMs = 0;
      void this.apply();
    }
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
    this.notifyIfChanged();
    const quiet = !this.microphoneOpen && !this.speakerOpen && !speaking && output === LEVEL_FLOOR_DBFS && this.testSoundUntilMs === 0;
    if (quiet) this.stopLevelsTimer();
  }
}
