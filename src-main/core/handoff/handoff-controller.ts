import type { SessionEvent, TranscriptEntry } from '../../../src-shared/session-events';
import type { AgentApprovalDecision, AgentBackend } from '../agent/agent-backend';
import { AgentTurn, type AgentTurnOutcome } from '../agent/agent-turn';
import type { Dialect } from '../protocol/session-config';
import type { Logger } from '../util/logger';
import { redactSecrets } from '../util/redact';
import { AgentActivityRelay } from './agent-activity-relay';
import { AgentNarrator, type NarratorDeps } from './agent-narrator';
import { approvalAnswerOutput } from './agent-voice-prompts';
import { handoffAgentText } from './handoff-text';
import { approvalAnswerFromArguments } from '../protocol/v2-tools';
import { NOTHING_TO_DELEGATE_TEXT, type HandoffVoice } from './handoff-voice';

export interface HandoffControllerDeps {
  readonly dialect: Dialect;
  readonly agent: AgentBackend;
  /** Where answers and notes go; never blocks. */
  readonly voice: HandoffVoice;
  emit(event: SessionEvent): void;
  readonly logger: Logger;
  /** How the voice model is kept informed while the agent works (v1: its `tell` does nothing). */
  readonly narration: NarratorDeps;
  /** Marks for the latency waterfall of each handoff. */
  readonly latency?: HandoffLatencyMarks;
}

/** What the latency waterfall of a handoff needs from its turn (TurnLatencyTracker fits). */
export interface HandoffLatencyMarks {
  handoffRequested(handoffId: string, joinsCardId?: string): void;
  agentStarted(handoffId: string): void;
  agentRequestSent(handoffId: string): void;
  agentOutput(handoffId: string): void;
  answerArrived(handoffId: string): void;
  answerSent(handoffId: string): void;
  handoffEnded(handoffId: string): void;
}

/** v2: the function call item of a handoff and where it belongs in the conversation. */
export interface HandoffPlacement {
  readonly itemId: string;
  readonly previousItemId: string | null | undefined;
}

const MAX_SPOKEN_REASON_CHARS = 160;
export const NO_AGENT_CONFIGURED_TEXT =
  'No background agent is configured in Parley, so this request was not delegated. Tell the user to choose an agent in the settings.';

/** The sentence the user hears when the agent fails: short, with the reason. */
export function agentFailureSentence(reason: string): string {
  // Secrets go before anything is cut: half a key is no longer recognisable by its value.
  const trimmed = redactSecrets(reason).replace(/\s+/g, ' ').trim().replace(/[.\s]+$/, '');
  const short = trimmed.length > MAX_SPOKEN_REASON_CHARS ? trimmed.slice(0, MAX_SPOKEN_REASON_CHARS - 1) + '…' : trimmed;
  return `The background agent failed: ${short || 'no reason given'}.`;
}

/**
 * Owns the active handoff id and the running agent turn. A handoff request starts a turn or
 * steers the running one; every completed agent message goes back to the voice session once,
 * under the newest handoff id; the id is cleared when the turn completes, fails or is aborted.
 * Nothing here is awaited by the realtime path.
 */
export class HandoffController {
  private activeHandoffId: string | undefined;
  /** The handoff that started the running turn; the ones that steered it join its card. */
  private turnHandoffId: string | undefined;
  private turn: AgentTurn | undefined;
  private readonly narrator: AgentNarrator;
  private readonly activity: AgentActivityRelay;

  constructor(private readonly deps: HandoffControllerDeps) {
    this.narrator = new AgentNarrator(deps.narration);
    this.activity = new AgentActivityRelay({
      agent: deps.agent,
      currentTurnHandoffId: () => (this.turn?.isRunning ? this.turnHandoffId : undefined),
      emit: (event) => {
        // A step of the agent is its first output as much as a token is.
        if (event.type === 'agent.progress') deps.latency?.agentOutput(event.handoffId);
        deps.emit(event);
      },
      narrator: this.narrator,
      tell: (text, speak) => deps.narration.tell(text, speak),
      logger: deps.logger,
    });
  }

  get handoffId(): string | undefined {
    return this.activeHandoffId;
  }

  get isAgentWorking(): boolean {
    return this.turn?.isRunning ?? false;
  }

  /**
   * The only way an agent turn starts (echo guard: items the server adds never get here).
   * Answers true when the request joined the running turn (it steers it) instead of starting one.
   */
  onHandoffRequested(handoffId: string, inputTranscript: string, transcript: readonly TranscriptEntry[], placement?: HandoffPlacement): boolean {
    const { deps } = this;
    const agentText = handoffAgentText(deps.dialect, inputTranscript, transcript) ?? '';
    // A budget cap reached: nothing is delegated and the voice model is told why (nor does a running turn take it).
    const declined = agentText.length > 0 && deps.agent.delegates ? deps.agent.declineReason?.() : undefined;
    const joins = agentText.length > 0 && deps.agent.delegates && declined === undefined && this.turn?.isRunning ? this.turnHandoffId : undefined;
    deps.latency?.handoffRequested(handoffId, joins);
    deps.emit({
      type: 'handoff.requested',
      handoffId,
      inputTranscript,
      agentText,
      transcript,
      ...(placement ? { itemId: placement.itemId } : {}),
      ...(placement && placement.previousItemId !== undefined ? { previousItemId: placement.previousItemId } : {}),
      ...(joins !== undefined && joins !== handoffId ? { joinsHandoffId: joins } : {}),
    });
    if (agentText.length === 0) {
      deps.logger.debug('handoff has no text to delegate; no agent turn', { handoffId });
      deps.voice.decline(handoffId, NOTHING_TO_DELEGATE_TEXT);
      return false;
    }
    if (!deps.agent.delegates) {
      deps.voice.finish(handoffId, NO_AGENT_CONFIGURED_TEXT);
      deps.emit({ type: 'handoff.failed', handoffId, cause: 'not_delegated', reason: 'no background agent is configured', spoken: NO_AGENT_CONFIGURED_TEXT });
      return false;
    }
    if (declined !== undefined) {
      deps.voice.finish(handoffId, declined);
      deps.emit({ type: 'handoff.failed', handoffId, cause: 'not_delegated', reason: declined, spoken: declined });
      return false;
    }
    const previousHandoffId = this.activeHandoffId;
    this.activeHandoffId = handoffId;
    if (this.turn?.isRunning) {
      if (previousHandoffId && previousHandoffId !== handoffId) deps.voice.supersede(previousHandoffId);
      this.turn.steer(agentText);
      deps.emit({ type: 'handoff.steered', handoffId, agentText, turnHandoffId: this.turnHandoffId ?? handoffId });
      this.narrator.turnStarted(true);
      return true;
    }
    this.turnHandoffId = handoffId;
    this.startTurn(handoffId, agentText);
    return false;
  }

  /**
   * answer_agent_approval: the user's spoken answer to a permission request, passed on by the
   * voice model. The call's one output says whether it reached a waiting request.
   */
  onApprovalAnswered(callId: string, rawArguments: string): void {
    const parsed = approvalAnswerFromArguments(rawArguments);
    if (!parsed.ok) {
      this.deps.logger.warn('the voice model answered a permission request with unusable arguments', { callId, problem: parsed.problem });
      this.deps.voice.decline(callId, `Not passed on: ${parsed.problem}. Ask the user again and call the tool with the approval_id you were given.`);
      return;
    }
    const accepted = this.activity.answer(parsed.approvalId, parsed.decision, 'voice');
    this.deps.voice.decline(callId, approvalAnswerOutput(parsed.decision, accepted));
  }

  /** An earlier message of the running turn (its final one is the answer). */
  onInterimMessage(text: string): void {
    this.narrator.interimMessage(text);
  }

  /** The user's click on the card; false when the request is no longer waiting. */
  answerApproval(approvalId: string, decision: AgentApprovalDecision, decidedBy: 'voice' | 'click'): boolean {
    return this.activity.answer(approvalId, decision, decidedBy);
  }

  /** remain_silent: the call takes its one output, empty, and the voice model is not asked to speak. No turn, no card. */
  onSilenceRequested(callId: string): void {
    this.deps.voice.decline(callId, '', false);
  }

  /**
   * The user cancelled the agent: abort the turn, tell the voice session once, clear the id so
   * nothing later goes out under it. Answers false when no turn was running.
   */
  cancel(): boolean {
    const turn = this.turn;
    const handoffId = this.activeHandoffId;
    if (!turn?.isRunning || !handoffId) return false;
    this.turn = undefined;
    this.activeHandoffId = undefined;
    this.turnHandoffId = undefined;
    this.narrator.turnEnded();
    this.deps.latency?.handoffEnded(handoffId);
    turn.abort();
    const spoken = 'The user cancelled the background agent.';
    this.deps.voice.finish(handoffId, spoken);
    this.deps.emit({ type: 'handoff.failed', handoffId, cause: 'cancelled', reason: 'cancelled by the user', spoken });
    return true;
  }

  /**
   * Session shutdown or replacement: stop the agent quietly; nothing more goes to the voice.
   * Answers the handoff that was still being worked on, so the caller can report its end.
   */
  abort(): string | undefined {
    const turn = this.turn;
    const handoffId = this.activeHandoffId;
    this.turn = undefined;
    this.activeHandoffId = undefined;
    this.turnHandoffId = undefined;
    this.narrator.dispose();
    this.activity.dispose();
    if (handoffId) this.deps.latency?.handoffEnded(handoffId);
    turn?.abort();
    return turn && handoffId ? handoffId : undefined;
  }

  private startTurn(handoffId: string, agentText: string): void {
    const { deps } = this;
    deps.latency?.agentStarted(handoffId);
    deps.emit({ type: 'handoff.started', handoffId, agentText });
    this.narrator.turnStarted(false);
    // A held answer (v2: one output per call) is final, and goes out, when the turn ends.
    let answerHeld = false;
    const turn: AgentTurn = new AgentTurn(deps.agent, agentText, {
      onRequestSent: () => {
        if (this.turn === turn) deps.latency?.agentRequestSent(handoffId);
      },
      onTextDelta: (delta) => {
        if (this.turn !== turn || !this.activeHandoffId) return;
        deps.latency?.agentOutput(handoffId);
        deps.emit({ type: 'agent.text', handoffId: this.activeHandoffId, delta });
      },
      onNotice: (text) => {
        if (this.turn !== turn || !this.activeHandoffId) return;
        deps.emit({ type: 'agent.notice', handoffId: this.activeHandoffId, text });
      },
      onUsage: (usage) => {
        // Priced under the turn's card (steered requests belong to it), even after the turn moved on.
        if (this.turn !== turn) return;
        deps.emit({ type: 'agent.usage', handoffId: this.turnHandoffId ?? handoffId, ...usage });
      },
      onMessageCompleted: (text) => {
        const id = this.activeHandoffId;
        if (this.turn !== turn || !id || text.trim().length === 0) return;
        deps.latency?.answerArrived(handoffId);
        answerHeld = deps.voice.answer(id, text) === 'held';
        if (!answerHeld) deps.latency?.answerSent(handoffId);
        deps.emit({ type: 'handoff.answered', handoffId: id, text });
      },
      onEnd: (outcome) => this.onTurnEnded(turn, outcome, answerHeld),
    });
    this.turn = turn;
    void turn.run();
  }

  private onTurnEnded(turn: AgentTurn, outcome: AgentTurnOutcome, answerHeld: boolean): void {
    if (this.turn !== turn) return; // superseded or aborted by the session: already cleared
    const handoffId = this.activeHandoffId;
    this.turn = undefined;
    this.activeHandoffId = undefined;
    this.turnHandoffId = undefined;
    this.narrator.turnEnded();
    if (!handoffId) return;
    if (outcome.status === 'completed') {
      // The held answer is final now, and its text goes to the voice session here.
      if (answerHeld) this.deps.latency?.answerArrived(handoffId);
      this.deps.voice.finish(handoffId, undefined);
      if (answerHeld) this.deps.latency?.answerSent(handoffId);
      this.deps.latency?.handoffEnded(handoffId);
      this.deps.emit({ type: 'handoff.completed', handoffId });
      return;
    }
    this.deps.latency?.handoffEnded(handoffId);
    const reason = outcome.status === 'failed' ? outcome.reason : 'the agent turn was aborted';
    const spoken = agentFailureSentence(reason);
    this.deps.logger.warn('agent turn ended without an answer', { handoffId, status: outcome.status, reason });
    this.deps.voice.finish(handoffId, spoken);
    this.deps.emit({ type: 'handoff.failed', handoffId, cause: 'agent_failed', reason, spoken });
    this.deps.emit({ type: 'error', code: 'agent_failed', message: spoken, recoverable: true });
  }
}
