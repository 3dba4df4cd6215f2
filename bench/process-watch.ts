/**
 * The whole-process figures of one benchmark child, read from the parent (see process-stats.ts):
 * the same method for every client, the compiled command included, which cannot report on itself.
 *
 *   start      spawn → the server has the client's first frame (its session.update on connect):
 *              wall ms, and the process's CPU ms (all threads) at that moment
 *   end        optional: a moment the caller marks (the command's "server ended" line)
 *   whole run  CPU ms from start to exit (the parent's reaped-children times, 10 ms ticks)
 *   peak RSS   the highest VmHWM read while it ran (every RSS_POLL_MS, at start and at end); a
 *              child that reads its own VmHWM later can report a higher one (see `withPeakRss`)
 *
 * Create the watch right before spawning (it reads the clock and the reaped-children times),
 * `attach` the child, and call `finish` once the child has exited (its 'exit' or 'close' event:
 * node has reaped it by then).
 */
import type { ChildProcess } from 'node:child_process';
import { peakRssKb, processCpuMs, processTicksMs, reapedChildrenCpuMs } from './process-stats';

const RSS_POLL_MS = 100;
const KB_PER_MB = 1024;

export interface ProcessMoment {
  /** ms since spawn */
  readonly wallMs: number;
  /** CPU of the process's threads (user + system), ms */
  readonly cpuMs: number;
  /** The same split, at clock-tick resolution (10 ms) */
  readonly userMs: number;
  readonly sysMs: number;
}

export interface WholeProcess {
  readonly start: ProcessMoment | undefined;
  readonly end: ProcessMoment | undefined;
  /** CPU ms (user + system) from spawn to exit. */
  readonly cpuMs: number;
  /** Highest VmHWM seen, MB (NaN if never read). */
  readonly peakRssMb: number;
}

export class ProcessWatch {
  private readonly spawnedAt = performance.now();
  private readonly reapedBefore = reapedChildrenCpuMs();
  private pid: number | undefined;
  private poll: NodeJS.Timeout | undefined;
  private peakKb = 0;
  private start: ProcessMoment | undefined;
  private end: ProcessMoment | undefined;
  private result: WholeProcess | undefined;

  attach(child: ChildProcess): void {
    this.pid = child.pid;
    this.poll = setInterval(() => this.readRss(), RSS_POLL_MS);
    this.poll.unref();
  }

  /** The client's first frame is at the server: only the first call counts. */
  markStart(): void {
    if (this.start !== undefined || this.pid === undefined) return;
    this.start = this.moment();
  }

  /** A moment the caller knows is the end of the work measured (only the first call counts). */
  markEnd(): void {
    if (this.end !== undefined || this.pid === undefined) return;
    this.end = this.moment();
  }

  /** After the child exited; idempotent. */
  finish(): WholeProcess {
    if (this.result) return this.result;
    clearInterval(this.poll);
    this.result = {
      start: this.start,
      end: this.end,
      cpuMs: reapedChildrenCpuMs() - this.reapedBefore,
      peakRssMb: this.peakKb > 0 ? this.peakKb / KB_PER_MB : NaN,
    };
    return this.result;
  }

  private moment(): ProcessMoment {
    const wallMs = performance.now() - this.spawnedAt;
    const cpuMs = processCpuMs(this.pid) ?? NaN;
    const ticks = processTicksMs(this.pid);
    this.readRss();
    return { wallMs, cpuMs, userMs: ticks?.userMs ?? NaN, sysMs: ticks?.sysMs ?? NaN };
  }

  private readRss(): void {
    const kb = peakRssKb(this.pid);
    if (kb !== undefined && kb > this.peakKb) this.peakKb = kb;
  }
}

/** The same figures with a peak RSS the child read itself later than the parent's last read. */
export function withPeakRss(whole: WholeProcess, selfReportedMb: number | undefined): WholeProcess {
  if (selfReportedMb === undefined || !Number.isFinite(selfReportedMb)) return whole;
  return { ...whole, peakRssMb: Number.isFinite(whole.peakRssMb) ? Math.max(whole.peakRssMb, selfReportedMb) : selfReportedMb };
}
