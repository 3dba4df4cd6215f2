import type { OutboundMessage } from '../protocol/outbound-message';
import { INPUT_FRAME_SAMPLES, INPUT_SAMPLE_RATE_HZ } from '../protocol/session-config';

/** Microphone audio kept while there is no connection to send it on: the last 2 s, no more. */
export const MAX_PENDING_AUDIO_FRAMES = 100;
/** Everything else (typed text, agent answers, commits) kept for the next connection. */
export const MAX_PENDING_MESSAGES = 200;

export const FRAME_DURATION_MS = (INPUT_FRAME_SAMPLES / INPUT_SAMPLE_RATE_HZ) * 1000;

export interface PendingFlush {
  readonly messages: readonly OutboundMessage[];
  /** Audio frames dropped because the queue held its limit (the oldest go first). */
  readonly droppedAudioFrames: number;
  /** Other messages dropped for the same reason. */
  readonly droppedMessages: number;
}

/**
 * What a conversation says while it has no usable connection (reconnecting, renewing, or the
 * server has not yet confirmed the new session): kept in order and sent once the next connection
 * is ready. Bounded: old microphone audio is worth little, so beyond a short stretch the oldest
 * frames are dropped and counted; other messages are few and are kept up to a generous limit.
 */
export class PendingOutbound {
  private queue: OutboundMessage[] = [];
  private audioFrames = 0;
  private droppedAudioFrames = 0;
  private droppedMessages = 0;

  constructor(
    private readonly maxAudioFrames = MAX_PENDING_AUDIO_FRAMES,
    private readonly maxMessages = MAX_PENDING_MESSAGES,
  ) {}

  get size(): number {
    return this.queue.length;
  }

  push(message: OutboundMessage): void {
    if (message.type === 'audio.append') {
      if (this.audioFrames >= this.maxAudioFrames) this.dropOldestAudio();
      this.audioFrames++;
    } else if (this.queue.length - this.audioFrames >= this.maxMessages) {
      this.droppedMessages++;
      return;
    }
    this.queue.push(message);
  }

  /** Everything kept, oldest first, and what was dropped; the queue starts empty again. */
  take(): PendingFlush {
    const flush: PendingFlush = { messages: this.queue, droppedAudioFrames: this.droppedAudioFrames, droppedMessages: this.droppedMessages };
    this.clear();
    return flush;
  }

  /** Puts a message before everything kept (what a new connection must hear first). */
  unshift(message: OutboundMessage): void {
    if (message.type === 'audio.append') this.audioFrames++;
    this.queue.unshift(message);
  }

  clear(): void {
    this.queue = [];
    this.audioFrames = 0;
    this.droppedAudioFrames = 0;
    this.droppedMessages = 0;
  }

  private dropOldestAudio(): void {
    const index = this.queue.findIndex((message) => message.type === 'audio.append');
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.audioFrames--;
    this.droppedAudioFrames++;
  }
}

/** The newest `capacity` microphone frames sent (base64), oldest dropped; a fixed ring. */
export class RecentAudio {
  private readonly frames: (string | undefined)[];
  private next = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    this.frames = new Array<string | undefined>(capacity);
  }

  push(base64: string): void {
    this.frames[this.next] = base64;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Oldest first; the ring starts empty again. */
  take(): string[] {
    const taken: string[] = [];
    for (let index = 0; index < this.count; index++) {
      const frame = this.frames[(this.next - this.count + index + this.capacity) % this.capacity];
      if (frame !== undefined) taken.push(frame);
    }
    this.frames.fill(undefined);
    this.count = 0;
    return taken;
  }
}
