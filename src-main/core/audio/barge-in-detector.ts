import { DEFAULT_MIN_BARGE_IN_MS, isMinBargeInMs, MIN_BARGE_IN_PROBLEM } from '../../../src-shared/echo-cancellation';
import { VoiceActivityDetector, type VoiceActivityOptions } from './voice-activity';

/**
 * Barge-in on the echo canceller's cleaned microphone signal: the user talking over the assistant
 * stops it, a cough or a short "mm-hm" does not, and the assistant's own residual echo never does.
 * Used in hands-free when a canceller runs (with the echo gate, see echo-gate.ts, frames that are
 * echo are silenced instead and this detector is not used).
 *
 * The rule, per 20 ms frame, with the default numbers:
 *  - The assistant is AUDIBLE while the speaker plays (a finite playback level) and for 250 ms
 *    after its last audible frame (output latency and the room's tail; the pauses between its
 *    words do not re-arm anything). A playback envelope follows the level with an instant attack
 *    and a 24 dB/s release, as the echo gate's does.
 *  - A frame is VOICED when the voice activity detector calls it voiced (12 dB over its noise
 *    floor, at least -60 dBFS) AND it is louder than the echo the canceller may have left:
 *    envelope - 30 dB once the canceller has heard 3 s of playback, envelope - 10 dB before (it is
 *    converging: AEC3 took 1-3 s on the PulseAudio room's loop). A converged canceller keeps its
 *    echo path across the silences between answers, so the next answer is held to the strict
 *    allowance from its first word (in the PulseAudio room the answers after a barge-in started
 *    with 51-88 dB removed in their first 1.5 s). Restarting the count for every answer was a
 *    cover for the audio process converting a whole answer on arrival: that stalled the speaker,
 *    moved the echo and cost 4-15 dB for seconds (playback-input-queue.ts); it made a person
 *    who interrupted in an answer's first 3 s wait up to 1.05 s for the barge-in.
 *    Measured with WebRTC AEC3 (noise suppression on unless said) on the
 *    synthetic room of test/adapters/audio/echo-canceller/synthetic-room.ts, assistant at
 *    -20 dBFS, residual per 20 ms frame against that envelope:
 *      coupling -10 / -6 dB, delay hint right, whole run:          ≤ -39.8 / -30.2 dB
 *      coupling -6 dB, noise suppression off:                       ≤ -29.8 dB
 *      coupling -6 dB, hint 40 ms off, first second / after it:     ≤ -16.2 / -28.5 dB
 *      coupling 0 dB (echo as loud as the playback), after 1 s:     ≤ -13.6 dB (single frames)
 *      echo 250 ms late with a 60 ms hint, after 1 s:               ≤ -23.9 dB
 *    The bare detector declared "speech" on that residual for up to 920 ms in the hard cases (its
 *    floor after noise suppression is near -80 dBFS, so any echo spike is 12 dB over it); the
 *    voiced-share rule below rejects those isolated spikes, and the level condition covers what
 *    that rule alone let through in a 64 s dialogue: one self-interruption on a distorted echo
 *    (laptop speaker driven into saturation, which no linear canceller removes). The cost: AEC3
 *    itself attenuates a person talking over loud echo for the first 100-300 ms of double talk
 *    (the person 10 dB under the playback), and the stricter the level, the later those frames
 *    count; -30 dB moved barge-ins 0-250 ms later than no level condition in that dialogue.
 *    Before convergence a person must be within 10 dB of the playback: the first 3 s of an
 *    answer is where the canceller's residual is least known.
 *  - The speech's ONSET is its first voiced frame (the detector declares speech 40 ms later, on
 *    the third; the onset is taken back to the first), so a barge-in lands minBargeInMs after the
 *    voice began, not 60 ms later.
 *  - BARGE-IN, once, on a voiced frame while the assistant is audible, when the speech has lasted
 *    minBargeInMs (250 ms by default) from its onset AND at least half of that time was voiced.
 *    The hangover of the detector (300 ms) bridges the pauses between words, so without the
 *    second condition a 100 ms cough, its 300 ms hangover and one stray frame would count as
 *    400 ms of speech; real speech is voiced for well over half of its first quarter second,
 *    residual echo spikes (single frames, hundreds of ms apart) are not.
 *  - Re-armed when the speech stops (the hangover ran out).
 *
 * Allocation-free per frame.
 */

export interface BargeInDetectorOptions {
  /** How long the user must speak over the assistant before it stops, ms (see isMinBargeInMs). */
  readonly minBargeInMs?: number;
  readonly voiceActivity?: VoiceActivityOptions;
  /** The echo a converged canceller may leave, relative to the playback envelope, dB. */
  readonly residualEchoDb?: number;
  /** The same while the canceller converges (its first `convergenceMs` of playback), dB. */
  readonly convergingResidualEchoDb?: number;
  /** Playback the canceller must hear before it counts as converged, ms. */
  readonly convergenceMs?: number;
  /** The echo a converged canceller may leave while it finds the echo again after a speaker underrun, dB. */
  readonly recoveringResidualEchoDb?: number;
  /** Playback after an underrun before the canceller counts as converged again, ms. */
  readonly underrunRecoveryMs?: number;
  /** The share of the time since onset that must be voiced before a barge-in (0 to 1). */
  readonly minVoicedShare?: number;
  /** Once speech has started, its frames count as voiced down to this far under the echo allowance, dB. */
  readonly continuationDb?: number;
}

export const RESIDUAL_ECHO_DB = -30;
export const CONVERGING_RESIDUAL_ECHO_DB = -10;
export const CANCELLER_CONVERGENCE_MS = 3_000;
/**
 * After a speaker underrun the reference is realigned within about 0.1-0.3 s, and AEC3 found the
 * echo again 0.5-1.5 s after the underrun in the PulseAudio room, removing 7-45 dB meanwhile:
 * for that long the allowance sits between the converged and the converging one. Replayed on
 * three 5-minute room recordings (16-41 underruns each): -15 dB let no echo barge in and no
 * person's barge-in go missing; -20 dB let the echo in once, -10 dB missed a person once.
 */
export const UNDERRUN_RECOVERY_MS = 1_500;
export const RECOVERING_RESIDUAL_ECHO_DB = -15;
export const MIN_VOICED_SHARE = 0.5;
/**
 * Speech starts only on frames over the echo allowance; once it has started (and the canceller is
 * converged), the quieter sounds of the same words (consonants, the dips between them, 20-30 dB
 * under the vowels) count down to this far under the allowance, as a VAD's release threshold sits
 * under its attack. Replayed on two 5-minute PulseAudio room recordings: 6 dB took three barge-ins
 * from 308-451 ms to 253-289 ms after the onset and let no echo barge in; 8-10 dB let the echo at
 * the start of an answer barge in once.
 */
export const SPEECH_CONTINUATION_DB = 6;
/** The assistant stays audible this long after its last playback frame (output latency, room tail). */
export const PLAYBACK_HANGOVER_MS = 250;
const ENVELOPE_RELEASE_DB_PER_MS = 24 / 1000;
/** A frame's duration when there is no previous frame to measure it from. */
const DEFAULT_FRAME_MS = 20;
/** Gaps longer than this (a stalled device) are not taken as elapsed frame time. */
const MAX_FRAME_STEP_MS = 100;

export class BargeInDetector {
  readonly minBargeInMs: number;
  private readonly vad: VoiceActivityDetector;
  private readonly residualEchoDb: number;
  private readonly convergingResidualEchoDb: number;
  private readonly convergenceMs: number;
  private readonly recoveringResidualEchoDb: number;
  private readonly underrunRecoveryMs: number;
  private readonly minVoicedShare: number;
  private readonly continuationDb: number;

  private envelopeDbfs = -Infinity;
  private lastPlaybackAtMs = -Infinity;
  private lastNowMs: number | undefined;
  /** Audible playback the canceller has heard since the detector started or was reset (its convergence). */
  private playbackHeardMs = 0;
  /** Playback left until the canceller counts as recovered from a speaker underrun. */
  private recoveryLeftMs = 0;
  /** Voiced time since the current speech's onset. */
  private voicedMs = 0;
  private fired = false;

  constructor(options: BargeInDetectorOptions = {}) {
    this.minBargeInMs = options.minBargeInMs ?? DEFAULT_MIN_BARGE_IN_MS;
    if (!isMinBargeInMs(this.minBargeInMs)) throw new RangeError(`BargeInDetector: minBargeInMs ${MIN_BARGE_IN_PROBLEM}; got ${String(this.minBargeInMs)}`);
    this.residualEchoDb = options.residualEchoDb ?? RESIDUAL_ECHO_DB;
    this.convergingResidualEchoDb = options.convergingResidualEchoDb ?? CONVERGING_RESIDUAL_ECHO_DB;
    this.convergenceMs = options.convergenceMs ?? CANCELLER_CONVERGENCE_MS;
    this.recoveringResidualEchoDb = options.recoveringResidualEchoDb ?? RECOVERING_RESIDUAL_ECHO_DB;
    this.underrunRecoveryMs = options.underrunRecoveryMs ?? UNDERRUN_RECOVERY_MS;
    this.minVoicedShare = options.minVoicedShare ?? MIN_VOICED_SHARE;
    this.continuationDb = options.continuationDb ?? SPEECH_CONTINUATION_DB;
    for (const [name, value] of [
      ['residualEchoDb', this.residualEchoDb],
      ['convergingResidualEchoDb', this.convergingResidualEchoDb],
      ['recoveringResidualEchoDb', this.recoveringResidualEchoDb],
      ['continuationDb', this.continuationDb],
    ] as const) {
      if (!Number.isFinite(value)) throw new RangeError(`BargeInDetector: ${name} must be a finite number of dB, got ${value}`);
    }
    if (!(this.convergenceMs >= 0)) throw new RangeError(`BargeInDetector: convergenceMs must be ≥ 0, got ${this.convergenceMs}`);
    if (!(this.underrunRecoveryMs >= 0)) throw new RangeError(`BargeInDetector: underrunRecoveryMs must be ≥ 0, got ${this.underrunRecoveryMs}`);
    if (!(this.continuationDb >= 0)) throw new RangeError(`BargeInDetector: continuationDb must be ≥ 0 dB, got ${this.continuationDb}`);
    if (!(this.minVoicedShare >= 0 && this.minVoicedShare <= 1)) throw new RangeError(`BargeInDetector: minVoicedShare must be from 0 to 1, got ${this.minVoicedShare}`);
    this.vad = new VoiceActivityDetector(options.voiceActivity);
  }

  /** The user is speaking (as far as the echo allows telling). */
  get speaking(): boolean {
    return this.vad.speaking;
  }

  /** The assistant is audible now (or its echo may still be in the room). */
  get assistantAudible(): boolean {
    return this.envelopeDbfs > -Infinity;
  }

  /**
   * One cleaned microphone frame: its level, the level the speaker plays now (-Infinity when
   * silent) and the frame's time on a monotonic clock. True on the one frame that barges in.
   */
  process(rmsDbfs: number, playbackRmsDbfs: number, nowMs: number): boolean {
    const stepMs = this.lastNowMs === undefined ? DEFAULT_FRAME_MS : Math.min(MAX_FRAME_STEP_MS, Math.max(0, nowMs - this.lastNowMs));
    this.lastNowMs = nowMs;
    this.trackPlayback(playbackRmsDbfs, nowMs, stepMs);

    const allowanceDb =
      this.playbackHeardMs < this.convergenceMs ? this.convergingResidualEchoDb : this.recoveryLeftMs > 0 ? this.recoveringResidualEchoDb : this.residualEchoDb;
    // Only past convergence: while the canceller converges or recovers, the echo left is too close to the allowance.
    const continuing = this.vad.speaking && allowanceDb === this.residualEchoDb ? this.continuationDb : 0;
    const activity = this.vad.process(rmsDbfs, nowMs, this.envelopeDbfs + allowanceDb - continuing);
    if (activity.stopped) this.fired = false;
    const onsetMs = this.vad.speechOnsetMs;
    if (!activity.speaking || onsetMs === undefined) {
      this.voicedMs = 0;
      return false;
    }
    // Every frame of the run that started speech was voiced: from the onset to this frame's end.
    if (activity.started) this.voicedMs = nowMs - onsetMs + stepMs;
    else if (this.vad.lastFrameVoiced) this.voicedMs += stepMs;

    if (this.fired || !this.vad.lastFrameVoiced || !this.assistantAudible) return false;
    const lastedMs = nowMs + stepMs - onsetMs;
    if (lastedMs < this.minBargeInMs || this.voicedMs < this.minVoicedShare * lastedMs) return false;
    this.fired = true;
    return true;
  }

  /** A new canceller took over: it converges afresh, so the loose allowance holds again for its first seconds. */
  restartConvergence(): void {
    this.playbackHeardMs = 0;
  }

  /**
   * The speaker ran dry and the canceller's reference was realigned: for the next
   * underrunRecoveryMs of playback the allowance is the recovering one.
   */
  recoverFromUnderrun(): void {
    this.recoveryLeftMs = this.underrunRecoveryMs;
  }

  /** Forgets speech and playback, and the canceller's convergence (a new protection, a new mode). */
  reset(): void {
    this.vad.reset();
    this.envelopeDbfs = -Infinity;
    this.lastPlaybackAtMs = -Infinity;
    this.lastNowMs = undefined;
    this.playbackHeardMs = 0;
    this.recoveryLeftMs = 0;
    this.voicedMs = 0;
    this.fired = false;
  }

  private trackPlayback(playbackRmsDbfs: number, nowMs: number, stepMs: number): void {
    let envelope = this.envelopeDbfs - ENVELOPE_RELEASE_DB_PER_MS * stepMs;
    const playing = playbackRmsDbfs > -Infinity;
    if (playing) {
      this.lastPlaybackAtMs = nowMs;
      if (playbackRmsDbfs > envelope) envelope = playbackRmsDbfs;
      this.playbackHeardMs += stepMs;
      this.recoveryLeftMs = Math.max(0, this.recoveryLeftMs - stepMs);
    } else if (nowMs - this.lastPlaybackAtMs >= PLAYBACK_HANGOVER_MS) {
      envelope = -Infinity;
    }
    this.envelopeDbfs = envelope;
  }
}
