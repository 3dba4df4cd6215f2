import type { NarratorClock, NarratorDeps } from '../../src-main/core/handoff/agent-narrator';

/** A narrator's deps that say nothing: for tests about other things than what the voice model is told. */
export function silentNarration(): NarratorDeps {
  return {
    tell: () => {},
    lastAssistantAudioAt: () => undefined,
    canSpeakNow: () => true,
    updateIntervalMs: 20_000,
    clock: { now: () => 0, setTimeout: () => undefined, clearTimeout: () => {} },
  };
}

/** A clock whose time moves only when told; timers fire in order as it passes them. */
export class ManualClock implements NarratorClock {
  private time = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { readonly at: number; readonly callback: () => void }>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, delayMs: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, delayMs), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward by `ms`, firing every timer due on the way (and timers those set). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; callback: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].callback();
    }
    this.time = end;
  }
}
