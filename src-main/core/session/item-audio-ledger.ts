/**
 * How much audio the server sent for each assistant item, and whether it finished sending it:
 * what a `conversation.item.truncate` may claim. The server refuses an `audio_end_ms` longer than
 * the audio it sent for the item, and a speaker's "played" figure can run ahead of that (its own
 * clock, resampling, rounding), so the claim is the smaller of the two, rounded down to whole ms.
 * Audio dropped after a barge-in still counts: the server sent it.
 */
export class ItemAudioLedger {
  private readonly sentMsByItem = new Map<string, number>();
  private readonly completeItems = new Set<string>();

  /** `bytes` of PCM16 at `sampleRate` with `channels` arrived for `itemId`. */
  onAudio(itemId: string | undefined, bytes: number, sampleRate: number, channels: number): void {
    if (itemId === undefined || sampleRate <= 0 || channels <= 0) return;
    const ms = (bytes / 2 / channels / sampleRate) * 1000;
    this.sentMsByItem.set(itemId, (this.sentMsByItem.get(itemId) ?? 0) + ms);
  }

  /** The server sent the item's last audio (response.output_audio.done). */
  onAudioDone(itemId: string | undefined): void {
    if (itemId !== undefined) this.completeItems.add(itemId);
  }

  /** A new connection: its items are new, the old ones can no longer be truncated. */
  clear(): void {
    this.sentMsByItem.clear();
    this.completeItems.clear();
  }

  sentMs(itemId: string): number {
    return this.sentMsByItem.get(itemId) ?? 0;
  }

  /** Where to truncate `itemId` after `playedMs` were heard; undefined: send no truncate. */
  truncatePoint(itemId: string, playedMs: number): number | undefined {
    return truncateAudioEndMs(playedMs, this.sentMs(itemId), this.completeItems.has(itemId));
  }
}

/**
 * The `audio_end_ms` for a barge-in: what was heard, never more than the server sent (floor, not
 * round: rounding 99.6 of 99.6 ms sent up to 100 is an error). Undefined when there is nothing to
 * cut: the server sent no audio for the item, or all of it was sent and heard (played to its end).
 */
export function truncateAudioEndMs(playedMs: number, sentMs: number, audioComplete: boolean): number | undefined {
  const sentWholeMs = Math.floor(sentMs);
  if (sentWholeMs <= 0) return undefined;
  if (audioComplete && playedMs >= sentMs) return undefined;
  return Math.max(0, Math.min(Math.floor(Number.isFinite(playedMs) ? playedMs : 0), sentWholeMs));
}
