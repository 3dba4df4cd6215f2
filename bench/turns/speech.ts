/**
 * What the benchmark's user says, and what its assistant sounds like.
 *
 * The user: short questions spoken by espeak-ng (test/support/speech-assets.ts renders and caches
 * them), then cut so each utterance ends crisply: at the end of its last loud 10 ms window, with a
 * 2 ms fade and nothing after. A soft trailing phoneme would make "the end of speech" a matter of
 * threshold (the mock server's VAD and the microphone monitor would disagree by tens of ms); with
 * the cut, both see the last sample above -40 dBFS within the 2 ms fade.
 *
 * The assistant: a steady tone at -12 dBFS, so its first sample at the speaker is unambiguous.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWavPcm16 } from '../../src-main/core/audio/wav';
import { renderSpeech, SPEECH_SAMPLE_RATE_HZ } from '../../test/support/speech-assets';

/** A sample at or above this magnitude is sound (-40 dBFS); the monitors and the mock VAD share it. */
export const LOUD_SAMPLE = Math.round(32768 * 10 ** (-40 / 20));
/** The cut lands at the end of the last 10 ms window at least this loud (RMS, dBFS). */
const CUT_WINDOW_DBFS = -30;
const WINDOW_SAMPLES = SPEECH_SAMPLE_RATE_HZ / 100;
const FADE_SAMPLES = (SPEECH_SAMPLE_RATE_HZ * 2) / 1000;

export const ANSWER_TONE_HZ = 700;
const ANSWER_TONE_AMPLITUDE = 0.25;

const SPOKEN_LINES = [
  'What is the weather like in Lisbon today',
  'Remind me what time the meeting starts',
  'How long does it take to boil an egg',
  'Read me the first line of the report',
  'What is the capital of Australia',
  'Turn the music down a little please',
  'How many days are left in this month',
  'Tell me a short fact about octopuses',
] as const;

const HANDOFF_LINES = [
  'Find the failing test in the project and fix it',
  'Check which open issues mention the audio device',
  'Summarize the changes made in the last week',
  'Look up the release notes of the latest version',
] as const;

export interface Utterance {
  readonly text: string;
  /** A 24 kHz mono PCM16 WAV of the cut utterance (for paplay into the microphone sink). */
  readonly wavPath: string;
  readonly samples: Int16Array;
  /** First sample at or above LOUD_SAMPLE. */
  readonly onsetIndex: number;
  /** One past the last sample at or above LOUD_SAMPLE: the end of speech. */
  readonly endIndex: number;
  readonly speechMs: number;
}

export interface UtteranceSet {
  readonly spoken: readonly Utterance[];
  readonly handoff: readonly Utterance[];
  readonly dir: string;
  /** Removes the cut WAV files (the espeak-ng renders stay in their shared cache). */
  dispose(): void;
}

export function prepareUtterances(): UtteranceSet {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-turns-'));
  try {
    const make = (text: string, index: number, prefix: string) => cutUtterance(text, join(dir, `${prefix}-${index}.wav`));
    return {
      spoken: SPOKEN_LINES.map((text, index) => make(text, index, 'spoken')),
      handoff: HANDOFF_LINES.map((text, index) => make(text, index, 'handoff')),
      dir,
      dispose: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

function cutUtterance(text: string, wavPath: string): Utterance {
  const { samples: rendered } = renderSpeech('person', text);
  const threshold = 32768 * 10 ** (CUT_WINDOW_DBFS / 20);
  let cut = -1;
  for (let start = 0; start + WINDOW_SAMPLES <= rendered.length; start += WINDOW_SAMPLES) {
    let sum = 0;
    for (let index = start; index < start + WINDOW_SAMPLES; index++) sum += rendered[index]! * rendered[index]!;
    if (Math.sqrt(sum / WINDOW_SAMPLES) >= threshold) cut = start + WINDOW_SAMPLES;
  }
  if (cut === -1) throw new Error(`espeak-ng rendered "${text}" without a window above ${CUT_WINDOW_DBFS} dBFS`);
  const samples = rendered.slice(0, cut);
  for (let index = 0; index < FADE_SAMPLES; index++) {
    const at = cut - FADE_SAMPLES + index;
    samples[at] = Math.round(samples[at]! * (1 - (index + 1) / FADE_SAMPLES));
  }
  const onsetIndex = samples.findIndex((value) => Math.abs(value) >= LOUD_SAMPLE);
  let endIndex = samples.length;
  while (endIndex > 0 && Math.abs(samples[endIndex - 1]!) < LOUD_SAMPLE) endIndex--;
  writeFileSync(wavPath, encodeWavPcm16(SPEECH_SAMPLE_RATE_HZ, 1, new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)));
  return { text, wavPath, samples, onsetIndex, endIndex, speechMs: ((endIndex - onsetIndex) / SPEECH_SAMPLE_RATE_HZ) * 1000 };
}

/** A continuous tone, chunk by chunk: `next(samples)` gives PCM16 LE base64 carrying on the phase. */
export function answerTone(sampleRate = 24_000): { next(samples: number): string } {
  let phase = 0;
  const step = (2 * Math.PI * ANSWER_TONE_HZ) / sampleRate;
  const amplitude = Math.round(ANSWER_TONE_AMPLITUDE * 32767);
  return {
    next(samples) {
      const buffer = Buffer.alloc(samples * 2);
      for (let index = 0; index < samples; index++) {
        buffer.writeInt16LE(Math.round(amplitude * Math.sin(phase)), index * 2);
        phase += step;
      }
      phase %= 2 * Math.PI;
      return buffer.toString('base64');
    },
  };
}
