import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WAV_HEADER_BYTES, WavFormatError, encodeWavPcm16, parseWav, wavHeader } from '../../../src-main/core/audio/wav';

interface WavSpec {
  formatTag?: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Sub-format tag for WAVE_FORMAT_EXTENSIBLE (0xFFFE). */
  extensibleSubFormat?: number;
  validBits?: number;
  before?: Uint8Array[];
  data: Uint8Array;
  dataSizeField?: number;
  after?: Uint8Array[];
}

function chunk(id: string, body: Uint8Array, sizeField = body.byteLength): Uint8Array {
  const padded = body.byteLength + (body.byteLength & 1);
  const out = new Uint8Array(8 + padded);
  for (let index = 0; index < 4; index++) out[index] = id.charCodeAt(index);
  new DataView(out.buffer).setUint32(4, sizeField, true);
  out.set(body, 8);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function buildWav(spec: WavSpec): Uint8Array {
  const extensible = spec.extensibleSubFormat !== undefined;
  const fmt = new Uint8Array(extensible ? 40 : 16);
  const view = new DataView(fmt.buffer);
  const blockAlign = spec.channels * (spec.bitsPerSample / 8);
  view.setUint16(0, extensible ? 0xfffe : (spec.formatTag ?? 1), true);
  view.setUint16(2, spec.channels, true);
  view.setUint32(4, spec.sampleRate, true);
  view.setUint32(8, spec.sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, spec.bitsPerSample, true);
  if (extensible) {
    view.setUint16(16, 22, true);
    view.setUint16(18, spec.validBits ?? spec.bitsPerSample, true);
    view.setUint32(20, spec.channels === 2 ? 3 : 4, true);
    view.setUint16(24, spec.extensibleSubFormat!, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const body = concat([
    new Uint8Array([0x57, 0x41, 0x56, 0x45]), // WAVE
    ...(spec.before ?? []),
    chunk('fmt ', fmt),
    chunk('data', spec.data, spec.dataSizeField ?? spec.data.byteLength),
    ...(spec.after ?? []),
  ]);
  return concat([chunk('RIFF', body).subarray(0, 8), body]);
}

function bytesOf(length: number, write: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(length);
  write(new DataView(bytes.buffer));
  return bytes;
}

function assertSamples(actual: Float32Array, expected: number[], tolerance = 1e-6): void {
  assert.equal(actual.length, expected.length);
  expected.forEach((value, index) => assert.ok(Math.abs(actual[index]! - value) <= tolerance, `sample ${index}: ${actual[index]} vs ${value}`));
}

describe('parseWav decodes every supported sample encoding to interleaved floats', () => {
  test('8-bit unsigned PCM: 128 is silence', () => {
    const wav = parseWav(buildWav({ channels: 1, sampleRate: 8000, bitsPerSample: 8, data: new Uint8Array([128, 0, 255, 192]) }));
    assert.equal(wav.encoding, 'int');
    assertSamples(wav.samples, [0, -1, 127 / 128, 0.5]);
  });

  test('16-bit stereo PCM stays interleaved', () => {
    const data = bytesOf(8, (view) => {
      view.setInt16(0, 16384, true);
      view.setInt16(2, -32768, true);
      view.setInt16(4, 0, true);
      view.setInt16(6, 32767, true);
    });
    const wav = parseWav(buildWav({ channels: 2, sampleRate: 44100, bitsPerSample: 16, data }));
    assert.deepEqual([wav.sampleRate, wav.channels, wav.frameCount], [44100, 2, 2]);
    assertSamples(wav.samples, [0.5, -1, 0, 32767 / 32768]);
  });

  test('24-bit PCM, sign-extended', () => {
    const data = new Uint8Array([0x00, 0x00, 0x40, 0x00, 0x00, 0x80, 0xff, 0xff, 0xff]);
    const wav = parseWav(buildWav({ channels: 1, sampleRate: 48000, bitsPerSample: 24, data }));
    assertSamples(wav.samples, [0.5, -1, -1 / 8388608], 1e-9);
  });

  test('32-bit integer PCM', () => {
    const data = bytesOf(8, (view) => {
      view.setInt32(0, -1073741824, true);
      view.setInt32(4, 2147483647, true);
    });
    assertSamples(parseWav(buildWav({ channels: 1, sampleRate: 16000, bitsPerSample: 32, data })).samples, [-0.5, 1]);
  });

  test('32-bit and 64-bit IEEE float', () => {
    const data32 = bytesOf(8, (view) => {
      view.setFloat32(0, 0.25, true);
      view.setFloat32(4, -0.75, true);
    });
    const wav32 = parseWav(buildWav({ formatTag: 3, channels: 1, sampleRate: 22050, bitsPerSample: 32, data: data32 }));
    assert.equal(wav32.encoding, 'float');
    assertSamples(wav32.samples, [0.25, -0.75]);
    const data64 = bytesOf(8, (view) => view.setFloat64(0, -0.125, true));
    assertSamples(parseWav(buildWav({ formatTag: 3, channels: 1, sampleRate: 22050, bitsPerSample: 64, data: data64 })).samples, [-0.125]);
  });

  test('WAVE_FORMAT_EXTENSIBLE with PCM (24 valid bits in 32) and float sub-formats', () => {
    const pcm = bytesOf(8, (view) => {
      view.setInt32(0, 0x40000000, true);
      view.setInt32(4, -0x40000000, true);
    });
    const wavPcm = parseWav(buildWav({ extensibleSubFormat: 1, validBits: 24, channels: 2, sampleRate: 96000, bitsPerSample: 32, data: pcm }));
    assert.deepEqual([wavPcm.channels, wavPcm.frameCount, wavPcm.bitsPerSample], [2, 1, 32]);
    assertSamples(wavPcm.samples, [0.5, -0.5]);
    const float = bytesOf(4, (view) => view.setFloat32(0, 0.5, true));
    assertSamples(parseWav(buildWav({ extensibleSubFormat: 3, channels: 1, sampleRate: 48000, bitsPerSample: 32, data: float })).samples, [0.5]);
  });
});

describe('parseWav chunk handling', () => {
  const twoSamples = bytesOf(4, (view) => {
    view.setInt16(0, 8192, true);
    view.setInt16(2, -8192, true);
  });

  test('skips LIST and odd-sized unknown chunks (with their pad byte) before and after the audio', () => {
    const list = chunk('LIST', new TextEncoder().encode('INFOISFT\u0005\u0000\u0000\u0000Lavf\u0000'));
    const odd = chunk('junk', new Uint8Array([1, 2, 3]));
    const wav = parseWav(buildWav({ channels: 1, sampleRate: 24000, bitsPerSample: 16, before: [list, odd], data: twoSamples, after: [list] }));
    assertSamples(wav.samples, [0.25, -0.25]);
  });

  for (const sizeField of [0, 0xffffffff]) {
    test(`a streaming writer's data size of 0x${sizeField.toString(16)} means "to the end of the file"`, () => {
      const wav = parseWav(buildWav({ channels: 1, sampleRate: 24000, bitsPerSample: 16, data: twoSamples, dataSizeField: sizeField }));
      assertSamples(wav.samples, [0.25, -0.25]);
    });
  }

  test('a truncated file keeps the whole sample frames it has', () => {
    const file = buildWav({ channels: 2, sampleRate: 24000, bitsPerSample: 16, data: new Uint8Array(40) });
    const wav = parseWav(file.subarray(0, file.byteLength - 7));
    assert.equal(wav.frameCount, 8);
    assert.equal(wav.samples.length, 16);
  });

  test('works on a Buffer that is a slice of a larger allocation', () => {
    const file = buildWav({ channels: 1, sampleRate: 24000, bitsPerSample: 16, data: twoSamples });
    const backing = Buffer.alloc(file.byteLength + 3);
    backing.set(file, 3);
    assertSamples(parseWav(backing.subarray(3)).samples, [0.25, -0.25]);
  });
});

describe('parseWav rejects what it cannot decode with an error naming the problem', () => {
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['a text file', new TextEncoder().encode('hello, this is not audio at all'), /not a WAV file/],
    ['a tiny file', new Uint8Array(4), /too short/],
    ['ADPCM', buildWav({ formatTag: 2, channels: 1, sampleRate: 8000, bitsPerSample: 4, data: new Uint8Array(4) }), /format tag 0x0002 \(Microsoft ADPCM\)/],
    ['12-bit PCM', buildWav({ channels: 1, sampleRate: 8000, bitsPerSample: 12, data: new Uint8Array(4) }), /12 bits/],
    ['16-bit float', buildWav({ formatTag: 3, channels: 1, sampleRate: 8000, bitsPerSample: 16, data: new Uint8Array(4) }), /float sample size: 16 bits/],
    ['zero channels', buildWav({ channels: 0, sampleRate: 8000, bitsPerSample: 16, data: new Uint8Array(4) }), /0 channels/],
    ['zero sample rate', buildWav({ channels: 1, sampleRate: 0, bitsPerSample: 16, data: new Uint8Array(4) }), /sample rate of 0/],
    ['an unknown extensible GUID', buildWav({ extensibleSubFormat: 1, channels: 1, sampleRate: 8000, bitsPerSample: 16, data: new Uint8Array(2) }).map((byte, index) => (index === 12 + 8 + 24 + 15 ? 0x42 : byte)), /sub-format/],
  ];
  for (const [name, file, message] of cases) {
    test(name, () => {
      assert.throws(() => parseWav(file), (error: unknown) => error instanceof WavFormatError && message.test(error.message));
    });
  }

  test('no data chunk / no fmt chunk', () => {
    const withoutData = concat([new TextEncoder().encode('RIFF'), new Uint8Array(4), new TextEncoder().encode('WAVE'), chunk('fmt ', new Uint8Array(16))]);
    assert.throws(() => parseWav(withoutData), /format tag 0x0000|no data chunk/);
    const fmtOnly = buildWav({ channels: 1, sampleRate: 8000, bitsPerSample: 16, data: new Uint8Array(0) }).subarray(0, 12 + 24);
    assert.throws(() => parseWav(fmtOnly), /no data chunk/);
    const dataOnly = concat([new TextEncoder().encode('RIFF'), new Uint8Array(4), new TextEncoder().encode('WAVE'), chunk('data', new Uint8Array(4))]);
    assert.throws(() => parseWav(dataOnly), /no fmt chunk/);
  });
});

describe('wavHeader', () => {
  test('writes a canonical 44-byte PCM16 header that parses back', () => {
    const header = wavHeader(24000, 1, 960);
    assert.equal(header.byteLength, WAV_HEADER_BYTES);
    const view = new DataView(header.buffer);
    assert.equal(new TextDecoder().decode(header.subarray(0, 4)), 'RIFF');
    assert.equal(view.getUint32(4, true), 36 + 960);
    assert.equal(view.getUint32(28, true), 48000);
    assert.equal(view.getUint16(32, true), 2);
    assert.equal(view.getUint32(40, true), 960);

    const pcm = bytesOf(8, (data) => {
      data.setInt16(0, 16384, true);
      data.setInt16(2, -16384, true);
      data.setInt16(4, 0, true);
      data.setInt16(6, 32767, true);
    });
    const wav = parseWav(encodeWavPcm16(16000, 2, pcm));
    assert.deepEqual([wav.sampleRate, wav.channels, wav.frameCount, wav.bitsPerSample], [16000, 2, 2, 16]);
    assertSamples(wav.samples, [0.5, -0.5, 0, 32767 / 32768]);
  });

  test('rejects nonsense arguments', () => {
    assert.throws(() => wavHeader(0, 1, 0), /sample rate/);
    assert.throws(() => wavHeader(24000, 0, 0), /channels/);
    assert.throws(() => wavHeader(24000, 1, -2), /dataBytes/);
  });
});
