/** The flags of `npm run bench:turns` (bench/turns-bench.ts), their defaults and the usage text. */
import { MAX_VAD_SILENCE_MS, MIN_VAD_SILENCE_MS } from '../../src-shared/ipc-contract';
import { FlagReader, UsageError } from '../cli';

export interface TurnsOptions {
  /** Measured spoken turns (handoff turns included). */
  readonly turns: number;
  /** How many of them end in a handoff to the background agent (spread evenly). */
  readonly handoffs: number;
  /** Turns before the measured ones, printed but not counted: the first opens the speaker, the second (with handoffs) is the session's first, cold handoff. */
  readonly warmupTurns: number;
  /** The server's turn detection: silence after the speech that ends the turn (also passed to Parley). */
  readonly vadSilenceMs: number;
  /** Server: turn detected (or response.create received) → response.created. */
  readonly responseDelayMs: number;
  /** Server: response.created → the first audio delta. */
  readonly firstAudioMs: number;
  /** Audio per output_audio.delta, ms. */
  readonly audioChunkMs: number;
  /** How much faster than real time the server streams the audio after the first delta. */
  readonly audioPace: number;
  /** Length of each spoken answer, ms. */
  readonly answerMs: number;
  /** Length of the "Let me check." before a handoff call, ms. */
  readonly preambleMs: number;
  /** Agent mock: request received → its answer sent. */
  readonly agentDelayMs: number;
  /** Parley's --echo-cancellation. */
  readonly echoCancellation: 'on' | 'off';
  /** The built command to run. */
  readonly cli: string;
  readonly json: boolean;
}

export const DEFAULT_OPTIONS: TurnsOptions = {
  turns: 20,
  handoffs: 4,
  warmupTurns: 2,
  // The live API's defaults and what it measures like from Europe/US: 500 ms of silence ends the
  // turn, then a few hundred ms to the response and its first audio.
  vadSilenceMs: 500,
  responseDelayMs: 300,
  firstAudioMs: 250,
  audioChunkMs: 100,
  audioPace: 2,
  answerMs: 600,
  preambleMs: 400,
  agentDelayMs: 1_000,
  echoCancellation: 'on',
  cli: 'out/cli/parley.mjs',
  json: false,
};

export function turnsUsage(): string {
  const d = DEFAULT_OPTIONS;
  return [
    'usage: npm run bench:turns -- [options]',
    '',
    'End-to-end turn latency of the real `parley` command on live PulseAudio devices, against a mock',
    'realtime server (GA dialect, energy VAD) and a mock Responses API agent, measured from outside.',
    '',
    `  --turns N               measured spoken turns, handoff turns included (default ${d.turns})`,
    `  --handoffs N            how many of them hand off to the agent (default one in five: ${d.handoffs} of ${d.turns})`,
    `  --warmup-turns N        unmeasured turns first; the second is a handoff (default ${d.warmupTurns})`,
    `  --vad-silence-ms N      server: silence that ends a turn, ${MIN_VAD_SILENCE_MS}-${MAX_VAD_SILENCE_MS} (default ${d.vadSilenceMs}; Parley gets the same)`,
    `  --response-delay-ms N   server: end of turn or response.create → response.created (default ${d.responseDelayMs})`,
    `  --first-audio-ms N      server: response.created → first audio delta (default ${d.firstAudioMs})`,
    `  --audio-chunk-ms N      server: audio per delta (default ${d.audioChunkMs})`,
    `  --audio-pace X          server: the rest of the audio is streamed X times faster than real time (default ${d.audioPace})`,
    `  --answer-ms N           length of each spoken answer (default ${d.answerMs})`,
    `  --preamble-ms N         length of the "Let me check." before a handoff (default ${d.preambleMs})`,
    `  --agent-delay-ms N      agent: request received → answer sent (default ${d.agentDelayMs})`,
    `  --echo-cancellation on|off   Parley's flag (default ${d.echoCancellation})`,
    `  --cli PATH              the built command (default ${d.cli}; npm run build:cli makes it)`,
    '  --json                  one JSON document on stdout; progress goes to stderr',
    '  --help',
    '',
  ].join('\n');
}

export function parseTurnsOptions(argv: readonly string[]): TurnsOptions | undefined {
  const options: { -readonly [K in keyof TurnsOptions]: TurnsOptions[K] } = { ...DEFAULT_OPTIONS };
  let handoffsGiven = false;
  const flags = new FlagReader(argv);
  const value = () => flags.value();
  const integer = (min: number, max?: number) => flags.integer(min, max);
  for (let flag = flags.next(); flag !== undefined; flag = flags.next()) {
    switch (flag) {
      case '--turns':
        options.turns = integer(1, 1_000);
        break;
      case '--handoffs':
        options.handoffs = integer(0, 1_000);
        handoffsGiven = true;
        break;
      case '--warmup-turns':
        options.warmupTurns = integer(0, 20);
        break;
      case '--vad-silence-ms':
        options.vadSilenceMs = integer(MIN_VAD_SILENCE_MS, MAX_VAD_SILENCE_MS);
        break;
      case '--response-delay-ms':
        options.responseDelayMs = integer(0, 10_000);
        break;
      case '--first-audio-ms':
        options.firstAudioMs = integer(0, 10_000);
        break;
      case '--audio-chunk-ms':
        options.audioChunkMs = integer(10, 1_000);
        break;
      case '--audio-pace': {
        const raw = value();
        const pace = Number(raw);
        if (!Number.isFinite(pace) || pace < 1 || pace > 100) throw new UsageError(`--audio-pace must be a number from 1 to 100, not "${raw}"`);
        options.audioPace = pace;
        break;
      }
      case '--answer-ms':
        options.answerMs = integer(100, 10_000);
        break;
      case '--preamble-ms':
        options.preambleMs = integer(100, 5_000);
        break;
      case '--agent-delay-ms':
        options.agentDelayMs = integer(0, 60_000);
        break;
      case '--echo-cancellation': {
        const raw = value();
        if (raw !== 'on' && raw !== 'off') throw new UsageError(`--echo-cancellation must be on or off, not "${raw}"`);
        options.echoCancellation = raw;
        break;
      }
      case '--cli':
        options.cli = value();
        break;
      case '--json':
        options.json = true;
        break;
      case '--help':
      case '-h':
        return undefined;
      default:
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  // One turn in five hands off unless told otherwise (4 of the default 20).
  if (!handoffsGiven) options.handoffs = Math.min(options.turns, Math.max(1, Math.round(options.turns / 5)));
  if (options.handoffs > options.turns) throw new UsageError(`--handoffs (${options.handoffs}) cannot exceed --turns (${options.turns})`);
  if (options.preambleMs + 200 > options.agentDelayMs + options.responseDelayMs + options.firstAudioMs) {
    // The answer's first sample is found as the first sound after the preamble: it must have ended.
    throw new UsageError('--agent-delay-ms + --response-delay-ms + --first-audio-ms must exceed --preamble-ms by 200 ms, so the preamble has ended before the answer sounds');
  }
  return options;
}
