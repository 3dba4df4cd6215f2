/**
 * What every benchmark child shares: argv parsing, the measurement probe, and the one JSON line
 * it reports to the parent on stdout (prefixed with RESULT_PREFIX, so stray library output on
 * stdout cannot be mistaken for it).
 *
 * Measurement, all inside the child so it is clean of the parent and the server:
 * - startup: wall ms since the process time origin and total process CPU (user+sys) at the first
 *   stream event, i.e. node + tsx loader + module import + connect + session.update + first frame.
 *   The same numbers at the first line of the client's body (after its static imports) are the
 *   import share.
 * - stream: process.cpuUsage() and performance.now() deltas between the first event and the
 *   server's close that ends the stream (see events-stream.ts). Process-wide, so libuv threadpool work (file writes) done in the window and
 *   GC threads count too.
 * - memory: the peak RSS of the process (startup included) read at the last event, from VmHWM in
 *   /proc/self/status. Not process.resourceUsage().maxRSS: on Linux a spawned child's ru_maxrss
 *   starts at the RSS of the *parent* at fork time (the high-water mark survives execve), so with
 *   a parent holding the pre-built stream it reported the parent's size for every client; VmHWM
 *   belongs to the exec'd address space only. maxRSS is still reported (JSON) for reference and is
 *   the fallback where /proc is missing. Also RSS at the first event and at the end.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session as InspectorSession } from 'node:inspector';
import type { StreamPlan } from '../events-stream';

export const RESULT_PREFIX = 'BENCH_RESULT ';

export interface ClientArgs {
  /** ws://127.0.0.1:PORT (no path: each client adds what its API wants). */
  readonly wsBase: string;
  readonly plan: StreamPlan;
  readonly timeoutMs: number;
  /** Only import the client's modules and exit (fills tsx's transform cache before measuring). */
  readonly warmup: boolean;
  /** Free-form client option (parley: "nosink"). */
  readonly variant: string | undefined;
  /** Write a V8 CPU profile of exactly the measured window (first to last event) to this file. */
  readonly profileOut: string | undefined;
}

export function parseClientArgs(argv: readonly string[]): ClientArgs {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags.add(arg.slice(2));
    else {
      values.set(arg.slice(2), next);
      i++;
    }
  }
  const num = (name: string): number => {
    const raw = values.get(name);
    const value = raw === undefined ? NaN : Number(raw);
    if (!Number.isFinite(value)) throw new Error(`missing or bad --${name}`);
    return value;
  };
  const warmup = flags.has('warmup');
  return {
    wsBase: values.get('ws-base') ?? (warmup ? '' : missing('ws-base')),
    plan: warmup
      ? { audioDeltas: 0, audioBytes: 0, transcriptDeltas: 0, transcriptChars: 0, responses: 0, frames: 0, audioMs: 0 }
      : {
          audioDeltas: num('audio-deltas'),
          audioBytes: num('audio-bytes'),
          transcriptDeltas: num('transcript-deltas'),
          transcriptChars: num('transcript-chars'),
          responses: num('responses'),
          frames: num('frames'),
          audioMs: num('audio-ms'),
        },
    timeoutMs: values.has('timeout-ms') ? num('timeout-ms') : 90_000,
    warmup,
    variant: values.get('variant'),
    profileOut: values.get('profile-out'),
  };
}

function missing(name: string): never {
  throw new Error(`missing --${name}`);
}

/** What the child saw; `undefined` where the client's API cannot see it. */
export interface SeenCounts {
  frames: number | undefined;
  audioDeltas: number;
  audioBytes: number;
  transcriptDeltas: number;
  transcriptChars: number;
  /** response.done with id resp_final seen (undefined where the client's API does not surface response.done). */
  finalResponseDone: boolean | undefined;
  /** The server's normal close, the end of the stream, was seen. */
  serverClosed: boolean;
}

export interface ClientResult {
  readonly client: string;
  readonly ok: boolean;
  readonly errors: string[];
  readonly notes: string[];
  readonly seen: SeenCounts;
  readonly startup: { readonly importMs: number; readonly importCpuMs: number; readonly ms: number; readonly cpuMs: number };
  readonly stream: { readonly wallMs: number; readonly cpuUserMs: number; readonly cpuSysMs: number; readonly cpuMs: number };
  readonly memory: {
    /** Peak RSS of this process: VmHWM (Linux), else ru_maxrss. */
    readonly peakRssMb: number;
    readonly peakRssSource: 'VmHWM' | 'maxRSS';
    /** process.resourceUsage().maxRSS: inflated by the parent's RSS at fork on Linux (see above). */
    readonly maxRssMb: number;
    readonly rssAtFirstEventMb: number;
    readonly rssAtEndMb: number;
    readonly heapUsedAtEndMb: number;
  };
}

const MB = 1024 * 1024;

export class Probe {
  readonly seen: SeenCounts = {
    frames: undefined,
    audioDeltas: 0,
    audioBytes: 0,
    transcriptDeltas: 0,
    transcriptChars: 0,
    finalResponseDone: undefined,
    serverClosed: false,
  };
  readonly notes: string[] = [];
  private readonly importedAt = performance.now();
  private readonly importedCpu = process.cpuUsage();
  private firstAt: number | undefined;
  private firstCpu: NodeJS.CpuUsage | undefined;
  private rssAtFirst = 0;
  private lastAt: number | undefined;
  private lastCpu: NodeJS.CpuUsage | undefined;
  private maxRssKb = 0;
  private peakRss: { kb: number; source: 'VmHWM' | 'maxRSS' } | undefined;
  private reported = false;
  private readonly timer: NodeJS.Timeout;
  private profiler: InspectorSession | undefined;
  private profileWritten: Promise<void> = Promise.resolve();

  /** Construct as the first statement of the client body: that instant is "imports done". */
  constructor(
    private readonly client: string,
    private readonly args: ClientArgs,
  ) {
    this.timer = setTimeout(() => this.fail(`timed out after ${args.timeoutMs} ms`), args.timeoutMs);
    this.timer.unref();
    process.on('uncaughtException', (error) => this.fail(`uncaught: ${error.stack ?? String(error)}`));
    process.on('unhandledRejection', (error) => this.fail(`unhandled rejection: ${String(error)}`));
  }

  get started(): boolean {
    return this.firstAt !== undefined;
  }

  get ended(): boolean {
    return this.lastAt !== undefined;
  }

  /** Call on every event before counting it; only the first call measures. */
  firstEvent(): void {
    if (this.firstAt !== undefined) return;
    if (this.args.profileOut) this.startProfiler();
    this.firstCpu = process.cpuUsage();
    this.firstAt = performance.now();
    this.rssAtFirst = process.memoryUsage.rss();
  }

  /** Call when the server's close (the end of the stream) is seen: closes the measured window. */
  lastEvent(): void {
    if (this.lastAt !== undefined) return;
    this.lastAt = performance.now();
    this.lastCpu = process.cpuUsage();
    this.maxRssKb = process.resourceUsage().maxRSS;
    this.peakRss = peakRss();
    this.seen.serverClosed = true;
    if (this.profiler) this.stopProfiler(this.profiler, this.args.profileOut!);
  }

  /** Profiling costs CPU: a profiled run's numbers are for finding hotspots, not for the table. */
  private startProfiler(): void {
    const session = new InspectorSession();
    session.connect();
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: 100 });
    session.post('Profiler.start');
    this.profiler = session;
    this.notes.push('profiled run (V8 sampling profiler at 100 µs): CPU numbers are inflated');
  }

  private stopProfiler(session: InspectorSession, file: string): void {
    this.profileWritten = new Promise<void>((resolve) => {
      session.post('Profiler.stop', (error, result) => {
        if (error) this.notes.push(`profiler: ${error.message}`);
        else writeFileSync(file, JSON.stringify(result.profile));
        session.disconnect();
        resolve();
      });
    });
  }

  /** Check the counts against the plan, report, exit. */
  finish(): void {
    const { plan } = this.args;
    const errors: string[] = [];
    const expect = (what: string, got: number | boolean | undefined, want: number | boolean) => {
      if (got !== undefined && got !== want) errors.push(`${what}: saw ${String(got)}, expected ${String(want)}`);
    };
    expect('server close', this.seen.serverClosed, true);
    expect('frames', this.seen.frames, plan.frames);
    expect('audio deltas', this.seen.audioDeltas, plan.audioDeltas);
    expect('audio bytes', this.seen.audioBytes, plan.audioBytes);
    expect('transcript deltas', this.seen.transcriptDeltas, plan.transcriptDeltas);
    expect('transcript chars', this.seen.transcriptChars, plan.transcriptChars);
    expect('response.done resp_final', this.seen.finalResponseDone, true);
    this.report(errors);
  }

  fail(message: string): void {
    this.report([message]);
  }

  private report(errors: string[]): void {
    if (this.reported) return;
    this.reported = true;
    clearTimeout(this.timer);
    const ms = (micros: number) => micros / 1000;
    const first = this.firstCpu;
    const last = this.lastCpu;
    const userMs = first && last ? ms(last.user - first.user) : NaN;
    const sysMs = first && last ? ms(last.system - first.system) : NaN;
    const memory = process.memoryUsage();
    const peak = this.peakRss ?? peakRss();
    const result: ClientResult = {
      client: this.client,
      ok: errors.length === 0,
      errors,
      notes: this.notes,
      seen: this.seen,
      startup: {
        importMs: this.importedAt,
        importCpuMs: ms(this.importedCpu.user + this.importedCpu.system),
        ms: this.firstAt ?? NaN,
        cpuMs: first ? ms(first.user + first.system) : NaN,
      },
      stream: {
        wallMs: this.firstAt !== undefined && this.lastAt !== undefined ? this.lastAt - this.firstAt : NaN,
        cpuUserMs: userMs,
        cpuSysMs: sysMs,
        cpuMs: userMs + sysMs,
      },
      memory: {
        peakRssMb: peak.kb / 1024,
        peakRssSource: peak.source,
        maxRssMb: (this.maxRssKb || process.resourceUsage().maxRSS) / 1024,
        rssAtFirstEventMb: this.rssAtFirst / MB,
        rssAtEndMb: memory.rss / MB,
        heapUsedAtEndMb: memory.heapUsed / MB,
      },
    };
    // NaN is not JSON: send null, the parent reads it back as "not measured".
    const line = RESULT_PREFIX + JSON.stringify(result, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value)) + '\n';
    void this.profileWritten.then(() => process.stdout.write(line, () => process.exit(errors.length === 0 ? 0 : 1)));
  }
}

/** Peak resident set of this process since its execve, in KiB. */
function peakRss(): { kb: number; source: 'VmHWM' | 'maxRSS' } {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return { kb: Number(match[1]), source: 'VmHWM' };
  } catch {
    // not Linux: fall through
  }
  return { kb: process.resourceUsage().maxRSS, source: 'maxRSS' };
}

/** What an import-only (`--warmup`) run reports: the cost of getting the client's code loaded. */
export interface ImportOnlyResult {
  readonly warmup: true;
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly peakRssMb: number;
}

/** For `--warmup`: the imports have run (and tsx has cached their transforms); report and leave. */
export function exitAfterWarmup(): void {
  const cpu = process.cpuUsage();
  const result: ImportOnlyResult = {
    warmup: true,
    importMs: performance.now(),
    importCpuMs: (cpu.user + cpu.system) / 1000,
    peakRssMb: peakRss().kb / 1024,
  };
  process.stdout.write(RESULT_PREFIX + JSON.stringify(result) + '\n', () => process.exit(0));
}
