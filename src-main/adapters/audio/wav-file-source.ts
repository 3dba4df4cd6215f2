import { readFile } from 'node:fs/promises';
import { setTimeout as sleepMs } from 'node:timers/promises';
import type { AudioSource, MicrophoneFrame } from '../../core/audio/audio-io';
import { FRAME_SAMPLES_24K_20MS, FrameSplitter, float32ToPcm16le } from '../../core/audio/pcm';
import { downmixToMono, resample } from '../../core/audio/resampler';
import { parseWav } from '../../core/audio/wav';
import { isPlausibleSampleRate } from '../../core/protocol/audio-validation';
import { errorMessage } from '../../core/util/errors';

export const MICROPHONE_SAMPLE_RATE_HZ = 24_000;
export const MICROPHONE_FRAME_MS = 20;

export interface SourceClock {
  /** Milliseconds, monotonic. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface WavFileSourceOptions {
  /** Defaults to performance.now() and timers. */
  readonly clock?: SourceClock;
  /** Pace frames at 20 ms like a microphone (default); false emits them as fast as possible. */
  readonly realtime?: boolean;
}

const systemClock: SourceClock = {
  now: () => performance.now(),
  sleep: async (ms) => {
    await sleepMs(ms);
  },
};

/**
 * Reads a WAV file and converts it to what the microphone path sends: 24 kHz mono PCM16LE cut
 * into 20 ms frames (960 bytes), the last one padded with silence. Rejects with an Error whose
 * message names the path and the problem (missing, unreadable, not a WAV, unsupported encoding).
 */
export async function loadWavAsMicrophoneFrames(path: string): Promise<Buffer[]> {
  let file: Buffer;
  try {
    file = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') throw new Error(`input WAV file not found: ${path}`, { cause: error });
    throw new Error(`could not read input WAV file ${path}: ${errorMessage(error)}`, { cause: error });
  }
  let decoded;
  try {
    decoded = parseWav(file);
  } catch (error) {
    throw new Error(`input WAV file ${path} cannot be used: ${errorMessage(error)}`, { cause: error });
  }
  if (!isPlausibleSampleRate(decoded.sampleRate)) {
    throw new Error(`input WAV file ${path} has an implausible sample rate of ${decoded.sampleRate} Hz`);
  }
  const mono = downmixToMono(decoded.samples, decoded.channels);
  const converted = resample(mono, decoded.sampleRate, MICROPHONE_SAMPLE_RATE_HZ);
  const splitter = new FrameSplitter(FRAME_SAMPLES_24K_20MS);
  const frames = splitter.push(float32ToPcm16le(converted));
  const last = splitter.flush();
  if (last) frames.push(last);
  return frames.map((frame) => Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength));
}

/**
 * A microphone stand-in playing a WAV file. Frame n is emitted at start + n * 20 ms on the clock
 * (scheduled against the absolute start, so slow callbacks or late timers do not accumulate
 * drift) and carries that time as `capturedAtMs`. Load errors end the source with onEnd(error).
 * After stop() neither callback is called again; stop() resolves once the pacing loop has exited.
 */
export function createWavFileSource(path: string, options: WavFileSourceOptions = {}): AudioSource {
  return createPacedFrameSource(() => loadWavAsMicrophoneFrames(path), path, options);
}

/**
 * The pacing loop behind createWavFileSource, for frames loaded some other way (the headless
 * command loads the WAV before connecting so a bad file fails fast). `label` names the source
 * in error messages.
 */
export function createPacedFrameSource(
  loadFrames: () => Promise<Buffer[]>,
  label: string,
  options: WavFileSourceOptions = {},
): AudioSource {
  const path = label;
  const clock = options.clock ?? systemClock;
  const realtime = options.realtime ?? true;
  let started = false;
  let stopped = false;
  let wakeStopped!: () => void;
  const stoppedSignal = new Promise<void>((resolve) => (wakeStopped = resolve));
  let running: Promise<void> = Promise.resolve();

  async function run(onFrame: (frame: MicrophoneFrame) => void, onEnd: (error?: Error) => void): Promise<void> {
    let frames: Buffer[];
    try {
      frames = await loadFrames();
    } catch (error) {
      if (!stopped) onEnd(error instanceof Error ? error : new Error(errorMessage(error)));
      return;
    }
    const startAtMs = clock.now();
    for (let index = 0; index < frames.length; index++) {
      if (stopped) return;
      const dueAtMs = startAtMs + index * MICROPHONE_FRAME_MS;
      if (realtime) {
        const waitMs = dueAtMs - clock.now();
        if (waitMs > 0) await Promise.race([clock.sleep(waitMs), stoppedSignal]);
        if (stopped) return;
      }
      try {
        onFrame({ pcm: frames[index]!, capturedAtMs: dueAtMs });
      } catch (error) {
        stopped = true;
        onEnd(new Error(`the microphone frame handler failed while playing ${path}: ${errorMessage(error)}`, { cause: error }));
        return;
      }
    }
    if (!stopped) onEnd();
  }

  return {
    start(onFrame, onEnd) {
      if (started) throw new Error(`createWavFileSource(${path}).start was called twice; create a new source to play the file again`);
      started = true;
      running = run(onFrame, onEnd);
    },
    async stop() {
      stopped = true;
      wakeStopped();
      await running;
    },
  };
}
