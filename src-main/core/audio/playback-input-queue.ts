/**
 * Assistant audio that reached the playback buffer but is not converted yet, in arrival order,
 * with the ends of items between it.
 *
 * Why it exists: the server sends an answer far faster than real time (a 25 s answer can arrive
 * within a second, or at once), and converting it all on arrival (band-limited resampling to the
 * device's rate and channels) held the audio process's event loop for 160-190 ms per 25 s here.
 * The loop also feeds the device, so the speaker ran dry mid-answer, and each such underrun moved
 * the echo against the canceller's reference (issue #11). Held here, the audio is converted as
 * the device pulls it: a pull's worth per pull.
 */
import type { PlaybackInput } from './playback-buffer';

type Entry = { readonly kind: 'audio'; readonly input: PlaybackInput; readonly ms: number } | { readonly kind: 'end'; readonly itemId: string | undefined };

export class PlaybackInputQueue {
  private entries: Entry[] = [];
  private head = 0;
  private audioMs = 0;
  private lastItem: { readonly itemId: string | undefined } | undefined;

  /** True when nothing waits. */
  get isEmpty(): boolean {
    return this.head === this.entries.length;
  }

  /** Duration of the audio waiting, ms (at its own rate). */
  get pendingMs(): number {
    return this.audioMs;
  }

  /** True when audio (not only ends of items) waits. */
  get hasAudio(): boolean {
    return this.audioMs > 0;
  }

  /** The item of the last audio waiting; undefined when none waits. */
  get lastPendingItem(): { readonly itemId: string | undefined } | undefined {
    return this.isEmpty ? undefined : this.lastItem;
  }

  /** Keeps `input` as it is: its bytes are read when it is converted, so the caller must not reuse them. */
  pushAudio(input: PlaybackInput): void {
    const frameBytes = 2 * input.channels;
    const ms = (Math.floor(input.pcm.length / frameBytes) * 1000) / input.sampleRate;
    this.entries.push({ kind: 'audio', input, ms });
    this.audioMs += ms;
    this.lastItem = { itemId: input.itemId };
  }

  pushEnd(itemId: string | undefined): void {
    this.entries.push({ kind: 'end', itemId });
  }

  /** The oldest entry, removed; undefined when empty. */
  shift(): Entry | undefined {
    if (this.isEmpty) return undefined;
    const entry = this.entries[this.head]!;
    this.head++;
    if (entry.kind === 'audio') this.audioMs = this.head === this.entries.length ? 0 : Math.max(0, this.audioMs - entry.ms);
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return entry;
  }

  /** The items of the audio waiting, oldest first (undefined ids left out). */
  pendingItems(): string[] {
    const items: string[] = [];
    for (let index = this.head; index < this.entries.length; index++) {
      const entry = this.entries[index]!;
      if (entry.kind === 'audio' && entry.input.itemId !== undefined && items[items.length - 1] !== entry.input.itemId) items.push(entry.input.itemId);
    }
    return items;
  }

  /** Drops everything waiting. */
  clear(): void {
    this.entries = [];
    this.head = 0;
    this.audioMs = 0;
    this.lastItem = undefined;
  }
}
