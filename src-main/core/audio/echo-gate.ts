/**
 * Playback-aware input gate: hands-free without headphones must not let the assistant hear (and
 * interrupt) itself through the speaker → microphone path. It is not an echo canceller (that slots
 * into CapturePipeline's `processor`); it only decides, per 20 ms frame, whether the mic frame may
 * reach the server.
 *
 * The rule, with the default numbers:
 *
 *  - The gate is ACTIVE while the assistant is audible: the speaker side reports the RMS of what it
 *    is playing for every frame (`playbackRmsDbfs`, -Infinity when nothing plays), and for a
 *    HANGOVER of 250 ms after the last audible playback frame, for the room's echo tail and the
 *    output device's latency.
 *  - The reference level is a peak-hold envelope of the playback RMS: it jumps up at once and
 *    falls at 24 dB per second (6 dB over the whole hangover; a real room tail dies much faster,
 *    RT60 ≈ 0.3–0.6 s ⇒ 100–200 dB/s, so this is on the safe side). The envelope also covers the
 *    gap between a loud syllable leaving the speaker and its echo reaching the mic.
 *  - Expected echo = envelope + COUPLING (-6 dB: worst-case speaker-to-mic coupling on a laptop,
 *    speaker and mic a few centimetres apart at full volume) + MARGIN (+6 dB), i.e. with the
 *    defaults the mic must be louder than the playback itself.
 *  - While active, a mic frame PASSES only if its RMS exceeds the expected echo AND that has held
 *    for at least 2 consecutive frames (40 ms): a click, a tap on the laptop or one loud echo frame
 *    does not open it. Speech onset therefore loses its first 20 ms frame while the assistant
 *    talks; nothing is lost when it does not.
 *  - While inactive every frame passes.
 *
 * Suppressed frames are ZEROED, not dropped. The realtime API's input buffer is a timeline: its
 * audio_start_ms / audio_end_ms and the truncation arithmetic assume the appended audio is the
 * wall-clock microphone stream, and server VAD measures end-of-turn silence by the audio it
 * receives. Dropping frames would shift that timeline by every suppressed stretch and stall the
 * server's silence timer; silence keeps both honest and sounds to server VAD like what it should
 * hear: nothing.
 *
 * `isUserTalkingOverPlayback` is true while the gate is active and open (the user is louder than
 * the echo for ≥ 40 ms); `bargeIn` in a decision is its rising edge, for v1-style local barge-in.
 *
 * Allocation-free per frame: decisions are shared frozen constants, safe to keep.
 */

export interface EchoGateOptions {
  /** Worst-case speaker-to-mic coupling, dB (negative: the echo is quieter than the playback). */
  readonly couplingDb?: number;
  /** How far above the expected echo the mic must be, dB. */
  readonly marginDb?: number;
  /** How long the gate stays active after the last audible playback frame, ms. */
  readonly hangoverMs?: number;
  /** Consecutive frames above the expected echo before a frame passes. */
  readonly minConsecutiveFrames?: number;
  /** How fast the playback reference envelope falls, dB per second. */
  readonly envelopeReleaseDbPerSecond?: number;
}

export const ECHO_COUPLING_DB = -6;
export const ECHO_MARGIN_DB = 6;
export const ECHO_HANGOVER_MS = 250;
export const ECHO_MIN_CONSECUTIVE_FRAMES = 2;
export const ECHO_ENVELOPE_RELEASE_DB_PER_SECOND = 24;

export interface EchoGateDecision {
  /** False: the frame is echo (or too short a burst) and must not reach the server as is. */
  readonly pass: boolean;
  /** The first frame of the user talking over the assistant: the moment for a local barge-in. */
  readonly bargeIn: boolean;
}

const PASS: EchoGateDecision = Object.freeze({ pass: true, bargeIn: false });
const PASS_BARGE_IN: EchoGateDecision = Object.freeze({ pass: true, bargeIn: true });
const SUPPRESS: EchoGateDecision = Object.freeze({ pass: false, bargeIn: false });

export class EchoGate {
  readonly couplingDb: number;
  readonly marginDb: number;
  readonly hangoverMs: number;
  readonly minConsecutiveFrames: number;
  private readonly releaseDbPerMs: number;
  /** couplingDb + marginDb: the threshold's offset from the playback envelope. */
  private readonly thresholdOffsetDb: number;

  private envelopeDbfs = -Infinity;
  private lastPlaybackAtMs = -Infinity;
  private lastNowMs: number | undefined;
  private framesAbove = 0;
  private talkingOver = false;

  constructor(options: EchoGateOptions = {}) {
    this.couplingDb = options.couplingDb ?? ECHO_COUPLING_DB;
    this.marginDb = options.marginDb ?? ECHO_MARGIN_DB;
    this.hangoverMs = options.hangoverMs ?? ECHO_HANGOVER_MS;
    this.minConsecutiveFrames = options.minConsecutiveFrames ?? ECHO_MIN_CONSECUTIVE_FRAMES;
    const release = options.envelopeReleaseDbPerSecond ?? ECHO_ENVELOPE_RELEASE_DB_PER_SECOND;
    for (const [name, value] of [
      ['couplingDb', this.couplingDb],
      ['marginDb', this.marginDb],
    ] as const) {
      if (!Number.isFinite(value)) throw new RangeError(`EchoGate: ${name} must be a finite number of dB, got ${value}`);
    }
    if (!(this.hangoverMs >= 0)) throw new RangeError(`EchoGate: hangoverMs must be ≥ 0, got ${this.hangoverMs}`);
    if (!Number.isInteger(this.minConsecutiveFrames) || this.minConsecutiveFrames < 1) {
      throw new RangeError(`EchoGate: minConsecutiveFrames must be a positive integer, got ${this.minConsecutiveFrames}`);
    }
    if (!(release >= 0)) throw new RangeError(`EchoGate: envelopeReleaseDbPerSecond must be ≥ 0, got ${release}`);
    this.releaseDbPerMs = release / 1000;
    this.thresholdOffsetDb = this.couplingDb + this.marginDb;
  }

  /** True while the assistant is audible or its echo may still be in the room. */
  get isActive(): boolean {
    return this.envelopeDbfs > -Infinity;
  }

  /** The user has been louder than the expected echo for ≥ minConsecutiveFrames while active. */
  get isUserTalkingOverPlayback(): boolean {
    return this.talkingOver;
  }

  /** The mic level a frame must exceed right now (-Infinity while inactive: everything passes). */
  get expectedEchoDbfs(): number {
    return this.envelopeDbfs + this.thresholdOffsetDb;
  }

  /**
   * Gates one frame in place: a suppressed frame is zeroed (see the file header for why it is
   * not dropped). `frameRmsDbfs` is the frame's own level, `playbackRmsDbfs` the level being
   * played now (-Infinity when silent), `nowMs` the frame's time on any monotonic clock.
   */
  process(frame: Int16Array, frameRmsDbfs: number, playbackRmsDbfs: number, nowMs: number): EchoGateDecision {
    const decision = this.decide(frameRmsDbfs, playbackRmsDbfs, nowMs);
    if (!decision.pass) frame.fill(0);
    return decision;
  }

  /** The same decision as `process` without touching samples (the caller substitutes silence). */
  decide(frameRmsDbfs: number, playbackRmsDbfs: number, nowMs: number): EchoGateDecision {
    const elapsedMs = this.lastNowMs === undefined ? 0 : Math.max(0, nowMs - this.lastNowMs);
    this.lastNowMs = nowMs;

    // Playback envelope: instant attack, slow release; -Infinity (or NaN) means silent.
    let envelope = this.envelopeDbfs - this.releaseDbPerMs * elapsedMs;
    if (playbackRmsDbfs > -Infinity) {
      this.lastPlaybackAtMs = nowMs;
      if (playbackRmsDbfs > envelope) envelope = playbackRmsDbfs;
    }
    if (nowMs - this.lastPlaybackAtMs >= this.hangoverMs && !(playbackRmsDbfs > -Infinity)) envelope = -Infinity;
    this.envelopeDbfs = envelope;

    if (envelope === -Infinity) {
      this.framesAbove = 0;
      this.talkingOver = false;
      return PASS;
    }

    if (!(frameRmsDbfs > envelope + this.thresholdOffsetDb)) this.framesAbove = 0;
    else if (this.framesAbove < this.minConsecutiveFrames) this.framesAbove++;
    const wasTalkingOver = this.talkingOver;
    this.talkingOver = this.framesAbove >= this.minConsecutiveFrames;
    if (!this.talkingOver) return SUPPRESS;
    return wasTalkingOver ? PASS : PASS_BARGE_IN;
  }

  /** Forgets playback and talk-over state (device switch, new session). */
  reset(): void {
    this.envelopeDbfs = -Infinity;
    this.lastPlaybackAtMs = -Infinity;
    this.lastNowMs = undefined;
    this.framesAbove = 0;
    this.talkingOver = false;
  }
}
