// Joins the assistant audio written in one turn of the event loop into few messages to the audio
// process. The session writes each server delta as it arrives (one message, no delay added); a
// burst (a long answer handed over at once, 1,250 frames of 20 ms) becomes messages of up to
// MAX_BATCH_MS. Each message costs the audio process a deserialisation on the event loop that
// also feeds the speaker: 1,250 of them held it 15-20 ms at once, enough to run the speaker dry.
import type { AssistantAudioFrame } from '../../../core/audio/audio-io';

/** The most audio one message carries, ms. */
export const MAX_BATCH_MS = 200;

interface Batch {
  readonly sampleRate: number;
  readonly channels: number;
  readonly itemId: string | undefined;
  readonly parts: Buffer[];
  bytes: number;
}

export class PlayBatcher {
  private batch: Batch | undefined;
  private flushQueued = false;

  constructor(private readonly send: (frame: AssistantAudioFrame) => void) {}

  /** Queues a frame; it goes out at the end of this turn of the event loop (or sooner, when the batch is full). */
  write(frame: AssistantAudioFrame): void {
    const batch = this.batch;
    const maxBytes = Math.round((frame.sampleRate * frame.channels * 2 * MAX_BATCH_MS) / 1000);
    if (batch && (batch.sampleRate !== frame.sampleRate || batch.channels !== frame.channels || batch.itemId !== frame.itemId || batch.bytes + frame.pcm.length > maxBytes)) this.flush();
    if (this.batch) {
      this.batch.parts.push(frame.pcm);
      this.batch.bytes += frame.pcm.length;
    } else {
      this.batch = { sampleRate: frame.sampleRate, channels: frame.channels, itemId: frame.itemId, parts: [frame.pcm], bytes: frame.pcm.length };
    }
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => {
        this.flushQueued = false;
        this.flush();
      });
    }
  }

  /** Sends what is queued now: before any other message, so the audio process sees them in order. */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    const pcm = batch.parts.length === 1 ? batch.parts[0]! : Buffer.concat(batch.parts, batch.bytes);
    this.send({ pcm, sampleRate: batch.sampleRate, channels: batch.channels, itemId: batch.itemId });
  }
}
