// PortAudio streams straight from naudiodon's native addon, with a close that really closes.
// naudiodon 2.3.6's JavaScript wrapper cannot do that: its abort() passes two arguments to the
// native quit(), which accepts one and throws ("expects 1 argument"), so the stream keeps
// running; its quit() asks for 'WAIT', which on an input blocks until the next buffer arrives
// (1-2 s after opening on PulseAudio). The addon's own quit('ABORT') closes an input in about
// 25 ms. Only the audio host process loads this file.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface NaudiodonDevice {
  readonly id: number;
  readonly name: string;
  readonly hostAPIName: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
}

/** The addon's stream object (naudiodon src/AudioIO.cc): promises, one argument each. */
interface NativeAudioIO {
  start(): void;
  /** Resolves with `finished` once the stream was quit; `err` only with closeOnError. */
  read(bytes: number): Promise<{ readonly buf?: Buffer; readonly finished?: boolean; readonly err?: string }>;
  /** Resolves when the chunk is queued (waits while the queue is full); a string is an error. */
  write(chunk: Buffer): Promise<string | undefined>;
  /** Stops and closes the PortAudio stream; 'ABORT' drops what is queued. */
  quit(flag: 'WAIT' | 'ABORT'): Promise<void>;
}

interface NaudiodonAddon {
  getDevices(): NaudiodonDevice[];
  create(options: Record<string, unknown>): NativeAudioIO;
}

/** 16-bit PCM: naudiodon's SampleFormat16Bit. */
export const SAMPLE_FORMAT_16_BIT = 16;
/**
 * An abort normally takes 25 ms; closing an output can wait up to about 2 s for PulseAudio's
 * ALSA plugin to take its last buffer (measured). Past this the close is reported as failed.
 */
export const CLOSE_TIMEOUT_MS = 3_000;

const requireFromHere = createRequire(import.meta.url);
// naudiodon's index.js would also load segfault-handler and the broken wrapper; the addon sits at
// the path its `bindings` lookup uses (and electron-builder unpacks the whole package).
const addon = requireFromHere(join(dirname(requireFromHere.resolve('naudiodon/package.json')), 'build', 'Release', 'naudiodon.node')) as NaudiodonAddon;

export function nativeDevices(): NaudiodonDevice[] {
  return addon.getDevices();
}

export interface StreamFormat {
  readonly deviceId: number;
  readonly sampleRate: number;
  readonly channels: number;
  /** Bytes per read or write: PortAudio hands data over in chunks of this size. */
  readonly chunkBytes: number;
}

export interface CaptureStream {
  /** Stops and closes the device stream; rejects when it did not close within CLOSE_TIMEOUT_MS. Idempotent. */
  close(): Promise<void>;
}

export interface PlaybackStream {
  /** Resolves when the chunk is queued for the device; rejects with the device's error. */
  write(chunk: Buffer): Promise<void>;
  /**
   * Stops and closes the device stream: at once, or with `drain` after the device played what it
   * holds (a freshly started PulseAudio output may not have begun yet). Rejects when it did not
   * close within CLOSE_TIMEOUT_MS. Idempotent.
   */
  close(options?: { readonly drain?: boolean }): Promise<void>;
}

function streamOptions(format: StreamFormat, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    channelCount: format.channels,
    sampleFormat: SAMPLE_FORMAT_16_BIT,
    sampleRate: format.sampleRate,
    deviceId: format.deviceId,
    // An overflow or underflow is logged by the addon instead of ending the stream.
    closeOnError: false,
    highwaterMark: format.chunkBytes,
    ...extra,
  };
}

function closer(io: NativeAudioIO, what: string, beforeQuit: () => void): (options?: { readonly drain?: boolean }) => Promise<void> {
  let closing: Promise<void> | undefined;
  return (options) => {
    closing ??= (async () => {
      beforeQuit();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the ${what} did not close within ${CLOSE_TIMEOUT_MS} ms`)), CLOSE_TIMEOUT_MS);
      });
      try {
        await Promise.race([io.quit(options?.drain ? 'WAIT' : 'ABORT'), late]);
      } catch (error) {
        throw new Error(`the ${what} could not be closed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        clearTimeout(timer);
      }
    })();
    return closing;
  };
}

/** A stream that was created but would not start is closed again before the error goes up. */
async function started(io: NativeAudioIO, what: string): Promise<void> {
  try {
    io.start();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await closer(io, what, () => {})().catch((closeError: unknown) => {
      throw new Error(`${reason}; ${closeError instanceof Error ? closeError.message : String(closeError)}`);
    });
    throw error;
  }
}

/** Opens and starts an input; chunks of `chunkBytes` go to onChunk until close(). */
/**
 * Captured chunks naudiodon may hold for us. Its default (2) makes PortAudio's callback wait as
 * soon as the event loop is 20 ms late, and the sound server then drops microphone audio (seen as
 * the echo's delay jumping under load): a busy moment must delay capture, never lose it.
 */
const CAPTURE_QUEUE_CHUNKS = 50;

export async function openCapture(format: StreamFormat, onChunk: (pcm: Buffer) => void, onError: (message: string) => void): Promise<CaptureStream> {
  const io = addon.create({ inOptions: streamOptions(format, { maxQueue: CAPTURE_QUEUE_CHUNKS }) });
  let open = true;
  await started(io, 'microphone stream');
  void (async () => {
    while (open) {
      try {
        const result = await io.read(format.chunkBytes);
        if (!open || result.finished) return;
        if (result.err) {
          onError(result.err);
          return;
        }
        if (result.buf && result.buf.byteLength > 0) onChunk(result.buf);
      } catch (error) {
        if (open) onError(error instanceof Error ? error.message : String(error));
        return;
      }
    }
  })();
  return { close: closer(io, 'microphone stream', () => (open = false)) };
}

/** Opens and starts an output of at most `maxQueue` chunks queued in the addon. */
export async function openPlayback(format: StreamFormat, maxQueue: number): Promise<PlaybackStream> {
  const io = addon.create({ outOptions: streamOptions(format, { maxQueue }) });
  await started(io, 'speaker stream');
  return {
    write: async (chunk) => {
      const error = await io.write(chunk);
      if (error) throw new Error(error);
    },
    close: closer(io, 'speaker stream', () => {}),
  };
}
