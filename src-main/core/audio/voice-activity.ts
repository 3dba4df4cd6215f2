/**
 * A small energy voice activity detector over per-frame RMS levels, for local barge-in (v1 has no
 * server speech_started; hands-free with `localBargeIn`) and the UI's "you are speaking" state.
 *
 * Rule, with the default numbers:
 *  - Noise floor: adaptive. It starts at the first finite level, follows quieter frames quickly
 *    (40 ms time constant) and creeps up on louder ones slowly (3 dB per second, never past the
 *    frame's own level), so a fan switching on is learned within seconds while a sentence barely
 *    moves it. It stays within [-90, -20] dBFS. Non-finite levels (digital silence, frames the
 *    echo gate suppressed) do not move it.
 *  - A frame is voiced when its RMS exceeds floor + 12 dB and is at least -60 dBFS (so a floor
 *    learned from near-digital silence does not turn hiss into speech).
 *  - Speech STARTS on the 3rd consecutive voiced frame (60 ms: clicks and taps do not count) and
 *    STOPS once no frame has been voiced for 300 ms (the hangover bridges the pauses between
 *    words). `speechOnsetMs` is the time of the first of those voiced frames: the voice began
 *    there, 40 ms before speech was declared.
 *  - A caller may ask for more than the floor for one frame (`minVoicedDbfs`, e.g. the level the
 *    echo left after a canceller may reach): a quieter frame is not voiced, but still teaches the
 *    floor.
 *
 * Allocation-free per frame: results are shared frozen constants, safe to keep.
 */

export interface VoiceActivityOptions {
  /** How far above the noise floor a frame must be to count as voiced, dB. */
  readonly thresholdDb?: number;
  /** Consecutive voiced frames before speech starts. */
  readonly minSpeechFrames?: number;
  /** Unvoiced time after the last voiced frame before speech stops, ms. */
  readonly hangoverMs?: number;
  /** Voiced frames must also be at least this loud, dBFS. */
  readonly minSpeechDbfs?: number;
  /** How fast the floor rises towards louder frames, dB per second. */
  readonly floorRiseDbPerSecond?: number;
  /** Time constant with which the floor follows quieter frames, ms. */
  readonly floorFallTimeConstantMs?: number;
}

export const VAD_THRESHOLD_DB = 12;
export const VAD_MIN_SPEECH_FRAMES = 3;
export const VAD_HANGOVER_MS = 300;
export const VAD_MIN_SPEECH_DBFS = -60;
export const VAD_FLOOR_RISE_DB_PER_SECOND = 3;
export const VAD_FLOOR_FALL_TIME_CONSTANT_MS = 40;
export const VAD_FLOOR_MIN_DBFS = -90;
export const VAD_FLOOR_MAX_DBFS = -20;
/** Gaps longer than this (a stalled device) are not taken as time for the floor to drift. */
const MAX_FLOOR_STEP_MS = 100;

export interface VoiceActivity {
  /** Speech is in progress (including the hangover after the last voiced frame). */
  readonly speaking: boolean;
  /** This frame started speech. */
  readonly started: boolean;
  /** This frame ended speech (the hangover ran out). */
  readonly stopped: boolean;
}

const SILENT: VoiceActivity = Object.freeze({ speaking: false, started: false, stopped: false });
const STARTED: VoiceActivity = Object.freeze({ speaking: true, started: true, stopped: false });
const SPEAKING: VoiceActivity = Object.freeze({ speaking: true, started: false, stopped: false });
const STOPPED: VoiceActivity = Object.freeze({ speaking: false, started: false, stopped: true });

export class VoiceActivityDetector {
  readonly thresholdDb: number;
  readonly minSpeechFrames: number;
  readonly hangoverMs: number;
  readonly minSpeechDbfs: number;
  private readonly floorRiseDbPerMs: number;
  private readonly floorFallTimeConstantMs: number;

  private floorDbfs: number | undefined;
  private lastNowMs: number | undefined;
  private voicedRun = 0;
  /** When the current run of voiced frames began (its first frame's time). */
  private runStartedAtMs = -Infinity;
  private isSpeaking = false;
  private onsetMs: number | undefined;
  private lastVoicedAtMs = -Infinity;
  private wasVoiced = false;

  constructor(options: VoiceActivityOptions = {}) {
    this.thresholdDb = options.thresholdDb ?? VAD_THRESHOLD_DB;
    this.minSpeechFrames = options.minSpeechFrames ?? VAD_MIN_SPEECH_FRAMES;
    this.hangoverMs = options.hangoverMs ?? VAD_HANGOVER_MS;
    this.minSpeechDbfs = options.minSpeechDbfs ?? VAD_MIN_SPEECH_DBFS;
    const rise = options.floorRiseDbPerSecond ?? VAD_FLOOR_RISE_DB_PER_SECOND;
    this.floorFallTimeConstantMs = options.floorFallTimeConstantMs ?? VAD_FLOOR_FALL_TIME_CONSTANT_MS;
    if (!Number.isFinite(this.thresholdDb) || this.thresholdDb < 0) throw new RangeError(`VoiceActivityDetector: thresholdDb must be a finite dB value ≥ 0, got ${this.thresholdDb}`);
    if (!Number.isInteger(this.minSpeechFrames) || this.minSpeechFrames < 1) {
      throw new RangeError(`VoiceActivityDetector: minSpeechFrames must be a positive integer, got ${this.minSpeechFrames}`);
    }
    if (!(this.hangoverMs >= 0)) throw new RangeError(`VoiceActivityDetector: hangoverMs must be ≥ 0, got ${this.hangoverMs}`);
    if (!(rise >= 0)) throw new RangeError(`VoiceActivityDetector: floorRiseDbPerSecond must be ≥ 0, got ${rise}`);
    if (!(this.floorFallTimeConstantMs > 0)) {
      throw new RangeError(`VoiceActivityDetector: floorFallTimeConstantMs must be > 0, got ${this.floorFallTimeConstantMs}`);
    }
    this.floorRiseDbPerMs = rise / 1000;
  }

  /** When the last voiced frame was processed (-Infinity before any): a stop's speech ended there. */
  get lastVoicedMs(): number {
    return this.lastVoicedAtMs;
  }

  get speaking(): boolean {
    return this.isSpeaking;
  }

  /** The first voiced frame of the current speech, ms (undefined while not speaking). */
  get speechOnsetMs(): number | undefined {
    return this.onsetMs;
  }

  /** The last frame processed was voiced (above the floor, the threshold and any minimum asked). */
  get lastFrameVoiced(): boolean {
    return this.wasVoiced;
  }

  /** The adaptive noise floor, dBFS (undefined until a finite level has been seen). */
  get noiseFloorDbfs(): number | undefined {
    return this.floorDbfs;
  }

  /**
   * One frame's RMS level (dBFS; -Infinity for silence) at `nowMs` on a monotonic clock.
   * `minVoicedDbfs`: this frame is voiced only if it is also at least this loud.
   */
  process(rmsDbfs: number, nowMs: number, minVoicedDbfs = -Infinity): VoiceActivity {
    const stepMs = this.lastNowMs === undefined ? 0 : Math.min(MAX_FLOOR_STEP_MS, Math.max(0, nowMs - this.lastNowMs));
    this.lastNowMs = nowMs;

    // Voiced against the floor as it was before this frame, so a frame cannot mask itself.
    const floor = this.floorDbfs;
    const voiced = floor !== undefined && rmsDbfs > floor + this.thresholdDb && rmsDbfs >= this.minSpeechDbfs && rmsDbfs >= minVoicedDbfs;
    if (Number.isFinite(rmsDbfs)) this.floorDbfs = this.nextFloor(floor, rmsDbfs, stepMs);
    this.wasVoiced = voiced;

    if (voiced) {
      this.lastVoicedAtMs = nowMs;
      if (this.voicedRun === 0) this.runStartedAtMs = nowMs;
      if (this.voicedRun < this.minSpeechFrames) this.voicedRun++;
      if (!this.isSpeaking && this.voicedRun >= this.minSpeechFrames) {
        this.isSpeaking = true;
        this.onsetMs = this.runStartedAtMs;
        return STARTED;
      }
      return this.isSpeaking ? SPEAKING : SILENT;
    }
    this.voicedRun = 0;
    if (this.isSpeaking && nowMs - this.lastVoicedAtMs >= this.hangoverMs) {
      this.isSpeaking = false;
      this.onsetMs = undefined;
      return STOPPED;
    }
    return this.isSpeaking ? SPEAKING : SILENT;
  }

  /** Forgets speech state; the learned noise floor is kept unless `forgetFloor`. */
  reset(forgetFloor = false): void {
    this.voicedRun = 0;
    this.runStartedAtMs = -Infinity;
    this.isSpeaking = false;
    this.onsetMs = undefined;
    this.lastVoicedAtMs = -Infinity;
    this.wasVoiced = false;
    this.lastNowMs = undefined;
    if (forgetFloor) this.floorDbfs = undefined;
  }

  private nextFloor(floor: number | undefined, level: number, stepMs: number): number {
    let next: number;
    if (floor === undefined) next = level;
    else if (level < floor) next = floor + (level - floor) * (1 - Math.exp(-stepMs / this.floorFallTimeConstantMs));
    else next = Math.min(level, floor + this.floorRiseDbPerMs * stepMs);
    return next < VAD_FLOOR_MIN_DBFS ? VAD_FLOOR_MIN_DBFS : next > VAD_FLOOR_MAX_DBFS ? VAD_FLOOR_MAX_DBFS : next;
  }
}
