/**
 * The real `parley` command (the built out/cli/parley.mjs on plain node) as bench:turns runs it:
 * live default devices (the private PulseAudio's null sinks), the mock realtime server, the
 * Responses API agent pointed at the mock, `--events jsonl` on stdout. The lines are read as they
 * come; Parley's own latency waterfalls (`{"type":"latency", ...}`, src-shared/latency.ts) are kept.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { stopChild } from '../../test/support/stop-child';

/** A latency line as printed (src-shared/latency.ts TurnLatency plus the printer's atMs); read loosely. */
export interface LatencyLine {
  readonly kind: 'spoken' | 'handoff';
  readonly turnId: string;
  readonly itemId?: string;
  readonly start: string;
  readonly startedAt: number;
  readonly steps: readonly { readonly name: string; readonly owner: string; readonly ms: number }[];
  readonly totalMs: number;
  readonly heard: boolean;
}

export interface ParleyProcess {
  readonly pid: number | undefined;
  readonly latency: readonly LatencyLine[];
  /** Event lines by type, counted. */
  readonly eventCounts: ReadonlyMap<string, number>;
  /** Error events (`{"type":"error"}`) as printed. */
  readonly errors: readonly string[];
  readonly exitCode: number | null;
  stderrTail(): string;
  /** SIGTERM (Parley closes its session and audio host), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ParleyLaunch {
  readonly cli: string;
  readonly realtimeUrl: string;
  readonly agentUrl: string;
  readonly vadSilenceMs: number;
  readonly echoCancellation: 'on' | 'off';
  /** The private PulseAudio's runtime folder. */
  readonly runtimeDir: string;
  /** Parley stops on its own after this long, in case the benchmark cannot stop it. */
  readonly durationMs: number;
}

const API_KEY = 'sk-bench-turns-not-a-real-key';
const STDERR_TAIL_CHARS = 4_000;

export function startParley(launch: ParleyLaunch): ParleyProcess {
  const args = [
    launch.cli,
    '--protocol', 'v2',
    '--realtime-url', launch.realtimeUrl,
    '--agent', 'responses',
    '--agent-url', launch.agentUrl,
    '--input-device', 'default',
    '--output-device', 'default',
    '--talk-mode', 'hands-free',
    '--turn-detection', 'server_vad',
    '--vad-silence-ms', String(launch.vadSilenceMs),
    '--echo-cancellation', launch.echoCancellation,
    '--events', 'jsonl',
    '--duration-ms', String(Math.round(launch.durationMs)),
    '--log-level', 'error',
  ];
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], XDG_RUNTIME_DIR: launch.runtimeDir, OPENAI_API_KEY: API_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const latency: LatencyLine[] = [];
  const eventCounts = new Map<string, number>();
  const errors: string[] = [];
  let stderr = '';
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    partial += chunk;
    let newline = partial.indexOf('\n');
    while (newline !== -1) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      newline = partial.indexOf('\n');
      if (line.trim() === '') continue;
      let event: Record<string, unknown>;
      try {
        event = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      const type = String(event['type']);
      eventCounts.set(type, (eventCounts.get(type) ?? 0) + 1);
      if (type === 'latency') latency.push(event as unknown as LatencyLine);
      if (type === 'error') errors.push(`${String(event['code'])}: ${String(event['message'])}`);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));
  child.on('error', (error) => (stderr += `\nspawn failed: ${error.message}`));
  return {
    pid: child.pid,
    latency,
    eventCounts,
    errors,
    get exitCode() {
      return child.exitCode;
    },
    stderrTail: () => stderr.trim(),
    stop: (graceMs = 4_000) => stopChild(child, graceMs),
  };
}
