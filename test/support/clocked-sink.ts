import type { AssistantAudioFrame, AudioSink, PlaybackInterruption } from '../../src-main/core/audio/audio-io';

/**
 * A speaker stand-in driven by an injected clock: it "plays" what it received in real time
 * from the first write, so what was heard (clock) and what was received (bytes) differ, which is
 * exactly what barge-in truncation must tell apart.
 */
export class ClockedSink implements AudioSink {
  private receivedMsByItem = new Map<string, number>();
  private currentItem: string | undefined;
  private startedAtMs: number | undefined;
  private playedBeforeItemMs = 0;
  interrupted = 0;
  frames: AssistantAudioFrame[] = [];
  endedItems: Array<string | undefined> = [];

  endItem(itemId: string | undefined): void {
    this.endedItems.push(itemId);
  }

  constructor(private readonly clock: { now(): number }) {}

  write(frame: AssistantAudioFrame): void {
    this.frames.push(frame);
    const itemId = frame.itemId ?? 'unknown';
    const ms = (frame.pcm.length / 2 / frame.channels / frame.sampleRate) * 1000;
    if (this.startedAtMs === undefined) this.startedAtMs = this.clock.now();
    if (this.currentItem !== itemId) {
      this.playedBeforeItemMs = this.currentItem ? this.totalReceivedMs() : 0;
      this.currentItem = itemId;
    }
    this.receivedMsByItem.set(itemId, (this.receivedMsByItem.get(itemId) ?? 0) + ms);
  }

  isPlaying(): boolean {
    return this.startedAtMs !== undefined && this.elapsedMs() < this.totalReceivedMs();
  }

  interrupt(): ReturnType<AudioSink['interrupt']> {
    return this.takeInterruption();
  }

  /** The synchronous answer: what a speaker in this process reports. */
  takeInterruption(): PlaybackInterruption | undefined {
    if (!this.currentItem || this.startedAtMs === undefined) return undefined;
    this.interrupted++;
    const itemReceived = this.receivedMsByItem.get(this.currentItem) ?? 0;
    const playedMs = Math.min(itemReceived, Math.max(0, this.elapsedMs() - this.playedBeforeItemMs));
    const result = { itemId: this.currentItem, playedMs };
    this.receivedMsByItem.clear();
    this.currentItem = undefined;
    this.startedAtMs = undefined;
    return result;
  }

  async close(): Promise<void> {}

  private elapsedMs(): number {
    return this.clock.now() - (this.startedAtMs ?? this.clock.now());
  }

  private totalReceivedMs(): number {
    let total = 0;
    for (const ms of this.receivedMsByItem.values()) total += ms;
    return total;
  }
}
