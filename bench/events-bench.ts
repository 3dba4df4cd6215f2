/**
 * Realtime event-stream benchmark: the same OpenAI Realtime GA event stream (by default 10 minutes
 * of assistant speech: 30,000 × 20 ms audio deltas plus transcript deltas, in responses of 500
 * deltas) streamed from a local ws server through three clients, each in its own child process:
 *
 *   floor   a bare `ws` client: JSON.parse, base64-decode audio, append transcript; nothing else
 *   agents  @openai/agents-realtime RealtimeSession + OpenAIRealtimeWebSocket, agent without tools
 *   parley  Parley's VoiceSession + ws transport + `none` agent + WAV file sink (dialect v2)
 *   parley-command  the compiled `parley` command (out/cli/parley.mjs), unmodified, --output-wav
 *   (parley-nosink, on request: Parley without an AudioSink, to separate the file writing)
 *
 * Usage: npm run bench:events -- [--events N] [--clients floor,agents,parley,parley-command] [--repeat N] [--json]
 *                                  [--loader tsx|bundle] [--profile DIR]
 *
 * By default each client is bundled with esbuild (packages stay external) and run on plain node,
 * which is what the packaged app does and what the RSS target is read against; `--loader tsx`
 * runs `node --import tsx bench/clients/<client>.ts` instead (tsx costs every client the same,
 * about 35 MB RSS and 250 ms CPU; a warm-up pass first fills its transform cache). Each client
 * measures itself (see bench/clients/harness.ts) and reports one JSON line. The parent also reads
 * every child from /proc (process-watch.ts) for the whole-process table, the same way for each:
 * the command cannot measure itself (command-client.ts).
 * The server lives in this process, so its work never shows in a client's numbers. How the end of
 * the stream is detected and verified: see bench/events-stream.ts.
 */
import { FlagReader, parseBenchFlags, UsageError } from './cli';
import { spawn } from 'node:child_process';
import { runCommandClient, type CommandReport } from './command-client';
import { ensureCommandBuilt } from './parley-command';
import { ProcessWatch, withPeakRss, type WholeProcess } from './process-watch';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { cpus, totalmem, platform, arch, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { RESULT_PREFIX, type ClientResult, type ImportOnlyResult } from './clients/harness';
import { fmt, table } from '../test/support/stats';
import { startEventsServer, type StreamStats } from './events-server';
import { buildStream, DEFAULT_AUDIO_DELTAS, planToArgs, RESPONSE_AUDIO_DELTAS, TRANSCRIPT_EVERY, type StreamPlan } from './events-stream';

const TARGET_CPU_RATIO = 1.3;
const TARGET_RSS_MB = 90;
const CHILD_TIMEOUT_MS = 90_000;

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_DIR = dirname(BENCH_DIR);

/** A client script run through the harness (it measures itself), or the compiled command (measured from here). */
type ClientSpec =
  | { readonly kind: 'script'; readonly script: string; readonly extraArgs: readonly string[]; readonly description: string }
  | { readonly kind: 'command'; readonly description: string };

const COMMAND_CLIENT = 'parley-command';
const CLIENTS: Record<string, ClientSpec> = {
  floor: { kind: 'script', script: 'floor.ts', extraArgs: [], description: 'bare ws: JSON.parse + base64 decode + transcript append' },
  agents: { kind: 'script', script: 'agents.ts', extraArgs: [], description: '@openai/agents-realtime RealtimeSession (websocket)' },
  parley: { kind: 'script', script: 'parley.ts', extraArgs: [], description: 'Parley VoiceSession v2 + ws transport + WAV file sink' },
  'parley-nosink': { kind: 'script', script: 'parley.ts', extraArgs: ['--variant', 'nosink'], description: 'Parley VoiceSession v2, no AudioSink' },
  [COMMAND_CLIENT]: {
    kind: 'command',
    description:
      'the compiled command: node out/cli/parley.mjs --agent none --input-device none --output-wav FILE (readable output), ' +
      'measured from outside (/proc)',
  },
};
const DEFAULT_CLIENTS = ['floor', 'agents', 'parley', COMMAND_CLIENT];

interface Options {
  events: number;
  clients: string[];
  repeat: number;
  json: boolean;
  warmup: boolean;
  /** Directory for V8 CPU profiles of the measured windows. */
  profileDir: string | undefined;
  loader: LoaderKind;
}

type LoaderKind = 'tsx' | 'bundle';

function usage(): string {
  return [
    'usage: npm run bench:events -- [options]',
    '',
    `  --events N         audio deltas to stream (20 ms each; default ${DEFAULT_AUDIO_DELTAS} = 10 min of speech)`,
    `  --clients LIST     comma-separated, from: ${Object.keys(CLIENTS).join(', ')} (default ${DEFAULT_CLIENTS.join(',')})`,
    '  --repeat N         runs per client, interleaved; the table shows medians (default 5)',
    '  --json             one JSON document on stdout instead of the table',
    '  --loader KIND      bundle (default): esbuild-bundle each client script (packages external) and run it on',
    '                     plain node, like the packaged app; tsx: node --import tsx on the .ts clients',
    '                     (parley-command always runs the built out/cli/parley.mjs, rebuilt first when stale)',
    '  --no-warmup        run each import-only baseline once instead of twice (the first run warms tsx\'s cache)',
    '  --profile DIR      write a V8 CPU profile of each measured child, covering exactly its measured',
    '                     window, to DIR/<client>-<run>.cpuprofile (open in Chrome DevTools; parley-command:',
    '                     node --cpu-prof, the whole process); profiling slows the children, so use those',
    '                     runs for hotspots, not for the table',
    '  --help',
    '',
  ].join('\n');
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const options: Options = { events: DEFAULT_AUDIO_DELTAS, clients: DEFAULT_CLIENTS, repeat: 5, json: false, warmup: true, profileDir: undefined, loader: 'bundle' };
  const flags = new FlagReader(argv);
  const value = () => flags.value();
  for (let flag = flags.next(); flag !== undefined; flag = flags.next()) {
    switch (flag) {
      case '--events':
        options.events = flags.integer(1);
        break;
      case '--clients': {
        const names = value().split(',').map((name) => name.trim()).filter(Boolean);
        for (const name of names) if (!(name in CLIENTS)) throw new UsageError(`unknown client "${name}" (known: ${Object.keys(CLIENTS).join(', ')})`);
        if (names.length === 0) throw new UsageError('--clients needs at least one client');
        options.clients = names;
        break;
      }
      case '--repeat':
        options.repeat = flags.integer(1);
        break;
      case '--json':
        options.json = true;
        break;
      case '--no-warmup':
        options.warmup = false;
        break;
      case '--profile':
        options.profileDir = resolve(value());
        break;
      case '--loader': {
        const kind = value();
        if (kind !== 'tsx' && kind !== 'bundle') throw new UsageError(`--loader must be tsx or bundle, not "${kind}"`);
        options.loader = kind;
        break;
      }
      case '--help':
      case '-h':
        return undefined;
      default:
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  return options;
}

interface ChildOutcome {
  readonly result: ClientResult | undefined;
  readonly exitCode: number | null;
  readonly stderr: string;
  /** What the parent read of the process (undefined for unwatched runs). */
  readonly whole: WholeProcess | undefined;
}

interface NodeOutcome {
  /** The child's last RESULT_PREFIX line, JSON-parsed. */
  readonly reported: unknown;
  readonly exitCode: number | null;
  readonly stderr: string;
  readonly whole: WholeProcess | undefined;
}

/**
 * Runs `node <argv>` in the repo; never rejects. Only the child we spawned is ever killed (by its
 * handle). With `onWatch`, the process is watched from here (process-watch.ts): the watch is handed
 * over before the child can connect, and taken back (undefined) once it has exited.
 */
function runNode(argv: readonly string[], onWatch?: (watch: ProcessWatch | undefined) => void): Promise<NodeOutcome> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env['NODE_OPTIONS']; // the child gets exactly the loader its argv names
    const watch = onWatch ? new ProcessWatch() : undefined;
    const child = spawn(process.execPath, argv, { cwd: REPO_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (watch) {
      watch.attach(child);
      onWatch!(watch);
    }
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS + 10_000);
    child.on('close', (exitCode) => {
      clearTimeout(killer);
      onWatch?.(undefined);
      const whole = watch?.finish();
      const line = stdout
        .split('\n')
        .reverse()
        .find((candidate) => candidate.startsWith(RESULT_PREFIX));
      let reported: unknown;
      if (line) {
        try {
          reported = JSON.parse(line.slice(RESULT_PREFIX.length));
        } catch {
          reported = undefined;
        }
      }
      resolve({ reported, exitCode, stderr, whole });
    });
  });
}

/** How a client script becomes a node command line. */
interface Launcher {
  readonly kind: LoaderKind;
  /** For the tables, e.g. "node --import tsx". */
  readonly label: string;
  argv(script: string, args: readonly string[]): string[];
  dispose(): void;
}

function tsxLauncher(): Launcher {
  return {
    kind: 'tsx',
    label: 'node --import tsx',
    argv: (script, args) => ['--import', 'tsx', join(BENCH_DIR, 'clients', script), ...args],
    dispose: () => {},
  };
}

/**
 * Bundles the client scripts (with the src-main code they import) into plain ESM in a temp dir.
 * Packages stay external, as absolute file paths resolved from the repo, so node loads the very
 * same node_modules files as under tsx; no minification, like the app's main-process build.
 */
async function bundleLauncher(scripts: readonly string[]): Promise<Launcher> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    throw new Error(`--loader bundle needs esbuild (installed with tsx and vite): ${String(error)}`);
  }
  const outdir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  await esbuild.build({
    entryPoints: scripts.map((script) => join(BENCH_DIR, 'clients', script)),
    outdir,
    outbase: join(BENCH_DIR, 'clients'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    logLevel: 'error',
    plugins: [
      {
        name: 'packages-external-by-path',
        setup(build) {
          build.onResolve({ filter: /^[^./]/ }, (args) => {
            if (isBuiltin(args.path)) return { path: args.path, external: true };
            return { path: fileURLToPath(import.meta.resolve(args.path)), external: true };
          });
        },
      },
    ],
  });
  // Stop esbuild's service process now: reaped later, its CPU would count in a client's whole-run CPU.
  await esbuild.stop();
  return {
    kind: 'bundle',
    label: 'node (esbuild bundle)',
    argv: (script, args) => [join(outdir, basename(script).replace(/\.ts$/, '.mjs')), ...args],
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

async function runChild(
  launcher: Launcher,
  spec: Extract<ClientSpec, { kind: 'script' }>,
  args: readonly string[],
  onWatch: (watch: ProcessWatch | undefined) => void,
): Promise<ChildOutcome> {
  const outcome = await runNode(launcher.argv(spec.script, [...spec.extraArgs, ...args]), onWatch);
  const result = outcome.reported as ClientResult | undefined;
  const whole = outcome.whole && withPeakRss(outcome.whole, result?.memory.peakRssMb);
  return { result, exitCode: outcome.exitCode, stderr: outcome.stderr, whole };
}

/** The same report as exitAfterWarmup, from plain node with no loader and no imports. */
const BARE_NODE_PROBE = `
const cpu = process.cpuUsage();
let kb = process.resourceUsage().maxRSS;
try { kb = Number(/^VmHWM:\\s+(\\d+)/m.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]); } catch {}
process.stdout.write(${JSON.stringify(RESULT_PREFIX)} + JSON.stringify({ warmup: true, importMs: performance.now(), importCpuMs: (cpu.user + cpu.system) / 1000, peakRssMb: kb / 1024 }) + '\\n');
`;

interface ImportOnlyRow {
  readonly what: string;
  readonly result: ImportOnlyResult | undefined;
}

/**
 * Import-only runs: bare node, the loader with an empty script, then each client script up to the
 * first line of its body. With warm-up on, each script runs twice and the second (warm tsx cache)
 * run is the one reported; that also warms the cache for the measured runs.
 */
async function measureImports(
  launcher: Launcher,
  scripts: readonly string[],
  warm: boolean,
  log: (text: string) => void,
): Promise<ImportOnlyRow[]> {
  const rows: ImportOnlyRow[] = [];
  const bare = await runNode(['-e', BARE_NODE_PROBE]);
  rows.push({ what: 'node (no loader, no imports)', result: bare.reported as ImportOnlyResult | undefined });
  for (const script of ['empty.ts', ...scripts]) {
    let outcome: NodeOutcome | undefined;
    for (let pass = 0; pass < (warm ? 2 : 1); pass++) outcome = await runNode(launcher.argv(script, ['--warmup']));
    if (outcome!.exitCode !== 0) log(`import-only run of ${script} exited ${outcome!.exitCode}: ${outcome!.stderr.trim().slice(0, 500)}`);
    const what = script === 'empty.ts' ? `${launcher.label}, empty script` : `${launcher.label}, ${script} imports`;
    rows.push({ what, result: outcome!.reported as ImportOnlyResult | undefined });
  }
  return rows;
}

/** One run of one client, whichever way it was measured (the harness in the child, or from here). */
interface RunRecord {
  readonly ok: boolean;
  readonly errors: string[];
  readonly notes: string[];
  /** Frames the server sent this client. */
  readonly events: number;
  /** The measured window: first event to the server's close (the command: first frame on the wire to its "server ended" line). */
  readonly stream: { readonly cpuMs: number; readonly cpuUserMs: number; readonly cpuSysMs: number; readonly wallMs: number };
  readonly startup: { readonly ms: number; readonly cpuMs: number; readonly importMs: number; readonly importCpuMs: number };
  readonly memory: { readonly peakRssMb: number; readonly rssAtFirstEventMb: number; readonly rssAtEndMb: number };
  /** Read from here, the same way for every client (process-watch.ts). */
  readonly whole: WholeProcess | undefined;
  /** What the child reported, or the command's report (for --json). */
  readonly reported: ClientResult | CommandReport | null;
}

function recordOfChild(outcome: ChildOutcome, plan: StreamPlan): RunRecord {
  const r = outcome.result;
  const errors = r ? r.errors : [`no result line (exit ${outcome.exitCode}): ${outcome.stderr.trim().split('\n').slice(-5).join(' | ')}`];
  return {
    ok: r?.ok ?? false,
    errors,
    notes: r?.notes ?? [],
    events: plan.frames,
    stream: r?.stream ?? { cpuMs: NaN, cpuUserMs: NaN, cpuSysMs: NaN, wallMs: NaN },
    startup: r?.startup ?? { ms: NaN, cpuMs: NaN, importMs: NaN, importCpuMs: NaN },
    memory: r?.memory ?? { peakRssMb: NaN, rssAtFirstEventMb: NaN, rssAtEndMb: NaN },
    whole: outcome.whole,
    reported: r ?? null,
  };
}

function recordOfCommand(report: CommandReport, plan: StreamPlan): RunRecord {
  const { start, end } = report.whole;
  const span = (pick: (moment: NonNullable<typeof start>) => number) => (start && end ? pick(end) - pick(start) : NaN);
  return {
    ok: report.ok,
    errors: report.errors,
    notes: report.notes,
    events: plan.frames,
    stream: { cpuMs: span((m) => m.cpuMs), cpuUserMs: span((m) => m.userMs), cpuSysMs: span((m) => m.sysMs), wallMs: span((m) => m.wallMs) },
    startup: { ms: start?.wallMs ?? NaN, cpuMs: start?.cpuMs ?? NaN, importMs: NaN, importCpuMs: NaN },
    memory: { peakRssMb: report.whole.peakRssMb, rssAtFirstEventMb: NaN, rssAtEndMb: NaN },
    whole: report.whole,
    reported: report,
  };
}

/** Whole-process CPU per event: the run's CPU after the first frame on the wire (exit included), µs. */
function wholeCpuPerEventUs(record: RunRecord): number {
  const whole = record.whole;
  if (!whole?.start) return NaN;
  return ((whole.cpuMs - whole.start.cpuMs) / record.events) * 1000;
}

interface Summary {
  readonly client: string;
  readonly description: string;
  readonly runs: number;
  readonly okRuns: number;
  readonly errors: string[];
  readonly notes: string[];
  readonly events: number;
  readonly cpuMs: number;
  readonly cpuUserMs: number;
  readonly cpuSysMs: number;
  readonly cpuMsPer1000Events: number;
  readonly cpuRatioToFloor: number | undefined;
  readonly cpuPercentOfRealtime: number;
  readonly wallMs: number;
  readonly eventsPerSecond: number;
  readonly startupMs: number;
  readonly startupCpuMs: number;
  readonly importMs: number;
  readonly importCpuMs: number;
  readonly peakRssMb: number;
  readonly rssAtFirstEventMb: number;
  readonly rssAtEndMb: number;
  /** The whole-process figures (process-watch.ts), medians. */
  readonly whole: {
    readonly startWallMs: number;
    readonly startCpuMs: number;
    readonly peakRssMb: number;
    readonly cpuMs: number;
    readonly cpuPerEventUs: number;
    readonly ratioToFloor: number | undefined;
  };
}

function median(values: readonly number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(client: string, records: readonly RunRecord[], plan: StreamPlan): Summary {
  const ok = records.filter((record) => record.ok);
  const errors = records.flatMap((record) => (record.ok ? [] : record.errors));
  const notes = [...new Set(records.flatMap((record) => record.notes))];
  const m = (pick: (record: RunRecord) => number | null | undefined) => median(ok.map((record) => pick(record) ?? NaN));
  const events = records[0]?.events ?? plan.frames;
  const cpuMs = m((r) => r.stream.cpuMs);
  const wallMs = m((r) => r.stream.wallMs);
  return {
    client,
    description: CLIENTS[client]!.description,
    runs: records.length,
    okRuns: ok.length,
    errors,
    notes,
    events,
    cpuMs,
    cpuUserMs: m((r) => r.stream.cpuUserMs),
    cpuSysMs: m((r) => r.stream.cpuSysMs),
    cpuMsPer1000Events: (cpuMs / events) * 1000,
    cpuRatioToFloor: undefined,
    cpuPercentOfRealtime: (cpuMs / plan.audioMs) * 100,
    wallMs,
    eventsPerSecond: events / (wallMs / 1000),
    startupMs: m((r) => r.startup.ms),
    startupCpuMs: m((r) => r.startup.cpuMs),
    importMs: m((r) => r.startup.importMs),
    importCpuMs: m((r) => r.startup.importCpuMs),
    peakRssMb: m((r) => r.memory.peakRssMb),
    rssAtFirstEventMb: m((r) => r.memory.rssAtFirstEventMb),
    rssAtEndMb: m((r) => r.memory.rssAtEndMb),
    whole: {
      startWallMs: m((r) => r.whole?.start?.wallMs),
      startCpuMs: m((r) => r.whole?.start?.cpuMs),
      peakRssMb: m((r) => r.whole?.peakRssMb),
      cpuMs: m((r) => r.whole?.cpuMs),
      cpuPerEventUs: m(wholeCpuPerEventUs),
      ratioToFloor: undefined,
    },
  };
}

/** The client's harness script, or undefined for the compiled command. */
function scriptOf(client: string): Extract<ClientSpec, { kind: 'script' }> | undefined {
  const spec = CLIENTS[client]!;
  return spec.kind === 'script' ? spec : undefined;
}

async function main(): Promise<number> {
  const parsed = parseBenchFlags('bench:events', parseOptions, usage);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { options } = parsed;
  const log = (text: string) => {
    if (!options!.json) process.stdout.write(text + '\n');
    else process.stderr.write(text + '\n');
  };

  if (options.profileDir) mkdirSync(options.profileDir, { recursive: true });
  const buildStarted = performance.now();
  const { plan, frames } = buildStream(options.events);
  const streamBytes = frames.reduce((sum, frame) => sum + frame.length, 0);
  const buildMs = performance.now() - buildStarted;

  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
  };
  log(`machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, ${machine.platform}, node ${machine.node}`);
  log(
    `stream:  ${plan.frames} events = ${plan.audioDeltas} response.output_audio.delta (${(plan.audioMs / 60_000).toFixed(1)} min of 24 kHz PCM16), ` +
      `${plan.transcriptDeltas} transcript deltas (1 per ${TRANSCRIPT_EVERY} audio), ${plan.responses} responses of ≤${RESPONSE_AUDIO_DELTAS} audio deltas; ` +
      `${(streamBytes / 1024 ** 2).toFixed(1)} MB of JSON, pre-built in ${buildMs.toFixed(0)} ms`,
  );

  // The child being measured now (children run one at a time): the servers mark its first frame.
  let watched: ProcessWatch | undefined;
  const onWatch = (watch: ProcessWatch | undefined) => (watched = watch);
  const markClientStarted = () => watched?.markStart();
  const streamStats: StreamStats[] = [];
  const server = await startEventsServer(frames, (stats) => streamStats.push(stats), markClientStarted);
  const wsBase = `ws://${server.host}`;
  const childArgs = ['--ws-base', wsBase, ...planToArgs(plan), '--timeout-ms', String(CHILD_TIMEOUT_MS)];
  const withCommand = options.clients.includes(COMMAND_CLIENT);

  const scripts = [...new Set(options.clients.flatMap((client) => scriptOf(client) ?? []).map((spec) => spec.script))];
  let launcher: Launcher | undefined;
  try {
    if (withCommand) log(`command: ${await ensureCommandBuilt()}`);
    launcher = options.loader === 'bundle' ? await bundleLauncher(['empty.ts', ...scripts]) : tsxLauncher();
    const imports = await measureImports(launcher, scripts, options.warmup, log);

    const records = new Map<string, RunRecord[]>(options.clients.map((client) => [client, []]));
    const started = performance.now();
    for (let round = 0; round < options.repeat; round++) {
      for (const client of options.clients) {
        const profileOut = options.profileDir ? join(options.profileDir, `${client}-${round + 1}.cpuprofile`) : undefined;
        const spec = scriptOf(client);
        const record = spec
          ? recordOfChild(await runChild(launcher, spec, [...childArgs, ...(profileOut ? ['--profile-out', profileOut] : [])], onWatch), plan)
          : recordOfCommand(
              await runCommandClient({ wsBase, plan, timeoutMs: CHILD_TIMEOUT_MS, profileOut, onWatch }),
              plan,
            );
        records.get(client)!.push(record);
        log(
          `  run ${round + 1}/${options.repeat} ${client.padEnd(14)} ` +
            (record.ok
              ? `ok: ${fmt(record.stream.cpuMs, 0)} ms CPU, ${fmt(record.stream.wallMs, 0)} ms wall, peak RSS ${fmt(record.memory.peakRssMb)} MB; ` +
                `whole process: start ${fmt(record.whole?.start?.cpuMs, 0)} ms CPU / ${fmt(record.whole?.start?.wallMs, 0)} ms wall, ` +
                `run ${fmt(record.whole?.cpuMs, 0)} ms CPU, peak RSS ${fmt(record.whole?.peakRssMb)} MB`
              : `FAILED: ${record.errors.join('; ')}`),
        );
      }
    }
    const totalMs = performance.now() - started;

    const summaries = options.clients.map((client) => summarize(client, records.get(client)!, plan));
    const floor = summaries.find((summary) => summary.client === 'floor');
    const withRatio = summaries.map((summary) => ({
      ...summary,
      cpuRatioToFloor: floor && floor.okRuns > 0 ? summary.cpuMsPer1000Events / floor.cpuMsPer1000Events : undefined,
      whole: { ...summary.whole, ratioToFloor: floor && floor.okRuns > 0 ? summary.whole.cpuPerEventUs / floor.whole.cpuPerEventUs : undefined },
    }));

    const loaderRssMb = imports.find((row) => row.what.includes('empty script'))?.result?.peakRssMb ?? NaN;
    const parley = withRatio.find((summary) => summary.client === 'parley');
    const targets = parley
      ? [
          {
            name: `Parley CPU per event <= ${TARGET_CPU_RATIO}x floor`,
            value: parley.cpuRatioToFloor,
            unit: 'x',
            pass: parley.cpuRatioToFloor !== undefined && parley.cpuRatioToFloor <= TARGET_CPU_RATIO,
          },
          {
            name: `Parley peak RSS <= ${TARGET_RSS_MB} MB`,
            value: parley.peakRssMb,
            unit: ' MB',
            pass: Number.isFinite(parley.peakRssMb) && parley.peakRssMb <= TARGET_RSS_MB,
          },
        ]
      : [];

    if (options.json) {
      const document = {
        machine,
        plan,
        streamBytes,
        repeat: options.repeat,
        loader: `${launcher.label} (same for every client)`,
        importOnly: imports,
        clients: withRatio,
        targets,
        server: streamStats,
        runs: Object.fromEntries([...records].map(([client, list]) => [client, list.map((record) => ({ reported: record.reported, whole: record.whole ?? null }))])),
      };
      process.stdout.write(JSON.stringify(document, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n');
    } else {
      const repeatNote = options.repeat > 1 ? ` (median of ${options.repeat} runs)` : '';
      log('');
      log(`import only${options.warmup && launcher.kind === 'tsx' ? ' (warm tsx cache)' : ''}: process start to the first line of the script body`);
      log('');
      log(
        table(
          ['process', 'wall ms', 'CPU ms', 'peak RSS MB'],
          imports.map((row) => [row.what, fmt(row.result?.importMs, 0), fmt(row.result?.importCpuMs, 0), fmt(row.result?.peakRssMb, 1)]),
        ),
      );
      log('');
      log(`results${repeatNote}; CPU = user+sys of the client process from its first event to the end of the stream (server close):`);
      log('');
      log(
        table(
          ['client', 'CPU ms', 'user', 'sys', 'CPU ms/1k ev', 'x floor', '% realtime', 'wall ms', 'k ev/s', 'startup ms', 'startup CPU', 'import ms', 'peak RSS MB', 'RSS@1st MB', 'peak - base MB'],
          withRatio.map((s) => [
            s.okRuns === s.runs ? s.client : `${s.client} (${s.okRuns}/${s.runs} ok)`,
            fmt(s.cpuMs, 0),
            fmt(s.cpuUserMs, 0),
            fmt(s.cpuSysMs, 0),
            fmt(s.cpuMsPer1000Events, 2),
            s.cpuRatioToFloor === undefined ? 'n/a' : `${fmt(s.cpuRatioToFloor, 2)}x`,
            `${fmt(s.cpuPercentOfRealtime, 2)}%`,
            fmt(s.wallMs, 0),
            fmt(s.eventsPerSecond / 1000, 1),
            fmt(s.startupMs, 0),
            fmt(s.startupCpuMs, 0),
            fmt(s.importMs, 0),
            fmt(s.peakRssMb, 1),
            fmt(s.rssAtFirstEventMb, 1),
            fmt(s.peakRssMb - loaderRssMb, 1),
          ]),
        ),
      );
      log('');
      log('  CPU ms/1k ev: per 1000 stream events of any type; % realtime: CPU time / audio duration (one core = 100%).');
      log(`  startup: from process start to the first stream event (${launcher.label} + imports + connect + session.update),`);
      log('  wall ms and CPU ms; import ms: process start to the first line of the client body. peak RSS: VmHWM of the process;');
      log(`  peak - base: peak RSS minus the "${launcher.label}, empty script" baseline (${fmt(loaderRssMb, 1)} MB).`);
      if (withCommand) {
        log(`  ${COMMAND_CLIENT} is measured from outside (/proc): startup = spawn to its first frame at the server, stream = from then`);
        log('  to its "server ended the session" line; user/sys at 10 ms ticks.');
      }
      for (const s of withRatio) {
        log(`  ${s.client}: ${s.description}`);
        for (const note of s.notes) log(`    note: ${note}`);
        for (const error of s.errors) log(`    ERROR: ${error}`);
      }
      log('');
      log(`whole process${repeatNote}, each client its own process, read from the parent the same way for all (/proc):`);
      log('');
      log(
        table(
          ['client', 'start CPU ms', 'start wall ms', 'peak RSS MB', 'run CPU ms', 'CPU per event µs', 'x floor'],
          withRatio.map((s) => [
            s.okRuns === s.runs ? s.client : `${s.client} (${s.okRuns}/${s.runs} ok)`,
            fmt(s.whole.startCpuMs, 0),
            fmt(s.whole.startWallMs, 0),
            fmt(s.whole.peakRssMb, 1),
            fmt(s.whole.cpuMs, 0),
            fmt(s.whole.cpuPerEventUs, 1),
            s.whole.ratioToFloor === undefined ? 'n/a' : `${fmt(s.whole.ratioToFloor, 2)}x`,
          ]),
        ),
      );
      log('');
      log('  start: spawn to the client\'s first frame arriving at the server (its session.update), wall ms, and the CPU of all');
      log(`  its threads then (/proc/PID/task/*/schedstat; ${launcher.label} for the scripts, plain node for ${COMMAND_CLIENT}).`);
      log('  peak RSS: VmHWM, the highest read while it ran (and, for the scripts, their own read at the last event).');
      log('  run CPU: user+sys from spawn to exit (the reaped child\'s times, 10 ms ticks). CPU per event: (run CPU - start CPU) /');
      log('  events the server sent it, so exit and teardown count too; x floor: that, over the floor\'s.');
      if (streamStats.length > 0) {
        const pauses = streamStats.map((stats) => stats.pauses);
        const peak = Math.max(...streamStats.map((stats) => stats.peakBufferedBytes));
        log(`  server: ${streamStats.length} streams, backpressure pauses ${Math.min(...pauses)}..${Math.max(...pauses)} per stream, peak send buffer ${(peak / 1024).toFixed(0)} KB`);
      }
      log('');
      if (targets.length > 0) {
        log('targets:');
        for (const target of targets) log(`  ${target.name.padEnd(36)} ${fmt(target.value, 2)}${target.unit}  ${target.pass ? 'PASS' : 'FAIL'}`);
        if (parley && launcher.kind === 'tsx') {
          log(`  (tsx alone is ${fmt(loaderRssMb, 1)} MB of that; Parley net of it: ${fmt(parley.peakRssMb - loaderRssMb, 1)} MB; --loader bundle measures it without tsx)`);
        }
      } else {
        log('targets: not evaluated (run the parley client, and floor for the CPU ratio)');
      }
      log(`total benchmark time ${(totalMs / 1000).toFixed(1)} s; loader: ${launcher.label}; scripts in ${relative(process.cwd(), BENCH_DIR) || '.'}`);
    }
    return withRatio.every((summary) => summary.okRuns === summary.runs) ? 0 : 1;
  } finally {
    launcher?.dispose();
    await server.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench:events: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
