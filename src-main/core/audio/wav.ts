/**
 * RIFF/WAVE reading (PCM 8/16/24/32-bit integer, 32/64-bit float, WAVE_FORMAT_EXTENSIBLE) and the
 * 44-byte PCM16 header used when writing.
 *
 * Decoded samples are INTERLEAVED Float32 in [-1, 1): `samples[frame * channels + channel]`.
 * Interleaved because that is how the file stores them and how PCM frames travel elsewhere in the
 * app; `downmixToMono` in resampler.ts turns it into the mono signal the microphone path needs.
 */

export const WAV_HEADER_BYTES = 44;

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** The 14 bytes every KSDATAFORMAT_SUBTYPE GUID shares after its leading format tag. */
const EXTENSIBLE_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
/** Streaming writers leave the data size at 0 or all ones because they cannot seek back. */
const UNKNOWN_SIZE = 0xffffffff;

const FORMAT_NAMES: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'mu-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0055: 'MPEG layer 3',
};

/** The file is not a RIFF/WAVE file, or uses an encoding this reader does not decode. */
export class WavFormatError extends Error {
  override readonly name = 'WavFormatError';
}

export type WavSampleEncoding = 'int' | 'float';

export interface DecodedWav {
  readonly sampleRate: number;
  readonly channels: number;
  /** Sample frames (one sample per channel each); `samples.length === frameCount * channels`. */
  readonly frameCount: number;
  /** Interleaved, normalised to [-1, 1). */
  readonly samples: Float32Array;
  readonly encoding: WavSampleEncoding;
  /** Bits per stored sample (the container size, e.g. 32 for 24-valid-bits-in-32). */
  readonly bitsPerSample: number;
}

interface FormatChunk {
  readonly encoding: WavSampleEncoding;
  readonly channels: number;
  readonly sampleRate: number;
  readonly blockAlign: number;
  readonly bitsPerSample: number;
}

function fourCc(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(bytes[offset] ?? 0, bytes[offset + 1] ?? 0, bytes[offset + 2] ?? 0, bytes[offset + 3] ?? 0);
}

function hex(tag: number): string {
  return `0x${tag.toString(16).padStart(4, '0')}`;
}

function parseFormatChunk(view: DataView, offset: number, size: number): FormatChunk {
  if (size < 16) throw new WavFormatError(`the fmt chunk is ${size} bytes; at least 16 are needed`);
  let tag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bitsPerSample = view.getUint16(offset + 14, true);

  if (tag === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw new WavFormatError(`the WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes; 40 are needed`);
    const guidOffset = offset + 24;
    tag = view.getUint16(guidOffset, true);
    for (let index = 0; index < EXTENSIBLE_GUID_TAIL.length; index++) {
      if (view.getUint8(guidOffset + 2 + index) !== EXTENSIBLE_GUID_TAIL[index]) {
        throw new WavFormatError('unsupported WAVE_FORMAT_EXTENSIBLE sub-format (not a PCM or IEEE float GUID)');
      }
    }
  }

  let encoding: WavSampleEncoding;
  if (tag === WAVE_FORMAT_PCM) {
    if (![8, 16, 24, 32].includes(bitsPerSample)) {
      throw new WavFormatError(`unsupported PCM sample size: ${bitsPerSample} bits (8, 16, 24 and 32 are supported)`);
    }
    encoding = 'int';
  } else if (tag === WAVE_FORMAT_IEEE_FLOAT) {
    if (bitsPerSample !== 32 && bitsPerSample !== 64) {
      throw new WavFormatError(`unsupported float sample size: ${bitsPerSample} bits (32 and 64 are supported)`);
    }
    encoding = 'float';
  } else {
    const name = FORMAT_NAMES[tag];
    throw new WavFormatError(
      `unsupported WAV encoding: format tag ${hex(tag)}${name ? ` (${name})` : ''}; only PCM integer and IEEE float are supported`,
    );
  }

  if (channels === 0) throw new WavFormatError('the fmt chunk declares 0 channels');
  if (sampleRate === 0) throw new WavFormatError('the fmt chunk declares a sample rate of 0 Hz');
  const expectedBlockAlign = channels * (bitsPerSample / 8);
  if (blockAlign !== expectedBlockAlign) {
    throw new WavFormatError(
      `inconsistent fmt chunk: block align is ${blockAlign} bytes but ${channels} channel(s) of ${bitsPerSample} bits need ${expectedBlockAlign}`,
    );
  }
  return { encoding, channels, sampleRate, blockAlign, bitsPerSample };
}

/**
 * Decodes a whole WAV file. Unknown chunks (LIST, fact, cue, ds64 …) are skipped. A data chunk
 * whose size is 0 or 0xFFFFFFFF (left by streaming writers), or larger than what is left of the
 * file (truncated recording), is taken to run to the end of the file; a trailing partial sample
 * frame is dropped. Throws WavFormatError naming the problem otherwise.
 */
export function parseWav(file: Uint8Array): DecodedWav {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.byteLength < 12) throw new WavFormatError(`not a WAV file: ${file.byteLength} bytes is too short for a RIFF header`);
  const riff = fourCc(file, 0);
  if ((riff !== 'RIFF' && riff !== 'RF64') || fourCc(file, 8) !== 'WAVE') {
    throw new WavFormatError('not a WAV file: it does not start with a RIFF/WAVE header');
  }

  let format: FormatChunk | undefined;
  let dataOffset: number | undefined;
  let dataBytes = 0;
  let offset = 12;
  while (offset + 8 <= file.byteLength) {
    const id = fourCc(file, offset);
    const declared = view.getUint32(offset + 4, true);
    const body = offset + 8;
    const remaining = file.byteLength - body;
    if (id === 'fmt ') {
      if (declared > remaining) throw new WavFormatError('the fmt chunk is cut off by the end of the file');
      format = parseFormatChunk(view, body, declared);
    } else if (id === 'data') {
      dataOffset = body;
      const runsToEnd = declared === 0 || declared === UNKNOWN_SIZE || declared > remaining;
      dataBytes = runsToEnd ? remaining : declared;
      if (runsToEnd) break;
    }
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    offset = body + declared + (declared & 1);
  }

  if (!format) throw new WavFormatError('the WAV file has no fmt chunk');
  if (dataOffset === undefined) throw new WavFormatError('the WAV file has no data chunk');

  const frameCount = Math.floor(dataBytes / format.blockAlign);
  const samples = decodeSamples(view, dataOffset, frameCount * format.channels, format);
  return {
    sampleRate: format.sampleRate,
    channels: format.channels,
    frameCount,
    samples,
    encoding: format.encoding,
    bitsPerSample: format.bitsPerSample,
  };
}

function decodeSamples(view: DataView, offset: number, count: number, format: FormatChunk): Float32Array {
  const out = new Float32Array(count);
  const bytesPerSample = format.bitsPerSample / 8;
  if (format.encoding === 'float') {
    for (let index = 0, position = offset; index < count; index++, position += bytesPerSample) {
      out[index] = bytesPerSample === 4 ? view.getFloat32(position, true) : view.getFloat64(position, true);
    }
    return out;
  }
  switch (bytesPerSample) {
    case 1:
      // 8-bit WAV is unsigned with 128 as silence.
      for (let index = 0; index < count; index++) out[index] = (view.getUint8(offset + index) - 128) / 128;
      break;
    case 2:
      for (let index = 0; index < count; index++) out[index] = view.getInt16(offset + index * 2, true) / 32768;
      break;
    case 3:
      for (let index = 0, position = offset; index < count; index++, position += 3) {
        const unsigned = view.getUint8(position) | (view.getUint8(position + 1) << 8) | (view.getUint8(position + 2) << 16);
        out[index] = ((unsigned << 8) >> 8) / 8388608;
      }
      break;
    case 4:
      for (let index = 0; index < count; index++) out[index] = view.getInt32(offset + index * 4, true) / 2147483648;
      break;
  }
  return out;
}

/**
 * The canonical 44-byte header of a PCM16 little-endian WAV holding `dataBytes` bytes of samples.
 * Sizes above the 32-bit RIFF limit are clamped to 0xFFFFFFFF, which readers treat as "to the end".
 */
export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Uint8Array {
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`wavHeader: sample rate must be a positive integer, got ${sampleRate}`);
  if (!Number.isInteger(channels) || channels <= 0 || channels > 0xffff) {
    throw new RangeError(`wavHeader: channels must be a positive integer, got ${channels}`);
  }
  if (!Number.isInteger(dataBytes) || dataBytes < 0) throw new RangeError(`wavHeader: dataBytes must be a non-negative integer, got ${dataBytes}`);
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const writeTag = (offset: number, tag: string) => {
    for (let index = 0; index < 4; index++) header[offset + index] = tag.charCodeAt(index);
  };
  const blockAlign = channels * 2;
  writeTag(0, 'RIFF');
  view.setUint32(4, Math.min(UNKNOWN_SIZE, WAV_HEADER_BYTES - 8 + dataBytes), true);
  writeTag(8, 'WAVE');
  writeTag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * blockAlign, true);
  view.setUint16(32, blockAlign, true);
  view.setUint16(34, 16, true);
  writeTag(36, 'data');
  view.setUint32(40, Math.min(UNKNOWN_SIZE, dataBytes), true);
  return header;
}

/** A complete PCM16 WAV file: header plus the given little-endian sample bytes. */
export function encodeWavPcm16(sampleRate: number, channels: number, pcm16le: Uint8Array): Uint8Array {
  const file = new Uint8Array(WAV_HEADER_BYTES + pcm16le.byteLength);
  file.set(wavHeader(sampleRate, channels, pcm16le.byteLength), 0);
  file.set(pcm16le, WAV_HEADER_BYTES);
  return file;
}
