import type { AssistantAudioFrame, AudioSink, PlaybackInterruption } from '../../core/audio/audio-io';
import { float32ToPcm16le, pcm16leToFloat32 } from '../../core/audio/pcm';
import { Resampler, downmixToMono } from '../../core/audio/resampler';
import { WAV_HEADER_BYTES, wavHeader } from '../../core/audio/wav';
import { isPlausibleChannelCount, isPlausibleSampleRate } from '../../core/protocol/audio-validation';
import { errorMessage } from '../../core/util/errors';
import { ChunkedFileWriter } from './chunked-file-writer';

export interface WavFormat {
  readonly sampleRate: number;
  readonly channels: number;
}

export interface WavFileSinkOptions {
  /** Output format; by default the format of the first frame (24 kHz mono from the realtime API). */
  readonly format?: WavFormat;
}

/** Used for the header when the sink is closed before any audio arrived. */
const DEFAULT_FORMAT: WavFormat = { sampleRate: 24_000, channels: 1 };
/** A RIFF file cannot describe more than this many data bytes. */
const MAX_RIFF_DATA_BYTES = 0xffffffff - (WAV_HEADER_BYTES - 8);

/** Converts frames of one (rate, channels) to the output format, keeping resampler state across frames. */
class FormatConverter {
  private readonly resamplers: Resampler[];

  constructor(
    readonly from: WavFormat,
    private readonly to: WavFormat,
  ) {
    // Same channel count: resample each channel; otherwise downmix to mono first.
    const streams = from.channels === to.channels ? to.channels : 1;
    this.resamplers = Array.from({ length: streams }, () => new Resampler(from.sampleRate, to.sampleRate));
  }

  convert(pcm: Uint8Array): Uint8Array {
    const interleaved = pcm16leToFloat32(pcm);
    return this.interleave(this.deinterleave(interleaved).map((channel, index) => this.resamplers[index]!.process(channel)));
  }

  flush(): Uint8Array {
    return this.interleave(this.resamplers.map((resampler) => resampler.flush()));
  }

  private deinterleave(interleaved: Float32Array): Float32Array[] {
    const channels = this.from.channels;
    if (this.resamplers.length === 1) return [downmixToMono(interleaved, channels)];
    const frames = Math.floor(interleaved.length / channels);
    return this.resamplers.map((_, channel) => {
      const samples = new Float32Array(frames);
      for (let frame = 0; frame < frames; frame++) samples[frame] = interleaved[frame * channels + channel]!;
      return samples;
    });
  }

  /** Interleaves the converted streams into the output channel count (mono is copied to every channel). */
  private interleave(streams: Float32Array[]): Uint8Array {
    const channels = this.to.channels;
    const frames = Math.min(...streams.map((stream) => stream.length));
    const out = new Float32Array(frames * channels);
    for (let frame = 0; frame < frames; frame++) {
      for (let channel = 0; channel < channels; channel++) {
        out[frame * channels + channel] = (streams.length === 1 ? streams[0] : streams[channel])![frame]!;
      }
    }
    return float32ToPcm16le(out);
  }
}

/**
 * Writes assistant audio to a PCM16 WAV file as it arrives (never holding the file in memory).
 * A placeholder header is written first; close() patches the header in place with the final
 * format and sizes. Frames in a different rate or channel count than the output are converted
 * (band-limited resampling, channel averaging). Write errors surface as a rejection of close().
 *
 * Barge-in in headless mode: a file has no speaker, so isPlaying() is always false and the
 * session never needs to interrupt it. If interrupt() is called anyway, the file is taken to have
 * "played" everything it received: it returns the last item written and the full duration of
 * that item's audio (in the item's own sample rate, floored to whole ms), then forgets the item so
 * a second interrupt() returns undefined. Frames without an itemId cannot be reported.
 */
export function createWavFileSink(path: string, options: WavFileSinkOptions = {}): AudioSink {
  if (options.format && (!isPlausibleSampleRate(options.format.sampleRate) || !isPlausibleChannelCount(options.format.channels))) {
    throw new Error(`createWavFileSink(${path}): unsupported format ${options.format.sampleRate} Hz × ${options.format.channels} channels`);
  }
  let format: WavFormat | undefined = options.format;
  let converter: FormatConverter | undefined;
  let dataBytes = 0;
  let failure: Error | undefined;
  let closing: Promise<void> | undefined;
  // Barge-in bookkeeping: only the last item can be interrupted, so a running total suffices.
  let lastItemId: string | undefined;
  let lastItemMs = 0;

  let writer: ChunkedFileWriter | undefined;
  try {
    writer = new ChunkedFileWriter(path, WAV_HEADER_BYTES);
    // Placeholder: the real sizes (and the format, if no audio arrives) are patched in by close().
    writer.writeAt(wavHeader(DEFAULT_FORMAT.sampleRate, DEFAULT_FORMAT.channels, 0), 0);
  } catch (error) {
    failure = new Error(`could not write output WAV file ${path}: ${errorMessage(error)}`, { cause: error });
  }

  function writeData(bytes: Uint8Array): void {
    if (bytes.byteLength === 0 || failure || !writer) return;
    if (dataBytes + bytes.byteLength > MAX_RIFF_DATA_BYTES) {
      failure = new Error(`output WAV file ${path} reached the 4 GiB limit of the WAV format; later audio was dropped`);
      return;
    }
    dataBytes += bytes.byteLength;
    writer.append(bytes);
  }

  function flushConverter(): void {
    if (converter) writeData(converter.flush());
    converter = undefined;
  }

  async function finish(): Promise<void> {
    if (format) flushConverter();
    if (!writer) throw failure ?? new Error(`could not write output WAV file ${path}`);
    const final = format ?? DEFAULT_FORMAT;
    if (!failure) writer.writeAt(wavHeader(final.sampleRate, final.channels, dataBytes), 0);
    try {
      await writer.close();
    } catch (error) {
      failure ??= new Error(`could not write output WAV file ${path}: ${errorMessage(error)}`, { cause: error });
    }
    if (failure) throw failure;
  }

  return {
    write(frame: AssistantAudioFrame): void {
      // Audio racing the end of the session is dropped: the file is already final.
      if (closing) return;
      const sameFormat = format !== undefined && frame.sampleRate === format.sampleRate && frame.channels === format.channels;
      // The output format was validated once; only a different format needs checking.
      if (!sameFormat && (!isPlausibleSampleRate(frame.sampleRate) || !isPlausibleChannelCount(frame.channels))) {
        throw new Error(`WAV file sink for ${path}: unsupported frame format ${frame.sampleRate} Hz × ${frame.channels} channels`);
      }
      format ??= { sampleRate: frame.sampleRate, channels: frame.channels };
      // A trailing partial sample frame cannot be placed in time; it is dropped.
      const bytesPerFrame = 2 * frame.channels;
      const usableBytes = frame.pcm.byteLength - (frame.pcm.byteLength % bytesPerFrame);
      const pcm = usableBytes === frame.pcm.byteLength ? frame.pcm : frame.pcm.subarray(0, usableBytes);

      if (sameFormat || (frame.sampleRate === format.sampleRate && frame.channels === format.channels)) {
        if (converter) flushConverter();
        writeData(pcm);
      } else {
        if (converter && (converter.from.sampleRate !== frame.sampleRate || converter.from.channels !== frame.channels)) flushConverter();
        converter ??= new FormatConverter({ sampleRate: frame.sampleRate, channels: frame.channels }, format);
        writeData(converter.convert(pcm));
      }

      if (frame.itemId !== lastItemId) lastItemMs = 0;
      lastItemId = frame.itemId;
      lastItemMs += (usableBytes / bytesPerFrame / frame.sampleRate) * 1000;
    },

    isPlaying(): boolean {
      return false;
    },

    interrupt(): PlaybackInterruption | undefined {
      const itemId = lastItemId;
      const playedMs = Math.floor(lastItemMs);
      lastItemId = undefined;
      lastItemMs = 0;
      if (itemId === undefined) return undefined;
      return { itemId, playedMs };
    },

    close(): Promise<void> {
      closing ??= finish();
      return closing;
    },
  };
}
