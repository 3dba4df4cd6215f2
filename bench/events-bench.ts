/**
 * Realtime event-stream benchmark: the same OpenAI Realtime GA event stream (by default 10 minutes
 * of assistant speech: 30,000 × 20 ms audio deltas plus transcript deltas, in responses of 500
 * deltas) streamed from a local ws server through three clients, each in its own child process:
 *
 *   floor   a bare `ws` client: JSON.parse, base64-decode audio, append transcript; nothing else
 *   agents  @openai/agents-realtime RealtimeSession + OpenAIRealtimeWebSocket, agent without tools
 *   parley  Parley's VoiceSession + ws transport + `none` agent + WAV file sink (dialect v2)
 *   (parley-nosink, on request: Parley without an AudioSink, to separate the file writing)
 *
 * Usage: npm run bench:events -- [--events N] [--clients floor,agents,parley] [--repeat N] [--json]
 *                                  [--loader tsx|bundle] [--profile DIR]
 *
 * By default each client is bundled with esbuild (packages stay external) and run on plain node,
 * which is what the packaged app does and what the RSS target is read against; `--loader tsx`
 * runs `node --import tsx bench/clients/<client>.ts` instead (tsx costs every client the same,
 * about 35 MB RSS and 250 ms CPU; a warm-up pass first fills its transform cache). Each client
 * measures itself (see bench/clients/harness.ts) and reports one JSON line.
 * The server lives in this process, so its work never shows in a client's numbers. How the end of
 * the stream is detected and verified: see bench/events-stream.ts.
 */
import { parseBenchFlags, UsageError } from './cli';
import { spawn } from 'node:child_process';
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

interface ClientSpec {
  readonly script: string;
  readonly extraArgs: readonly string[];
  readonly description: string;
}

const CLIENTS: Record<string, ClientSpec> = {
  floor: { script: 'floor.ts', extraArgs: [], description: 'bare ws: JSON.parse + base64 decode + transcript append' },
  agents: { script: 'agents.ts', extraArgs: [], description: '@openai/agents-realtime RealtimeSession (websocket)' },
  parley: { script: 'parley.ts', extraArgs: [], description: 'Parley VoiceSession v2 + ws transport + WAV file sink' },
  'parley-nosink': { script: 'parley.ts', extraArgs: ['--variant', 'nosink'], description: 'Parley VoiceSession v2, no AudioSink' },
};
const DEFAULT_CLIENTS = ['floor', 'agents', 'parley'];

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
    '  --loader KIND      bundle (default): esbuild-bundle each client and run it on plain node, as the app ships; tsx: node --import tsx on the .ts clients',
    '                     each client (packages external) and run it on plain node, like the packaged app',
    '  --no-warmup        run each import-only baseline once instead of twice (the first run warms tsx\'s cache)',
    '  --profile DIR      write a V8 CPU profile of each measured child, covering exactly its measured',
    '                     window, to DIR/<client>-<run>.cpuprofile (open in Chrome DevTools);',
    '                     profiling slows the children, so use those runs for hotspots, not for the table',
    '  --help',
    '',
  ].join('\n');
}

function parseOptions(argv: readonly string[]): Options | undefined {
  const options: Options = { events: DEFAULT_AUDIO_DELTAS, clients: DEFAULT_CLIENTS, repeat: 5, json: false, warmup: true, profileDir: undefined, loader: 'bundle' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    const positiveInt = (raw: string): number => {
      const n = Number(raw);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, not "${raw}"`);
      return n;
    };
    switch (flag) {
      case '--events':
        options.events = positiveInt(value());
        break;
      case '--clients': {
        const names = value().split(',').map((name) => name.trim()).filter(Boolean);
        for (const name of names) if (!(name in CLIENTS)) throw new UsageError(`unknown client "${name}" (known: ${Object.keys(CLIENTS).join(', ')})`);
        if (names.length === 0) throw new UsageError('--clients needs at least one client');
        options.clients = names;
        break;
      }
      case '--repeat':
        options.repeat = positiveInt(value());
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
}

interface NodeOutcome {
  /** The child's last RESULT_PREFIX line, JSON-parsed. */
  readonly reported: unknown;
  readonly exitCode: number | null;
  readonly stderr: string;
}

/** Runs `node <argv>` in the repo; never rejects. Only the child we spawned is ever killed (by its handle). */
function runNode(argv: readonly string[]): Promise<NodeOutcome> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env['NODE_OPTIONS']; // the child gets exactly the loader its argv names
    const child = spawn(process.execPath, argv, { cwd: REPO_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 20_000) stderr += chunk;
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS + 10_000);
    child.on('close', (exitCode) => {
      clearTimeout(killer);
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
      resolve({ reported, exitCode, stderr });
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
  return {
    kind: 'bundle',
    label: 'node (esbuild bundle)',
    argv: (script, args) => [join(outdir, basename(script).replace(/\.ts$/, '.mjs')), ...args],
    dispose: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

async function runChild(launcher: Launcher, spec: ClientSpec, args: readonly string[]): Promise<ChildOutcome> {
  const outcome = await runNode(launcher.argv(spec.script, [...spec.extraArgs, ...args]));
  return { result: outcome.reported as ClientResult | undefined, exitCode: outcome.exitCode, stderr: outcome.stderr };
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

interface Summary {
  readonly client: string;
  readonly description: string;
  readonly runs: number;
  readonly okRuns: number;
  readonly errors: string[];
  readonly notes: string[];
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
}

function median(values: readonly number[]): number {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function summarize(client: string, outcomes: readonly ChildOutcome[], plan: StreamPlan): Summary {
  const ok = outcomes.filter((outcome) => outcome.result?.ok).map((outcome) => outcome.result!);
  const errors: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.result && !outcome.result.ok) errors.push(...outcome.result.errors);
    if (!outcome.result) errors.push(`no result line (exit ${outcome.exitCode}): ${outcome.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  }
  const notes = [...new Set(outcomes.flatMap((outcome) => outcome.result?.notes ?? []))];
  const m = (pick: (result: ClientResult) => number | null) => median(ok.map((result) => pick(result) ?? NaN));
  const cpuMs = m((r) => r.stream.cpuMs);
  const wallMs = m((r) => r.stream.wallMs);
  return {
    client,
    description: CLIENTS[client]!.description,
    runs: outcomes.length,
    okRuns: ok.length,
    errors,
    notes,
    cpuMs,
    cpuUserMs: m((r) => r.stream.cpuUserMs),
    cpuSysMs: m((r) => r.stream.cpuSysMs),
    cpuMsPer1000Events: (cpuMs / plan.frames) * 1000,
    cpuRatioToFloor: undefined,
    cpuPercentOfRealtime: (cpuMs / plan.audioMs) * 100,
    wallMs,
    eventsPerSecond: plan.frames / (wallMs / 1000),
    startupMs: m((r) => r.startup.ms),
    startupCpuMs: m((r) => r.startup.cpuMs),
    importMs: m((r) => r.startup.importMs),
    importCpuMs: m((r) => r.startup.importCpuMs),
    peakRssMb: m((r) => r.memory.peakRssMb),
    rssAtFirstEventMb: m((r) => r.memory.rssAtFirstEventMb),
    rssAtEndMb: m((r) => r.memory.rssAtEndMb),
  };
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

  const streamStats: StreamStats[] = [];
  const server = await startEventsServer(frames, (stats) => streamStats.push(stats));
  const wsBase = `ws://${server.host}`;
  const childArgs = ['--ws-base', wsBase, ...planToArgs(plan), '--timeout-ms', String(CHILD_TIMEOUT_MS)];

  const scripts = [...new Set(options.clients.map((client) => CLIENTS[client]!.script))];
  let launcher: Launcher | undefined;
  try {
    launcher = options.loader === 'bundle' ? await bundleLauncher(['empty.ts', ...scripts]) : tsxLauncher();
    const imports = await measureImports(launcher, scripts, options.warmup, log);

    const outcomes = new Map<string, ChildOutcome[]>(options.clients.map((client) => [client, []]));
    const started = performance.now();
    for (let round = 0; round < options.repeat; round++) {
      for (const client of options.clients) {
        const profileArgs = options.profileDir ? ['--profile-out', join(options.profileDir, `${client}-${round + 1}.cpuprofile`)] : [];
        const outcome = await runChild(launcher, CLIENTS[client]!, [...childArgs, ...profileArgs]);
        outcomes.get(client)!.push(outcome);
        const r = outcome.result;
        log(
          `  run ${round + 1}/${options.repeat} ${client.padEnd(13)} ` +
            (r?.ok
              ? `ok: ${fmt(r.stream.cpuMs, 0)} ms CPU, ${fmt(r.stream.wallMs, 0)} ms wall, peak RSS ${fmt(r.memory.peakRssMb)} MB`
              : `FAILED: ${r ? r.errors.join('; ') : `exit ${outcome.exitCode}: ${outcome.stderr.trim().split('\n').slice(-3).join(' | ')}`}`),
        );
      }
    }
    const totalMs = performance.now() - started;

    const summaries = options.clients.map((client) => summarize(client, outcomes.get(client)!, plan));
    const floor = summaries.find((summary) => summary.client === 'floor');
    const withRatio = summaries.map((summary) => ({
      ...summary,
      cpuRatioToFloor: floor && floor.okRuns > 0 ? summary.cpuMsPer1000Events / floor.cpuMsPer1000Events : undefined,
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
        runs: Object.fromEntries([...outcomes].map(([client, list]) => [client, list.map((outcome) => outcome.result ?? null)])),
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
      for (const s of withRatio) {
        log(`  ${s.client}: ${s.description}`);
        for (const note of s.notes) log(`    note: ${note}`);
        for (const error of s.errors) log(`    ERROR: ${error}`);
      }
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
