import { DEFAULT_ECHO_CANCELLATION, type EchoCancellationSettings, type EchoProtection } from '../../../../src-shared/echo-cancellation';
import type { AssistantAudioFrame, AudioSink, AudioSource, PlaybackInterruption, PlaybackStart } from '../../../core/audio/audio-io';
import { CapturePipeline, type CapturedFrame } from '../../../core/audio/capture-pipeline';
import type { PcmLevels } from '../../../core/audio/pcm';
import { errorMessage } from '../../../core/util/errors';
import { silentLogger, type Logger } from '../../../core/util/logger';
import { CAPTURED_CHANNELS, CAPTURED_SAMPLE_RATE_HZ, type DeviceList, type OpenedDevice, type OpenedInput, type PlaybackStatus } from './audio-host-protocol';
import { NativeAudioHost, type HostListeners, type NativeAudioHostOptions } from './native-audio-host';

/** What the engine needs of the audio host (NativeAudioHost is the real one). */
export type AudioHostPort = Pick<
  NativeAudioHost,
  | 'start'
  | 'listDevices'
  | 'openInput'
  | 'closeInput'
  | 'setEchoCancellation'
  | 'openOutput'
  | 'closeOutput'
  | 'play'
  | 'endItem'
  | 'interrupt'
  | 'shutdown'
  | 'pid'
>;

/** One 10 ms chunk of the microphone, before and after the echo canceller (equal when it does not run). */
export interface CaptureLevels {
  /** What the microphone heard, RMS dBFS (-Infinity for digital silence). */
  readonly rawRmsDbfs: number;
  /** What leaves for the session, RMS dBFS. */
  readonly cleanedRmsDbfs: number;
  /** Wall-clock ms of the chunk's last sample. */
  readonly capturedAtMs: number;
}

const FULL_SCALE = 32_768;

/** RMS of PCM16LE bytes, dBFS. */
function pcm16leRmsDbfs(pcm: Uint8Array): number {
  const samples = pcm.byteLength >> 1;
  let sumSquares = 0;
  for (let at = 0; at < samples * 2; at += 2) {
    const value = ((pcm[at]! | (pcm[at + 1]! << 8)) << 16) >> 16;
    sumSquares += value * value;
  }
  return 10 * Math.log10(sumSquares / (samples * FULL_SCALE * FULL_SCALE));
}

/** A microphone whose frames carry their own levels (for the echo gate and talk modes). */
export interface LevelledMicrophone extends AudioSource {
  start(onFrame: (frame: CapturedFrame) => void, onEnd: (error?: Error) => void): void;
}

/** Audio just sent counts as playing until the host's next status says otherwise. */
const RECENTLY_SENT_MS = 150;

export type AudioNotice =
  | { readonly kind: 'device-fallback'; readonly message: string }
  | { readonly kind: 'audio-restarted'; readonly message: string }
  | { readonly kind: 'audio-failed'; readonly message: string };

export interface NativeAudioEngineOptions {
  /** Device names (or undefined/`default` for the system default). */
  readonly inputDevice?: string;
  readonly outputDevice?: string;
  readonly logger?: Logger;
  readonly host?: NativeAudioHostOptions;
  /** The audio host; a test double may stand in for the process (the default spawns it). */
  readonly createHost?: (listeners: HostListeners, options: NativeAudioHostOptions) => AudioHostPort;
  /** The echo canceller's settings (DEFAULT_ECHO_CANCELLATION when omitted); change them with setEchoCancellation. */
  readonly echoCancellation?: EchoCancellationSettings;
  /** The microphone meter: levels of what leaves for the session (after the echo canceller). */
  onInputLevel?(levels: PcmLevels): void;
  onNotice?(notice: AudioNotice): void;
  /** Whenever the microphone opens (or reopens) and whenever its echo protection changes. */
  onEchoProtection?(protection: EchoProtection): void;
}

/**
 * Live microphone and speaker through the audio host process: the microphone is an AudioSource
 * of 24 kHz 20 ms frames (CapturePipeline runs here, next to the session), the speaker an
 * AudioSink whose jitter buffer runs in the host, next to the device. Devices can be switched
 * while a session runs; a crashed host is restarted and the devices reopened.
 */
export class NativeAudioEngine {
  private readonly host: AudioHostPort;
  private readonly logger: Logger;
  private pipeline: CapturePipeline | undefined;
  private chunkArrivedAtMs = 0;
  private frameListener: ((frame: CapturedFrame) => void) | undefined;
  private inputDevice: string | undefined;
  private outputDevice: string | undefined;
  private outputOpen: Promise<OpenedDevice> | undefined;
  private status: PlaybackStatus = { playing: false, levelDbfs: -Infinity, bufferedMs: 0, underruns: 0, droppedMs: 0 };
  private lastSentAtMs = -Infinity;
  private echoSettings: EchoCancellationSettings;
  private protection: EchoProtection | undefined;
  private readonly captureLevelListeners = new Set<(levels: CaptureLevels) => void>();
  private readonly playbackStartListeners = new Set<(start: PlaybackStart) => void>();

  constructor(private readonly options: NativeAudioEngineOptions = {}) {
    this.logger = options.logger ?? silentLogger;
    this.inputDevice = options.inputDevice;
    this.outputDevice = options.outputDevice;
    this.echoSettings = options.echoCancellation ?? DEFAULT_ECHO_CANCELLATION;
    this.host = (options.createHost ?? ((listeners, hostOptions) => new NativeAudioHost(listeners, hostOptions)))(
      {
        onCaptured: (pcm, capturedAtMs, rawRmsDbfs) => {
          const pipeline = this.pipeline;
          if (!pipeline) return;
          // The host stamps each chunk with its last sample's time: the pipeline's "arrival".
          this.chunkArrivedAtMs = capturedAtMs;
          pipeline.push(pcm);
          if (this.captureLevelListeners.size > 0) this.reportCaptureLevels({ rawRmsDbfs, cleanedRmsDbfs: pcm16leRmsDbfs(pcm), capturedAtMs });
        },
        onEchoProtection: (protection) => this.noteEchoProtection(protection),
        onPlaybackStatus: (status) => (this.status = status),
        onPlaybackStarted: (start) => {
          for (const listener of this.playbackStartListeners) listener(start);
        },
        onRestarted: (reason) => {
          this.pipeline?.reset();
          options.onNotice?.({ kind: 'audio-restarted', message: `Audio restarted after a fault (${reason}).` });
        },
        onGaveUp: (reason) => options.onNotice?.({ kind: 'audio-failed', message: `Live audio stopped: ${reason}.` }),
        onStreamError: (kind, message) => void this.recoverFromStreamError(kind, message),
      },
      { logger: this.logger, ...options.host },
    );
  }

  start(): Promise<void> {
    return this.host.start();
  }

  listDevices(): Promise<DeviceList> {
    return this.host.listDevices();
  }

  /** The audio host process, for diagnostics (and for tests that crash it on purpose). */
  get audioProcessId(): number | undefined {
    return this.host.pid;
  }

  /** What the speaker is playing now, dBFS: the echo gate's reference and the output meter. */
  get playbackLevelDbfs(): number {
    return this.status.playing ? this.status.levelDbfs : -Infinity;
  }

  get playbackStatus(): PlaybackStatus {
    return this.status;
  }

  /** What protects the microphone from the speaker's echo; undefined until the microphone has opened once. */
  get echoProtection(): EchoProtection | undefined {
    return this.protection;
  }

  /**
   * New echo canceller settings: an open microphone gets a new canceller at once (its device
   * stream stays open, so no audio is lost); otherwise they apply at the next open.
   */
  async setEchoCancellation(settings: EchoCancellationSettings): Promise<void> {
    this.echoSettings = settings;
    if (!this.frameListener) return;
    const protection = await this.host.setEchoCancellation(settings);
    if (protection) this.noteEchoProtection(protection);
  }

  /**
   * Levels of each 10 ms microphone chunk before and after the echo canceller, while the
   * microphone is open (the room check). Returns the unsubscribe.
   */
  onCaptureLevels(listener: (levels: CaptureLevels) => void): () => void {
    this.captureLevelListeners.add(listener);
    return () => {
      this.captureLevelListeners.delete(listener);
    };
  }

  readonly microphone: LevelledMicrophone = {
    start: (onFrame: (frame: CapturedFrame) => void, onEnd: (error?: Error) => void) => {
      this.frameListener = onFrame;
      this.openInput().catch((error: unknown) => onEnd(new Error(`the microphone could not be opened: ${errorMessage(error)}`)));
    },
    /** Frames stop at once; rejects (with the reason) when the device stream would not close. */
    stop: async () => {
      this.frameListener = undefined;
      this.pipeline = undefined;
      await this.host.closeInput();
    },
  };

  readonly speaker: AudioSink = {
    write: (frame: AssistantAudioFrame) => {
      if (!this.outputOpen) {
        this.ensureSpeaker().catch((error: unknown) =>
          this.options.onNotice?.({ kind: 'audio-failed', message: `The speaker could not be opened: ${errorMessage(error)}.` }),
        );
      }
      this.lastSentAtMs = Date.now();
      this.host.play(frame);
    },
    endItem: (itemId: string | undefined) => this.host.endItem(itemId),
    isPlaying: () => this.outputOpen !== undefined && (this.status.playing || Date.now() - this.lastSentAtMs < RECENTLY_SENT_MS),
    interrupt: (): Promise<PlaybackInterruption | undefined> => {
      this.lastSentAtMs = -Infinity;
      return this.host.interrupt();
    },
    onPlaybackStart: (listener: (start: PlaybackStart) => void) => {
      this.playbackStartListeners.add(listener);
      return () => this.playbackStartListeners.delete(listener);
    },
    /** Closes the output stream at once (what is queued is dropped); rejects when it would not close. */
    close: () => this.closeSpeaker(),
  };

  /**
   * Closes the output stream; with `drain`, after the device played what it already holds (the
   * test sound: a fresh PulseAudio output can take a second to start). Rejects when it would not close.
   */
  async closeSpeaker(options: { readonly drain?: boolean } = {}): Promise<void> {
    this.outputOpen = undefined;
    this.lastSentAtMs = -Infinity;
    this.status = { ...this.status, playing: false, levelDbfs: -Infinity, bufferedMs: 0 };
    await this.host.closeOutput(options);
  }

  /** True while the microphone feeds someone (its device stream is open or opening). */
  get isMicrophoneOpen(): boolean {
    return this.frameListener !== undefined;
  }

  /** True while the speaker's device stream is open or opening. */
  get isSpeakerOpen(): boolean {
    return this.outputOpen !== undefined;
  }

  /** Opens the speaker now (rather than on the first audio) so the first words are not late. */
  async prepareSpeaker(): Promise<OpenedDevice> {
    return this.ensureSpeaker();
  }

  /** Switch the microphone; the new device opens only if the microphone is in use (after the old one closed). */
  async switchInput(deviceName: string | undefined): Promise<OpenedDevice | undefined> {
    this.inputDevice = deviceName;
    return this.frameListener ? this.openInput() : undefined;
  }

  /** Switch the speaker if it is open (queued audio is dropped with the old device); otherwise it applies at the next open. */
  async switchOutput(deviceName: string | undefined): Promise<OpenedDevice | undefined> {
    this.outputDevice = deviceName;
    if (!this.outputOpen) return undefined;
    this.outputOpen = undefined;
    return this.ensureSpeaker();
  }

  shutdown(): Promise<void> {
    return this.host.shutdown();
  }

  /**
   * A stream failed (a device unplugged, a sound server restart): reopen the chosen device, and
   * if it is gone, fall back to the system default and say so.
   */
  private async recoverFromStreamError(kind: 'input' | 'output', message: string): Promise<void> {
    this.logger.warn(`audio ${kind} stream error`, { message });
    const reopen = () => {
      if (kind === 'input') return this.openInput();
      this.outputOpen = undefined;
      return this.ensureSpeaker();
    };
    const wanted = kind === 'input' ? this.inputDevice : this.outputDevice;
    // A stream nobody uses any more is not reopened.
    if (kind === 'input' ? !this.frameListener : !this.outputOpen) return;
    try {
      await reopen();
    } catch (error) {
      if (wanted === undefined) {
        this.options.onNotice?.({ kind: 'audio-failed', message: `The ${kind === 'input' ? 'microphone' : 'speaker'} stopped: ${errorMessage(error)}.` });
        return;
      }
      if (kind === 'input') this.inputDevice = undefined;
      else this.outputDevice = undefined;
      this.options.onNotice?.({
        kind: 'device-fallback',
        message: `The ${kind === 'input' ? 'microphone' : 'speaker'} "${wanted}" stopped working (${message}); using the system default.`,
      });
      await reopen().catch((fallbackError: unknown) =>
        this.options.onNotice?.({ kind: 'audio-failed', message: `No ${kind === 'input' ? 'microphone' : 'speaker'} works: ${errorMessage(fallbackError)}.` }),
      );
    }
  }

  private async openInput(): Promise<OpenedInput> {
    const device = await this.host.openInput(this.inputDevice, this.echoSettings);
    this.noteFallback('microphone', this.inputDevice, device);
    this.noteEchoProtection(device.echoProtection);
    // The host converts every device to 24 kHz mono (the canceller's format): the pipeline only
    // frames, measures and stamps.
    this.pipeline = new CapturePipeline({
      sampleRate: CAPTURED_SAMPLE_RATE_HZ,
      channels: CAPTURED_CHANNELS,
      now: () => this.chunkArrivedAtMs,
      onFrame: (frame) => this.frameListener?.(frame),
      onLevel: (levels) => this.options.onInputLevel?.(levels),
    });
    return device;
  }

  /** The open (or opening) speaker; a failed open is forgotten (so the next use retries) and rejects to the caller. */
  private ensureSpeaker(): Promise<OpenedDevice> {
    if (this.outputOpen) return this.outputOpen;
    const opening = this.openOutput();
    this.outputOpen = opening;
    opening.catch(() => {
      if (this.outputOpen === opening) this.outputOpen = undefined;
    });
    return opening;
  }

  private async openOutput(): Promise<OpenedDevice> {
    const device = await this.host.openOutput(this.outputDevice);
    this.noteFallback('speaker', this.outputDevice, device);
    return device;
  }

  private noteEchoProtection(protection: EchoProtection): void {
    this.protection = protection;
    this.options.onEchoProtection?.(protection);
  }

  /** A listener that throws is logged; the others and the audio path go on. */
  private reportCaptureLevels(levels: CaptureLevels): void {
    for (const listener of this.captureLevelListeners) {
      try {
        listener(levels);
      } catch (error) {
        this.logger.warn('a capture level listener failed', { error: errorMessage(error) });
      }
    }
  }

  private noteFallback(what: string, wanted: string | undefined, device: OpenedDevice): void {
    if (!device.fellBack) return;
    this.options.onNotice?.({
      kind: 'device-fallback',
      message: `The ${what} "${wanted}" is not available; using the system default (${device.name}).`,
    });
  }
}
