// Measures how long the speaker's sound takes from the reference feed to the microphone's frames,
// as the echo canceller sees it: in 10 ms frames of its own call sequence. Needed because on
// PulseAudio that delay changes with every stream opening (100 to 550 ms measured here: the output
// buffer fills at the start, so the pump runs ahead of playout by its depth) and naudiodon reports
// no latency, while AEC3 searches only about 0-500 ms and does not align by the delay hint.
//
// Method: the log energy of every reference frame (as fed) and every raw capture frame (before
// the canceller) is kept for a few seconds; every INTERVAL the lag whose envelopes correlate best
// (Pearson, 0 to MAX_DELAY) is a candidate. A candidate counts only when the reference was active,
// the peak is high and stands clear of every lag more than EXCLUSION away, and the next
// evaluation agrees with it. No allocation per frame.
import { ECHO_CANCELLER_FRAME_MS } from '../echo-canceller/echo-canceller';

const FULL_SCALE_SQUARED = 32_768 * 32_768;
/** Frames quieter than this are floored: the envelope's shape, not the noise floor's, decides. */
const FLOOR_DBFS = -80;
/** A reference frame louder than this is sound the microphone may hear. */
const ACTIVE_REFERENCE_DBFS = -50;

export const ECHO_DELAY_MAX_MS = 1_000;
const WINDOW_MS = 3_000;
/** Often enough to follow a new stream within a second or so; one evaluation costs ~100 µs. */
const INTERVAL_MS = 250;
/** At least this much active reference in the window: less says nothing about the lag. */
const MIN_ACTIVE_REFERENCE_MS = 400;
/** Pairs a lag needs to be judged at all. */
const MIN_PAIRS = 150;
/** The envelopes must follow each other closely at the peak... */
const MIN_PEAK_CORRELATION = 0.8;
/** ...and clearly better than at any lag further than EXCLUSION_MS away (a syllable off, a different event). */
const MIN_PEAK_MARGIN = 0.2;
const EXCLUSION_MS = 60;
/** Two candidates this close in a row make an estimate. */
const CONFIRM_TOLERANCE_MS = 20;
/** The capture envelope must move (variance in dB²): a flat noise floor correlates with anything by chance. */
const MIN_ENVELOPE_VARIANCE_DB2 = 4;

/** Log energy of a 10 ms frame, dBFS, floored. */
export function frameLevelDbfs(frame: Int16Array): number {
  let sum = 0;
  for (let index = 0; index < frame.length; index++) {
    const value = frame[index]!;
    sum += value * value;
  }
  const level = 10 * Math.log10(sum / (frame.length * FULL_SCALE_SQUARED) + 1e-12);
  return level < FLOOR_DBFS ? FLOOR_DBFS : level;
}

/** The last evaluation, for diagnostics and tests. */
export interface DelayEvaluation {
  /** The best lag, ms (undefined when the window said nothing). */
  readonly lagMs: number | undefined;
  readonly peak: number;
  /** Peak minus the best correlation more than EXCLUSION_MS away. */
  readonly margin: number;
}

export class EchoDelayEstimator {
  private readonly maxLagFrames = ECHO_DELAY_MAX_MS / ECHO_CANCELLER_FRAME_MS;
  private readonly windowFrames = WINDOW_MS / ECHO_CANCELLER_FRAME_MS;
  private readonly intervalFrames = INTERVAL_MS / ECHO_CANCELLER_FRAME_MS;
  private readonly exclusionFrames = EXCLUSION_MS / ECHO_CANCELLER_FRAME_MS;
  /** Room for the window plus the longest lag, and slack for the two sides' bursts. */
  private readonly referenceSize = this.windowFrames + this.maxLagFrames + 64;
  private readonly referenceLevels = new Float32Array(this.referenceSize);
  private readonly captureLevels = new Float32Array(this.windowFrames);
  /** For each capture frame: how many reference frames had been fed when it arrived. */
  private readonly captureReferenceCount = new Float64Array(this.windowFrames);
  private readonly correlations = new Float64Array(this.maxLagFrames + 1);
  /** The rings laid out oldest first for one evaluation: no modulo in the inner loop. */
  private readonly windowLevels = new Float32Array(this.windowFrames);
  private readonly windowReference = new Float64Array(this.windowFrames);
  private readonly referenceInOrder = new Float32Array(this.referenceSize);
  private referenceCount = 0;
  private captureCount = 0;
  private sinceEvaluation = 0;
  private candidateFrames: number | undefined;
  private acceptedFrames: number | undefined;
  private last: DelayEvaluation = { lagMs: undefined, peak: 0, margin: 0 };

  /** The confirmed delay, ms: a reference frame's echo reaches capture this long after it was fed. */
  get delayMs(): number | undefined {
    return this.acceptedFrames === undefined ? undefined : this.acceptedFrames * ECHO_CANCELLER_FRAME_MS;
  }

  get lastEvaluation(): DelayEvaluation {
    return this.last;
  }

  /** A reference frame as fed (before any delay line). */
  addReference(frame: Int16Array): void {
    this.referenceLevels[this.referenceCount % this.referenceSize] = frameLevelDbfs(frame);
    this.referenceCount++;
  }

  /** A raw capture frame (before the canceller). True when it made a new or changed estimate. */
  addCapture(frame: Int16Array): boolean {
    const slot = this.captureCount % this.windowFrames;
    this.captureLevels[slot] = frameLevelDbfs(frame);
    this.captureReferenceCount[slot] = this.referenceCount;
    this.captureCount++;
    if (++this.sinceEvaluation < this.intervalFrames) return false;
    this.sinceEvaluation = 0;
    return this.evaluate();
  }

  /** The streams restarted: what was measured no longer holds. */
  reset(): void {
    this.referenceCount = 0;
    this.captureCount = 0;
    this.sinceEvaluation = 0;
    this.candidateFrames = undefined;
    this.acceptedFrames = undefined;
    this.last = { lagMs: undefined, peak: 0, margin: 0 };
  }

  private evaluate(): boolean {
    const lag = this.bestLag();
    if (lag === undefined) {
      this.candidateFrames = undefined;
      return false;
    }
    const candidate = this.candidateFrames;
    this.candidateFrames = lag;
    if (candidate === undefined || Math.abs(candidate - lag) * ECHO_CANCELLER_FRAME_MS > CONFIRM_TOLERANCE_MS) return false;
    if (lag === this.acceptedFrames) return false;
    this.acceptedFrames = lag;
    return true;
  }

  /** The clear best lag in frames, or undefined. Records the evaluation. */
  private bestLag(): number | undefined {
    this.last = { lagMs: undefined, peak: 0, margin: 0 };
    const frames = Math.min(this.captureCount, this.windowFrames);
    const oldestReference = Math.max(0, this.referenceCount - this.referenceSize);
    if (!this.referenceActive(oldestReference)) return undefined;
    this.layOut(frames, oldestReference);
    const correlations = this.correlations;
    let best = -1;
    let bestLag = -1;
    for (let lag = 0; lag <= this.maxLagFrames; lag++) {
      correlations[lag] = this.correlationAt(lag, frames, oldestReference);
      if (correlations[lag]! > best) {
        best = correlations[lag]!;
        bestLag = lag;
      }
    }
    if (bestLag < 0) return undefined;
    let runnerUp = -1;
    for (let lag = 0; lag <= this.maxLagFrames; lag++) {
      if (Math.abs(lag - bestLag) > this.exclusionFrames && correlations[lag]! > runnerUp) runnerUp = correlations[lag]!;
    }
    this.last = { lagMs: bestLag * ECHO_CANCELLER_FRAME_MS, peak: best, margin: best - runnerUp };
    return best >= MIN_PEAK_CORRELATION && best - runnerUp >= MIN_PEAK_MARGIN ? bestLag : undefined;
  }

  private referenceActive(oldestReference: number): boolean {
    const from = Math.max(oldestReference, this.referenceCount - this.windowFrames);
    let active = 0;
    for (let index = from; index < this.referenceCount; index++) {
      if (this.referenceLevels[index % this.referenceSize]! > ACTIVE_REFERENCE_DBFS) active++;
    }
    return active * ECHO_CANCELLER_FRAME_MS >= MIN_ACTIVE_REFERENCE_MS;
  }

  private layOut(frames: number, oldestReference: number): void {
    for (let index = 0; index < frames; index++) {
      const slot = (this.captureCount - frames + index) % this.windowFrames;
      this.windowLevels[index] = this.captureLevels[slot]!;
      this.windowReference[index] = this.captureReferenceCount[slot]! - 1 - oldestReference;
    }
    for (let index = oldestReference; index < this.referenceCount; index++) {
      this.referenceInOrder[index - oldestReference] = this.referenceLevels[index % this.referenceSize]!;
    }
  }

  /** Pearson correlation of capture frame c with reference frame (count at c) − 1 − lag; −1 when not judgeable. */
  private correlationAt(lag: number, frames: number, oldestReference: number): number {
    const levels = this.windowLevels;
    const references = this.windowReference;
    const inOrder = this.referenceInOrder;
    let n = 0;
    let sumX = 0;
    let sumY = 0;
    let sumXX = 0;
    let sumYY = 0;
    let sumXY = 0;
    for (let index = 0; index < frames; index++) {
      // Relative to the oldest reference frame still kept.
      const reference = references[index]! - lag;
      let y: number;
      if (reference >= 0) y = inOrder[reference]!;
      // Before the first reference frame the speaker was silent (the reference starts with the
      // output stream): that silence is information, it tells a late echo from an early one.
      else if (reference + oldestReference < 0) y = FLOOR_DBFS;
      else continue;
      const x = levels[index]!;
      n++;
      sumX += x;
      sumY += y;
      sumXX += x * x;
      sumYY += y * y;
      sumXY += x * y;
    }
    if (n < MIN_PAIRS) return -1;
    const varianceX = sumXX / n - (sumX / n) ** 2;
    const varianceY = sumYY / n - (sumY / n) ** 2;
    if (varianceX < MIN_ENVELOPE_VARIANCE_DB2 || varianceY < MIN_ENVELOPE_VARIANCE_DB2) return -1;
    return (sumXY / n - (sumX / n) * (sumY / n)) / Math.sqrt(varianceX * varianceY);
  }
}
