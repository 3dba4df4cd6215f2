// Error and warning banners: what happened, and the one action most likely to fix it. Pure TS.
// Sources: the snapshot's lastError, `session` error events, error/warning notices, failed
// commands. The same problem often arrives twice (a session error event and then the snapshot
// carrying it as lastError), so banners are de-duplicated by their message.
import type { AppError, HotkeyStatus, NoticeKind } from '../../../src-shared/ipc-contract';

export type SettingsTab = 'general' | 'agent' | 'audio' | 'hotkeys' | 'api-key';

export type BannerFix =
  | { readonly kind: 'settings'; readonly tab: SettingsTab; readonly label: string }
  | { readonly kind: 'retry'; readonly label: string };

export interface Banner {
  readonly id: string;
  readonly severity: 'error' | 'warning';
  /** The error code when there is one ('' for notices). */
  readonly code: string;
  readonly message: string;
  readonly recoverable: boolean;
  readonly source: 'session' | 'snapshot' | 'notice' | 'command';
}

export interface BannerState {
  readonly banners: readonly Banner[];
  /** The lastError last seen in a snapshot, so a dismissed one is not shown again by every snapshot. */
  readonly lastSnapshotErrorKey: string | null;
  readonly serial: number;
}

export const initialBannerState: BannerState = { banners: [], lastSnapshotErrorKey: null, serial: 0 };

const CONNECTION_CODES = new Set(['unreachable', 'connect_timeout', 'not_found', 'upgrade_rejected', 'invalid_config']);
const API_KEY_CODES = new Set(['missing_api_key', 'key_rejected']);
/** Codes that mean "this request was malformed" or "no session": a retry would not help. */
const GENERIC_CODES = new Set(['failed', 'invalid_arguments', 'unknown_command', 'untrusted_sender', '']);
/** Problems that a session which reached 'live' has evidently got past. */
const CLEARED_BY_LIVE_SESSION = new Set([...CONNECTION_CODES, ...API_KEY_CODES, 'server_error']);

/**
 * The fix offered for a code. `sessionRunning` matters for the generic Retry: restarting helps
 * when the error is recoverable or the session is gone, not while a healthy one is running.
 */
export function fixFor(
  banner: Pick<Banner, 'code' | 'recoverable' | 'source'> & { readonly message?: string },
  sessionRunning: boolean,
): BannerFix | null {
  const { code } = banner;
  if (API_KEY_CODES.has(code)) return { kind: 'settings', tab: 'api-key', label: 'Open API key settings' };
  if (CONNECTION_CODES.has(code)) return { kind: 'settings', tab: 'general', label: 'Check connection settings' };
  if (code === 'agent_failed') return { kind: 'settings', tab: 'agent', label: 'Agent settings' };
  if (code.startsWith('audio_')) return { kind: 'settings', tab: 'audio', label: 'Audio settings' };
  if (code === 'hotkey') return { kind: 'settings', tab: 'hotkeys', label: 'Hotkey settings' };
  if (banner.source === 'notice') return noticeFix(banner.message ?? '');
  if (banner.source === 'command' || GENERIC_CODES.has(code) || code === 'not_running') return null;
  if (code === 'bridge_unreachable') return null;
  return banner.recoverable || !sessionRunning ? { kind: 'retry', label: 'Retry' } : null;
}

/** Notices carry no code: point at the settings page their words are about, if any. */
function noticeFix(message: string): BannerFix | null {
  if (/\b(microphone|speaker|audio|device)\b/i.test(message)) return { kind: 'settings', tab: 'audio', label: 'Audio settings' };
  if (/\b(hotkey|shortcut|accelerator)\b/i.test(message)) return { kind: 'settings', tab: 'hotkeys', label: 'Hotkey settings' };
  if (/\bapi key\b/i.test(message)) return { kind: 'settings', tab: 'api-key', label: 'Open API key settings' };
  return null;
}

function sameProblem(a: Pick<Banner, 'message'>, b: Pick<Banner, 'message'>): boolean {
  return a.message.trim() === b.message.trim();
}

/** Adds a banner on top, or refreshes the one with the same message (keeping the more specific code). */
function add(state: BannerState, banner: Omit<Banner, 'id'>): BannerState {
  const existing = state.banners.find((shown) => sameProblem(shown, banner));
  if (existing) {
    if (!GENERIC_CODES.has(existing.code) || GENERIC_CODES.has(banner.code)) return state;
    const upgraded: Banner = { ...existing, code: banner.code, recoverable: banner.recoverable, source: banner.source };
    return { ...state, banners: state.banners.map((shown) => (shown === existing ? upgraded : shown)) };
  }
  const created: Banner = { ...banner, id: `banner-${state.serial}` };
  return { ...state, banners: [created, ...state.banners], serial: state.serial + 1 };
}

export function addSessionError(state: BannerState, error: { code: string; message: string; recoverable: boolean }): BannerState {
  if (error.code === 'not_running') return state;
  return add(state, { severity: 'error', code: error.code, message: error.message, recoverable: error.recoverable, source: 'session' });
}

export function addCommandError(state: BannerState, error: { code: string; message: string }): BannerState {
  return add(state, { severity: 'error', code: error.code, message: error.message, recoverable: false, source: 'command' });
}

export function addNotice(state: BannerState, kind: Exclude<NoticeKind, 'info'>, message: string): BannerState {
  return add(state, { severity: kind, code: '', message, recoverable: true, source: 'notice' });
}

function errorKey(error: AppError | null): string | null {
  return error ? `${error.code}\u0000${error.message}` : null;
}

/** A snapshot's lastError: shown once per distinct error, so dismissing it sticks. */
export function applySnapshotError(state: BannerState, lastError: AppError | null): BannerState {
  const key = errorKey(lastError);
  if (key === state.lastSnapshotErrorKey) return state;
  const next = { ...state, lastSnapshotErrorKey: key };
  if (!lastError || lastError.code === 'not_running') return next;
  return add(next, { severity: 'error', code: lastError.code, message: lastError.message, recoverable: lastError.recoverable, source: 'snapshot' });
}

/** The session went live: connection and key problems are evidently solved. */
export function clearSolvedByLiveSession(state: BannerState): BannerState {
  const banners = state.banners.filter((banner) => banner.source === 'notice' || !CLEARED_BY_LIVE_SESSION.has(banner.code));
  return banners.length === state.banners.length ? state : { ...state, banners };
}

export function dismissBanner(state: BannerState, id: string): BannerState {
  const banners = state.banners.filter((banner) => banner.id !== id);
  return banners.length === state.banners.length ? state : { ...state, banners };
}

/** Hotkey problems straight from the snapshot (they are state, not events). */
export function hotkeyProblems(hotkeys: HotkeyStatus | undefined): string[] {
  if (!hotkeys) return [];
  const problems: string[] = [];
  if (hotkeys.talk.problem) problems.push(describeHotkey('Talk hotkey', hotkeys.talk.accelerator, hotkeys.talk.problem));
  if (hotkeys.holdToTalk.problem) {
    problems.push(describeHotkey('Hold-to-talk hotkey', hotkeys.holdToTalk.accelerator, hotkeys.holdToTalk.problem));
  }
  return problems;
}

function describeHotkey(name: string, accelerator: string, problem: string): string {
  return `${accelerator ? `${name} “${accelerator}”` : name}: ${problem}`;
}
