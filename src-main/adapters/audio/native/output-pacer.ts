/**
 * How much audio each turn of the speaker pump hands to the device, and how much is queued ahead
 * of it. The device queue holds a fixed number of chunks, so its depth in time is set by the
 * chunks' length: while the assistant speaks, full chunks keep enough queued that a late turn of
 * the event loop does not starve the speaker; while nothing plays, short chunks of silence keep
 * little queued, so the first sample of the next answer waits behind half as much silence. The
 * cost: twice the pump's turns while idle (the audio process measured 12.5-14.1 % of a core idle
 * with the speaker open, against 11.3-12.7 % with full chunks, under tsx).
 */
export interface OutputPacerOptions {
  readonly sampleRate: number;
  /** Chunk length while audio plays, ms. */
  readonly chunkMs: number;
  /** Chunk length while only silence is handed over, ms. */
  readonly idleChunkMs: number;
  /** Chunks ahead of a chunk as it is handed over: the writes in flight and naudiodon's queue (one of them playing). */
  readonly chunksAhead: number;
}

export class OutputPacer {
  readonly chunkFrames: number;
  readonly idleChunkFrames: number;
  /** Frames of the last `chunksAhead` chunks handed over, oldest first (a ring). */
  private readonly recent: Int32Array;
  private next = 0;
  private queuedFrames = 0;
  private readonly msPerFrame: number;

  constructor(options: OutputPacerOptions) {
    if (!(options.sampleRate > 0)) throw new RangeError(`OutputPacer: sampleRate must be positive, got ${options.sampleRate}`);
    if (!(options.idleChunkMs > 0 && options.idleChunkMs <= options.chunkMs)) {
      throw new RangeError(`OutputPacer: idleChunkMs must be above 0 and at most chunkMs (${options.chunkMs}), got ${options.idleChunkMs}`);
    }
    if (!Number.isInteger(options.chunksAhead) || options.chunksAhead < 1) {
      throw new RangeError(`OutputPacer: chunksAhead must be a positive integer, got ${options.chunksAhead}`);
    }
    this.chunkFrames = Math.max(1, Math.round((options.sampleRate * options.chunkMs) / 1000));
    this.idleChunkFrames = Math.max(1, Math.round((options.sampleRate * options.idleChunkMs) / 1000));
    this.msPerFrame = 1000 / options.sampleRate;
    // The device queue starts full of full-length chunks as far as the estimate knows.
    this.recent = new Int32Array(options.chunksAhead).fill(this.chunkFrames);
    this.queuedFrames = this.chunkFrames * options.chunksAhead;
  }

  /** The next chunk's length in frames: full while audio plays (or is about to), short while silent. */
  framesFor(playing: boolean): number {
    return playing ? this.chunkFrames : this.idleChunkFrames;
  }

  /** Audio queued ahead of the next chunk to be handed over, ms: an estimate, as naudiodon reports no playback position. */
  get aheadMs(): number {
    return this.queuedFrames * this.msPerFrame;
  }

  /** Records a chunk handed over; returns the ms queued ahead of it. */
  handedOver(frames: number): number {
    const ahead = this.aheadMs;
    this.queuedFrames += frames - this.recent[this.next]!;
    this.recent[this.next] = frames;
    this.next = (this.next + 1) % this.recent.length;
    return ahead;
  }
}
