// Holds the echo canceller's reference back by a whole number of 10 ms frames, so that the delay
// AEC3 has to find itself stays small and well inside its search range whatever the sound
// server's buffers add (echo-delay-estimator.ts measures that). One frame comes out per frame in:
// the canceller's render and capture calls stay in step. A change of the delay jumps (frames are
// repeated or skipped): AEC3 re-converges on it, so the owner changes it rarely.
import { ECHO_CANCELLER_FRAME_SAMPLES } from '../echo-canceller/echo-canceller';

export class ReferenceDelayLine {
  private readonly slots: number;
  private readonly ring: Int16Array;
  private readonly silence = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
  private written = 0;
  private delay = 0;

  constructor(readonly maxDelayFrames: number) {
    if (!Number.isInteger(maxDelayFrames) || maxDelayFrames < 0) throw new RangeError(`ReferenceDelayLine: maxDelayFrames must be a whole number ≥ 0, got ${maxDelayFrames}`);
    this.slots = maxDelayFrames + 1;
    this.ring = new Int16Array(this.slots * ECHO_CANCELLER_FRAME_SAMPLES);
  }

  /** Frames a frame waits before it comes out. */
  get delayFrames(): number {
    return this.delay;
  }

  /** Sets the delay (clamped to 0..maxDelayFrames); takes effect at the next push. */
  set delayFrames(frames: number) {
    this.delay = Math.max(0, Math.min(this.maxDelayFrames, Math.round(frames)));
  }

  /**
   * Takes a 10 ms frame and returns the one fed `delayFrames` pushes earlier (silence while none
   * was). The returned array is a view into the line, valid until the next push.
   */
  push(frame: Int16Array): Int16Array {
    if (frame.length !== ECHO_CANCELLER_FRAME_SAMPLES) throw new RangeError(`ReferenceDelayLine.push takes ${ECHO_CANCELLER_FRAME_SAMPLES}-sample frames, got ${frame.length}`);
    const slot = this.written % this.slots;
    this.ring.set(frame, slot * ECHO_CANCELLER_FRAME_SAMPLES);
    this.written++;
    const out = this.written - 1 - this.delay;
    if (out < 0) return this.silence;
    const start = (out % this.slots) * ECHO_CANCELLER_FRAME_SAMPLES;
    return this.ring.subarray(start, start + ECHO_CANCELLER_FRAME_SAMPLES);
  }

  /** A new stream: forgets what was fed (the delay setting stays). */
  reset(): void {
    this.written = 0;
  }
}
