// One voice runtime: the VoiceSession with its agent backend, the TalkModeController the
// microphone feeds, and (when the caller hands them over) the audio engine's microphone,
// speaker and process. The desktop app and the headless command both assemble it here, so a
// session is wired the same way everywhere and released in one order by one stop().
import type { EchoCancellationSettings, EchoProtection, HandsFreeTurnDetection } from '../../src-shared/echo-cancellation';
import type { SessionEvent } from '../../src-shared/session-events';
import type { AgentBackend } from '../core/agent/agent-backend';
import type { AudioSink } from '../core/audio/audio-io';
import type { CapturedFrame } from '../core/audio/capture-pipeline';
import { TalkModeController, turnDetectionFor, type TalkMode, type TalkState } from '../core/audio/talk-mode';
import type { RealtimeSessionConfig } from '../core/protocol/session-config';
import type { RealtimeTransport } from '../core/protocol/transport';
import type { ResilienceOptions } from '../core/session/resilience';
import { VoiceSession } from '../core/session/voice-session';
import { errorMessage } from '../core/util/errors';
import type { Logger } from '../core/util/logger';
import { createAgentBackend, type AgentBackendSettings } from '../adapters/agent/create-agent-backend';
import { NativeAudioEngine, type AudioNotice, type LevelledMicrophone } from '../adapters/audio/native/native-audio-engine';
import type { NativeAudioHostOptions } from '../adapters/audio/native/native-audio-host';
import type { PcmLevels } from '../core/audio/pcm';
import type { PricingTable } from '../../src-shared/pricing';
import { V2_DEFAULT_MODEL } from '../core/protocol/v2-codec';
import type { DaySpend } from '../adapters/usage/day-spend-file';
import { budgetGatedAgent } from './budget-gated-agent';
import { CostMeter, type BudgetCaps, type BudgetScope } from './cost-meter';

/** The live audio engine as the runtime uses it; NativeAudioEngine is the real one. */
export interface RuntimeAudioEngine {
  readonly microphone: LevelledMicrophone;
  readonly speaker: AudioSink;
  /** What the speaker plays now, dBFS (-Infinity when silent): the echo gate's reference. */
  readonly playbackLevelDbfs: number;
  shutdown(): Promise<void>;
}

/**
 * The audio one runtime uses. Everything is optional: no sink is a session without audio out,
 * no microphone is a session fed through `onMicrophoneFrame` (the desktop app's shared engine)
 * or not at all (typed text only).
 */
export interface VoiceRuntimeAudio {
  /** Where assistant audio goes: a speaker or a WAV file. */
  readonly sink?: AudioSink;
  /** Names the sink in a release failure ("the output WAV file answer.wav"). */
  readonly sinkName?: string;
  /** True: stop() closes the sink (a WAV file must be finished). False: someone else owns it. */
  readonly ownsSink?: boolean;
  /** A microphone the runtime opens once the session is live and closes first on stop. */
  readonly microphone?: LevelledMicrophone;
  /** The speaker's level now, for the echo gate (default: silent). */
  readonly playbackLevelDbfs?: () => number;
  /** The microphone ended by itself; `error` says why when it failed. */
  readonly onMicrophoneEnded?: (error?: Error) => void;
  /** Released last: the audio engine's process, when this runtime owns it. */
  readonly shutdown?: () => Promise<void>;
}

export interface VoiceRuntimeTalk {
  readonly mode: TalkMode;
  readonly muted?: boolean;
  /** With an echo canceller: how long the user must talk over the assistant to stop it, ms (DEFAULT_MIN_BARGE_IN_MS). */
  readonly minBargeInMs?: number;
  /** v2 hands-free turn detection (default server_vad); push-to-talk and toggle have none. */
  readonly handsFreeTurnDetection?: HandsFreeTurnDetection;
  readonly onStateChange?: (state: TalkState) => void;
}

/** Pricing and budget caps: every usage is priced (`cost` events) and the caps stop the session. */
export interface VoiceRuntimeCosts {
  readonly pricing: PricingTable;
  readonly caps: BudgetCaps;
  /** Today's spending, kept across sessions (a file in the user data folder). */
  readonly daySpend: DaySpend;
  /** The wall clock for the local day (default: now). */
  readonly now?: () => Date;
  /** How the user raises a cap here (default: the settings page). */
  readonly raiseCapHint?: (scope: BudgetScope) => string;
}

export interface VoiceRuntimeOptions {
  /** What the session connects with; `turnDetection` follows the talk mode on `setMode`. */
  readonly config: RealtimeSessionConfig;
  readonly transport: RealtimeTransport;
  readonly agent: AgentBackendSettings;
  readonly audio?: VoiceRuntimeAudio;
  readonly talk: VoiceRuntimeTalk;
  readonly logger: Logger;
  /** Monotonic-enough milliseconds for the talk-mode controller (Date.now in the app). */
  readonly now: () => number;
  /** Every session event, in order (subscribed before anything can be emitted). */
  readonly onEvent?: (event: SessionEvent) => void;
  /** Reconnect and renewal (the provider's session limit); defaults when absent. */
  readonly resilience?: Partial<ResilienceOptions>;
  /** The least time between two spoken progress updates of a working agent; the session's default when absent. */
  readonly agentUpdateIntervalMs?: number;
  /** The agent backend for these settings; tests pass their own. */
  readonly createAgent?: (settings: AgentBackendSettings, logger: Logger) => AgentBackend;
  /** Prices usage and keeps the budget caps; absent: nothing is priced. */
  readonly costs?: VoiceRuntimeCosts;
}

/** One part that did not close; stop() answers these (and logs each), it never swallows them. */
export interface ReleaseFailure {
  readonly part: string;
  readonly message: string;
}

export interface VoiceRuntime {
  readonly session: VoiceSession;
  readonly talk: TalkModeController;
  readonly agent: AgentBackend;
  /** Prices and budget of this session; undefined without `costs`. */
  readonly costMeter: CostMeter | undefined;
  /** The configuration of the live connection and the next start. */
  readonly config: RealtimeSessionConfig;
  /** Connects; once live, opens the runtime's own microphone. Resolves true when live. */
  start(apiKey: string | undefined, apiKeySource: string): Promise<boolean>;
  /** A frame from a microphone the caller owns; dropped unless the session is live. */
  onMicrophoneFrame(frame: CapturedFrame, playbackDbfs: number): void;
  /** Talk mode and turn detection move together, on the live connection too. */
  setMode(mode: TalkMode): void;
  /**
   * Which echo protection the microphone frames have (the audio host says, when its canceller
   * starts or falls back to the gate). The canceller: frames go out as they are and the local
   * detector barges in after minBargeInMs; v2 hands-free then asks the server not to interrupt on
   * its own (interrupt_response false), on the live connection too. The gate: as before.
   */
  setEchoProtection(protection: EchoProtection): void;
  /**
   * Voice and instructions reach the live connection at once; the rest waits for a new runtime.
   * True when the voice changed but the live session can no longer take it (the model has
   * spoken): it applies from the next session, and the caller should say so.
   */
  updateVoice(change: Pick<RealtimeSessionConfig, 'voice' | 'instructions'>): boolean;
  /**
   * Releases in order: microphone, session, sink (if owned), agent, engine (if owned), event
   * subscription. Every step runs even if an earlier one fails. Idempotent.
   */
  stop(): Promise<readonly ReleaseFailure[]>;
}

export function createVoiceRuntime(options: VoiceRuntimeOptions): VoiceRuntime {
  const { logger } = options;
  const audio = options.audio ?? {};
  const costs = options.costs;
  const costMeter = costs
    ? new CostMeter({
        pricing: costs.pricing,
        caps: costs.caps,
        daySpend: costs.daySpend,
        realtimeModel: options.config.model ?? (options.config.dialect === 'v2' ? V2_DEFAULT_MODEL : 'the server default model'),
        now: costs.now ?? (() => new Date()),
        ...(costs.raiseCapHint ? { raiseCapHint: costs.raiseCapHint } : {}),
      })
    : undefined;
  const createdAgent = (options.createAgent ?? createAgentBackend)(options.agent, logger);
  // At a cap no agent starts: the handoff controller asks the agent before every request.
  const agent = costMeter ? budgetGatedAgent(createdAgent, () => costMeter.declineReason()) : createdAgent;
  const session = new VoiceSession({
    transport: options.transport,
    agent,
    sink: audio.sink,
    logger,
    ...(options.resilience ? { resilience: options.resilience } : {}),
    ...(options.agentUpdateIntervalMs !== undefined ? { agentUpdateIntervalMs: options.agentUpdateIntervalMs } : {}),
  });
  const talk = new TalkModeController(session, {
    mode: options.talk.mode,
    muted: options.talk.muted,
    // v2 has the server's speech_started; v1 needs the local detector to stop playback.
    localBargeIn: options.config.dialect === 'v1',
    minBargeInMs: options.talk.minBargeInMs,
    onStateChange: options.talk.onStateChange,
  });
  const handsFreeTurnDetection = options.talk.handsFreeTurnDetection ?? 'server_vad';
  const deliver = options.onEvent;
  let budgetStop: Promise<void> | undefined;
  /** Each event, then what its price adds (cost, budget); the session stops once a cap is reached. */
  const onSessionEvent = (event: SessionEvent): void => {
    deliver?.(event);
    if (!costMeter) return;
    for (const added of costMeter.observe(event)) {
      deliver?.(added);
      // After the event that reached it has gone everywhere (not inside the session's own emit).
      if (added.type === 'budget' && added.level === 'reached') budgetStop ??= Promise.resolve().then(() => session.stop());
    }
  };
  const subscription = deliver || costMeter ? session.onEvent(onSessionEvent) : undefined;
  let config = options.config;
  /** The server interrupts on its own unless a canceller lets the local detector decide. */
  let serverInterrupts = true;
  /** The configuration for a talk mode: its turn detection, and who interrupts (v2 hands-free). */
  const configFor = (mode: TalkMode): RealtimeSessionConfig => {
    const next: RealtimeSessionConfig = { ...config, turnDetection: turnDetectionFor(mode, handsFreeTurnDetection) };
    if (next.dialect !== 'v2' || next.turnDetection === 'none') {
      const { interruptResponse: _unused, ...rest } = next;
      return rest;
    }
    return { ...next, interruptResponse: serverInterrupts };
  };
  let microphoneOpen = false;
  let stopping: Promise<readonly ReleaseFailure[]> | undefined;

  const onMicrophoneFrame = (frame: CapturedFrame, playbackDbfs: number): void => {
    // While reconnecting the session keeps the last moments of speech for the new connection.
    if (session.state === 'live' || session.state === 'reconnecting') talk.onMicrophoneFrame(frame, frame, playbackDbfs, options.now());
  };

  const release = async (): Promise<readonly ReleaseFailure[]> => {
    const failures: ReleaseFailure[] = [];
    const step = async (part: string, close: () => unknown): Promise<void> => {
      try {
        await close();
      } catch (error) {
        failures.push({ part, message: errorMessage(error) });
        // Logged for the app's log file; the caller gets it too and reports it in its own words.
        logger.warn(`could not close ${part}`, { error: errorMessage(error) });
      }
    };
    // Frames stop first, so nothing reaches a session that is closing.
    if (microphoneOpen && audio.microphone) {
      microphoneOpen = false;
      await step('the microphone', () => audio.microphone!.stop());
    }
    await step('the voice session', () => session.stop());
    if (audio.ownsSink && audio.sink) await step(audio.sinkName ?? 'the speaker', () => audio.sink!.close());
    await step('the agent', () => agent.dispose());
    if (audio.shutdown) await step('the audio engine', audio.shutdown);
    await step('the session event subscription', () => subscription?.dispose());
    return failures;
  };

  return {
    session,
    talk,
    agent,
    costMeter,
    get config() {
      return config;
    },
    async start(apiKey, apiKeySource) {
      if (stopping) throw new Error('This voice runtime is stopped: create a new one to start again.');
      // A cap already reached (today's, or a session that stopped at its own): no connection, no agent.
      const reached = costMeter?.capReached();
      if (reached) {
        deliver?.(reached);
        return false;
      }
      budgetStop = undefined;
      const live = await session.start({ config, apiKey, apiKeySource });
      if (live && audio.microphone && !microphoneOpen && !stopping) {
        microphoneOpen = true;
        const playbackLevelDbfs = audio.playbackLevelDbfs ?? (() => -Infinity);
        audio.microphone.start(
          (frame) => onMicrophoneFrame(frame, playbackLevelDbfs()),
          (error) => {
            microphoneOpen = false;
            audio.onMicrophoneEnded?.(error);
          },
        );
      }
      return live;
    },
    onMicrophoneFrame,
    setMode(mode) {
      talk.setMode(mode);
      config = configFor(mode);
      if (session.state === 'live') session.updateConfig(config);
    },
    setEchoProtection(protection) {
      talk.setEchoProtection(protection.kind, protection.kind === 'canceller' ? protection : undefined);
      serverInterrupts = protection.kind !== 'canceller';
      const next = configFor(talk.mode);
      const changed = next.interruptResponse !== config.interruptResponse;
      config = next;
      if (changed && session.state === 'live') session.updateConfig(config);
    },
    updateVoice(change) {
      const changed = change.voice !== config.voice || change.instructions !== config.instructions;
      config = { ...config, voice: change.voice, instructions: change.instructions };
      if (!changed || session.state !== 'live') return false;
      return session.updateConfig(config)?.voiceDeferred ?? false;
    },
    stop() {
      stopping ??= release();
      return stopping;
    },
  };
}

/**
 * The live audio engine of the app and the headless command: one native audio process with the
 * chosen devices (undefined or "default": the system default).
 */
export interface NativeAudioEngineRequest {
  readonly inputDevice: string | undefined;
  readonly outputDevice: string | undefined;
  readonly logger: Logger;
  readonly host?: NativeAudioHostOptions;
  readonly onInputLevel?: (levels: PcmLevels) => void;
  readonly onNotice?: (notice: AudioNotice) => void;
  /** The canceller's settings (on, with noise suppression, by default). */
  readonly echoCancellation?: EchoCancellationSettings;
  /** Which protection the microphone has, each time it opens or changes. */
  readonly onEchoProtection?: (protection: EchoProtection) => void;
}

export function createNativeAudioEngine(request: NativeAudioEngineRequest): NativeAudioEngine {
  const named = (name: string | undefined) => (name === 'default' ? undefined : name);
  return new NativeAudioEngine({
    inputDevice: named(request.inputDevice),
    outputDevice: named(request.outputDevice),
    logger: request.logger,
    host: request.host,
    onInputLevel: request.onInputLevel,
    onNotice: request.onNotice,
    ...(request.echoCancellation ? { echoCancellation: request.echoCancellation } : {}),
    ...(request.onEchoProtection ? { onEchoProtection: request.onEchoProtection } : {}),
  });
}

/**
 * The audio of a runtime that owns a started engine: its microphone (when `input`), its speaker
 * (when `output`, closed on stop), its echo reference, and its process, shut down last.
 */
export function engineAudio(
  engine: RuntimeAudioEngine,
  sides: { readonly input: boolean; readonly output: boolean; readonly onMicrophoneEnded?: (error?: Error) => void },
): VoiceRuntimeAudio {
  return {
    microphone: sides.input ? engine.microphone : undefined,
    sink: sides.output ? engine.speaker : undefined,
    ownsSink: sides.output,
    playbackLevelDbfs: () => engine.playbackLevelDbfs,
    onMicrophoneEnded: sides.onMicrophoneEnded,
    shutdown: () => engine.shutdown(),
  };
}
