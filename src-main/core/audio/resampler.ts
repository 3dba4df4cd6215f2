/**
 * Band-limited sample-rate conversion: a Kaiser-windowed sinc evaluated through a precomputed
 * polyphase table, mono Float32 in and out.
 *
 * Output sample j sits exactly at input time j * inputRate / outputRate (no added delay): its value
 * is the sum of the `tapsPerPhase` input samples around that time, weighted by the table row for
 * the fractional part. Input before the start is silence; `flush()` feeds silence past the end so
 * the last outputs (all those whose time is inside the input) come out. Whole-buffer conversion of
 * n samples therefore yields ceil(n * outputRate / inputRate) samples, and chunked conversion gives
 * bit-identical results because each output reads the same inputs in the same order.
 *
 * Filter: cutoff midway through a transition band that ends at the lower of the two Nyquist
 * frequencies (passband flat to 85 % of it), designed for 80 dB of stopband attenuation, so
 * nothing above the new Nyquist folds back audibly. Taps grow with the downsampling ratio.
 */

/** Stopband attenuation the Kaiser design aims for. */
export const RESAMPLER_STOPBAND_DB = 80;
/** Width of the transition band as a fraction of the lower Nyquist frequency; it ends at Nyquist. */
const TRANSITION_FRACTION_OF_NYQUIST = 0.15;
/** Above this many phases the table is sampled at this resolution and rows are interpolated. */
const MAX_EXACT_PHASES = 1024;
/** A filter longer than this per output sample means an absurd ratio, not a real device. */
const MAX_TAPS_PER_PHASE = 4096;

function greatestCommonDivisor(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for β ≤ 20). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const quarterSquare = (x * x) / 4;
  for (let k = 1; k < 64; k++) {
    term *= quarterSquare / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

function kaiserBeta(attenuationDb: number): number {
  if (attenuationDb > 50) return 0.1102 * (attenuationDb - 8.7);
  if (attenuationDb >= 21) return 0.5842 * (attenuationDb - 21) ** 0.4 + 0.07886 * (attenuationDb - 21);
  return 0;
}

export interface ResamplerDesign {
  readonly inputRate: number;
  readonly outputRate: number;
  /** Input samples read per output sample. */
  readonly tapsPerPhase: number;
  /** Rows in the coefficient table. */
  readonly phases: number;
  /** True when the exact phase count was too large and rows are linearly interpolated. */
  readonly interpolatedPhases: boolean;
  /** -6 dB point of the filter, in Hz. */
  readonly cutoffHz: number;
}

interface FilterTable {
  readonly design: ResamplerDesign;
  /** `phases + 1` rows of `tapsPerPhase` coefficients (the extra row lets interpolation read r + 1). */
  readonly coefficients: Float32Array;
  /** Output time step in input samples, as the fraction step / denominator. */
  readonly step: number;
  readonly denominator: number;
}

function assertRate(name: string, rate: number): void {
  if (!Number.isInteger(rate) || rate <= 0) throw new RangeError(`Resampler: ${name} must be a positive integer in Hz, got ${rate}`);
}

function designFilter(inputRate: number, outputRate: number): FilterTable {
  const divisor = greatestCommonDivisor(inputRate, outputRate);
  const denominator = outputRate / divisor; // L: output samples per `step` input samples
  const step = inputRate / divisor; // M
  const lowerNyquist = Math.min(inputRate, outputRate) / 2;
  const transitionHz = TRANSITION_FRACTION_OF_NYQUIST * lowerNyquist;
  const cutoffHz = lowerNyquist - transitionHz / 2;
  // Kaiser's length estimate, counted in input samples.
  const transitionRadians = (2 * Math.PI * transitionHz) / inputRate;
  const length = Math.ceil((RESAMPLER_STOPBAND_DB - 7.95) / (2.285 * transitionRadians));
  const tapsPerPhase = Math.max(2, length + (length & 1));
  if (tapsPerPhase > MAX_TAPS_PER_PHASE) {
    throw new RangeError(`Resampler: ${inputRate} Hz → ${outputRate} Hz needs ${tapsPerPhase} taps per sample; the ratio is too large`);
  }
  const interpolatedPhases = denominator > MAX_EXACT_PHASES;
  const phases = interpolatedPhases ? MAX_EXACT_PHASES : denominator;

  const beta = kaiserBeta(RESAMPLER_STOPBAND_DB);
  const windowNorm = besselI0(beta);
  const halfWidth = tapsPerPhase / 2;
  const sincScale = (2 * cutoffHz) / inputRate; // also the gain that keeps DC at unity
  const coefficients = new Float32Array((phases + 1) * tapsPerPhase);
  for (let row = 0; row <= phases; row++) {
    const fraction = row / phases;
    const base = row * tapsPerPhase;
    let sum = 0;
    for (let tap = 0; tap < tapsPerPhase; tap++) {
      // Distance in input samples from the output instant to the input sample this tap reads.
      const distance = fraction + halfWidth - 1 - tap;
      const ratio = distance / halfWidth;
      const window = ratio * ratio >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - ratio * ratio)) / windowNorm;
      const argument = Math.PI * sincScale * distance;
      const sinc = argument === 0 ? 1 : Math.sin(argument) / argument;
      const value = sincScale * sinc * window;
      coefficients[base + tap] = value;
      sum += value;
    }
    // Windowing leaves each phase's DC gain a hair off 1; normalise so a constant stays constant.
    for (let tap = 0; tap < tapsPerPhase; tap++) coefficients[base + tap] = (coefficients[base + tap] ?? 0) / sum;
  }
  return {
    design: { inputRate, outputRate, tapsPerPhase, phases, interpolatedPhases, cutoffHz },
    coefficients,
    step,
    denominator,
  };
}

/**
 * Streaming converter: feed chunks of any size to `process`, then call `flush` once at the end.
 * Concatenated outputs equal `resample(whole input)`. Allocation happens per chunk (the output
 * array, occasionally a larger history buffer), never per sample.
 */
export class Resampler {
  readonly inputRate: number;
  readonly outputRate: number;
  readonly design: ResamplerDesign | undefined;
  private readonly table: FilterTable | undefined;
  /** Input history; history[0] is absolute input index `historyStart` (negative = leading silence). */
  private history: Float32Array;
  private historyStart: number;
  private historyLength: number;
  /** Next output's input time = nextIndex + nextPhase / denominator. */
  private nextIndex = 0;
  private nextPhase = 0;
  private inputCount = 0;
  private flushed = false;

  constructor(inputRate: number, outputRate: number) {
    assertRate('inputRate', inputRate);
    assertRate('outputRate', outputRate);
    this.inputRate = inputRate;
    this.outputRate = outputRate;
    this.table = inputRate === outputRate ? undefined : designFilter(inputRate, outputRate);
    this.design = this.table?.design;
    const lead = this.table ? this.table.design.tapsPerPhase / 2 - 1 : 0;
    this.history = new Float32Array(Math.max(1024, lead * 4));
    this.historyStart = -lead;
    this.historyLength = lead;
  }

  /** Converts the next chunk; returns the output samples that are now fully determined. */
  process(input: Float32Array): Float32Array {
    if (this.flushed) throw new Error('Resampler.process after flush(): create a new Resampler (or call reset()) for a new stream');
    if (!this.table) return input.slice();
    this.append(input, input.length);
    this.inputCount += input.length;
    return this.drain(false);
  }

  /** Ends the stream: emits the outputs that needed input past the end (treated as silence). */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0);
    this.flushed = true;
    if (!this.table) return new Float32Array(0);
    const tail = this.table.design.tapsPerPhase / 2;
    this.append(undefined, tail);
    return this.drain(true);
  }

  /** Forgets all input so the instance can convert an unrelated stream. */
  reset(): void {
    const lead = this.table ? this.table.design.tapsPerPhase / 2 - 1 : 0;
    this.history.fill(0, 0, lead);
    this.historyStart = -lead;
    this.historyLength = lead;
    this.nextIndex = 0;
    this.nextPhase = 0;
    this.inputCount = 0;
    this.flushed = false;
  }

  /** Appends `count` samples from `input`, or silence when `input` is undefined. */
  private append(input: Float32Array | undefined, count: number): void {
    const needed = this.historyLength + count;
    if (needed > this.history.length) {
      const grown = new Float32Array(Math.max(needed, this.history.length * 2));
      grown.set(this.history.subarray(0, this.historyLength));
      this.history = grown;
    }
    if (input) this.history.set(input.subarray(0, count), this.historyLength);
    else this.history.fill(0, this.historyLength, needed);
    this.historyLength = needed;
  }

  private drain(final: boolean): Float32Array {
    const table = this.table!;
    const { tapsPerPhase, phases, interpolatedPhases } = table.design;
    const { coefficients, step, denominator } = table;
    const halfTaps = tapsPerPhase / 2;
    const history = this.history;
    const availableEnd = this.historyStart + this.historyLength; // exclusive absolute index
    // Output with integer time i needs inputs up to i + halfTaps; on flush only times inside the input count.
    const lastIndex = final ? Math.min(availableEnd - 1 - halfTaps, this.inputCount - 1) : availableEnd - 1 - halfTaps;

    let index = this.nextIndex;
    let phase = this.nextPhase;
    let count = 0;
    if (index <= lastIndex) {
      // Outputs strictly before input time lastIndex + 1, counted with exact integer arithmetic.
      const endNumerator = (lastIndex + 1) * denominator;
      const startNumerator = index * denominator + phase;
      count = Math.ceil((endNumerator - startNumerator) / step);
    }
    const output = new Float32Array(count);
    const phaseScale = phases / denominator;
    for (let out = 0; out < count; out++) {
      const first = index - halfTaps + 1 - this.historyStart;
      let acc = 0;
      if (interpolatedPhases) {
        const position = phase * phaseScale;
        const row = Math.floor(position);
        const weight = position - row;
        const rowA = row * tapsPerPhase;
        const rowB = rowA + tapsPerPhase;
        for (let tap = 0; tap < tapsPerPhase; tap++) {
          const a = coefficients[rowA + tap]!;
          const b = coefficients[rowB + tap]!;
          acc += history[first + tap]! * (a + (b - a) * weight);
        }
      } else {
        const row = phase * tapsPerPhase;
        for (let tap = 0; tap < tapsPerPhase; tap++) acc += history[first + tap]! * coefficients[row + tap]!;
      }
      output[out] = acc;
      phase += step;
      if (phase >= denominator) {
        index += Math.floor(phase / denominator);
        phase %= denominator;
      }
    }
    this.nextIndex = index;
    this.nextPhase = phase;

    // Drop history no future output can read (the next output reads from index - halfTaps + 1).
    const keepFrom = Math.min(index - halfTaps + 1, availableEnd) - this.historyStart;
    if (keepFrom > 0) {
      history.copyWithin(0, keepFrom, this.historyLength);
      this.historyLength -= keepFrom;
      this.historyStart += keepFrom;
    }
    return output;
  }
}

/** Whole-buffer conversion of a mono signal; returns a copy when the rates are equal. */
export function resample(input: Float32Array, inputRate: number, outputRate: number): Float32Array {
  const resampler = new Resampler(inputRate, outputRate);
  const body = resampler.process(input);
  const tail = resampler.flush();
  if (tail.length === 0) return body;
  const output = new Float32Array(body.length + tail.length);
  output.set(body, 0);
  output.set(tail, body.length);
  return output;
}

/** Averages interleaved channels into one (mono input is copied). */
export function downmixToMono(interleaved: Float32Array, channels: number): Float32Array {
  if (!Number.isInteger(channels) || channels <= 0) throw new RangeError(`downmixToMono: channels must be a positive integer, got ${channels}`);
  if (channels === 1) return interleaved.slice();
  const frames = Math.floor(interleaved.length / channels);
  const mono = new Float32Array(frames);
  const scale = 1 / channels;
  for (let frame = 0, base = 0; frame < frames; frame++, base += channels) {
    let sum = 0;
    for (let channel = 0; channel < channels; channel++) sum += interleaved[base + channel]!;
    mono[frame] = sum * scale;
  }
  return mono;
}
