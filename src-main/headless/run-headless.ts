import type { SessionEvent } from '../../src-shared/session-events';
import type { AudioSink, AudioSource } from '../core/audio/audio-io';
import type { RealtimeSessionConfig } from '../core/protocol/session-config';
import { VoiceSession } from '../core/session/voice-session';
import { open } from 'node:fs/promises';
import { realtimeWebsocketUrl } from '../core/protocol/connect-url';
import { errorMessage } from '../core/util/errors';
import { createLineLogger } from '../core/util/logger';
import { createAgentBackend } from '../adapters/agent/create-agent-backend';
import { createWavFileSink } from '../adapters/audio/wav-file-sink';
import { createPacedFrameSource, loadWavAsMicrophoneFrames } from '../adapters/audio/wav-file-source';
import { connectWebSocket } from '../adapters/transport/ws-transport';
import { FlagError, headlessUsage, parseHeadlessFlags, type HeadlessOptions } from './cli-flags';
import { createJsonLinesPrinter, createReadablePrinter } from './event-printers';
import { HeadlessLiveAudio, printDeviceList } from './live-audio';

export interface HeadlessIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The terminal, for push-to-talk with the Enter key (undefined when not interactive). */
  readonly stdin?: NodeJS.ReadStream;
  /** Registers the Ctrl-C / SIGTERM handler. */
  onStopSignal(handler: () => void): void;
}

const IDLE_CHECK_INTERVAL_MS = 50;

/** The headless command: flags in, one voice session, exit code out (0 on a clean stop). */
export async function runHeadless(io: HeadlessIo): Promise<number> {
  let options: HeadlessOptions;
  try {
    options = parseHeadlessFlags(io.argv, io.env);
  } catch (error) {
    if (error instanceof FlagError) {
      io.stderr(`parley: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    io.stdout(headlessUsage());
    return 0;
  }
  if (options.listDevices) {
    return printDeviceList(io.stdout, io.stderr, createLineLogger(options.logLevel, (line) => io.stderr(line + '\n')));
  }

  const apiKey = io.env[options.apiKeyEnv];
  if (!apiKey) {
    io.stderr(`parley: no API key: set the ${options.apiKeyEnv} environment variable (or name another with --api-key-env)\n`);
    return 1;
  }
  const agentKeyEnv = options.agentApiKeyEnv ?? options.apiKeyEnv;
  const agentApiKey = io.env[agentKeyEnv];
  if (options.agent === 'responses' && !agentApiKey) {
    io.stderr(`parley: no agent API key: set the ${agentKeyEnv} environment variable (named by --agent-api-key-env)\n`);
    return 1;
  }

  const logger = createLineLogger(options.logLevel, (line) => io.stderr(line + '\n'));
  const agent = createAgentBackend(
    {
      kind: options.agent,
      apiKey: agentApiKey,
      url: options.agentUrl,
      model: options.agentModel,
      instructions: options.agentInstructions,
      command: options.agentCommand,
      cwd: options.agentCwd,
      timeoutMs: options.agentTimeoutMs,
    },
    logger,
  );
  // Check the files before connecting: a bad path fails fast with one line, not after a session.
  let inputFrames: Buffer[] | undefined;
  try {
    if (options.inputWav) inputFrames = await loadWavAsMicrophoneFrames(options.inputWav);
    if (options.outputWav) await assertWritable(options.outputWav);
    realtimeWebsocketUrl(options.realtimeUrl, [], { setting: '--realtime-url', acceptWebsocketSchemes: options.protocol === 'v2' });
  } catch (error) {
    io.stderr(`parley: ${errorMessage(error)}\n`);
    await agent.dispose();
    return 1;
  }
  // Live devices unless a WAV file takes that side or the device is `none`.
  const liveInput = !options.inputWav && options.inputDevice !== 'none';
  const liveOutput = !options.outputWav && options.outputDevice !== 'none';
  let liveAudio: HeadlessLiveAudio | undefined;
  if (liveInput || liveOutput) {
    liveAudio = new HeadlessLiveAudio(
      {
        input: liveInput,
        output: liveOutput,
        inputDevice: options.inputDevice,
        outputDevice: options.outputDevice,
        talkMode: options.talkMode,
        localBargeIn: options.protocol === 'v1',
      },
      io.stderr,
      logger,
    );
    try {
      await liveAudio.start();
    } catch (error) {
      io.stderr(`parley: live audio is unavailable (${errorMessage(error)}); use --input-wav/--output-wav, or --input-device none --output-device none\n`);
      await liveAudio.stop().catch(() => {});
      await agent.dispose();
      return 1;
    }
  }
  const sink: AudioSink | undefined = options.outputWav ? createWavFileSink(options.outputWav) : liveAudio?.speaker;
  const session = new VoiceSession({ transport: connectWebSocket, agent, sink, logger });

  const printer = options.events === 'jsonl' ? undefined : createReadablePrinter(io.stdout, io.stderr);
  const printJson = options.events === 'jsonl' ? createJsonLinesPrinter(io.stdout) : undefined;
  let lastActivityAt = Date.now();
  let fatalMessage: string | undefined;
  let closed!: () => void;
  const closedPromise = new Promise<void>((resolve) => (closed = resolve));
  session.onEvent((event: SessionEvent) => {
    lastActivityAt = Date.now();
    printJson?.(event);
    printer?.onEvent(event);
    if (event.type === 'error' && !event.recoverable) fatalMessage ??= event.message;
    if (event.type === 'closed') closed();
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void session.stop();
  };
  io.onStopSignal(stop);

  const config: RealtimeSessionConfig = {
    dialect: options.protocol,
    realtimeUrl: options.realtimeUrl,
    model: options.model,
    voice: options.voice,
    instructions: options.instructions,
    transcriptionModel: 'gpt-4o-mini-transcribe',
    turnDetection: options.turnDetection,
    sessionId: undefined,
  };

  let source: AudioSource | undefined;
  const cleanup = async () => {
    await source?.stop().catch(() => {});
    await liveAudio?.stop().catch(() => {});
    await sink?.close().catch((error) => {
      fatalMessage ??= `could not finish ${options.outputWav}: ${errorMessage(error)}`;
    });
    await agent.dispose().catch(() => {});
    printer?.flush();
  };

  const live = await session.start({ config, apiKey, apiKeySource: `the ${options.apiKeyEnv} environment variable` });
  if (!live) {
    await cleanup();
    if (stopping) return 0;
    io.stderr(`parley: ${fatalMessage ?? 'the session could not start'}\n`);
    return 1;
  }

  let inputDone = !options.inputWav;
  liveAudio?.startMicrophone(session, io.stdin, (message) => {
    fatalMessage ??= message;
    stop();
  });
  if (options.text !== undefined) session.sendText(options.text);
  if (options.inputWav && inputFrames) {
    const frames = inputFrames;
    const wavSource = createPacedFrameSource(async () => frames, options.inputWav);
    source = wavSource;
    wavSource.start(
      (frame) => session.sendAudio(frame.pcm),
      (error) => {
        inputDone = true;
        lastActivityAt = Date.now();
        if (error) {
          fatalMessage ??= error.message;
          stop();
          return;
        }
        if (options.turnDetection === 'none' && session.state === 'live') session.commitAudio();
      },
    );
  }

  const timers: NodeJS.Timeout[] = [];
  if (options.durationMs !== undefined) timers.push(setTimeout(stop, options.durationMs));
  if (options.exitAfterIdleMs !== undefined) {
    const idleMs = options.exitAfterIdleMs;
    timers.push(
      setInterval(() => {
        if (inputDone && !session.isAgentWorking && Date.now() - lastActivityAt >= idleMs) stop();
      }, IDLE_CHECK_INTERVAL_MS),
    );
  }

  await closedPromise;
  for (const timer of timers) clearTimeout(timer);
  await cleanup();
  if (fatalMessage) {
    io.stderr(`parley: ${fatalMessage}\n`);
    return 1;
  }
  return 0;
}

async function assertWritable(path: string): Promise<void> {
  try {
    const handle = await open(path, 'w');
    await handle.close();
  } catch (error) {
    throw new Error(`cannot write the output WAV file ${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`, { cause: error });
  }
}
