import { describeEchoProtection, type EchoCancellationSettings, type EchoProtection } from '../../src-shared/echo-cancellation';
import type { TalkModeController } from '../core/audio/talk-mode';
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import type { AudioDeviceInfo, DeviceList } from '../adapters/audio/native/audio-host-protocol';
import type { NativeAudioEngine } from '../adapters/audio/native/native-audio-engine';
import { createNativeAudioEngine, engineAudio, type VoiceRuntimeAudio } from '../app/voice-runtime';

type Write = (text: string) => void;

/** `--list-devices`: names (what --input-device/--output-device take), host API, channels, rate. */
export async function printDeviceList(stdout: Write, stderr: Write, logger: Logger): Promise<number> {
  try {
    const devices = await listAudioDevices(logger);
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
  }
}

/** The devices the native audio engine sees, from an audio process started for the question. */
export async function listAudioDevices(logger: Logger): Promise<DeviceList> {
  const engine = createNativeAudioEngine({ inputDevice: undefined, outputDevice: undefined, logger });
  try {
    await engine.start();
    return await engine.listDevices();
  } finally {
    await engine.shutdown();
  }
}

export interface LiveAudioChoice {
  readonly input: boolean;
  readonly output: boolean;
  readonly inputDevice: string;
  readonly outputDevice: string;
  readonly echoCancellation: EchoCancellationSettings;
}

/**
 * The live microphone and speaker for the headless command: the same native engine the desktop
 * app uses (createNativeAudioEngine), started and its speaker opened before connecting. Once
 * started, the voice runtime owns it (`runtimeAudio`): it feeds the microphone through the
 * talk-mode controller and shuts the engine down on stop.
 */
export class HeadlessLiveAudio {
  private readonly engine: NativeAudioEngine;
  /**
   * Notices wait while starting: a failed start throws with the same reason (printed once by the
   * caller), and after giving up the engine's late notices (restarts) are not news.
   */
  private notices: 'held' | 'printed' | 'dropped' = 'held';
  private readonly held: string[] = [];
  private echoProtection: EchoProtection | undefined;
  private echoListener: ((protection: EchoProtection) => void) | undefined;

  constructor(
    private readonly choice: LiveAudioChoice,
    private readonly stderr: Write,
    logger: Logger,
  ) {
    this.engine = createNativeAudioEngine({
      inputDevice: choice.inputDevice,
      outputDevice: choice.outputDevice,
      logger,
      onNotice: (notice) => {
        const line = `parley: ${notice.message}\n`;
        if (this.notices === 'printed') stderr(line);
        else if (this.notices === 'held') this.held.push(line);
      },
      echoCancellation: choice.echoCancellation,
      onEchoProtection: (protection) => this.onEchoProtection(protection),
    });
  }

  /** Starts the audio process and opens the speaker; throws with a readable reason. */
  async start(): Promise<void> {
    await this.engine.start();
    if (this.choice.output) await this.engine.prepareSpeaker();
    this.notices = 'printed';
    for (const line of this.held.splice(0)) this.stderr(line);
  }

  /** Which protection the microphone has: now if known, then at every change. */
  followEchoProtection(listener: (protection: EchoProtection) => void): void {
    this.echoListener = listener;
    if (this.echoProtection) listener(this.echoProtection);
  }

  /** Said once per change (the microphone reopens after a device switch or a host restart). */
  private onEchoProtection(protection: EchoProtection): void {
    const line = describeEchoProtection(protection);
    const changed = this.echoProtection === undefined || describeEchoProtection(this.echoProtection) !== line;
    this.echoProtection = protection;
    if (changed && this.notices !== 'dropped') this.stderr(`parley: ${line}\n`);
    this.echoListener?.(protection);
  }

  /** Live audio could not start: shut the engine down without more notices. */
  async abandon(): Promise<void> {
    this.notices = 'dropped';
    this.held.length = 0;
    await this.engine.shutdown();
  }

  /** The engine's sides for the voice runtime, which from now on owns (and shuts down) the engine. */
  runtimeAudio(onMicrophoneEnded: (error?: Error) => void): VoiceRuntimeAudio {
    return engineAudio(this.engine, { input: this.choice.input, output: this.choice.output, onMicrophoneEnded });
  }
}

/**
 * Push-to-talk and toggle from a terminal: Enter starts talking, Enter again sends (terminals
 * report no key release).
 */
export function listenForTalkKey(talk: TalkModeController, stdin: NodeJS.ReadStream | undefined, stderr: Write): void {
  if (talk.mode === 'hands-free' || !stdin) return;
  stderr('parley: press Enter to talk, Enter again to send\n');
  stdin.setEncoding('utf8');
  stdin.on('data', (text: string) => {
    for (let count = text.split('\n').length - 1; count > 0; count--) {
      talk.toggleTalk();
      stderr(talk.talking ? 'parley: listening… (Enter to send)\n' : 'parley: sent\n');
    }
  });
}
