import { pricingTableFromText, pricingTableTextProblem } from '../../src-shared/budget-settings';
import { DEFAULT_PRICING, type PricingTable } from '../../src-shared/pricing';
import { DaySpendFile, MemoryDaySpend } from '../adapters/usage/day-spend-file';
import { open, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { SessionEvent } from '../../src-shared/session-events';
import type { AudioSource } from '../core/audio/audio-io';
import { errorMessage } from '../core/util/errors';
import { createLineLogger } from '../core/util/logger';
import { createPacedFrameSource, loadWavAsMicrophoneFrames } from '../adapters/audio/wav-file-source';
import { connectWebSocket } from '../adapters/transport/ws-transport';
import { TRANSCRIPTION_MODEL } from '../app/session-settings';
import { MS_PER_SECOND } from '../../src-shared/agent-timing';
import { nodeSettingsCheckDeps } from '../app/settings-check';
import { createVoiceRuntime, type ReleaseFailure } from '../app/voice-runtime';
import { watchConnectivity, type PowerEvents } from '../app/connectivity-watch';
import { networkPresence } from './network-presence';
import { createAgentProgress } from './agent-progress';
import { chooseHeadlessAudio } from './choose-audio';
import { FlagError, headlessUsage, namedOutputDevice, parseHeadlessFlags, type HeadlessOptions } from './cli-flags';
import { noiseReductionFor } from '../core/protocol/session-config';
import { createBatchedWriter } from './batched-writer';
import { createJsonLinesPrinter, createReadablePrinter } from './event-printers';
import { listAudioDevices, listenForTalkKey, printDeviceList } from './live-audio';
import { startProblems } from './start-checks';
import { createTerminalOutput } from './terminal-output';
import { redactSecrets, registerSecret } from '../core/util/redact';

/** A terminal command hears of no sleep or wake; a dead connection after wake is found by the keepalive. */
const NO_POWER_EVENTS: PowerEvents = { on: () => undefined, removeListener: () => undefined };

export interface HeadlessIo {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** The terminal, for push-to-talk with the Enter key (undefined when not interactive). */
  readonly stdin?: NodeJS.ReadStream;
  /** Registers the Ctrl-C / SIGTERM handler. */
  onStopSignal(handler: () => void): void;
  /** stdout is a terminal: the agent's progress line is redrawn in place there. */
  readonly stdoutIsTerminal?: boolean;
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
  const agentKeyEnv = options.agentApiKeyEnv ?? options.apiKeyEnv;
  const agentApiKey = io.env[agentKeyEnv];
  // Known from here on: every line printed below is redacted of them (core/util/redact.ts).
  registerSecret(apiKey);
  registerSecret(agentApiKey);
  // Bad flags fail before anything connects, all of them at once, with the usage exit code.
  const problems = await startProblems(options, io.argv, {
    settings: nodeSettingsCheckDeps(io.env),
    cwd: process.cwd(),
    listDevices: () => listAudioDevices(createLineLogger(options.logLevel, (line) => io.stderr(redactSecrets(line) + '\n'))).catch(() => undefined),
  });
  if (problems.length > 0) {
    for (const problem of problems) io.stderr(redactSecrets(`parley: ${problem}\n`));
    return 2;
  }
  if (!apiKey) {
    io.stderr(`parley: no API key: set the ${options.apiKeyEnv} environment variable (or name another with --api-key-env)\n`);
    return 1;
  }
  if (options.agent === 'responses' && !agentApiKey) {
    io.stderr(`parley: no agent API key: set the ${agentKeyEnv} environment variable (named by --agent-api-key-env)\n`);
    return 1;
  }

  const jsonLines = options.events === 'jsonl';
  // On a terminal the agent's progress line is redrawn in place; JSON lines get no progress.
  const output = createTerminalOutput(
    (text) => io.stdout(redactSecrets(text)),
    (text) => io.stderr(redactSecrets(text)),
    (io.stdoutIsTerminal ?? false) && !jsonLines,
  );
  const logger = createLineLogger(options.logLevel, (line) => output.err(line + '\n'));
  // Check the files before connecting: a bad path fails fast with one line, not after a session.
  let inputFrames: Buffer[] | undefined;
  let pricing = DEFAULT_PRICING;
  try {
    if (options.pricingFile) pricing = await readPricingFile(options.pricingFile);
    if (options.inputWav) inputFrames = await loadWavAsMicrophoneFrames(options.inputWav);
    if (options.outputWav) await assertWritable(options.outputWav);
  } catch (error) {
    io.stderr(`parley: ${errorMessage(error)}\n`);
    return 1;
  }
  const audio = await chooseHeadlessAudio(options, output.err, logger);
  if (!audio) return 1;

  const printer = jsonLines ? undefined : createReadablePrinter(output.out, output.err);
  const progress = jsonLines ? undefined : createAgentProgress(output);
  // Events carry what others said (the model's words, a server's message): the printer redacts a
  // secret they quote in every line (inside a JSON string, so the line stays valid JSON). One write
  // per turn of the event loop: the lines of a fast stream would each hold a pipe write.
  const jsonOut = jsonLines ? createBatchedWriter(io.stdout) : undefined;
  const printJson = jsonOut ? createJsonLinesPrinter(jsonOut.write) : undefined;
  let lastActivityAt = Date.now();
  let fatalMessage: string | undefined;
  let closed!: () => void;
  const closedPromise = new Promise<void>((resolve) => (closed = resolve));
  let stopping = false;
  let source: AudioSource | undefined;

  const runtime = createVoiceRuntime({
    config: {
      dialect: options.protocol,
      realtimeUrl: options.realtimeUrl,
      model: options.model,
      voice: options.voice,
      instructions: options.instructions,
      transcriptionModel: TRANSCRIPTION_MODEL,
      turnDetection: options.turnDetection,
      noiseReduction: noiseReductionFor(options.noiseReduction, namedOutputDevice(options)),
      vadSilenceMs: options.vadSilenceMs,
      semanticEagerness: options.semanticEagerness,
      sessionId: undefined,
    },
    transport: connectWebSocket,
    ...(options.maxSessionMs !== undefined ? { resilience: { maxSessionMs: options.maxSessionMs } } : {}),
    agent: {
      kind: options.agent,
      apiKey: agentApiKey,
      url: options.agentUrl,
      model: options.agentModel,
      instructions: options.agentInstructions,
      command: options.agentCommand,
      // Absolute, as Codex and ACP agents are told the folder (not only started in it).
      cwd: options.agentCwd === undefined ? undefined : resolve(options.agentCwd),
      timeoutMs: options.agentTimeoutMs,
      config: options.agentConfig,
      ...(options.agentApproval ? { approvalPolicy: options.agentApproval } : {}),
      ...(options.agentSandbox ? { sandbox: options.agentSandbox } : {}),
      ...(options.agentApprovalTimeoutSeconds !== undefined ? { approvalTimeoutMs: options.agentApprovalTimeoutSeconds * MS_PER_SECOND } : {}),
    },
    ...(options.agentUpdateIntervalSeconds !== undefined ? { agentUpdateIntervalMs: options.agentUpdateIntervalSeconds * MS_PER_SECOND } : {}),
    audio: audio.runtimeAudio((error) => {
      if (!error || stopping) return;
      if (options.text !== undefined) {
        output.err(`parley: the microphone is off (${error.message}); typed text still works\n`);
        return;
      }
      fatalMessage ??= error.message;
      stop();
    }),
    talk: { mode: options.talkMode, minBargeInMs: options.minBargeInMs, handsFreeTurnDetection: options.handsFreeTurnDetection },
    logger,
    now: Date.now,
    costs: {
      pricing,
      caps: { sessionUsd: options.budgetSessionUsd, dayUsd: options.budgetDayUsd },
      daySpend: options.spendFile ? new DaySpendFile(resolve(options.spendFile), logger) : new MemoryDaySpend(),
      raiseCapHint: (scope) => `Raise it with ${scope === 'session' ? '--budget-session' : '--budget-day'} to go on.`,
    },
    onEvent: (event: SessionEvent) => {
      lastActivityAt = Date.now();
      printJson?.(event);
      progress?.onEvent(event);
      printer?.onEvent(event);
      if (event.type === 'error' && !event.recoverable) fatalMessage ??= event.message;
      // The cap reached is the run's last word (its warning at 80 % is a line of its own).
      if (event.type === 'budget' && event.level === 'reached') fatalMessage ??= event.message;
      if (event.type === 'closed') closed();
    },
  });

  // The network going away holds the connection (no pile of failed attempts); its return reconnects.
  const connectivity = watchConnectivity({
    power: NO_POWER_EVENTS,
    isOnline: networkPresence(options.realtimeUrl),
    session: { suspendConnection: (reason) => runtime.session.suspend(reason), resumeConnection: () => runtime.session.resume() },
    logger,
  });

  // One ordered release: the WAV input first (nothing more is sent), then the runtime.
  let released: Promise<ReleaseFailure[]> | undefined;
  const release = () =>
    (released ??= (async () => {
      const failures: ReleaseFailure[] = [];
      await source?.stop().catch((error: unknown) => failures.push({ part: `the input WAV file ${options.inputWav}`, message: errorMessage(error) }));
      connectivity.dispose();
      failures.push(...(await runtime.stop()));
      progress?.end();
      printer?.flush();
      return failures;
    })());
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void release();
  };
  io.onStopSignal(stop);
  const exitCode = (failures: readonly ReleaseFailure[], cleanExit: number): number => {
    jsonOut?.flush();
    for (const failure of failures) output.err(`parley: could not close ${failure.part}: ${failure.message}\n`);
    if (fatalMessage) {
      output.err(`parley: ${fatalMessage}\n`);
      return 1;
    }
    return failures.length > 0 ? 1 : cleanExit;
  };

  // The canceller lets the user talk over the assistant: barge-in and the server's turn detection follow it.
  audio.followEchoProtection((protection) => runtime.setEchoProtection(protection));
  const live = await runtime.start(apiKey, `the ${options.apiKeyEnv} environment variable`);
  if (!live) {
    const failures = await release();
    if (!stopping) fatalMessage ??= 'the session could not start';
    return exitCode(failures, 0);
  }

  let inputDone = !options.inputWav;
  if (audio.microphoneLive) listenForTalkKey(runtime.talk, io.stdin, output.err);
  if (options.text !== undefined) runtime.session.sendText(options.text);
  if (options.inputWav && inputFrames) {
    const frames = inputFrames;
    const wavSource = createPacedFrameSource(async () => frames, options.inputWav);
    source = wavSource;
    wavSource.start(
      (frame) => runtime.session.sendAudio(frame.pcm),
      (error) => {
        inputDone = true;
        lastActivityAt = Date.now();
        if (error) {
          fatalMessage ??= error.message;
          stop();
          return;
        }
        if (options.turnDetection === 'none' && runtime.session.state === 'live') runtime.session.commitAudio();
      },
    );
  }

  const timers: NodeJS.Timeout[] = [];
  if (options.durationMs !== undefined) timers.push(setTimeout(stop, options.durationMs));
  if (options.exitAfterIdleMs !== undefined) {
    const idleMs = options.exitAfterIdleMs;
    timers.push(
      setInterval(() => {
        if (inputDone && !runtime.session.isAgentWorking && Date.now() - lastActivityAt >= idleMs) stop();
      }, IDLE_CHECK_INTERVAL_MS),
    );
  }

  await closedPromise;
  for (const timer of timers) clearTimeout(timer);
  return exitCode(await release(), 0);
}

async function assertWritable(path: string): Promise<void> {
  try {
    const handle = await open(path, 'w');
    await handle.close();
  } catch (error) {
    throw new Error(`cannot write the output WAV file ${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`, { cause: error });
  }
}

/** The --pricing-file table, checked as the settings page checks it (each problem names the model and field). */
async function readPricingFile(path: string): Promise<PricingTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the pricing file ${path}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`, { cause: error });
  }
  const problem = pricingTableTextProblem(text);
  if (problem !== undefined) throw new Error(`the pricing file ${path} ${problem}`);
  return pricingTableFromText(text);
}
