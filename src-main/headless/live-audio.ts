import type { AudioSink } from '../core/audio/audio-io';
import { TalkModeController, type TalkMode } from '../core/audio/talk-mode';
import type { VoiceSession } from '../core/session/voice-session';
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import type { AudioDeviceInfo } from '../adapters/audio/native/audio-host-protocol';
import { NativeAudioEngine } from '../adapters/audio/native/native-audio-engine';

type Write = (text: string) => void;

/** `--list-devices`: names (what --input-device/--output-device take), host API, channels, rate. */
export async function printDeviceList(stdout: Write, stderr: Write, logger: Logger): Promise<number> {
  const engine = new NativeAudioEngine({ logger });
  try {
    await engine.start();
    const devices = await engine.listDevices();
    const describe = (device: AudioDeviceInfo, channels: number) =>
      `  ${device.name}  (${device.hostApi}, ${channels} ch, ${device.defaultSampleRate} Hz)\n`;
    stdout('Inputs (--input-device NAME):\n');
    for (const device of devices.inputs) stdout(describe(device, device.maxInputChannels));
    stdout('Outputs (--output-device NAME):\n');
    for (const device of devices.outputs) stdout(describe(device, device.maxOutputChannels));
    stdout('"default" picks the system default; "none" turns that side off.\n');
    return 0;
  } catch (error) {
    stderr(`parley: cannot list audio devices: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await engine.shutdown();
  }
}

export interface LiveAudioChoice {
  readonly input: boolean;
  readonly output: boolean;
  readonly inputDevice: string;
  readonly outputDevice: string;
  readonly talkMode: TalkMode;
  readonly localBargeIn: boolean;
}

/**
 * The live microphone and speaker for the headless command. The microphone feeds the session
 * through the talk-mode controller (echo gate, push-to-talk); in push-to-talk and toggle modes
 * the terminal's Enter key starts and stops talking (terminals report no key release).
 */
export class HeadlessLiveAudio {
  private readonly engine: NativeAudioEngine;
  private talk: TalkModeController | undefined;

  constructor(
    private readonly choice: LiveAudioChoice,
    private readonly stderr: Write,
    logger: Logger,
  ) {
    const named = (name: string) => (name === 'default' ? undefined : name);
    this.engine = new NativeAudioEngine({
      inputDevice: named(choice.inputDevice),
      outputDevice: named(choice.outputDevice),
      logger,
      onNotice: (notice) => stderr(`parley: ${notice.message}\n`),
    });
  }

  /** Starts the audio process and opens the speaker; throws with a readable reason. */
  async start(): Promise<void> {
    await this.engine.start();
    if (this.choice.output) await this.engine.prepareSpeaker();
  }

  get speaker(): AudioSink | undefined {
    return this.choice.output ? this.engine.speaker : undefined;
  }

  /** Once the session is live: microphone frames go to it through the talk-mode controller. */
  startMicrophone(session: VoiceSession, stdin: NodeJS.ReadStream | undefined, onFailure: (message: string) => void): void {
    if (!this.choice.input) return;
    const talk = new TalkModeController(session, { mode: this.choice.talkMode, localBargeIn: this.choice.localBargeIn });
    this.talk = talk;
    this.engine.microphone.start(
      (frame) => talk.onMicrophoneFrame(frame, frame, this.engine.playbackLevelDbfs, Date.now()),
      (error) => onFailure(error?.message ?? 'the microphone stopped'),
    );
    if (this.choice.talkMode === 'hands-free' || !stdin) return;
    this.stderr('parley: press Enter to talk, Enter again to send\n');
    stdin.setEncoding('utf8');
    stdin.on('data', (text: string) => {
      for (let count = text.split('\n').length - 1; count > 0; count--) {
        talk.toggleTalk();
        this.stderr(talk.talking ? 'parley: listening… (Enter to send)\n' : 'parley: sent\n');
      }
    });
  }

  async stop(): Promise<void> {
    await this.engine.microphone.stop().catch(() => {});
    await this.engine.speaker.close().catch(() => {});
    await this.engine.shutdown();
  }
}
