/**
 * An in-process stand-in for the native audio engine (the real one is tested on PulseAudio in
 * test/adapters): records what the app asks of it and lets a test feed microphone frames.
 */
import type { DeviceList } from '../../src-shared/ipc-contract';
import type { AudioEngineFactory, AudioEnginePort, AudioEngineRequest } from '../../src-main/app/audio-controller';
import type { AssistantAudioFrame } from '../../src-main/core/audio/audio-io';
import type { CapturedFrame } from '../../src-main/core/audio/capture-pipeline';

export const FAKE_DEVICES: DeviceList = {
  inputs: [{ name: 'USB Microphone', hostApi: 'ALSA', maxInputChannels: 1, maxOutputChannels: 0, defaultSampleRate: 48_000 }],
  outputs: [{ name: 'Headphones', hostApi: 'ALSA', maxInputChannels: 0, maxOutputChannels: 2, defaultSampleRate: 48_000 }],
};

export class FakeAudioEngine implements AudioEnginePort {
  readonly written: AssistantAudioFrame[] = [];
  readonly switches: string[] = [];
  started = 0;
  shutDown = 0;
  microphoneOpen = false;
  /** The speaker's device stream: opened by prepareSpeaker() or a write, closed by speaker.close(). */
  speakerOpen = false;
  /** Every open and close in order ('microphone:open', 'speaker:close', ...). */
  readonly lifecycle: string[] = [];
  /** When set, the next microphone.stop() or speaker.close() rejects with this reason (once). */
  failNextClose: string | undefined;
  playbackLevelDbfs = -Infinity;
  private onFrame: ((frame: CapturedFrame) => void) | undefined;

  constructor(
    readonly request: AudioEngineRequest,
    private readonly failStart?: string,
  ) {}

  async start(): Promise<void> {
    this.started += 1;
    if (this.failStart) throw new Error(this.failStart);
  }

  async listDevices(): Promise<DeviceList> {
    return FAKE_DEVICES;
  }

  readonly microphone = {
    start: (onFrame: (frame: CapturedFrame) => void) => {
      this.microphoneOpen = true;
      this.lifecycle.push('microphone:open');
      this.onFrame = onFrame;
    },
    stop: async () => {
      this.microphoneOpen = false;
      this.lifecycle.push('microphone:close');
      this.onFrame = undefined;
      this.maybeFailClose();
    },
  };

  readonly speaker = {
    write: (frame: AssistantAudioFrame) => {
      if (!this.speakerOpen) this.openSpeaker();
      this.written.push(frame);
    },
    endItem: () => {},
    isPlaying: () => this.playbackLevelDbfs > -Infinity,
    interrupt: () => undefined,
    close: async () => {
      this.speakerOpen = false;
      this.lifecycle.push('speaker:close');
      this.maybeFailClose();
    },
  };

  async prepareSpeaker(): Promise<void> {
    if (!this.speakerOpen) this.openSpeaker();
  }

  /** Like speaker.close(); a drained close is recorded as 'speaker:close (drained)'. */
  async closeSpeaker(options: { readonly drain?: boolean }): Promise<void> {
    this.speakerOpen = false;
    this.lifecycle.push(options.drain ? 'speaker:close (drained)' : 'speaker:close');
    this.maybeFailClose();
  }

  private openSpeaker(): void {
    this.speakerOpen = true;
    this.lifecycle.push('speaker:open');
  }

  private maybeFailClose(): void {
    const reason = this.failNextClose;
    this.failNextClose = undefined;
    if (reason) throw new Error(reason);
  }

  async switchInput(name: string | undefined): Promise<void> {
    this.switches.push(`input:${name ?? 'default'}`);
  }

  async switchOutput(name: string | undefined): Promise<void> {
    this.switches.push(`output:${name ?? 'default'}`);
  }

  async shutdown(): Promise<void> {
    this.shutDown += 1;
  }

  /** One 20 ms frame at this level, as the capture pipeline would deliver it. */
  speak(rmsDbfs: number): void {
    this.request.onInputLevel({ rmsDbfs, peakDbfs: rmsDbfs + 3 });
    const amplitude = Math.round(32767 * 10 ** (rmsDbfs / 20) * Math.SQRT2);
    const pcm = Buffer.alloc(960);
    for (let i = 0; i < 480; i++) pcm.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(amplitude * Math.sin(i / 4)))), i * 2);
    this.onFrame?.({ pcm, capturedAtMs: performance.now(), rmsDbfs, peakDbfs: rmsDbfs + 3 });
  }
}

export function fakeAudio(failStart?: string): { factory: AudioEngineFactory; engines: FakeAudioEngine[] } {
  const engines: FakeAudioEngine[] = [];
  return {
    engines,
    factory: (request) => {
      const engine = new FakeAudioEngine(request, failStart);
      engines.push(engine);
      return engine;
    },
  };
}
