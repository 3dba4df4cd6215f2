/**
 * Level bookkeeping for the simulated room (test/support/pulse-room.ts): what the microphone
 * heard and what left the engine, as 20 ms windows on one clock (Date.now ms), and the numbers
 * the room tests and the room dialogue judge: the echo removed (raw level minus sent level over
 * stretches where only the assistant speaks) and a voice's level over a stretch.
 */
import type { PulseMonitor } from '../test/support/pulse-monitor';

export const LEVEL_WINDOW_MS = 20;
const FULL_SCALE = 32_768;

/** A stretch of time, Date.now ms, start inclusive, end exclusive. */
export interface Stretch {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Sums of squares per window, in time order: enough to get the power over any set of stretches. */
export class LevelTrack {
  private readonly starts: number[] = [];
  private readonly sums: number[] = [];
  private readonly counts: number[] = [];

  /** One window starting at `startMs` (Date.now ms); samples may be any PCM16 values. */
  add(startMs: number, samples: ArrayLike<number>): void {
    let sum = 0;
    for (let index = 0; index < samples.length; index++) sum += samples[index]! * samples[index]!;
    this.addSum(startMs, sum, samples.length);
  }

  addSum(startMs: number, sumSquares: number, count: number): void {
    this.starts.push(startMs);
    this.sums.push(sumSquares);
    this.counts.push(count);
  }

  get windows(): number {
    return this.starts.length;
  }

  /** Mean power over the windows that START inside the stretches, dBFS (-Infinity: silence or none). */
  levelDbfs(stretches: readonly Stretch[]): number {
    const { sum, count } = this.total(stretches);
    return count === 0 ? NaN : 10 * Math.log10(sum / count / (FULL_SCALE * FULL_SCALE));
  }

  /** How many windows start inside the stretches. */
  countIn(stretches: readonly Stretch[]): number {
    return this.total(stretches).windows;
  }

  /** Level of each window (dBFS) with its start, for onset searches. */
  *levels(from: number, to: number): Generator<{ readonly startMs: number; readonly dbfs: number }> {
    for (let index = 0; index < this.starts.length; index++) {
      const start = this.starts[index]!;
      if (start < from) continue;
      if (start >= to) break;
      yield { startMs: start, dbfs: 10 * Math.log10(this.sums[index]! / this.counts[index]! / (FULL_SCALE * FULL_SCALE)) };
    }
  }

  private total(stretches: readonly Stretch[]): { sum: number; count: number; windows: number } {
    let sum = 0;
    let count = 0;
    let windows = 0;
    for (let index = 0; index < this.starts.length; index++) {
      const start = this.starts[index]!;
      if (!stretches.some((stretch) => start >= stretch.fromMs && start < stretch.toMs)) continue;
      sum += this.sums[index]!;
      count += this.counts[index]!;
      windows++;
    }
    return { sum, count, windows };
  }
}

/** What a monitor (e.g. the room's microphone) recorded between two Date.now times, in 20 ms windows. */
export function monitorTrack(monitor: PulseMonitor, fromMs: number, toMs: number): LevelTrack {
  const track = new LevelTrack();
  const window = Math.round((LEVEL_WINDOW_MS * monitor.sampleRate) / 1000);
  const first = Math.max(0, monitor.sampleAtTime(fromMs - performance.timeOrigin));
  const last = Math.min(monitor.sampleCount, monitor.sampleAtTime(toMs - performance.timeOrigin));
  const samples = new Int16Array(window);
  for (let start = first; start + window <= last; start += window) {
    for (let index = 0; index < window; index++) samples[index] = monitor.sample(start + index);
    track.add(performance.timeOrigin + monitor.timeOfSample(start), samples);
  }
  return track;
}

/** Echo removed: the raw microphone's level minus what was sent, over the same stretches, dB. */
export function echoRemovedDb(raw: LevelTrack, sent: LevelTrack, stretches: readonly Stretch[]): number {
  return raw.levelDbfs(stretches) - sent.levelDbfs(stretches);
}

/** `stretches` with every part inside `exclusions` cut out. */
export function without(stretches: readonly Stretch[], exclusions: readonly Stretch[]): Stretch[] {
  let result = [...stretches];
  for (const cut of exclusions) {
    result = result.flatMap((stretch) => {
      if (cut.toMs <= stretch.fromMs || cut.fromMs >= stretch.toMs) return [stretch];
      const parts: Stretch[] = [];
      if (cut.fromMs > stretch.fromMs) parts.push({ fromMs: stretch.fromMs, toMs: cut.fromMs });
      if (cut.toMs < stretch.toMs) parts.push({ fromMs: cut.toMs, toMs: stretch.toMs });
      return parts;
    });
  }
  return result;
}

/** The parts of `stretches` inside [fromMs, toMs). */
export function within(stretches: readonly Stretch[], fromMs: number, toMs: number): Stretch[] {
  return stretches.flatMap((stretch) => {
    const start = Math.max(stretch.fromMs, fromMs);
    const end = Math.min(stretch.toMs, toMs);
    return end > start ? [{ fromMs: start, toMs: end }] : [];
  });
}

export function totalMs(stretches: readonly Stretch[]): number {
  return stretches.reduce((sum, stretch) => sum + (stretch.toMs - stretch.fromMs), 0);
}

/**
 * The first window from `fromMs` at or above `thresholdDbfs` that is followed by `holdWindows - 1`
 * more such windows: where a voice starts in a track. Undefined when it does not before `toMs`.
 */
export function onsetIn(track: LevelTrack, fromMs: number, toMs: number, thresholdDbfs: number, holdWindows = 3): number | undefined {
  let runStart: number | undefined;
  let run = 0;
  for (const { startMs, dbfs } of track.levels(fromMs, toMs)) {
    if (dbfs >= thresholdDbfs) {
      runStart ??= startMs;
      if (++run >= holdWindows) return runStart;
    } else {
      runStart = undefined;
      run = 0;
    }
  }
  return undefined;
}
