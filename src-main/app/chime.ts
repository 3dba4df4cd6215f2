// The onboarding test sound: two soft sine notes (E5 then A5), 24 kHz mono PCM16, with short
// fades so nothing clicks. Generated, not shipped as a file.
import { float32ToPcm16le } from '../core/audio/pcm';

export const CHIME_SAMPLE_RATE_HZ = 24_000;
const NOTES_HZ = [659.25, 880];
const NOTE_SECONDS = 0.28;
const FADE_SECONDS = 0.02;
const PEAK = 0.3;

export function chimePcm(): Uint8Array {
  const noteSamples = Math.round(NOTE_SECONDS * CHIME_SAMPLE_RATE_HZ);
  const fadeSamples = Math.round(FADE_SECONDS * CHIME_SAMPLE_RATE_HZ);
  const samples = new Float32Array(noteSamples * NOTES_HZ.length);
  NOTES_HZ.forEach((frequency, note) => {
    for (let i = 0; i < noteSamples; i++) {
      const envelope = Math.min(1, i / fadeSamples, (noteSamples - 1 - i) / fadeSamples);
      samples[note * noteSamples + i] = PEAK * envelope * Math.sin((2 * Math.PI * frequency * i) / CHIME_SAMPLE_RATE_HZ);
    }
  });
  return float32ToPcm16le(samples);
}
