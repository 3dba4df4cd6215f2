/**
 * Start-up and memory of the `parley` command: the built bundle (out/cli/parley.mjs on plain
 * node, what `npm run headless` and the package's `bin` run) beside the same entry through the
 * TypeScript loader (`node --import tsx src-main/headless/main.ts`, how it ran before).
 *
 *   --help        wall ms from spawn to exit
 *   first frame   wall ms from spawn to the first websocket frame a loopback server receives (the
 *                 session.update sent on connect), and the process's peak RSS at that moment
 *   stream        peak RSS of the command receiving S seconds of assistant speech (the bench:events
 *                 stream, sent as fast as the command reads it) into --output-wav
 *
 * Usage: npm run bench:cli -- [--runs N] [--stream-seconds S] [--no-tsx]
 * Peak RSS is VmHWM from /proc/PID/status (Linux); elsewhere it reads n/a.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { parseBenchFlags, UsageError } from './cli';
import { startEventsServer } from './events-server';
import { AUDIO_DELTA_MS, buildStream } from './events-stream';
import { BUNDLE_VARIANT, buildCommand, exited, startCommand, TSX_VARIANT, withTimeout, type CommandVariant as Variant } from './parley-command';
import { peakRssKb } from './process-stats';
import { distribution, fmt, table } from '../test/support/stats';

const TARGET_HELP_MS = 250;
const TARGET_FIRST_FRAME_MS = 300;
const TARGET_STREAM_RSS_MB = 90;
const FIRST_FRAME_TIMEOUT_MS = 10_000;
const STREAM_TIMEOUT_MS = 120_000;
const KB_PER_MB = 1024;

interface Options {
  runs: number;
  streamSeconds: number;
  tsx: boolean;
}

const VARIANTS: readonly Variant[] = [BUNDLE_VARIANT, TSX_VARIANT];

function usage(): string {
  return [
    'usage: npm run bench:cli -- [options]',
    '',
    '  --runs N             runs per variant and measurement, interleaved (default 10)',
    '  --stream-seconds S   seconds of assistant speech streamed for the peak RSS (default 60; 0 skips)',
    '  --no-tsx             measure the bundle only',
    '',
  ].join('\n');
}

function parse(argv: readonly string[]): Options | undefined {
  const options: Options = { runs: 10, streamSeconds: 60, tsx: true };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    const value = () => {
      const number = Number(argv[++index]);
      if (!Number.isInteger(number) || number < 0) throw new UsageError(`${flag} needs a whole number`);
      return number;
    };
    if (flag === '--help') return undefined;
    else if (flag === '--runs') options.runs = Math.max(1, value());
    else if (flag === '--stream-seconds') options.streamSeconds = value();
    else if (flag === '--no-tsx') options.tsx = false;
    else throw new UsageError(`unknown flag ${flag}`);
  }
  return options;
}

function helpWallMs(variant: Variant): number {
  const startedAt = performance.now();
  const result = spawnSync(process.execPath, [...variant.args, '--help'], { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${variant.name} --help exited with ${result.status}`);
  return performance.now() - startedAt;
}

/** Spawn to the first frame on the wire; the command is killed once it is in. */
async function firstFrame(variant: Variant): Promise<{ ms: number; rssKb: number | undefined }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as { port: number };
  const arrived = new Promise<number>((resolve) => server.on('connection', (socket) => socket.once('message', () => resolve(performance.now()))));
  const startedAt = performance.now();
  const child = startCommand(variant, ['--realtime-url', `ws://127.0.0.1:${port}`, '--agent', 'none', '--input-device', 'none', '--output-device', 'none']);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  try {
    const arrivedAt = await withTimeout(
      Promise.race([arrived, exited(child).then(() => Promise.reject(new Error(`${variant.name} exited before its first frame: ${stderr.trim()}`)))]),
      FIRST_FRAME_TIMEOUT_MS,
      `${variant.name}: no frame within ${FIRST_FRAME_TIMEOUT_MS} ms`,
    );
    return { ms: arrivedAt - startedAt, rssKb: peakRssKb(child.pid) };
  } finally {
    child.kill('SIGKILL');
    await exited(child);
    for (const socket of server.clients) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Peak RSS over a stream of `seconds` of assistant speech. The server closes the socket after its
 * last frame; the command reports the lost connection only after reading every frame before it,
 * so that line marks the whole stream as handled.
 */
async function streamPeakRssKb(variant: Variant, seconds: number): Promise<number | undefined> {
  const { plan, frames } = buildStream(Math.max(1, Math.round((seconds * 1000) / AUDIO_DELTA_MS)));
  const server = await startEventsServer(frames);
  const folder = mkdtempSync(join(tmpdir(), 'parley-cli-bench-'));
  const child = startCommand(variant, [
    '--realtime-url', `ws://${server.host}`, '--agent', 'none', '--input-device', 'none',
    '--output-wav', join(folder, 'answer.wav'), '--events', 'jsonl',
  ]);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  try {
    let pending = '';
    let audioBytes = 0;
    const handled = new Promise<void>((resolve) =>
      child.stdout!.setEncoding('utf8').on('data', (text: string) => {
        const lines = (pending + text).split('\n');
        pending = lines.pop()!;
        for (const line of lines) {
          const event = JSON.parse(line) as { type: string; bytes?: number };
          if (event.type === 'audio.output') audioBytes += event.bytes ?? 0;
          if (event.type === 'connection' || event.type === 'closed') resolve();
        }
      }),
    );
    await withTimeout(
      Promise.race([handled, exited(child).then(() => Promise.reject(new Error(`${variant.name} exited during the stream: ${stderr.trim()}`)))]),
      STREAM_TIMEOUT_MS,
      `${variant.name}: stream not handled within ${STREAM_TIMEOUT_MS} ms`,
    );
    const peak = peakRssKb(child.pid);
    // A stream the command did not take in whole would make a low peak meaningless.
    if (audioBytes !== plan.audioBytes) throw new Error(`${variant.name} played ${audioBytes} of the stream's ${plan.audioBytes} audio bytes`);
    return peak;
  } finally {
    child.kill('SIGKILL');
    await exited(child);
    await server.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

const mb = (kb: number | undefined) => (kb === undefined ? 'n/a' : fmt(kb / KB_PER_MB));

async function main(options: Options): Promise<void> {
  process.stderr.write(buildCommand());
  const variants = options.tsx ? VARIANTS : VARIANTS.slice(0, 1);
  const helpMs = variants.map(() => [] as number[]);
  const frameMs = variants.map(() => [] as number[]);
  const startRssKb = variants.map(() => [] as number[]);
  const bareNodeMs: number[] = [];
  // One variant at a time, not interleaved: a killed tsx run leaves its esbuild service winding
  // down, which slowed the bundle's next start by up to 90 ms.
  for (const [index, variant] of variants.entries()) {
    for (let run = 0; run < options.runs; run++) {
      process.stderr.write(`${variant.name}: run ${run + 1}/${options.runs}\r`);
      if (index === 0) bareNodeMs.push(helpWallMs({ name: 'node -e 0', args: ['-e', '0', '--'] }));
      helpMs[index]!.push(helpWallMs(variant));
      const frame = await firstFrame(variant);
      frameMs[index]!.push(frame.ms);
      if (frame.rssKb !== undefined) startRssKb[index]!.push(frame.rssKb);
    }
  }
  process.stderr.write('\n');
  const streamRss: (number | undefined)[] = [];
  for (const variant of variants) {
    if (options.streamSeconds === 0) break;
    process.stderr.write(`streaming ${options.streamSeconds} s of speech through ${variant.name}\n`);
    streamRss.push(await streamPeakRssKb(variant, options.streamSeconds));
  }

  const wall = (values: number[]) => {
    const stats = distribution(values);
    return `${fmt(stats.median, 0)} (${fmt(stats.min, 0)}-${fmt(stats.max, 0)})`;
  };
  const rows = variants.map((variant, index) => [
    variant.name,
    wall(helpMs[index]!),
    wall(frameMs[index]!),
    mb(distribution(startRssKb[index]!).max),
    options.streamSeconds === 0 ? 'skipped' : mb(streamRss[index]),
  ]);
  process.stdout.write(
    [
      `parley command, ${options.runs} runs each, median (min-max) wall ms; bare node (node -e 0): ${wall(bareNodeMs)} ms`,
      table(['variant', '--help ms', 'first frame ms', 'start peak RSS MB', `${options.streamSeconds} s stream peak RSS MB`], rows),
      `targets: --help < ${TARGET_HELP_MS} ms, first frame on loopback < ${TARGET_FIRST_FRAME_MS} ms, stream peak RSS < ${TARGET_STREAM_RSS_MB} MB`,
      '',
    ].join('\n'),
  );
}

const parsed = parseBenchFlags('bench:cli', parse, usage);
if ('exitCode' in parsed) process.exit(parsed.exitCode);
await main(parsed.options);
