/**
 * The one IPC contract between the renderer and main (architecture.md, style items 2 and 3).
 *
 * Commands go renderer → main: each declares a zod schema for its argument and a result type.
 * Events go main → renderer: each declares its payload type. Everything else is derived from the
 * two maps below: channel names, `CommandArgs`/`CommandResult`, the handler map main must supply
 * (`CommandHandlers`, an exhaustive Record) and `ParleyApi`, the shape of `window.parley`.
 * Adding a command means adding it here with its schema and result; main's handler map and the
 * preload's method map then stop compiling until both handle it.
 *
 * Pure TS + zod: no electron, so tests and the loopback web bridge load it directly.
 */
import { BUDGET_PROBLEM, isBudgetUsd, pricingTableTextProblem } from './budget-settings';
import { z } from 'zod';
import { TALK_MODES, type AppState, type TalkMode, type TalkState } from './app-state';
import { HANDS_FREE_TURN_DETECTIONS, MIN_BARGE_IN_PROBLEM, isMinBargeInMs, type HandsFreeTurnDetection } from './echo-cancellation';
import { AGENT_APPROVAL_TIMEOUT_PROBLEM, AGENT_UPDATE_INTERVAL_PROBLEM, isAgentApprovalTimeoutSeconds, isAgentUpdateIntervalSeconds } from './agent-timing';
import type { RoomCheckResult } from './room-check';
import type { SessionEvent } from './session-events';
import type { StatePatch } from './state-patch';

export { APP_STATUSES, SETTINGS_PAGES, TALK_MODES } from './app-state';
export type { AppState, AppStatus, HotkeyBinding, HotkeyStatus, Problem, ProblemCode, SettingsPage, TalkMode, TalkState } from './app-state';
export type { StatePatch } from './state-patch';

// ---------------------------------------------------------------------------------------------
// Shared value types (plain data; mirrors of core/adapter types the renderer may not import)
// ---------------------------------------------------------------------------------------------

export const DIALECTS = ['v1', 'v2'] as const;
export type Dialect = (typeof DIALECTS)[number];

export const AGENT_BACKENDS = ['responses', 'command', 'codex', 'acp', 'none'] as const;
export type AgentBackend = (typeof AGENT_BACKENDS)[number];

/** Who answers a coding agent's (Codex, ACP) permission requests. */
export const AGENT_APPROVAL_POLICIES = ['always-ask', 'allow-read-only', 'never-ask'] as const;
export type AgentApprovalPolicy = (typeof AGENT_APPROVAL_POLICIES)[number];

/** Codex's sandbox for the commands it runs. */
export const AGENT_SANDBOXES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export type AgentSandbox = (typeof AGENT_SANDBOXES)[number];

/** Codex config overrides: one `key=value` per line (blank lines and lines starting with # are skipped). */
export function agentConfigLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** An audio device as the audio host lists it, as plain data. */
export interface AudioDevice {
  /** Stable across runs (indices are not): what settings store. */
  readonly name: string;
  readonly hostApi: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
}

export interface DeviceList {
  readonly inputs: readonly AudioDevice[];
  readonly outputs: readonly AudioDevice[];
}

export interface Hotkeys {
  /** Talk toggle: an Electron accelerator, e.g. "CommandOrControl+Shift+Space"; '' for none. */
  readonly talk: string;
  /** Hold to talk (press to talk, release to send) through the native key hook; '' for none. */
  readonly holdToTalk: string;
}

/** The settings the renderer sees and edits. The API key is deliberately not among them. */
export interface Settings {
  readonly dialect: Dialect;
  readonly realtimeUrl: string;
  readonly model: string;
  /**
   * The realtime provider's session limit, whole minutes: the session is renewed before it.
   * Applies from the next session.
   */
  readonly maxSessionMinutes: number;
  readonly voice: string;
  readonly instructions: string;
  readonly agentBackend: AgentBackend;
  readonly agentUrl: string;
  readonly agentModel: string;
  /** command: the command line; codex: the program ('' = codex on PATH); acp: the agent's command line. */
  readonly agentCommand: string;
  readonly agentCwd: string;
  /** Codex only: config overrides, one `key=value` per line (passed as `-c key=value`). */
  readonly agentConfig: string;
  /** Codex and ACP: who answers the agent's permission requests. */
  readonly agentApproval: AgentApprovalPolicy;
  /** Codex only: the sandbox for the commands it runs. */
  readonly agentSandbox: AgentSandbox;
  /** Every backend: at most one spoken progress update of a working agent per this many seconds. */
  readonly agentUpdateIntervalSeconds: number;
  /** Codex and ACP: a permission request nobody answers is denied after this many seconds. */
  readonly agentApprovalTimeoutSeconds: number;
  readonly talkMode: TalkMode;
  /** v2: input noise reduction (near field: headset; far field: speakers and rooms; auto: from the speaker's name). */
  readonly noiseReduction: NoiseReductionChoice;
  /** v2 hands-free with server turn detection: silence that ends the user's turn, ms. */
  readonly vadSilenceMs: number;
  /** v2 with semantic turn detection: how eagerly the model takes its turn. */
  readonly semanticEagerness: SemanticEagerness;
  /** The WebRTC echo canceller in the capture path; off: the echo gate protects the session, as before. */
  readonly echoCancellation: boolean;
  /** The canceller's noise suppressor: applies only with echoCancellation on. */
  readonly noiseSuppression: boolean;
  /** The canceller's automatic gain control: applies only with echoCancellation on. */
  readonly autoGainControl: boolean;
  /** Speech over the assistant must last this long, ms, before it stops the assistant. */
  readonly minBargeInMs: number;
  /** Hands-free: how the server finds the end of a turn (semantic_vad needs v2). */
  readonly handsFreeTurnDetection: HandsFreeTurnDetection;
  /** Budget caps, USD: a session, and the local day; 0 = no cap. At 80 % a warning, at the cap the session stops. */
  readonly budgetPerSessionUsd: number;
  readonly budgetPerDayUsd: number;
  /** The pricing table as JSON text (model → USD per 1M tokens); '' = the built-in defaults (src-shared/pricing.ts). */
  readonly pricingTable: string;
  /** Device names; null means the system default. */
  readonly inputDevice: string | null;
  readonly outputDevice: string | null;
  readonly hotkeys: Hotkeys;
  readonly startAtLogin: boolean;
  /** False until the user finishes (or skips) first-run onboarding. */
  readonly onboardingDone: boolean;
}

/** 'stored': encrypted by the OS keychain; 'memory': held by this run only (the browser UI). */
export type ApiKeySource = 'stored' | 'memory' | 'environment' | 'none';
/**
 * Where a key the user enters now would be kept, known before one is set: 'keychain' (encrypted
 * on disk, desktop app), 'memory' (this run only, the browser UI), 'unavailable' (no usable
 * keychain: only OPENAI_API_KEY works).
 */
export type ApiKeyStorage = 'keychain' | 'memory' | 'unavailable';
export interface ApiKeyStatus {
  readonly isSet: boolean;
  readonly source: ApiKeySource;
  readonly storage: ApiKeyStorage;
}

export interface HistorySummary {
  readonly sessionId: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly endedAt: string | null;
  readonly entryCount: number;
  readonly handoffCount: number;
  /** The first words of the conversation, for the list. */
  readonly preview: string;
}

export interface HistoryExport {
  readonly fileName: string;
  readonly markdown: string;
}

// ---------------------------------------------------------------------------------------------
// Argument schemas
// ---------------------------------------------------------------------------------------------

export const MAX_TEXT_MESSAGE_CHARS = 4000;
/**
 * API keys: we accept any trimmed key of at least 20 characters with no whitespace, rather than
 * requiring an `sk-` prefix, so keys for OpenAI-compatible servers (and future key formats) work.
 * The length floor still catches a half-pasted key; the server is the real judge.
 */
export const MIN_API_KEY_CHARS = 20;
export const MAX_API_KEY_CHARS = 512;
const MAX_NAME_CHARS = 200;
const MAX_ACCELERATOR_CHARS = 100;
const MAX_INSTRUCTIONS_CHARS = 20_000;
const MAX_PATH_CHARS = 4096;
export const MAX_AGENT_CONFIG_CHARS = 20_000;

/** The session length limit's bounds, minutes: renewal needs a couple of minutes; 12 hours is ample. */
export const MIN_SESSION_MINUTES = 2;
export const MAX_SESSION_MINUTES = 720;
/** Why a session length limit is refused, after its label; main's store says the same. */
export const SESSION_MINUTES_PROBLEM = `must be a whole number of minutes from ${MIN_SESSION_MINUTES} to ${MAX_SESSION_MINUTES}`;

export function isSessionMinutes(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= MIN_SESSION_MINUTES && (value as number) <= MAX_SESSION_MINUTES;
}

/** v2 input noise reduction: `auto` picks near field for a headset output, far field otherwise. */
export const NOISE_REDUCTION_CHOICES = ['auto', 'near_field', 'far_field', 'off'] as const;
export type NoiseReductionChoice = (typeof NOISE_REDUCTION_CHOICES)[number];
/** v2 semantic turn detection: how soon the model decides the user has finished. */
export const SEMANTIC_EAGERNESS_LEVELS = ['auto', 'low', 'medium', 'high'] as const;
export type SemanticEagerness = (typeof SEMANTIC_EAGERNESS_LEVELS)[number];

/** v2 server turn detection's silence before a turn ends, ms (the API's default is 500). */
export const MIN_VAD_SILENCE_MS = 200;
export const MAX_VAD_SILENCE_MS = 2_000;
/** Why a silence length is refused, after its label; main's store says the same. */
export const VAD_SILENCE_PROBLEM = `must be a whole number of milliseconds from ${MIN_VAD_SILENCE_MS} to ${MAX_VAD_SILENCE_MS}`;

export function isVadSilenceMs(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= MIN_VAD_SILENCE_MS && (value as number) <= MAX_VAD_SILENCE_MS;
}

/** Commands that take nothing: the renderer passes no argument. */
const NO_ARGS = z.undefined();

function urlWithProtocols(protocols: readonly string[]) {
  const schemes = protocols.map((protocol) => `${protocol}//`);
  const list = schemes.length > 1 ? `${schemes.slice(0, -1).join(', ')} or ${schemes.at(-1)}` : schemes.join('');
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${list}` },
  );
}

const deviceName = z.string().min(1).max(MAX_NAME_CHARS).nullable();
/** An Electron accelerator; '' means no global hotkey. */
const accelerator = z.string().max(MAX_ACCELERATOR_CHARS);
const hotkeysSchema = z.strictObject({ talk: accelerator, holdToTalk: accelerator });

/**
 * Kept in step with the settings store's own checks (src-main/adapters/settings/settings-schema.ts),
 * so the bridge never refuses what the store accepts: '' for model and voice means the dialect's
 * default, '' for agentCommand/agentCwd means unset.
 */
export const settingsSchema = z.strictObject({
  dialect: z.enum(DIALECTS),
  realtimeUrl: urlWithProtocols(['http:', 'https:', 'ws:', 'wss:']),
  model: z.string().max(MAX_NAME_CHARS),
  // One sentence for every way it can be wrong (text, a fraction, out of range).
  maxSessionMinutes: z.custom<number>(isSessionMinutes, { message: SESSION_MINUTES_PROBLEM }),
  voice: z.string().max(MAX_NAME_CHARS),
  instructions: z.string().max(MAX_INSTRUCTIONS_CHARS),
  agentBackend: z.enum(AGENT_BACKENDS),
  agentUrl: urlWithProtocols(['http:', 'https:']),
  agentModel: z.string().min(1).max(MAX_NAME_CHARS),
  agentCommand: z.string().max(MAX_PATH_CHARS),
  agentCwd: z.string().max(MAX_PATH_CHARS),
  agentConfig: z.string().max(MAX_AGENT_CONFIG_CHARS),
  agentApproval: z.enum(AGENT_APPROVAL_POLICIES),
  agentSandbox: z.enum(AGENT_SANDBOXES),
  agentUpdateIntervalSeconds: z.custom<number>(isAgentUpdateIntervalSeconds, { message: AGENT_UPDATE_INTERVAL_PROBLEM }),
  agentApprovalTimeoutSeconds: z.custom<number>(isAgentApprovalTimeoutSeconds, { message: AGENT_APPROVAL_TIMEOUT_PROBLEM }),
  talkMode: z.enum(TALK_MODES),
  noiseReduction: z.enum(NOISE_REDUCTION_CHOICES),
  vadSilenceMs: z.custom<number>(isVadSilenceMs, { message: VAD_SILENCE_PROBLEM }),
  semanticEagerness: z.enum(SEMANTIC_EAGERNESS_LEVELS),
  echoCancellation: z.boolean(),
  noiseSuppression: z.boolean(),
  autoGainControl: z.boolean(),
  minBargeInMs: z.custom<number>(isMinBargeInMs, { message: MIN_BARGE_IN_PROBLEM }),
  handsFreeTurnDetection: z.enum(HANDS_FREE_TURN_DETECTIONS),
  budgetPerSessionUsd: z.custom<number>(isBudgetUsd, { message: BUDGET_PROBLEM }),
  budgetPerDayUsd: z.custom<number>(isBudgetUsd, { message: BUDGET_PROBLEM }),
  pricingTable: z.string().superRefine((text, context) => {
    const problem = pricingTableTextProblem(text);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  }),
  inputDevice: deviceName,
  outputDevice: deviceName,
  hotkeys: hotkeysSchema,
  startAtLogin: z.boolean(),
  onboardingDone: z.boolean(),
});

/** A partial update: only known keys, each validated like the full settings; hotkeys merge. */
export const settingsPatchSchema = settingsSchema.extend({ hotkeys: hotkeysSchema.partial() }).partial();
export type SettingsPatch = z.output<typeof settingsPatchSchema>;

/** History ids become file names: letters, digits, '-' and '_' only, so no path can escape. */
const sessionIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9_-]+$/, { message: 'must contain only letters, digits, "-" and "_"' });

// ---------------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------------

/** A command's argument schema plus its result type (`result` is a type-only marker). */
export interface CommandSpec<Args extends z.ZodType = z.ZodType, Result = unknown> {
  readonly args: Args;
  readonly result?: Result;
}

function command<Args extends z.ZodType>(args: Args) {
  return { returns: <Result>(): CommandSpec<Args, Result> => ({ args }) };
}

export const COMMANDS = {
  /**
   * The renderer calls this once its event listeners are attached. Main answers with the current
   * snapshot and then flushes the events it queued while the renderer was not ready.
   */
  'app.ready': command(NO_ARGS).returns<AppState>(),

  /** The user closed a problem's banner: it stays gone until its cause comes back. */
  'problems.dismiss': command(z.strictObject({ id: z.string().min(1).max(500) })).returns<void>(),

  'session.start': command(NO_ARGS).returns<void>(),
  'session.stop': command(NO_ARGS).returns<void>(),
  'session.sendText': command(
    z.strictObject({ text: z.string().trim().min(1).max(MAX_TEXT_MESSAGE_CHARS) }),
  ).returns<void>(),
  'agent.cancel': command(NO_ARGS).returns<void>(),
  /** The user's click on a permission request's card; false when it is no longer waiting. */
  'agent.answerApproval': command(
    z.strictObject({ approvalId: z.string().min(1).max(200), decision: z.enum(['allow', 'deny']) }),
  ).returns<boolean>(),

  'talk.setMode': command(z.strictObject({ mode: z.enum(TALK_MODES) })).returns<TalkState>(),
  'talk.setMuted': command(z.strictObject({ muted: z.boolean() })).returns<TalkState>(),
  'talk.press': command(NO_ARGS).returns<TalkState>(),
  'talk.release': command(NO_ARGS).returns<TalkState>(),
  'talk.toggle': command(NO_ARGS).returns<TalkState>(),

  /** Opens the microphone without a session so the level meter moves (onboarding, settings). */
  'audio.micCheck': command(z.strictObject({ enabled: z.boolean() })).returns<void>(),
  /** Plays a short chime on the chosen output device. */
  'audio.testSound': command(NO_ARGS).returns<void>(),
  /** Plays a 3 s sound and measures the echo with the canceller off and on (src-shared/room-check.ts); ~5 s. */
  'audio.roomCheck': command(NO_ARGS).returns<RoomCheckResult>(),

  'devices.list': command(NO_ARGS).returns<DeviceList>(),
  'devices.setInput': command(z.strictObject({ name: deviceName })).returns<void>(),
  'devices.setOutput': command(z.strictObject({ name: deviceName })).returns<void>(),

  'settings.get': command(NO_ARGS).returns<Settings>(),
  'settings.update': command(settingsPatchSchema).returns<Settings>(),

  'apiKey.status': command(NO_ARGS).returns<ApiKeyStatus>(),
  'apiKey.set': command(
    z.strictObject({
      key: z
        .string()
        .trim()
        .min(MIN_API_KEY_CHARS)
        .max(MAX_API_KEY_CHARS)
        .regex(/^\S+$/, { message: 'must not contain spaces' }),
    }),
  ).returns<ApiKeyStatus>(),
  'apiKey.clear': command(NO_ARGS).returns<ApiKeyStatus>(),

  /** Newest first. */
  'history.list': command(NO_ARGS).returns<readonly HistorySummary[]>(),
  'history.exportMarkdown': command(z.strictObject({ sessionId: sessionIdSchema })).returns<HistoryExport>(),
  'history.delete': command(z.strictObject({ sessionId: sessionIdSchema })).returns<void>(),
} satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as readonly CommandName[];

/** What the renderer passes (before zod defaults/trimming). */
export type CommandInput<N extends CommandName> = z.input<(typeof COMMANDS)[N]['args']>;
/** What main's handler receives, after validation. */
export type CommandArgs<N extends CommandName> = z.output<(typeof COMMANDS)[N]['args']>;
export type CommandResult<N extends CommandName> =
  (typeof COMMANDS)[N] extends CommandSpec<z.ZodType, infer Result> ? Result : never;

/** Codes main uses; handlers may add their own (e.g. a SessionErrorCode). */
export type KnownCommandErrorCode = 'unknown_command' | 'invalid_arguments' | 'untrusted_sender' | 'failed' | 'invalid_setting';
export interface CommandError {
  readonly code: KnownCommandErrorCode | (string & {});
  /** A readable sentence naming what went wrong. */
  readonly message: string;
  /** With 'invalid_setting': the refused setting ("voice", "hotkeys.talk"), so the form marks it. */
  readonly field?: string;
}
export type CommandResponse<N extends CommandName> =
  | { readonly ok: true; readonly value: CommandResult<N> }
  | { readonly ok: false; readonly error: CommandError };

/** The exhaustive handler map main's IPC server (and the web bridge) must supply. */
export type CommandHandlers = {
  readonly [N in CommandName]: (args: CommandArgs<N>) => CommandResult<N> | Promise<CommandResult<N>>;
};

export const COMMAND_CHANNEL_PREFIX = 'parley:command:';
export type CommandChannel<N extends CommandName = CommandName> = `parley:command:${N}`;
export function commandChannel<N extends CommandName>(name: N): CommandChannel<N> {
  return `${COMMAND_CHANNEL_PREFIX}${name}` as CommandChannel<N>;
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/**
 * Session events as the app state folds them (everything but raw audio: playback happens in
 * main, and the renderer sees the conversation through the state, levels as 'levels').
 */
export type ForwardedSessionEvent = Exclude<SessionEvent, { readonly type: 'audio.output' }>;

export interface LevelsEvent {
  readonly input: { readonly rmsDbfs: number; readonly peakDbfs: number };
  readonly output: { readonly rmsDbfs: number };
}

/**
 * A passing piece of news (a toast): "Audio restarted", "Settings saved". Anything the user must
 * act on is a Problem in the state instead, so it survives a reload and stays until solved.
 */
export interface NoticeEvent {
  readonly message: string;
}

export const PAGES = ['conversation', 'history', 'settings'] as const;
export type Page = (typeof PAGES)[number];
/** Main asks the renderer to show a page (the tray's "Settings…"). */
export interface NavigateEvent {
  readonly page: Page;
}

/** Event name → payload type. An interface, so declare one entry per event. */
export interface EventPayloads {
  /** A revisioned change of the app state (see state-patch.ts). */
  readonly state: StatePatch;
  readonly levels: LevelsEvent;
  readonly notice: NoticeEvent;
  readonly navigate: NavigateEvent;
}
export type EventName = keyof EventPayloads;
export type EventPayload<E extends EventName> = EventPayloads[E];

/** Exhaustive: a new entry in EventPayloads does not compile until it is listed here. */
const EVENT_NAME_SET: Record<EventName, true> = { state: true, levels: true, notice: true, navigate: true };
export const EVENT_NAMES = Object.keys(EVENT_NAME_SET) as readonly EventName[];

export function isEventName(value: unknown): value is EventName {
  return typeof value === 'string' && Object.hasOwn(EVENT_NAME_SET, value);
}

/** Every event travels on one channel as an envelope; the preload dispatches by `event`. */
export const EVENT_CHANNEL = 'parley:event';
export type EventEnvelope = { [E in EventName]: { readonly event: E; readonly payload: EventPayload<E> } }[EventName];

/** True for session events the app state folds (everything but raw audio). */
export function isForwardedSessionEvent(event: SessionEvent): event is ForwardedSessionEvent {
  return event.type !== 'audio.output';
}

// ---------------------------------------------------------------------------------------------
// window.parley
// ---------------------------------------------------------------------------------------------

type Namespace = CommandName extends `${infer Head}.${string}` ? Head : never;
type CommandMethod<N extends CommandName> = [CommandInput<N>] extends [undefined]
  ? () => Promise<CommandResponse<N>>
  : (args: CommandInput<N>) => Promise<CommandResponse<N>>;

/**
 * The type of `window.parley`: one method per command, grouped by the part before the dot
 * (`session.sendText` → `parley.session.sendText({ text })`), plus event subscriptions.
 * There is no raw ipcRenderer on it.
 */
export type ParleyApi = {
  readonly [Ns in Namespace]: {
    readonly [N in CommandName as N extends `${Ns}.${infer Method}` ? Method : never]: CommandMethod<N>;
  };
} & {
  readonly version: string;
  /** Subscribe to an event; call the returned function to unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};
