// The room check's test sound: 4.8 s of soft "syllables", each a short hummed note (a harmonic tone
// up to ~3.8 kHz, like a voiced vowel) with a breath of band-limited noise under it, rising and
// falling like speech. Speech-like on purpose: the echo canceller adapts per frequency band, and a
// pure tone would leave most bands untrained (and measure only one frequency of the room); white
// noise trains every band but is unpleasant to play to a user. Generated, deterministic (a fixed
// seed), 24 kHz mono PCM16, normalised to ROOM_SOUND_RMS_DBFS over its whole length.
import { float32ToPcm16le } from '../core/audio/pcm';

export const ROOM_SOUND_SAMPLE_RATE_HZ = 24_000;
/** Loud enough to stand well above a quiet room at the microphone, soft enough not to startle: speech level. */
export const ROOM_SOUND_RMS_DBFS = -18;
const SYLLABLE_MS = 240;
const GAP_MS = 60;
/** Long enough for the canceller to settle on a real room (1-3 s measured on PulseAudio) with 2 s left to judge. */
const SYLLABLES = 16;
export const ROOM_SOUND_MS = SYLLABLES * (SYLLABLE_MS + GAP_MS);
const ATTACK_MS = 30;
const RELEASE_MS = 70;
/** A pentatonic walk around the speaking range of a voice (G3 to E4): no harsh intervals. */
const NOTES_HZ = [196, 220, 262, 294, 330, 294, 262, 220, 262, 196];
/** Partials above this add little to a voice's energy and sound harsh on small speakers. */
const HIGHEST_PARTIAL_HZ = 3_800;
/** Partial k has amplitude 1/k^ROLLOFF: softer than a sawtooth (1/k), brighter than a sine. */
const PARTIAL_ROLLOFF = 1.3;
/**
 * The breath under each note, relative to the note's peak amplitude: strong, so the sound is
 * broadband and never repeats itself. With a faint breath (0.25) the canceller on PulseAudio
 * leaked at the same place in every repetition of the sound (a self-similar, harmonic signal is
 * ambiguous for its delay estimator); with 1.5 those repeatable leaks went away.
 */
const NOISE_SHARE = 1.5;
const SEED = 0x5eed_0011;

/** Deterministic xorshift32 in [-1, 1): the same sound on every run and every machine. */
function noiseSource(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 31 - 1;
  };
}

/** The test sound as float samples in [-1, 1] (24 kHz mono). */
export function roomSoundSamples(): Float32Array {
  const rate = ROOM_SOUND_SAMPLE_RATE_HZ;
  const syllableSamples = Math.round((SYLLABLE_MS * rate) / 1000);
  const stride = Math.round(((SYLLABLE_MS + GAP_MS) * rate) / 1000);
  const attack = Math.round((ATTACK_MS * rate) / 1000);
  const release = Math.round((RELEASE_MS * rate) / 1000);
  const samples = new Float32Array(stride * SYLLABLES);
  const noise = noiseSource(SEED);
  // A band-pass of the breath noise (~300 Hz to ~3.4 kHz, telephone band) by two one-pole filters.
  const lowPass = Math.exp((-2 * Math.PI * 3_400) / rate);
  const highPass = Math.exp((-2 * Math.PI * 300) / rate);
  let low = 0;
  let lowOfLow = 0;
  for (let syllable = 0; syllable < SYLLABLES; syllable++) {
    const fundamentalHz = NOTES_HZ[syllable % NOTES_HZ.length]!;
    const partials = Math.floor(HIGHEST_PARTIAL_HZ / fundamentalHz);
    // Fixed, spread phases keep the peaks low (all-zero phases would stack into a click).
    const phases = Array.from({ length: partials }, (_, index) => (index * index * Math.PI) / partials);
    const start = syllable * stride;
    for (let i = 0; i < syllableSamples; i++) {
      const envelope = Math.min(1, i / attack, (syllableSamples - 1 - i) / release) ** 2;
      // A slight downward glide, as a spoken syllable has: 3% over the syllable.
      const glide = 1 - (0.03 * i) / syllableSamples;
      const t = i / rate;
      let tone = 0;
      for (let k = 1; k <= partials; k++) tone += Math.sin(2 * Math.PI * fundamentalHz * glide * k * t + phases[k - 1]!) / k ** PARTIAL_ROLLOFF;
      const white = noise();
      low = (1 - lowPass) * white + lowPass * low;
      lowOfLow = (1 - highPass) * low + highPass * lowOfLow;
      const breath = (low - lowOfLow) * 4;
      samples[start + i] = envelope * (tone + NOISE_SHARE * breath);
    }
  }
  let sumSquares = 0;
  for (const value of samples) sumSquares += value * value;
  const gain = 10 ** (ROOM_SOUND_RMS_DBFS / 20) / Math.sqrt(sumSquares / samples.length);
  for (let i = 0; i < samples.length; i++) samples[i] = samples[i]! * gain;
  return samples;
}

/** The test sound as it is written to the speaker: 24 kHz mono PCM16LE. */
export function roomSoundPcm(): Uint8Array {
  return float32ToPcm16le(roomSoundSamples());
}
