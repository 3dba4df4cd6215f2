// Session events → the conversation timeline. Pure TS: main folds it into the app state it owns
// (src-main/app/state), the renderer only draws it; tested in test/shared/conversation-reducer.test.ts.
//
// The timeline keeps everything in order of first appearance: transcript bubbles (keyed by
// entryId, which survives handoffs but restarts with each connection, hence `epoch`), typed
// messages, handoff cards (one per handoffId) and a divider where a new session started.
import type { ForwardedSessionEvent } from './ipc-contract';
import type { HandoffEndCause, SessionState, TranscriptRole } from './session-events';

/**
 * `cancelled`: the user stopped the agent; `not-delegated`: no agent is configured, so nothing
 * went to one; `ended`: the voice session ended while the agent worked; `failed`: the agent failed.
 */
export type HandoffCardStatus = 'requested' | 'working' | 'steered' | 'answered' | 'failed' | 'cancelled' | 'not-delegated' | 'ended' | 'done';

export interface EntryItem {
  readonly kind: 'entry';
  readonly key: string;
  readonly entryId: number;
  readonly role: TranscriptRole;
  readonly text: string;
  readonly firstSeenAt: number;
}

export interface TypedItem {
  readonly kind: 'typed';
  readonly key: string;
  readonly text: string;
  readonly firstSeenAt: number;
}

export interface HandoffItem {
  readonly kind: 'handoff';
  readonly key: string;
  readonly handoffId: string;
  /** Exactly what went to the agent ('' when nothing was delegated). */
  readonly agentText: string;
  readonly status: HandoffCardStatus;
  /** Answers the agent completed, joined by blank lines. */
  readonly answer: string;
  /** Text of the message the agent is still writing (agent.text deltas). */
  readonly streaming: string;
  readonly reason: string | null;
  readonly firstSeenAt: number;
}

export interface DividerItem {
  readonly kind: 'divider';
  readonly key: string;
  readonly at: number;
}

export type TimelineItem = EntryItem | TypedItem | HandoffItem | DividerItem;

/** A transcript entry that will not change any more (for the screen-reader announcement). */
export interface FinishedEntry {
  readonly key: string;
  readonly role: TranscriptRole;
  readonly text: string;
}

export interface ConversationState {
  readonly items: readonly TimelineItem[];
  readonly sessionState: SessionState;
  /** Bumped when a new connection starts: entry ids restart, so keys carry the epoch. */
  readonly epoch: number;
  /** Counter for keys of typed messages, dividers and repeated handoff ids. */
  readonly serial: number;
  /** Handoff ids that share the running agent turn (the first started it, the rest steered it). */
  readonly turnHandoffIds: readonly string[];
  /** The entry that is still growing, if any. */
  readonly openEntryKey: string | null;
  /** The most recently finished entry; `finishedCount` increments with each one. */
  readonly lastFinished: FinishedEntry | null;
  readonly finishedCount: number;
}

export type ConversationAction =
  | { readonly type: 'session-event'; readonly event: ForwardedSessionEvent; readonly at: number }
  /** The session state from a snapshot (startup): no divider, no epoch change. */
  | { readonly type: 'sync-session-state'; readonly state: SessionState };

export const initialConversationState: ConversationState = {
  items: [],
  sessionState: 'idle',
  epoch: 0,
  serial: 0,
  turnHandoffIds: [],
  openEntryKey: null,
  lastFinished: null,
  finishedCount: 0,
};

const ACTIVE_SESSION_STATES: ReadonlySet<SessionState> = new Set(['connecting', 'live', 'closing']);
const CARD_STATUS_FOR_CAUSE: Record<HandoffEndCause, HandoffCardStatus> = {
  agent_failed: 'failed',
  cancelled: 'cancelled',
  session_ended: 'ended',
  not_delegated: 'not-delegated',
};
const OPEN_CARD_STATUSES: ReadonlySet<HandoffCardStatus> = new Set(['requested', 'working', 'steered']);

export function entryKey(epoch: number, entryId: number): string {
  return `entry:${epoch}:${entryId}`;
}

/** The text a handoff card shows as its answer: completed answers, then what is streaming. */
export function handoffAnswerText(card: HandoffItem): string {
  if (!card.streaming) return card.answer;
  return card.answer ? `${card.answer}\n\n${card.streaming}` : card.streaming;
}

export function isOpenHandoff(card: HandoffItem): boolean {
  return OPEN_CARD_STATUSES.has(card.status);
}

export function conversationReducer(state: ConversationState, action: ConversationAction): ConversationState {
  if (action.type === 'sync-session-state') {
    return state.sessionState === action.state ? state : { ...state, sessionState: action.state };
  }
  const { event, at } = action;
  switch (event.type) {
    case 'state':
      return onSessionState(state, event.state, at);
    case 'transcript.entry':
      return onTranscriptEntry(state, event.entryId, event.entry.role, event.entry.text, at);
    case 'user.text':
      return onTypedText(state, event.text, at);
    case 'handoff.requested':
      return onHandoffRequested(finishOpenEntry(state), event.handoffId, event.agentText, at);
    case 'handoff.started':
      return onHandoffStarted(state, event.handoffId, event.agentText, at);
    case 'handoff.steered':
      return onHandoffSteered(state, event.handoffId, event.agentText, at);
    case 'agent.text':
      return updateCard(state, event.handoffId, at, (card) => ({
        ...card,
        streaming: card.streaming + event.delta,
        status: card.status === 'requested' ? 'working' : card.status,
      }));
    case 'handoff.answered':
      return updateCard(state, event.handoffId, at, (card) => ({
        ...card,
        answer: card.answer ? `${card.answer}\n\n${event.text}` : event.text,
        streaming: '',
        status: 'answered',
      }));
    case 'handoff.failed':
      return endTurn(state, event.handoffId, at, { status: CARD_STATUS_FOR_CAUSE[event.cause], reason: event.reason });
    case 'handoff.completed':
      return endTurn(state, event.handoffId, at, null);
    case 'closed':
      return finishOpenEntry({ ...state, sessionState: 'closed' });
    case 'session.ready':
    case 'transcript.delta':
    case 'user.speech_started':
    case 'playback.interrupted':
    case 'error':
      // Deltas are already merged into transcript.entry by main; errors become banners.
      return state;
    default:
      return assertNever(event);
  }
}

function assertNever(value: never): never {
  throw new Error(`conversationReducer: unhandled session event ${JSON.stringify(value)}`);
}

function onSessionState(state: ConversationState, next: SessionState, at: number): ConversationState {
  const previous = state.sessionState;
  if (next === 'connecting' && !ACTIVE_SESSION_STATES.has(previous)) {
    // A new connection: entry ids restart, so old bubbles must not be overwritten.
    const base = finishOpenEntry(state);
    const items =
      base.items.length > 0 && base.items.at(-1)?.kind !== 'divider'
        ? [...base.items, { kind: 'divider', key: `divider:${base.serial}`, at } satisfies DividerItem]
        : base.items;
    return { ...base, items, sessionState: next, epoch: base.epoch + 1, serial: base.serial + 1, turnHandoffIds: [] };
  }
  if (next === 'closed' || next === 'error' || next === 'idle') return finishOpenEntry({ ...state, sessionState: next });
  return previous === next ? state : { ...state, sessionState: next };
}

function onTranscriptEntry(state: ConversationState, entryId: number, role: TranscriptRole, text: string, at: number): ConversationState {
  const key = entryKey(state.epoch, entryId);
  const position = findLastIndex(state.items, key);
  if (position >= 0) {
    const current = state.items[position] as EntryItem;
    if (current.text === text && current.role === role) return state;
    const items = replaceAt(state.items, position, { ...current, role, text });
    return { ...state, items, openEntryKey: key };
  }
  // A new entry finishes the one before it.
  const base = state.openEntryKey && state.openEntryKey !== key ? finishOpenEntry(state) : state;
  const item: EntryItem = { kind: 'entry', key, entryId, role, text, firstSeenAt: at };
  return { ...base, items: [...base.items, item], openEntryKey: key };
}

function onTypedText(state: ConversationState, text: string, at: number): ConversationState {
  const base = finishOpenEntry(state);
  const item: TypedItem = { kind: 'typed', key: `typed:${base.serial}`, text, firstSeenAt: at };
  return { ...base, items: [...base.items, item], serial: base.serial + 1 };
}

function newCard(state: ConversationState, handoffId: string, agentText: string, status: HandoffCardStatus, at: number): HandoffItem {
  // A handoff id could come back in a later connection; keep its first card and start a new one.
  const taken = findLastIndex(state.items, `handoff:${handoffId}`) >= 0;
  return {
    kind: 'handoff',
    key: taken ? `handoff:${handoffId}:${state.serial}` : `handoff:${handoffId}`,
    handoffId,
    agentText,
    status,
    answer: '',
    streaming: '',
    reason: null,
    firstSeenAt: at,
  };
}

function onHandoffRequested(state: ConversationState, handoffId: string, agentText: string, at: number): ConversationState {
  const position = findCard(state, handoffId);
  if (position >= 0) {
    const card = state.items[position] as HandoffItem;
    return { ...state, items: replaceAt(state.items, position, { ...card, agentText }) };
  }
  const card = newCard(state, handoffId, agentText, 'requested', at);
  return { ...state, items: [...state.items, card], serial: state.serial + 1 };
}

function onHandoffStarted(state: ConversationState, handoffId: string, agentText: string, at: number): ConversationState {
  const next = upsertCard(state, handoffId, agentText, 'working', at);
  return { ...next, turnHandoffIds: [handoffId] };
}

function onHandoffSteered(state: ConversationState, handoffId: string, agentText: string, at: number): ConversationState {
  const next = upsertCard(state, handoffId, agentText, 'steered', at);
  const turn = next.turnHandoffIds.includes(handoffId) ? next.turnHandoffIds : [...next.turnHandoffIds, handoffId];
  return { ...next, turnHandoffIds: turn };
}

function upsertCard(state: ConversationState, handoffId: string, agentText: string, status: HandoffCardStatus, at: number): ConversationState {
  const position = findCard(state, handoffId);
  if (position < 0) {
    const card = newCard(state, handoffId, agentText, status, at);
    return { ...state, items: [...state.items, card], serial: state.serial + 1 };
  }
  const card = state.items[position] as HandoffItem;
  return { ...state, items: replaceAt(state.items, position, { ...card, agentText: agentText || card.agentText, status }) };
}

/** Applies `change` to the card for `handoffId`, creating a working card if none exists yet. */
function updateCard(state: ConversationState, handoffId: string, at: number, change: (card: HandoffItem) => HandoffItem): ConversationState {
  const position = findCard(state, handoffId);
  if (position < 0) {
    const card = change(newCard(state, handoffId, '', 'working', at));
    return { ...state, items: [...state.items, card], serial: state.serial + 1 };
  }
  return { ...state, items: replaceAt(state.items, position, change(state.items[position] as HandoffItem)) };
}

/**
 * The agent turn ended under `handoffId`: completed (`ending` null) or without an answer (with
 * the card status and reason). That card gets the outcome; the other cards of the same turn that
 * are still open (a steer moved the answer to a newer card) are closed with it, so no card spins
 * forever. A card that already holds an answer keeps `answered`.
 */
function endTurn(
  state: ConversationState,
  handoffId: string,
  at: number,
  ending: { readonly status: HandoffCardStatus; readonly reason: string } | null,
): ConversationState {
  const close = (card: HandoffItem): HandoffItem => {
    const answer = handoffAnswerText(card);
    if (ending !== null) {
      if (card.handoffId !== handoffId && answer) return { ...card, answer, streaming: '', status: 'answered' };
      return { ...card, answer, streaming: '', status: ending.status, reason: ending.reason };
    }
    return { ...card, answer, streaming: '', status: answer ? 'answered' : 'done' };
  };
  let next = updateCard(state, handoffId, at, close);
  const siblings = new Set(state.turnHandoffIds.includes(handoffId) ? state.turnHandoffIds : []);
  siblings.delete(handoffId);
  if (siblings.size > 0) {
    let items = next.items;
    for (const sibling of siblings) {
      const position = findLastCardIndex(items, sibling);
      const card = position >= 0 ? (items[position] as HandoffItem) : undefined;
      if (card && isOpenHandoff(card)) items = replaceAt(items, position, close(card));
    }
    next = { ...next, items };
  }
  const turnHandoffIds = state.turnHandoffIds.includes(handoffId) ? [] : state.turnHandoffIds;
  return { ...next, turnHandoffIds };
}

function finishOpenEntry(state: ConversationState): ConversationState {
  if (!state.openEntryKey) return state;
  const position = findLastIndex(state.items, state.openEntryKey);
  const item = position >= 0 ? state.items[position] : undefined;
  if (!item || item.kind !== 'entry') return { ...state, openEntryKey: null };
  return {
    ...state,
    openEntryKey: null,
    lastFinished: { key: item.key, role: item.role, text: item.text },
    finishedCount: state.finishedCount + 1,
  };
}

function findCard(state: ConversationState, handoffId: string): number {
  return findLastCardIndex(state.items, handoffId);
}

/** The newest card for a handoff id (ids are unique within a connection). */
function findLastCardIndex(items: readonly TimelineItem[], handoffId: string): number {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index]!;
    if (item.kind === 'handoff' && item.handoffId === handoffId) return index;
  }
  return -1;
}

/** Updates mostly touch the newest items, so search from the end. */
function findLastIndex(items: readonly TimelineItem[], key: string): number {
  for (let index = items.length - 1; index >= 0; index--) {
    if (items[index]!.key === key) return index;
  }
  return -1;
}

function replaceAt<T>(items: readonly T[], position: number, value: T): readonly T[] {
  const copy = items.slice();
  copy[position] = value;
  return copy;
}
