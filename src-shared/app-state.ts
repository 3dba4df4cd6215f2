/**
 * The app's state as main owns it and the renderer draws it: one immutable, revisioned value
 * (architecture.md, "State has one owner"). Main folds session, audio, agent, notice and hotkey
 * inputs into it (src-main/app/state); the renderer receives it whole on `app.ready`, then as
 * revisioned patches (state-patch.ts), and derives nothing a reopened window would lose.
 *
 * Pure types: no electron, no Node.
 */
import type { ConversationState } from './conversation-reducer';
import type { EchoProtection } from './echo-cancellation';
import type { RateLimitStatus } from './rate-limits';
import type { SessionState } from './session-events';
import type { UsageTotals } from './usage';

export const TALK_MODES = ['hands-free', 'push-to-talk', 'toggle'] as const;
export type TalkMode = (typeof TALK_MODES)[number];

export interface TalkState {
  readonly mode: TalkMode;
  readonly muted: boolean;
  /** Push-to-talk held / toggle on; always false in hands-free. */
  readonly talking: boolean;
}

/**
 * One word for what Parley is doing, shown by the tray icon and the status line. `listening`
 * means the session is live and the microphone is open to the model (hands-free, or talk held).
 */
export const APP_STATUSES = ['idle', 'connecting', 'listening', 'speaking', 'agent-working', 'error'] as const;
export type AppStatus = (typeof APP_STATUSES)[number];

/** How one global hotkey fared when main tried to register it. */
export interface HotkeyBinding {
  /** The accelerator as configured ('' when none is set). */
  readonly accelerator: string;
  /** True when pressing it reaches Parley. */
  readonly active: boolean;
  /** Why it is not active, or how it degraded (e.g. hold fell back to toggle); null when fine. */
  readonly problem: string | null;
}

export interface HotkeyStatus {
  readonly talk: HotkeyBinding;
  /** `hold`: press/release through the native key hook; `toggle`: the fallback; `off`: none set. */
  readonly holdToTalk: HotkeyBinding & { readonly mode: 'hold' | 'toggle' | 'off' };
}

/** The settings pages; a problem names the one that fixes it. */
export const SETTINGS_PAGES = ['general', 'agent', 'audio', 'usage', 'hotkeys', 'api-key'] as const;
export type SettingsPage = (typeof SETTINGS_PAGES)[number];

/**
 * Every kind of problem the app can show. Session codes come from the voice session's error
 * events; the others from main's own parts.
 */
export const PROBLEM_CODES = [
  'missing_api_key',
  'key_rejected',
  'not_found',
  'upgrade_rejected',
  'connect_timeout',
  'unreachable',
  'invalid_config',
  'server_error',
  'connection_lost',
  'server_ended',
  'internal_error',
  'audio_source_failed',
  'audio_sink_failed',
  'audio_problem',
  'agent_failed',
  'hotkey_unavailable',
  'settings_invalid',
  'settings_reset',
  'rate_limit_near',
  'reply_failed',
  'budget_near',
  'budget_reached',
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

/**
 * Something the user should know until it is solved or dismissed. `title` and `message` never
 * repeat each other; neither holds raw server JSON or a secret (main redacts them once).
 */
export interface Problem {
  /** Stable for the same cause: the same problem raised twice is one problem. */
  readonly id: string;
  readonly code: ProblemCode;
  readonly severity: 'error' | 'warning';
  /** A few words: "API key rejected". */
  readonly title: string;
  /** The reason, as a readable sentence. */
  readonly message: string;
  /** True when trying again (or waiting) can succeed without changing anything. */
  readonly recoverable: boolean;
  /** The settings page that fixes it, when one does. */
  readonly settingsPage: SettingsPage | null;
  /** `session` problems belong to one voice session and are cleared when a new one starts. */
  readonly scope: 'session' | 'app';
}

/**
 * What the conversation costs, priced with the pricing table: the current (or last) session's
 * total, the local day's (kept across restarts), and the newest turn (a reply, or an agent turn
 * with all its requests). `usd` null: the table has no price for `model`.
 */
export interface CostState {
  readonly sessionUsd: number;
  readonly dayUsd: number;
  readonly lastTurn: { readonly source: 'response' | 'agent'; readonly id: string; readonly model: string; readonly usd: number | null } | null;
}

export const EMPTY_COST: CostState = { sessionUsd: 0, dayUsd: 0, lastTurn: null };

/** Everything the renderer needs to draw itself. */
export interface AppState {
  /** Bumped on every change; patches name the revision they apply to. */
  readonly revision: number;
  readonly status: AppStatus;
  readonly session: SessionState;
  readonly talk: TalkState;
  /** Chosen device names; null means the system default. */
  readonly devices: { readonly input: string | null; readonly output: string | null };
  readonly agentWorking: boolean;
  readonly apiKeySet: boolean;
  readonly onboardingDone: boolean;
  /** The microphone is open for the onboarding/settings level check (no session needed). */
  readonly micCheck: boolean;
  readonly hotkeys: HotkeyStatus;
  /** Newest first. */
  readonly problems: readonly Problem[];
  /** The conversation timeline of this run of Parley, across sessions. */
  readonly conversation: ConversationState;
  /** Bumped when a session's history file is finished, so a history list can refresh. */
  readonly historyRevision: number;
  /** Tokens the current (or last) voice session used, summed over its responses (v2). */
  readonly usage: UsageTotals;
  /** What the session and the day cost so far (cost events). */
  readonly cost: CostState;
  /** The voice service's rate limits as last reported; a near one is also a `rate_limit_near` problem. */
  readonly rateLimits: readonly RateLimitStatus[];
  /**
   * Which echo protection the microphone has (the canceller, or the gate and why); null while no
   * audio engine runs. Null rather than undefined: a patch that clears it must survive JSON (the
   * web bridge), which drops undefined fields.
   */
  readonly echoProtection: EchoProtection | null;
}

/** The first problem that makes the app's status an error, if any. */
export function blockingProblem(state: Pick<AppState, 'problems'>): Problem | undefined {
  return state.problems.find((problem) => problem.severity === 'error' && !problem.recoverable);
}
