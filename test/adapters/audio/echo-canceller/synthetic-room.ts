// A synthetic room at 24 kHz mono for echo canceller tests and the benchmark: the assistant's
// voice (far end) is played as the reference, the microphone hears it 60 ms later and 10 dB
// quieter, and a person (near end) may talk at known times. Deterministic: fixed seeds, no devices.
import { seededNoise } from '../../../support/seeded-noise';
import { ECHO_CANCELLER_FRAME_SAMPLES, ECHO_CANCELLER_SAMPLE_RATE_HZ, type EchoCanceller } from '../../../../src-main/adapters/audio/echo-canceller/echo-canceller';

const RATE_HZ = ECHO_CANCELLER_SAMPLE_RATE_HZ;
const FULL_SCALE = 32_768;

export const ROOM_DELAY_MS = 60;
export const ROOM_ATTENUATION_DB = -10;

export interface VoiceShape {
  /** Mean pitch, Hz (a man about 120, a woman about 210). */
  readonly pitchHz: number;
  readonly seed: number;
  /** RMS level while talking, dBFS (pauses between syllables lower the long-term level). */
  readonly levelDbfs: number;
}

/**
 * Speech-like audio: a glottal-ish harmonic series (20 harmonics, falling 6 dB/octave) with a
 * wandering pitch and some breath noise, shaped into syllables of 120-300 ms with short gaps.
 * Not speech, but broadband, non-stationary and pitched, which is what an echo canceller meets.
 */
export function speechLike(seconds: number, voice: VoiceShape): Float32Array {
  const out = new Float32Array(Math.round(seconds * RATE_HZ));
  const random = seededNoise(voice.seed);
  let phase = 0;
  let syllableLeft = 0;
  let syllableLength = 1;
  let gapLeft = 0;
  let syllablePitch = voice.pitchHz;
  const harmonics = 20;
  for (let index = 0; index < out.length; index++) {
    if (syllableLeft <= 0 && gapLeft <= 0) {
      syllableLength = Math.round((0.12 + 0.18 * (random() * 0.5 + 0.5)) * RATE_HZ);
      syllableLeft = syllableLength;
      gapLeft = Math.round((0.03 + 0.09 * (random() * 0.5 + 0.5)) * RATE_HZ);
      syllablePitch = voice.pitchHz * (1 + 0.15 * random());
    }
    let envelope = 0;
    if (syllableLeft > 0) {
      const progress = 1 - syllableLeft / syllableLength;
      envelope = Math.sin(Math.PI * progress);
      syllableLeft--;
    } else {
      gapLeft--;
    }
    const pitch = syllablePitch * (1 + 0.05 * Math.sin((2 * Math.PI * 3 * index) / RATE_HZ));
    phase += (2 * Math.PI * pitch) / RATE_HZ;
    let voiced = 0;
    for (let harmonic = 1; harmonic <= harmonics; harmonic++) voiced += Math.sin(harmonic * phase) / harmonic;
    out[index] = envelope * (voiced + 0.3 * random());
  }
  return scaleToActiveLevel(out, voice.levelDbfs);
}

/** Scales so that the RMS over samples louder than -40 dB of the peak is `levelDbfs`. */
function scaleToActiveLevel(signal: Float32Array, levelDbfs: number): Float32Array {
  let peak = 0;
  for (const value of signal) peak = Math.max(peak, Math.abs(value));
  let sum = 0;
  let count = 0;
  for (const value of signal) {
    if (Math.abs(value) > peak * 0.01) {
      sum += value * value;
      count++;
    }
  }
  const gain = (10 ** (levelDbfs / 20) * FULL_SCALE) / Math.sqrt(sum / Math.max(1, count));
  return signal.map((value) => value * gain);
}

export interface Stretch {
  readonly fromS: number;
  readonly toS: number;
}

export interface RoomScenario {
  readonly seconds: number;
  /** What the speaker plays (the assistant), PCM16 scale floats. */
  readonly farEnd: Float32Array;
  /** The person alone, as the microphone hears them. */
  readonly nearEnd: Float32Array;
  /** The echo alone, as the microphone hears it (far end delayed and attenuated). */
  readonly echo: Float32Array;
  /** Stretches where only the assistant talks. */
  readonly farEndOnly: readonly Stretch[];
  /** Stretches where both talk. */
  readonly doubleTalk: readonly Stretch[];
}

/**
 * 12 s: the assistant talks from 0 to 12 s; the person talks over it from 6 to 8 s. So 0-6 s and
 * 8-12 s are far-end only (the second one checks the canceller recovered from the double talk).
 * The echo arrives `delayMs` after the speaker plays it (60 ms by default).
 */
export function standardScenario(delayMs = ROOM_DELAY_MS): RoomScenario {
  const seconds = 12;
  const samples = seconds * RATE_HZ;
  const farEnd = speechLike(seconds, { pitchHz: 120, seed: 11, levelDbfs: -20 });
  const echo = new Float32Array(samples);
  const delaySamples = Math.round((delayMs * RATE_HZ) / 1000);
  const gain = 10 ** (ROOM_ATTENUATION_DB / 20);
  for (let index = delaySamples; index < samples; index++) echo[index] = farEnd[index - delaySamples]! * gain;
  const nearEnd = new Float32Array(samples);
  const talker = speechLike(2, { pitchHz: 210, seed: 29, levelDbfs: -30 });
  nearEnd.set(talker, 6 * RATE_HZ);
  return {
    seconds,
    farEnd,
    nearEnd,
    echo,
    farEndOnly: [
      { fromS: 0, toS: 6 },
      { fromS: 8, toS: 12 },
    ],
    doubleTalk: [{ fromS: 6, toS: 8 }],
  };
}

function toPcm16(value: number): number {
  return Math.max(-FULL_SCALE, Math.min(FULL_SCALE - 1, Math.round(value)));
}

/**
 * Runs the room through `canceller` in 10 ms steps, the way the audio host will: the speaker frame
 * as reference first, then the microphone frame (echo + optionally the person) in place.
 * Returns what the canceller let through, as floats.
 */
export function runRoom(canceller: EchoCanceller, scenario: RoomScenario, withNearEnd: boolean, delayHintMs = ROOM_DELAY_MS): Float32Array {
  const frames = Math.floor(scenario.farEnd.length / ECHO_CANCELLER_FRAME_SAMPLES);
  const out = new Float32Array(frames * ECHO_CANCELLER_FRAME_SAMPLES);
  const reference = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
  const microphone = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
  canceller.setStreamDelayMs(delayHintMs);
  for (let frame = 0; frame < frames; frame++) {
    const start = frame * ECHO_CANCELLER_FRAME_SAMPLES;
    for (let index = 0; index < ECHO_CANCELLER_FRAME_SAMPLES; index++) {
      reference[index] = toPcm16(scenario.farEnd[start + index]!);
      microphone[index] = toPcm16(scenario.echo[start + index]! + (withNearEnd ? scenario.nearEnd[start + index]! : 0));
    }
    canceller.processReverse(reference);
    canceller.processCapture(microphone);
    for (let index = 0; index < ECHO_CANCELLER_FRAME_SAMPLES; index++) out[start + index] = microphone[index]!;
  }
  return out;
}

/** Energy (sum of squares) of `signal` over the stretches. */
export function energy(signal: Float32Array, stretches: readonly Stretch[]): number {
  let sum = 0;
  for (const stretch of stretches) {
    const end = Math.min(signal.length, Math.round(stretch.toS * RATE_HZ));
    for (let index = Math.round(stretch.fromS * RATE_HZ); index < end; index++) sum += signal[index]! * signal[index]!;
  }
  return sum;
}

export function ratioDb(numerator: number, denominator: number): number {
  return 10 * Math.log10(numerator / denominator);
}

/** Echo return loss enhancement over the stretches: echo in, over what came out, dB. */
export function erleDb(echo: Float32Array, output: Float32Array, stretches: readonly Stretch[]): number {
  return ratioDb(energy(echo, stretches), Math.max(energy(output, stretches), 1e-9));
}

/** The stretches after the first `settleS` seconds (clipped; empty stretches dropped). */
export function after(stretches: readonly Stretch[], settleS: number): Stretch[] {
  return stretches.filter((stretch) => stretch.toS > settleS).map((stretch) => ({ fromS: Math.max(stretch.fromS, settleS), toS: stretch.toS }));
}

/**
 * Convergence time: the start of the first 100 ms window from which every later window within
 * the first far-end-only stretch has at least `targetDb` of ERLE (windows with little echo are
 * skipped: they say nothing about the canceller). Seconds; Infinity if never.
 */
export function convergenceS(scenario: RoomScenario, output: Float32Array, targetDb: number): number {
  const windowS = 0.1;
  const first = scenario.farEndOnly[0]!;
  const echoFloor = energy(scenario.echo, [first]) / ((first.toS - first.fromS) / windowS) / 100;
  let converged = Infinity;
  for (let fromS = first.fromS; fromS + windowS <= first.toS + 1e-9; fromS += windowS) {
    const window = [{ fromS, toS: fromS + windowS }];
    if (energy(scenario.echo, window) < echoFloor) continue;
    const ok = erleDb(scenario.echo, output, window) >= targetDb;
    if (!ok) converged = Infinity;
    else if (converged === Infinity) converged = fromS;
  }
  return converged;
}
