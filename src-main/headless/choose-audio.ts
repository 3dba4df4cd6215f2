// Which audio a headless run uses: WAV files where the flags name them, live devices otherwise
// (unless a side is `none`). Without working devices a `--text` run goes on with typed text only
// and says so once; without `--text` there would be nothing to do, so that run fails.
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { createWavFileSink } from '../adapters/audio/wav-file-sink';
import type { VoiceRuntimeAudio } from '../app/voice-runtime';
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import type { HeadlessOptions } from './cli-flags';
import { HeadlessLiveAudio } from './live-audio';

type Write = (text: string) => void;

export interface HeadlessAudio {
  /** The live microphone is on (push-to-talk keys apply to it). */
  readonly microphoneLive: boolean;
  /** The audio the voice runtime owns from now on; called once. */
  runtimeAudio(onMicrophoneEnded: (error?: Error) => void): VoiceRuntimeAudio;
  /** Which protection the live microphone has: now if known, then at every change. No live microphone: never. */
  followEchoProtection(listener: (protection: EchoProtection) => void): void;
}

export const AUDIO_HOW_TO =
  'for audio, choose devices with --input-device/--output-device (see --list-devices) or use --input-wav/--output-wav';

/** Undefined: live audio was needed and is unavailable (the reason is printed). */
export async function chooseHeadlessAudio(options: HeadlessOptions, stderr: Write, logger: Logger): Promise<HeadlessAudio | undefined> {
  const wantInput = !options.inputWav && options.inputDevice !== 'none';
  const wantOutput = !options.outputWav && options.outputDevice !== 'none';
  let live: HeadlessLiveAudio | undefined;
  if (wantInput || wantOutput) {
    live = new HeadlessLiveAudio(
      { input: wantInput, output: wantOutput, inputDevice: options.inputDevice, outputDevice: options.outputDevice, echoCancellation: options.echoCancellation },
      stderr,
      logger,
    );
    try {
      await live.start();
    } catch (error) {
      await live.abandon().catch((shutdownError: unknown) => logger.warn('could not stop the audio process', { error: errorMessage(shutdownError) }));
      live = undefined;
      const reason = errorMessage(error);
      if (options.text === undefined) {
        stderr(`parley: live audio is unavailable (${reason}); ${AUDIO_HOW_TO}, give --text "…" to type, or turn audio off with --input-device none --output-device none\n`);
        return undefined;
      }
      stderr(`parley: live audio is off (${reason}); going on with typed text only (${AUDIO_HOW_TO})\n`);
    }
  }
  const engine = live;
  return {
    microphoneLive: engine !== undefined && wantInput,
    runtimeAudio(onMicrophoneEnded) {
      const fromEngine: VoiceRuntimeAudio = engine?.runtimeAudio(onMicrophoneEnded) ?? {};
      if (!options.outputWav) return fromEngine;
      return { ...fromEngine, sink: createWavFileSink(options.outputWav), sinkName: `the output WAV file ${options.outputWav}`, ownsSink: true };
    },
    followEchoProtection(listener) {
      if (engine && wantInput) engine.followEchoProtection(listener);
    },
  };
}
