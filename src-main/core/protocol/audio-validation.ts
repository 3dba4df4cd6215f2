export const MIN_SAMPLE_RATE_HZ = 8_000;
export const MAX_SAMPLE_RATE_HZ = 192_000;
export const MAX_CHANNELS = 8;

/** An implausible rate once caused a huge allocation upstream: reject it at the edge. */
export function isPlausibleSampleRate(rate: unknown): rate is number {
  return typeof rate === 'number' && Number.isInteger(rate) && rate >= MIN_SAMPLE_RATE_HZ && rate <= MAX_SAMPLE_RATE_HZ;
}

export function isPlausibleChannelCount(channels: unknown): channels is number {
  return typeof channels === 'number' && Number.isInteger(channels) && channels >= 1 && channels <= MAX_CHANNELS;
}

/**
 * The largest audio delta played: about 8 s of 24 kHz mono PCM16 as base64. The live API sends a
 * few hundred ms per delta; a bigger one is hostile or broken, and decoding and resampling it
 * would hold the event loop for hundreds of ms.
 */
export const MAX_AUDIO_DELTA_BASE64_CHARS = 512 * 1024;
