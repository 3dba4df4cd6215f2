/**
 * Spoken lines for real-time audio tests, rendered by espeak-ng and converted by sox to 24 kHz
 * mono PCM16 (the session's format). Two voices that differ in pitch and accent, so a test can
 * tell the assistant (played through the speaker) from the person (talking in the room).
 *
 * Renders are cached in one folder of the system's temp folder, named by a hash of the voice and
 * the text: the same line costs one espeak-ng run per machine, not one per test.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWavPcm16, parseWav } from '../../src-main/core/audio/wav';

export const SPEECH_SAMPLE_RATE_HZ = 24_000;
const CACHE_DIR = join(tmpdir(), 'parley-speech-cache');
/** A 10 ms window louder than this (RMS) is speech: espeak-ng speaks at about -21 dBFS. */
const ONSET_THRESHOLD_DBFS = -45;
const ONSET_WINDOW_SAMPLES = 240;

export type SpeechVoice = 'assistant' | 'person';

/** espeak-ng voice, words per minute and pitch (0-99) per role. */
const VOICES: Readonly<Record<SpeechVoice, readonly string[]>> = {
  assistant: ['-v', 'en-us', '-s', '165', '-p', '40'],
  person: ['-v', 'en-gb-scotland+f3', '-s', '175', '-p', '70'],
};

export interface SpeechAsset {
  readonly voice: SpeechVoice;
  readonly text: string;
  /** A 24 kHz mono PCM16 WAV file (for paplay). */
  readonly wavPath: string;
  /** The same audio as samples. */
  readonly samples: Int16Array;
  readonly durationMs: number;
  /** Where the speech starts in the file (espeak-ng leaves a little silence first), ms. */
  readonly onsetMs: number;
}

/** Why speech cannot be rendered here, or undefined when it can. */
export function speechUnavailableReason(): string | undefined {
  for (const tool of ['espeak-ng', 'sox']) {
    if (spawnSync('which', [tool]).status !== 0) return `${tool} is not installed (apt-get install espeak-ng sox)`;
  }
  return undefined;
}

/** The line spoken by `voice`, rendered once per machine (see the file header). */
export function renderSpeech(voice: SpeechVoice, text: string): SpeechAsset {
  mkdirSync(CACHE_DIR, { recursive: true });
  const key = createHash('sha256').update(JSON.stringify([VOICES[voice], text])).digest('hex').slice(0, 16);
  const wavPath = join(CACHE_DIR, `${voice}-${key}.wav`);
  if (!existsSync(wavPath)) {
    const raw = join(CACHE_DIR, `${voice}-${key}.${process.pid}.espeak.wav`);
    const converted = join(CACHE_DIR, `${voice}-${key}.${process.pid}.wav`);
    run('espeak-ng', [...VOICES[voice], '-w', raw, text]);
    run('sox', [raw, '-r', String(SPEECH_SAMPLE_RATE_HZ), '-c', '1', '-b', '16', '-e', 'signed-integer', converted]);
    // Renamed into place whole, so a concurrent test never reads a half-written file.
    renameSync(converted, wavPath);
  }
  const samples = readPcm16Mono(wavPath);
  return { voice, text, wavPath, samples, durationMs: (samples.length / SPEECH_SAMPLE_RATE_HZ) * 1000, onsetMs: onsetMs(samples) };
}

/** Several lines by one voice, in order. */
export function renderLines(voice: SpeechVoice, lines: readonly string[]): SpeechAsset[] {
  return lines.map((line) => renderSpeech(voice, line));
}

/**
 * The same line at another loudness: scaled so its speech (the 10 ms windows above the onset
 * threshold) has an RMS of `speechRmsDbfs`. Cached like the render.
 */
export function atLevel(asset: SpeechAsset, speechRmsDbfs: number): SpeechAsset {
  const gain = 10 ** ((speechRmsDbfs - speechLevelDbfs(asset.samples)) / 20);
  const samples = new Int16Array(asset.samples.length);
  for (let index = 0; index < samples.length; index++) samples[index] = Math.max(-32768, Math.min(32767, Math.round(asset.samples[index]! * gain)));
  const wavPath = asset.wavPath.replace(/\.wav$/, `.at${Math.round(speechRmsDbfs * 10)}.wav`);
  if (!existsSync(wavPath)) {
    const partial = `${wavPath}.${process.pid}`;
    writeFileSync(partial, encodeWavPcm16(SPEECH_SAMPLE_RATE_HZ, 1, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)));
    renameSync(partial, wavPath);
  }
  return { ...asset, wavPath, samples };
}

/** RMS of the speech in `samples` (10 ms windows above the onset threshold), dBFS. */
export function speechLevelDbfs(samples: Int16Array): number {
  const threshold = 32768 * 10 ** (ONSET_THRESHOLD_DBFS / 20);
  let sum = 0;
  let count = 0;
  for (let start = 0; start + ONSET_WINDOW_SAMPLES <= samples.length; start += ONSET_WINDOW_SAMPLES) {
    let windowSum = 0;
    for (let index = start; index < start + ONSET_WINDOW_SAMPLES; index++) windowSum += samples[index]! * samples[index]!;
    if (Math.sqrt(windowSum / ONSET_WINDOW_SAMPLES) < threshold) continue;
    sum += windowSum;
    count += ONSET_WINDOW_SAMPLES;
  }
  return count === 0 ? -Infinity : 10 * Math.log10(sum / count / (32768 * 32768));
}

function readPcm16Mono(wavPath: string): Int16Array {
  const wav = parseWav(readFileSync(wavPath));
  if (wav.sampleRate !== SPEECH_SAMPLE_RATE_HZ || wav.channels !== 1) {
    throw new Error(`${wavPath}: expected ${SPEECH_SAMPLE_RATE_HZ} Hz mono, got ${wav.sampleRate} Hz × ${wav.channels}`);
  }
  const samples = new Int16Array(wav.frameCount);
  for (let index = 0; index < samples.length; index++) samples[index] = Math.max(-32768, Math.min(32767, Math.round(wav.samples[index]! * 32768)));
  return samples;
}

function onsetMs(samples: Int16Array): number {
  const threshold = 32768 * 10 ** (ONSET_THRESHOLD_DBFS / 20);
  for (let start = 0; start + ONSET_WINDOW_SAMPLES <= samples.length; start += ONSET_WINDOW_SAMPLES) {
    let sum = 0;
    for (let index = start; index < start + ONSET_WINDOW_SAMPLES; index++) sum += samples[index]! * samples[index]!;
    if (Math.sqrt(sum / ONSET_WINDOW_SAMPLES) >= threshold) return (start / SPEECH_SAMPLE_RATE_HZ) * 1000;
  }
  return 0;
}

function run(command: string, args: readonly string[]): void {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout || `exit ${result.status}`}`);
}
