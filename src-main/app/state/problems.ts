// Problems from their causes: one place that knows each kind's title, the settings page that
// fixes it, and its scope, so no part of the app (nor the renderer) guesses them from English
// text. Every message passes through readableText: no raw server JSON, no secret.
import type { HotkeyStatus, Problem, ProblemCode, SettingsPage } from '../../../src-shared/app-state';
import type { SessionErrorCode } from '../../../src-shared/session-events';
import { readableText } from '../../core/util/redact';

interface ProblemKind {
  readonly title: string;
  readonly settingsPage: SettingsPage | null;
  readonly scope: Problem['scope'];
  readonly severity: Problem['severity'];
}

const KINDS: Record<ProblemCode, ProblemKind> = {
  missing_api_key: { title: 'No API key', settingsPage: 'api-key', scope: 'session', severity: 'error' },
  key_rejected: { title: 'API key rejected', settingsPage: 'api-key', scope: 'session', severity: 'error' },
  not_found: { title: 'Voice service not found', settingsPage: 'general', scope: 'session', severity: 'error' },
  upgrade_rejected: { title: 'Connection refused', settingsPage: 'general', scope: 'session', severity: 'error' },
  connect_timeout: { title: 'Connection timed out', settingsPage: 'general', scope: 'session', severity: 'error' },
  unreachable: { title: 'Cannot reach the voice service', settingsPage: 'general', scope: 'session', severity: 'error' },
  invalid_config: { title: 'Settings need attention', settingsPage: 'general', scope: 'session', severity: 'error' },
  server_error: { title: 'The voice service reported an error', settingsPage: null, scope: 'session', severity: 'error' },
  connection_lost: { title: 'Connection lost', settingsPage: null, scope: 'session', severity: 'error' },
  internal_error: { title: 'Parley hit an internal error', settingsPage: null, scope: 'session', severity: 'warning' },
  server_ended: { title: 'The voice service ended the session', settingsPage: null, scope: 'session', severity: 'warning' },
  audio_source_failed: { title: 'Microphone problem', settingsPage: 'audio', scope: 'session', severity: 'error' },
  audio_sink_failed: { title: 'Speaker problem', settingsPage: 'audio', scope: 'session', severity: 'error' },
  audio_problem: { title: 'Audio problem', settingsPage: 'audio', scope: 'app', severity: 'warning' },
  agent_failed: { title: 'The background agent failed', settingsPage: 'agent', scope: 'session', severity: 'error' },
  hotkey_unavailable: { title: 'Hotkey not available', settingsPage: 'hotkeys', scope: 'app', severity: 'warning' },
  settings_invalid: { title: 'Settings need attention', settingsPage: 'general', scope: 'app', severity: 'warning' },
  settings_reset: { title: 'Settings were reset', settingsPage: 'general', scope: 'app', severity: 'warning' },
  rate_limit_near: { title: 'Rate limit nearly reached', settingsPage: null, scope: 'session', severity: 'warning' },
  reply_failed: { title: 'A reply failed', settingsPage: null, scope: 'session', severity: 'warning' },
  budget_near: { title: 'Budget nearly spent', settingsPage: 'usage', scope: 'session', severity: 'warning' },
  budget_reached: { title: 'Budget reached', settingsPage: 'usage', scope: 'session', severity: 'error' },
};

/** Codes whose cause is gone once a session reaches `live` (it connected, the key worked). */
export const SOLVED_BY_LIVE_SESSION: ReadonlySet<ProblemCode> = new Set([
  'missing_api_key',
  'key_rejected',
  'not_found',
  'upgrade_rejected',
  'connect_timeout',
  'unreachable',
  'invalid_config',
]);

/** Codes whose cause is gone once an API key is set. */
export const SOLVED_BY_NEW_KEY: ReadonlySet<ProblemCode> = new Set(['missing_api_key', 'key_rejected']);

export interface ProblemInput {
  readonly code: ProblemCode;
  /** The reason; cleaned here. */
  readonly message: string;
  readonly recoverable: boolean;
  /** Distinguishes problems of one code with different causes (a handoff id, a setting). */
  readonly cause?: string;
  readonly settingsPage?: SettingsPage | null;
  readonly severity?: Problem['severity'];
}

export function problem(input: ProblemInput): Problem {
  const kind = KINDS[input.code];
  return {
    id: input.cause ? `${input.code}:${input.cause}` : input.code,
    code: input.code,
    severity: input.severity ?? kind.severity,
    title: kind.title,
    message: withoutTitle(kind.title, readableText(input.message)),
    recoverable: input.recoverable,
    settingsPage: input.settingsPage === undefined ? kind.settingsPage : input.settingsPage,
    scope: kind.scope,
  };
}

/** A session error event's code as a problem code; undefined for codes that are no problem. */
export function problemCodeForSessionError(code: SessionErrorCode): ProblemCode | undefined {
  switch (code) {
    case 'not_running':
      return undefined;
    case 'missing_api_key':
    case 'key_rejected':
    case 'not_found':
    case 'upgrade_rejected':
    case 'connect_timeout':
    case 'unreachable':
    case 'invalid_config':
    case 'server_error':
    case 'audio_source_failed':
    case 'audio_sink_failed':
    case 'agent_failed':
    case 'connection_lost':
    case 'internal_error':
      return code;
  }
}

/** One problem per hotkey that is not working as configured. */
export function hotkeyProblems(hotkeys: HotkeyStatus): Problem[] {
  const problems: Problem[] = [];
  const add = (name: string, accelerator: string, reason: string | null) => {
    if (!reason) return;
    const label = accelerator ? `${name} “${accelerator}”` : name;
    problems.push(problem({ code: 'hotkey_unavailable', message: `${label}: ${reason}`, recoverable: true, cause: `${name}:${accelerator}:${reason}` }));
  };
  add('Talk hotkey', hotkeys.talk.accelerator, hotkeys.talk.problem);
  add('Hold-to-talk hotkey', hotkeys.holdToTalk.accelerator, hotkeys.holdToTalk.problem);
  return problems;
}

/**
 * Messages often start with the words of their own title ("The background agent failed: …"
 * under the title "The background agent failed"): keep only what the title does not say.
 */
function withoutTitle(title: string, message: string): string {
  const lowerTitle = title.toLowerCase();
  const lowerMessage = message.toLowerCase();
  if (!lowerMessage.startsWith(lowerTitle)) return message;
  const rest = message.slice(title.length).replace(/^[\s:.,;—–-]+/, '');
  if (rest.length === 0) return message;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
