// Session events → the conversation timeline. Pure TS: main folds it into the app state it owns
// (src-main/app/state), the renderer only draws it; tested in test/shared/conversation-reducer.test.ts.
//
// The timeline holds transcript bubbles (keyed by entryId, which survives handoffs but restarts
// with each connection, hence `epoch`), typed messages, handoff cards (one per agent turn: a
// request that steers the running turn joins its card) and a divider where a new session started.
// v1 items come in order of first appearance. v2 items are conversation items: each says which
// item it follows (`previousItemId`), so a user's words transcribed after the reply still land
// above it, and a reply after a typed message gets its own bubble below that message.
// Transcript events are linear (an `append` per delta), so the reducer appends and records the
// piece on the bubble: the state patch for a delta then carries the piece, not the bubble.
// A reconnect keeps the conversation: one quiet divider note, no new epoch.
// A coding agent's steps and permission requests go on its turn's card, like its text.
// A turn's latency waterfall goes on the reply's bubble or the handoff's card; the session keeps
// the newest totals for its median and p90.
import type { AgentApprovalDecider, AgentApprovalDecision, AgentApprovalRequest, AgentProgressStep } from './agent-activity';
import { connectionNote } from './connection-words';
import type { ForwardedSessionEvent } from './ipc-contract';
import { withLatencyTotal, type TurnLatency } from './latency';
import type { HandoffEndCause, SessionEvent, SessionState, TranscriptEntryEvent, TranscriptRole } from './session-events';

type HandoffRequestedEvent = Extract<SessionEvent, { type: 'handoff.requested' }>;
type HandoffIncompleteEvent = Extract<SessionEvent, { type: 'handoff.incomplete' }>;
type ResponseEndedEvent = Extract<SessionEvent, { type: 'response.ended' }>;
type TranscriptionFailedEvent = Extract<SessionEvent, { type: 'transcription.failed' }>;
type ApprovalRequestedEvent = Extract<SessionEvent, { type: 'agent.approval.requested' }>;
type ApprovalResolvedEvent = Extract<SessionEvent, { type: 'agent.approval.resolved' }>;
type LatencyEvent = Extract<SessionEvent, { type: 'latency' }>;

/** What a user's bubble says when its speech could not be transcribed. */
export const NOT_TRANSCRIBED_NOTE = 'not transcribed';

/**
 * `cancelled`: the user stopped the agent; `not-delegated`: no agent is configured, so nothing
 * went to one; `ended`: the voice session ended while the agent worked; `failed`: the agent failed.
 */
export type HandoffCardStatus =
  | 'requested'
  | 'working'
  | 'steered'
  | 'answered'
  | 'failed'
  | 'cancelled'
  | 'not-delegated'
  | 'ended'
  | 'done'
  /** v2: the call was cut off (barge-in, token limit) before it was complete; nothing was delegated. */
  | 'incomplete';

export interface EntryItem {
  readonly kind: 'entry';
  readonly key: string;
  readonly entryId: number;
  /** v2: the conversation item this bubble shows. */
  readonly itemId?: string;
  readonly role: TranscriptRole;
  readonly text: string;
  readonly firstSeenAt: number;
  /**
   * v2: something the text does not say: 'not transcribed' on a user's speech, or how a reply
   * ended when it did not complete ("The reply was cut off: …"). `noteDetail` is the full reason.
   */
  readonly note?: string;
  readonly noteDetail?: string;
  /**
   * For linear state patches (state-patch.ts): how often the text changed, and the piece the
   * latest change appended (absent when it replaced the text). A patch for an append then carries
   * the piece instead of the whole bubble.
   */
  readonly textVersion?: number;
  readonly lastAppend?: string;
  /** An assistant reply's latency waterfall, once it was measured (the newest, if measured again). */
  readonly latency?: TurnLatency;
}

export interface TypedItem {
  readonly kind: 'typed';
  readonly key: string;
  /** v2: the conversation item the server made of it, once it said so. */
  readonly itemId?: string;
  readonly text: string;
  readonly firstSeenAt: number;
}

export interface HandoffItem {
  readonly kind: 'handoff';
  readonly key: string;
  /** The handoff that started the agent turn (the card's identity). */
  readonly handoffId: string;
  /** Every handoff of the turn: the first, then those that steered it. */
  readonly handoffIds: readonly string[];
  /** v2: the function call items of those handoffs. */
  readonly itemIds: readonly string[];
  /** Exactly what went to the agent first ('' when nothing was delegated). */
  readonly agentText: string;
  /** Every request of the turn in order: `agentText`, then each steer's text. */
  readonly requests: readonly string[];
  readonly status: HandoffCardStatus;
  /** Answers the agent completed, joined by blank lines. */
  readonly answer: string;
  /** Text of the message the agent is still writing (agent.text deltas). */
  readonly streaming: string;
  readonly reason: string | null;
  /** What the agent backend noted on the way (a retry, history it left out), oldest first. */
  readonly notices: readonly string[];
  /** What the agent's requests of this turn cost, USD (absent: none priced yet); `unpricedModel`: a model the pricing table lacks. */
  readonly agentCostUsd?: number;
  readonly unpricedModel?: string;
  /** A coding agent's steps in order of first appearance, each updated in place; the newest MAX_CARD_STEPS. */
  readonly steps: readonly AgentProgressStep[];
  /** How many older steps were left out of `steps`. */
  readonly stepsLeftOut: number;
  /** The agent's permission requests in the order asked, pending or decided. */
  readonly approvals: readonly CardApproval[];
  /** The latency waterfall of each answer the turn spoke, oldest first (absent: none measured yet). */
  readonly latencies?: readonly TurnLatency[];
  readonly firstSeenAt: number;
}

/**
 * A permission request on a handoff card. It waits while `decidedBy` is absent; `requestedAt`
 * (main's clock, ms since the epoch) plus `timeoutMs` is when it is denied unanswered.
 */
export interface CardApproval {
  readonly request: AgentApprovalRequest;
  readonly timeoutMs: number;
  readonly requestedAt: number;
  readonly decision?: AgentApprovalDecision;
  /** 'ended' with decision 'deny' also when the turn ended while it still waited. */
  readonly decidedBy?: AgentApprovalDecider;
  readonly decidedAt?: number;
}

/**
 * Where a new server session begins: a new session the user started (no `note`), or the same
 * conversation going on over a new connection (`note`: "Reconnected after 2.3 s").
 */
export interface DividerItem {
  readonly kind: 'divider';
  readonly key: string;
  readonly at: number;
  readonly note?: string;
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
  /** The entry that is still growing, if any. */
  readonly openEntryKey: string | null;
  /** The most recently finished entry; `finishedCount` increments with each one. */
  readonly lastFinished: FinishedEntry | null;
  readonly finishedCount: number;
  /**
   * The current (or last) session's turn latencies (TurnLatency.totalMs), oldest first, the newest
   * MAX_SESSION_LATENCY_TOTALS: for its median and p90. A new session starts from none.
   */
  readonly latencyTotalsMs: readonly number[];
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
  openEntryKey: null,
  lastFinished: null,
  finishedCount: 0,
  latencyTotalsMs: [],
};

/** A conversation in these states goes on: 'connecting' after one of them starts no new session. */
const ACTIVE_SESSION_STATES: ReadonlySet<SessionState> = new Set(['connecting', 'live', 'reconnecting', 'closing']);
/** Notices kept on one card: the newest matter, a retry loop must not grow the card without end. */
const MAX_CARD_NOTICES = 20;
/** Steps kept on one card: a long agent turn has hundreds; the newest say what it is doing. */
export const MAX_CARD_STEPS = 200;
/** Latencies kept on one card: one per spoken answer, and a turn steered many times has many. */
export const MAX_CARD_LATENCIES = 20;
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

/** True while the agent waits for the user's answer to this request. */
export function isPendingApproval(approval: CardApproval): boolean {
  return approval.decidedBy === undefined;
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
      return onTranscriptEntry(state, event, at);
    case 'user.text':
      return onTypedText(state, event.text, at);
    case 'user.text.placed':
      return onTypedTextPlaced(state, event.itemId, event.text, at);
    case 'handoff.requested':
      return onHandoffRequested(finishOpenEntry(state), event, at);
    case 'handoff.incomplete':
      return onHandoffIncomplete(finishOpenEntry(state), event, at);
    case 'handoff.started':
      return onHandoffStarted(state, event.handoffId, event.agentText, at);
    case 'handoff.steered':
      return onHandoffSteered(state, event.handoffId, event.turnHandoffId, event.agentText, at);
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
    case 'response.ended':
      return onResponseEnded(state, event);
    case 'transcription.failed':
      return onTranscriptionFailed(state, event, at);
    case 'agent.notice':
      return onAgentNotice(state, event.handoffId, event.text);
    case 'agent.progress':
      return updateCard(state, event.handoffId, at, (card) => withStep(card, event.step));
    case 'agent.approval.requested':
      return updateCard(state, event.handoffId, at, (card) => withApprovalRequested(card, event, at));
    case 'agent.approval.resolved':
      return onApprovalResolved(state, event, at);
    case 'connection':
      return onConnection(state, connectionNote(event), at);
    case 'latency':
      return onLatency(state, event);
    case 'cost':
      return event.source === 'agent' ? onAgentCost(state, event.id, event.model, event.usd) : state;
    case 'agent.usage':
    case 'budget':
      // The cost event that follows agent.usage carries its price; a budget becomes a banner.
      return state;
    case 'session.ready':
    case 'transcript.delta':
    case 'user.speech_started':
    case 'playback.interrupted':
    case 'error':
    case 'rate_limits':
    case 'usage':
    case 'audio.dropped':
      // Deltas also arrive as transcript.entry appends; errors become banners.
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
    // The session's latency figures are its own: a new one starts from none.
    return { ...base, items, sessionState: next, epoch: base.epoch + 1, serial: base.serial + 1, latencyTotalsMs: [] };
  }
  if (next === 'closed' || next === 'error' || next === 'idle') return finishOpenEntry({ ...state, sessionState: next });
  return previous === next ? state : { ...state, sessionState: next };
}

function onTranscriptEntry(state: ConversationState, event: TranscriptEntryEvent, at: number): ConversationState {
  const { role } = event;
  const key = entryKey(state.epoch, event.entryId);
  // A bubble made for the item before its text (an untranscribed note) is the item's bubble.
  let position = findLastIndex(state.items, key);
  if (position < 0 && event.itemId !== undefined) position = findEntryOfItem(state.items, event.itemId);
  if (position >= 0) {
    // An item keeps its place; a .done/.completed replaces its text, and only its text.
    const current = state.items[position] as EntryItem;
    const textVersion = (current.textVersion ?? 0) + 1;
    let next: EntryItem;
    if (event.text === undefined) {
      if (event.append.length === 0 && current.role === role) return state;
      // Ropes: appending does not copy the text, so a long monologue stays linear.
      next = { ...current, role, text: current.text + event.append, textVersion, lastAppend: event.append };
    } else {
      if (current.text === event.text && current.role === role) return state;
      const { lastAppend: _replaced, ...kept } = current;
      next = { ...kept, role, text: event.text, textVersion };
    }
    return { ...state, items: replaceAt(state.items, position, next), openEntryKey: current.key };
  }
  const text = event.text ?? event.append;
  // Nothing to show yet (its first words are still held back, or it never had any).
  if (text === '') return state;
  // A new entry finishes the one before it.
  const base = state.openEntryKey && state.openEntryKey !== key ? finishOpenEntry(state) : state;
  const item: EntryItem = { kind: 'entry', key, entryId: event.entryId, ...(event.itemId !== undefined ? { itemId: event.itemId } : {}), role, text, firstSeenAt: at };
  return { ...base, items: insertAt(base.items, placeFor(base.items, event.previousItemId), item), openEntryKey: key };
}

/** A reply that did not complete: each of its bubbles says how it ended (the text stays as heard). */
function onResponseEnded(state: ConversationState, event: ResponseEndedEvent): ConversationState {
  let items = state.items;
  for (const itemId of event.itemIds) {
    const position = findEntryOfItem(items, itemId);
    if (position < 0) continue;
    const entry = items[position] as EntryItem;
    items = replaceAt(items, position, { ...entry, note: RESPONSE_END_NOTES[event.status], noteDetail: event.reason });
  }
  return items === state.items ? state : { ...state, items };
}

const RESPONSE_END_NOTES: Record<ResponseEndedEvent['status'], string> = {
  cancelled: 'cancelled',
  failed: 'failed',
  incomplete: 'cut off',
};

/** The user's speech has no text: its bubble (made now if it had none) says so instead of vanishing. */
function onTranscriptionFailed(state: ConversationState, event: TranscriptionFailedEvent, at: number): ConversationState {
  const position = findEntryOfItem(state.items, event.itemId);
  if (position >= 0) {
    const entry = state.items[position] as EntryItem;
    return { ...state, items: replaceAt(state.items, position, { ...entry, note: NOT_TRANSCRIBED_NOTE, noteDetail: event.reason }) };
  }
  const item: EntryItem = {
    kind: 'entry',
    key: `untranscribed:${state.epoch}:${event.itemId}`,
    entryId: -1,
    itemId: event.itemId,
    role: 'user',
    text: '',
    firstSeenAt: at,
    note: NOT_TRANSCRIBED_NOTE,
    noteDetail: event.reason,
  };
  return { ...state, items: insertAt(state.items, placeFor(state.items, event.previousItemId), item) };
}

/** The bubble of the v2 item `itemId` in the current session, or -1. */
function findEntryOfItem(items: readonly TimelineItem[], itemId: string): number {
  const start = sessionStart(items);
  for (let index = items.length - 1; index >= start; index--) {
    const item = items[index]!;
    if (item.kind === 'entry' && item.itemId === itemId) return index;
  }
  return -1;
}

function onTypedText(state: ConversationState, text: string, at: number): ConversationState {
  const base = finishOpenEntry(state);
  const item: TypedItem = { kind: 'typed', key: `typed:${base.serial}`, text, firstSeenAt: at };
  return { ...base, items: [...base.items, item], serial: base.serial + 1 };
}

/** The server made a typed message an item: the oldest waiting bubble with that text (else the oldest waiting) gets its id. */
function onTypedTextPlaced(state: ConversationState, itemId: string, text: string, at: number): ConversationState {
  const start = sessionStart(state.items);
  let match = -1;
  for (let index = start; index < state.items.length; index++) {
    const item = state.items[index]!;
    if (item.kind !== 'typed' || item.itemId !== undefined) continue;
    if (item.text === text) {
      match = index;
      break;
    }
    if (match < 0) match = index;
  }
  if (match < 0) {
    const item: TypedItem = { kind: 'typed', key: `typed:${state.serial}`, itemId, text, firstSeenAt: at };
    return { ...state, items: [...state.items, item], serial: state.serial + 1 };
  }
  return { ...state, items: replaceAt(state.items, match, { ...(state.items[match] as TypedItem), itemId }) };
}

function newCard(state: ConversationState, handoffId: string, agentText: string, status: HandoffCardStatus, at: number, itemId?: string): HandoffItem {
  // A handoff id could come back in a later connection; keep its first card and start a new one.
  const taken = findLastIndex(state.items, `handoff:${handoffId}`) >= 0;
  return {
    kind: 'handoff',
    key: taken ? `handoff:${handoffId}:${state.serial}` : `handoff:${handoffId}`,
    handoffId,
    handoffIds: [handoffId],
    itemIds: itemId === undefined ? [] : [itemId],
    agentText,
    requests: [agentText],
    status,
    answer: '',
    streaming: '',
    reason: null,
    notices: [],
    steps: [],
    stepsLeftOut: 0,
    approvals: [],
    firstSeenAt: at,
  };
}

/** The card with `step`: an update of a step it shows replaces it in place, a new one goes last. */
function withStep(card: HandoffItem, step: AgentProgressStep): HandoffItem {
  const status = card.status === 'requested' ? 'working' : card.status;
  const index = card.steps.findIndex((shown) => shown.id === step.id);
  if (index >= 0) return { ...card, status, steps: replaceAt(card.steps, index, step) };
  // A step updated after it was left out comes back as new: rare, and better than losing it.
  const steps = [...card.steps, step];
  const over = Math.max(0, steps.length - MAX_CARD_STEPS);
  return { ...card, status, steps: over > 0 ? steps.slice(over) : steps, stepsLeftOut: card.stepsLeftOut + over };
}

/** The card with a new permission request (a repeated one keeps its first place and time). */
function withApprovalRequested(card: HandoffItem, event: ApprovalRequestedEvent, at: number): HandoffItem {
  const status = card.status === 'requested' ? 'working' : card.status;
  if (card.approvals.some((shown) => shown.request.id === event.approval.id)) return { ...card, status };
  const approval: CardApproval = { request: event.approval, timeoutMs: event.timeoutMs, requestedAt: at };
  return { ...card, status, approvals: [...card.approvals, approval] };
}

/**
 * A permission request was decided. It applies to one that waits, or to one the turn's end marked
 * ended (the real answer, if it comes after all, is the truer one); a request the card never
 * showed has nothing to update.
 */
function onApprovalResolved(state: ConversationState, event: ApprovalResolvedEvent, at: number): ConversationState {
  const position = findCard(state, event.handoffId);
  if (position < 0) return state;
  const card = state.items[position] as HandoffItem;
  const index = card.approvals.findIndex((shown) => shown.request.id === event.approvalId);
  const current = index >= 0 ? card.approvals[index]! : undefined;
  if (!current || (current.decidedBy !== undefined && current.decidedBy !== 'ended')) return state;
  if (current.decidedBy === event.decidedBy && current.decision === event.decision) return state;
  const decided: CardApproval = { ...current, decision: event.decision, decidedBy: event.decidedBy, decidedAt: at };
  return { ...state, items: replaceAt(state.items, position, { ...card, approvals: replaceAt(card.approvals, index, decided) }) };
}

/** The turn ended: nothing waits any more, so what still waited shows as ended (denied). */
function endPendingApprovals(card: HandoffItem, at: number): HandoffItem {
  if (!card.approvals.some(isPendingApproval)) return card;
  const approvals = card.approvals.map((approval): CardApproval =>
    isPendingApproval(approval) ? { ...approval, decision: 'deny', decidedBy: 'ended', decidedAt: at } : approval,
  );
  return { ...card, approvals };
}

/** A notice from the agent backend goes on its turn's card (none: the card is gone, so is the notice). */
function onAgentNotice(state: ConversationState, handoffId: string, text: string): ConversationState {
  const position = findCard(state, handoffId);
  if (position < 0 || text.trim() === '') return state;
  const card = state.items[position] as HandoffItem;
  const notices = [...card.notices, text].slice(-MAX_CARD_NOTICES);
  return { ...state, items: replaceAt(state.items, position, { ...card, notices }) };
}

function onAgentCost(state: ConversationState, handoffId: string, model: string, usd: number | undefined): ConversationState {
  const position = findCard(state, handoffId);
  if (position < 0) return state;
  const card = state.items[position] as HandoffItem;
  const next: HandoffItem = usd === undefined ? { ...card, unpricedModel: model } : { ...card, agentCostUsd: (card.agentCostUsd ?? 0) + usd };
  return { ...state, items: replaceAt(state.items, position, next) };
}

/**
 * A turn's latency: on the handoff's card (its id is the card's, a steer's too), or on the reply's
 * bubble (the measured item's, else the newest reply's). It counts for the session's median even
 * when nothing on screen shows it (a card or bubble that is gone).
 */
function onLatency(state: ConversationState, event: LatencyEvent): ConversationState {
  const { type: _type, ...latency } = event;
  const counted: ConversationState = { ...state, latencyTotalsMs: withLatencyTotal(state.latencyTotalsMs, latency.totalMs) };
  if (latency.kind === 'handoff') {
    const position = findCard(state, latency.turnId);
    if (position < 0) return counted;
    const card = state.items[position] as HandoffItem;
    const latencies = [...(card.latencies ?? []), latency].slice(-MAX_CARD_LATENCIES);
    return { ...counted, items: replaceAt(state.items, position, { ...card, latencies }) };
  }
  let position = latency.itemId === undefined ? -1 : findEntryOfItem(state.items, latency.itemId);
  if (position < 0) position = findLastAssistantEntry(state.items);
  if (position < 0) return counted;
  return { ...counted, items: replaceAt(state.items, position, { ...(state.items[position] as EntryItem), latency }) };
}

/** The newest reply's bubble of this session (a reconnect's divider does not end it, a new session's does), or -1. */
function findLastAssistantEntry(items: readonly TimelineItem[]): number {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index]!;
    if (item.kind === 'divider' && item.note === undefined) return -1;
    if (item.kind === 'entry' && item.role === 'assistant') return index;
  }
  return -1;
}

/**
 * The conversation went on over a new connection: one quiet divider note. It is where the new
 * server session's items begin (a v2 item with no predecessor goes after it), but entry ids and
 * the epoch go on, so nothing said before it is touched.
 */
function onConnection(state: ConversationState, note: string | undefined, at: number): ConversationState {
  if (note === undefined) return state;
  const base = finishOpenEntry(state);
  const divider: DividerItem = { kind: 'divider', key: `divider:${base.serial}`, at, note };
  return { ...base, items: [...base.items, divider], serial: base.serial + 1 };
}

function onHandoffRequested(state: ConversationState, event: HandoffRequestedEvent, at: number): ConversationState {
  const { handoffId, agentText } = event;
  const position = findCard(state, handoffId);
  if (position >= 0) return { ...state, items: replaceAt(state.items, position, withRequest(state.items[position] as HandoffItem, handoffId, agentText, event.itemId)) };
  // Steering: the request is part of the running turn, so it goes on that turn's card.
  const turn = event.joinsHandoffId === undefined ? -1 : findCard(state, event.joinsHandoffId);
  if (turn >= 0) return { ...state, items: replaceAt(state.items, turn, withRequest(state.items[turn] as HandoffItem, handoffId, agentText, event.itemId)) };
  const card = newCard(state, handoffId, agentText, 'requested', at, event.itemId);
  return { ...state, items: insertAt(state.items, placeFor(state.items, event.previousItemId), card), serial: state.serial + 1 };
}

function onHandoffIncomplete(state: ConversationState, event: HandoffIncompleteEvent, at: number): ConversationState {
  const position = findCard(state, event.handoffId);
  if (position >= 0) return state; // one card per call, whatever repeats it
  const card: HandoffItem = { ...newCard(state, event.handoffId, '', 'incomplete', at, event.itemId), reason: event.reason };
  return { ...state, items: insertAt(state.items, placeFor(state.items, event.previousItemId), card), serial: state.serial + 1 };
}

/** The card with `handoffId`'s request: replaced when it is already there, added after the others when it joins. */
function withRequest(card: HandoffItem, handoffId: string, agentText: string, itemId: string | undefined): HandoffItem {
  const itemIds = itemId === undefined || card.itemIds.includes(itemId) ? card.itemIds : [...card.itemIds, itemId];
  const index = card.handoffIds.indexOf(handoffId);
  if (index < 0) return { ...card, handoffIds: [...card.handoffIds, handoffId], requests: [...card.requests, agentText], itemIds };
  const requests = replaceAt(card.requests, index, agentText);
  return { ...card, requests, agentText: index === 0 ? agentText : card.agentText, itemIds };
}

function onHandoffStarted(state: ConversationState, handoffId: string, agentText: string, at: number): ConversationState {
  return upsertCard(state, handoffId, agentText, 'working', at);
}

function onHandoffSteered(state: ConversationState, handoffId: string, turnHandoffId: string, agentText: string, at: number): ConversationState {
  const position = findCard(state, handoffId) >= 0 ? findCard(state, handoffId) : findCard(state, turnHandoffId);
  if (position < 0) return upsertCard(state, handoffId, agentText, 'steered', at);
  const card = withRequest(state.items[position] as HandoffItem, handoffId, agentText, undefined);
  return { ...state, items: replaceAt(state.items, position, { ...card, status: 'steered' }) };
}

function upsertCard(state: ConversationState, handoffId: string, agentText: string, status: HandoffCardStatus, at: number): ConversationState {
  const position = findCard(state, handoffId);
  if (position < 0) {
    const card = newCard(state, handoffId, agentText, status, at);
    return { ...state, items: [...state.items, card], serial: state.serial + 1 };
  }
  const card = state.items[position] as HandoffItem;
  const updated = agentText ? withRequest(card, handoffId, agentText, undefined) : card;
  return { ...state, items: replaceAt(state.items, position, { ...updated, status }) };
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
 * The agent turn ended under `handoffId` (the newest handoff of the turn, so possibly one that
 * steered it): its card gets the outcome, completed (`ending` null) or without an answer (with
 * the card status and reason). A card that already holds an answer keeps `answered`.
 */
function endTurn(
  state: ConversationState,
  handoffId: string,
  at: number,
  ending: { readonly status: HandoffCardStatus; readonly reason: string } | null,
): ConversationState {
  return updateCard(state, handoffId, at, (started) => {
    const card = endPendingApprovals(started, at);
    const answer = handoffAnswerText(card);
    if (ending !== null) return { ...card, answer, streaming: '', status: ending.status, reason: ending.reason };
    return { ...card, answer, streaming: '', status: answer ? 'answered' : 'done' };
  });
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

/** The newest card holding a handoff id (ids are unique within a connection). */
function findLastCardIndex(items: readonly TimelineItem[], handoffId: string): number {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index]!;
    if (item.kind === 'handoff' && item.handoffIds.includes(handoffId)) return index;
  }
  return -1;
}

/** Where the current session's items begin: after the newest divider. */
function sessionStart(items: readonly TimelineItem[]): number {
  for (let index = items.length - 1; index >= 0; index--) {
    if (items[index]!.kind === 'divider') return index + 1;
  }
  return 0;
}

function holdsItem(item: TimelineItem, itemId: string): boolean {
  switch (item.kind) {
    case 'entry':
    case 'typed':
      return item.itemId === itemId;
    case 'handoff':
      return item.itemIds.includes(itemId);
    case 'divider':
      return false;
  }
}

/**
 * Where a new v2 item goes: right after the item it follows, first in this session (null), or
 * last when its place is unknown (undefined, and always in v1) or its predecessor is not shown.
 */
function placeFor(items: readonly TimelineItem[], previousItemId: string | null | undefined): number {
  if (previousItemId === undefined) return items.length;
  const start = sessionStart(items);
  if (previousItemId === null) return start;
  for (let index = items.length - 1; index >= start; index--) {
    if (holdsItem(items[index]!, previousItemId)) return index + 1;
  }
  return items.length;
}

function insertAt<T>(items: readonly T[], position: number, value: T): readonly T[] {
  if (position >= items.length) return [...items, value];
  return [...items.slice(0, position), value, ...items.slice(position)];
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
