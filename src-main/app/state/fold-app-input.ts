// The app state's one reducer: every input main's parts report (session events and facts,
// audio, settings, hotkeys, problems, dismissals) folded into the immutable AppState. Pure; the
// AppStore owns the current value and its revision.
import { blockingProblem, EMPTY_COST, type AppState, type HotkeyStatus, type Problem, type TalkState } from '../../../src-shared/app-state';
import { conversationReducer, initialConversationState } from '../../../src-shared/conversation-reducer';
import type { ForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import { nearRateLimitMessage } from '../../../src-shared/rate-limits';
import type { EchoProtection } from '../../../src-shared/echo-cancellation';
import type { SessionState } from '../../../src-shared/session-events';
import { addUsage, EMPTY_USAGE_TOTALS } from '../../../src-shared/usage';
import { SERVER_ERROR_PREFIX } from '../../core/session/live-conversation';
import { appStatus } from './app-status';
import { redactEvent } from './redact-event';
import { hotkeyProblems, problem, problemCodeForSessionError, SOLVED_BY_LIVE_SESSION, SOLVED_BY_NEW_KEY } from './problems';

export type AppInput =
  /** Something the voice session said (transcript, handoffs, errors, its state). */
  | { readonly type: 'session-event'; readonly event: ForwardedSessionEvent; readonly at: number }
  /** Facts about the running session that are not events: talk state, agent at work. */
  | { readonly type: 'session-facts'; readonly talk: TalkState; readonly agentWorking: boolean }
  | { readonly type: 'audio'; readonly micCheck: boolean; readonly assistantSpeaking: boolean }
  /** Which protection the microphone has now (the canceller or the gate, and why). */
  | { readonly type: 'echo-protection'; readonly protection: EchoProtection }
  | {
      readonly type: 'settings';
      readonly devices: AppState['devices'];
      readonly onboardingDone: boolean;
      readonly apiKeySet: boolean;
      /** The stored settings' problems now (each a `settings_invalid` problem). */
      readonly settingsProblems: readonly Problem[];
    }
  /** The API key was set or cleared: problems about the old key are moot. */
  | { readonly type: 'api-key-changed'; readonly apiKeySet: boolean }
  | { readonly type: 'hotkeys'; readonly hotkeys: HotkeyStatus }
  | { readonly type: 'problem'; readonly problem: Problem }
  | { readonly type: 'dismiss-problem'; readonly id: string };

export interface InitialFacts {
  readonly talk: TalkState;
  readonly devices: AppState['devices'];
  readonly apiKeySet: boolean;
  readonly onboardingDone: boolean;
  readonly hotkeys: HotkeyStatus;
}

/** Dismissed ids of app-wide problems that would otherwise come back with the next report. */
const MAX_REMEMBERED_DISMISSALS = 50;

export interface FoldState extends AppState {
  /** Not for drawing: which re-reported problems the user already closed. */
  readonly dismissedProblemIds: readonly string[];
  readonly assistantSpeaking: boolean;
}

export function initialAppState(facts: InitialFacts): FoldState {
  const state: FoldState = {
    revision: 0,
    status: 'idle',
    session: 'idle',
    talk: facts.talk,
    devices: facts.devices,
    agentWorking: false,
    apiKeySet: facts.apiKeySet,
    onboardingDone: facts.onboardingDone,
    micCheck: false,
    echoProtection: null,
    hotkeys: facts.hotkeys,
    problems: [],
    conversation: initialConversationState,
    historyRevision: 0,
    usage: EMPTY_USAGE_TOTALS,
    cost: EMPTY_COST,
    rateLimits: [],
    dismissedProblemIds: [],
    assistantSpeaking: false,
  };
  return withStatus(state);
}

export function foldAppInput(state: FoldState, input: AppInput): FoldState {
  const next = fold(state, input);
  return next === state ? state : withStatus(next);
}

function fold(state: FoldState, input: AppInput): FoldState {
  switch (input.type) {
    case 'session-event':
      return onSessionEvent(state, input.event, input.at);
    case 'session-facts':
      return set(state, { talk: sameTalk(state.talk, input.talk) ? state.talk : input.talk, agentWorking: input.agentWorking });
    case 'audio':
      return set(state, { micCheck: input.micCheck, assistantSpeaking: input.assistantSpeaking });
    case 'settings': {
      const devices = state.devices.input === input.devices.input && state.devices.output === input.devices.output ? state.devices : input.devices;
      let problems = replaceWhere(state, (shown) => shown.code === 'settings_invalid', input.settingsProblems);
      // A new device choice is the user's answer to an audio problem.
      if (devices !== state.devices) problems = problems.filter((shown) => shown.code !== 'audio_problem');
      return set(state, { devices, onboardingDone: input.onboardingDone, apiKeySet: input.apiKeySet, problems: sameList(state.problems, problems) });
    }
    case 'echo-protection':
      return sameEchoProtection(state.echoProtection, input.protection) ? state : set(state, { echoProtection: input.protection });
    case 'api-key-changed':
      return set(state, { apiKeySet: input.apiKeySet, problems: without(state.problems, (shown) => SOLVED_BY_NEW_KEY.has(shown.code)) });
    case 'hotkeys': {
      const problems = replaceWhere(state, (shown) => shown.code === 'hotkey_unavailable', hotkeyProblems(input.hotkeys));
      return set(state, { hotkeys: input.hotkeys, problems: sameList(state.problems, problems) });
    }
    case 'problem':
      return set(state, { problems: withProblem(state.problems, input.problem) });
    case 'dismiss-problem': {
      const shown = state.problems.find((candidate) => candidate.id === input.id);
      if (!shown) return state;
      const remembered = shown.scope === 'app' ? [input.id, ...state.dismissedProblemIds].slice(0, MAX_REMEMBERED_DISMISSALS) : state.dismissedProblemIds;
      return { ...state, problems: without(state.problems, (candidate) => candidate.id === input.id), dismissedProblemIds: remembered };
    }
  }
}

function sameEchoProtection(shown: EchoProtection | null, next: EchoProtection): boolean {
  if (!shown || shown.kind !== next.kind) return false;
  if (shown.kind === 'canceller' && next.kind === 'canceller') return shown.delayHintMs === next.delayHintMs && shown.instance === next.instance && shown.underruns === next.underruns;
  return shown.kind === 'gate' && next.kind === 'gate' && shown.reason === next.reason && shown.message === next.message;
}

function onSessionEvent(state: FoldState, raw: ForwardedSessionEvent, at: number): FoldState {
  const event = redactEvent(raw);
  const conversation = conversationReducer(state.conversation, { type: 'session-event', event, at });
  const next = conversation === state.conversation ? state : { ...state, conversation };
  switch (event.type) {
    case 'state':
      return onSessionState(next, event.state);
    case 'error': {
      const code = problemCodeForSessionError(event.code);
      // An agent failure is reported with its handoff (below), which knows the bare reason.
      if (!code || code === 'agent_failed') return next;
      // Under the title "The voice service reported an error", the server's own words suffice.
      const message = code === 'server_error' && event.message.startsWith(SERVER_ERROR_PREFIX) ? event.message.slice(SERVER_ERROR_PREFIX.length) : event.message;
      return { ...next, problems: withProblem(next.problems, problem({ code, message, recoverable: event.recoverable })) };
    }
    case 'handoff.failed':
      if (event.cause !== 'agent_failed') return next;
      return {
        ...next,
        problems: withProblem(next.problems, problem({ code: 'agent_failed', message: event.reason, recoverable: true, cause: event.handoffId })),
      };
    case 'usage': {
      const { type: _type, responseId: _responseId, ...usage } = event;
      return { ...next, usage: addUsage(next.usage, usage) };
    }
    case 'cost':
      return {
        ...next,
        cost: {
          sessionUsd: event.sessionUsd,
          dayUsd: event.dayUsd,
          lastTurn: { source: event.source, id: event.id, model: event.model, usd: event.usd === undefined ? null : event.turnUsd },
        },
      };
    case 'budget': {
      // One banner per cap: the warning, replaced by the cap reached (the fix: Settings › Usage).
      const code = event.level === 'warning' ? 'budget_near' : 'budget_reached';
      const shown = problem({ code, message: event.message, recoverable: true, cause: event.scope });
      const problems = withProblem(event.level === 'reached' ? without(next.problems, (each) => each.id === `budget_near:${event.scope}`) : next.problems, shown);
      return { ...next, problems };
    }
    case 'rate_limits': {
      // Kept as reported; a limit that is nearly used up is a warning until a report says otherwise.
      const message = nearRateLimitMessage(event.limits);
      const problems = message
        ? withProblem(next.problems, problem({ code: 'rate_limit_near', message, recoverable: true }))
        : without(next.problems, (shown) => shown.code === 'rate_limit_near');
      return { ...next, rateLimits: event.limits, problems };
    }
    case 'response.ended':
      // A cancelled or cut-off reply is noted on its bubble; a failed one is also worth a warning.
      if (event.status !== 'failed') return next;
      return { ...next, problems: withProblem(next.problems, problem({ code: 'reply_failed', message: event.reason, recoverable: true, cause: event.responseId })) };
    case 'closed': {
      const historyRevision = state.historyRevision + 1;
      if (event.reason !== 'server_ended') return { ...next, historyRevision };
      // The server closed normally (a drop reconnects by itself and never gets here): say why.
      const ended = problem({
        code: 'server_ended',
        message: `${event.detail ? `It said: ${event.detail}. ` : ''}Start the session again to go on.`,
        recoverable: true,
      });
      return { ...next, historyRevision, problems: withProblem(next.problems, ended) };
    }
    default:
      return next;
  }
}

/** A session in these states goes on ('reconnecting' included: the conversation continues after it). */
const ACTIVE: ReadonlySet<SessionState> = new Set(['connecting', 'live', 'reconnecting', 'closing']);

function onSessionState(state: FoldState, session: SessionState): FoldState {
  if (session === state.session) return state;
  let problems = state.problems;
  // A new session: what went wrong in an earlier one is no longer news.
  if (session === 'connecting' && !ACTIVE.has(state.session)) {
    problems = without(problems, (shown) => shown.scope === 'session');
    // Usage and rate limits are per session: a new one starts from nothing.
    // The day's cost goes on across sessions; the session's starts from nothing.
    return { ...state, session, problems, usage: EMPTY_USAGE_TOTALS, rateLimits: [], cost: { ...state.cost, sessionUsd: 0, lastTurn: null } };
  }
  // It connected and the key worked: connection and key problems are solved.
  if (session === 'live') problems = without(problems, (shown) => SOLVED_BY_LIVE_SESSION.has(shown.code));
  const agentWorking = ACTIVE.has(session) ? state.agentWorking : false;
  return { ...state, session, problems, agentWorking };
}

function withStatus(state: FoldState): FoldState {
  const status = appStatus({
    session: state.session,
    talk: state.talk,
    assistantSpeaking: state.session === 'live' && state.assistantSpeaking,
    agentWorking: state.agentWorking,
    blockingProblem: blockingProblem(state),
    errorShown: state.problems.some((shown) => shown.severity === 'error'),
  });
  return status === state.status ? state : { ...state, status };
}

/** Newest first; the same id replaces the one shown (and moves to the top). */
function withProblem(problems: readonly Problem[], added: Problem): readonly Problem[] {
  const existing = problems.find((shown) => shown.id === added.id);
  if (existing && existing.message === added.message && existing.recoverable === added.recoverable && problems[0] === existing) return problems;
  return [added, ...problems.filter((shown) => shown.id !== added.id)];
}

function replaceWhere(state: FoldState, belongs: (problem: Problem) => boolean, current: readonly Problem[]): readonly Problem[] {
  const kept = state.problems.filter((shown) => !belongs(shown));
  const fresh = current.filter((candidate) => !state.dismissedProblemIds.includes(candidate.id));
  const unchanged = fresh.map((candidate) => state.problems.find((shown) => shown.id === candidate.id && shown.message === candidate.message) ?? candidate);
  return [...unchanged, ...kept];
}

function without(problems: readonly Problem[], drop: (problem: Problem) => boolean): readonly Problem[] {
  const kept = problems.filter((shown) => !drop(shown));
  return kept.length === problems.length ? problems : kept;
}

/** `next` if it differs from `previous` in members or order, else `previous` (keeps identity). */
function sameList(previous: readonly Problem[], next: readonly Problem[]): readonly Problem[] {
  return previous.length === next.length && previous.every((shown, index) => shown === next[index]) ? previous : next;
}

function sameTalk(a: TalkState, b: TalkState): boolean {
  return a.mode === b.mode && a.muted === b.muted && a.talking === b.talking;
}

/** Applies `changes`, answering `state` itself when nothing differs (so no revision is spent). */
function set(state: FoldState, changes: Partial<FoldState>): FoldState {
  for (const key of Object.keys(changes) as (keyof FoldState)[]) {
    if (changes[key] !== state[key]) return { ...state, ...changes };
  }
  return state;
}
