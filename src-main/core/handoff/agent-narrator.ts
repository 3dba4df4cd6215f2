import type { AgentProgressStep } from '../../../src-shared/agent-activity';
import { ACKNOWLEDGE_PROMPT, STEER_ACKNOWLEDGE_PROMPT, SPOKEN_UPDATE_PROMPT, progressItemText, stepLine } from './agent-voice-prompts';

/** Default least time between two spoken updates of a working agent (the acknowledgement counts). */
export const AGENT_UPDATE_INTERVAL_MS = 20_000;
/**
 * Assistant audio that arrived this recently already told the user something (the model spoke as
 * it called the tool): no acknowledgement is asked for. Matches the 1.5 s silence target.
 */
export const ACKNOWLEDGED_WITHIN_MS = 1_500;
/** Progress steps are batched into one item at most this often: fewer items, fewer tokens. */
export const PROGRESS_ITEM_INTERVAL_MS = 3_000;
/** While a spoken update is due but the voice is busy (someone speaks, a response runs), retry this often. */
export const SPOKEN_UPDATE_RETRY_MS = 1_000;
/** Steps kept for the next item; older ones of a burst are summarised as a count. */
const MAX_LINES_PER_ITEM = 8;

export interface NarratorClock {
  now(): number;
  setTimeout(callback: () => void, delayMs: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemNarratorClock: NarratorClock = {
  now: () => Date.now(),
  setTimeout: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface NarratorDeps {
  /** A system message item for the voice model; `speak`: and ask it to respond now. */
  tell(text: string, speak: boolean): void;
  /** When the last assistant audio arrived (undefined: none yet). */
  lastAssistantAudioAt(): number | undefined;
  /** False while the user speaks or a response is active or waiting: an update would talk over them. */
  canSpeakNow(): boolean;
  readonly updateIntervalMs: number;
  readonly clock: NarratorClock;
}

/** What makes a step worth a spoken update: something finished or went wrong, a plan, the agent's own words. */
function isNotable(step: AgentProgressStep): boolean {
  if (step.kind === 'reasoning') return false;
  if (step.status === 'failed') return true;
  return step.status === 'completed' && step.kind !== 'tool_call';
}

/**
 * Keeps the voice model informed while a background agent works, and decides when it speaks:
 * - an acknowledgement right after a handoff, unless the model was already speaking;
 * - the agent's finished steps as system items, batched at most every PROGRESS_ITEM_INTERVAL_MS,
 *   so it can answer "how is it going?";
 * - a short spoken update when something notable happened, no more often than the update
 *   interval (the acknowledgement counts), and never over the user or another response;
 * - nothing spoken while a permission question waits for its answer.
 * One narrator per conversation; `turnEnded` drops whatever was not said (the answer covers it).
 */
export class AgentNarrator {
  private lines: string[] = [];
  private linesLeftOut = 0;
  private lastItemAt = -Infinity;
  private lastSpokenAt = -Infinity;
  /** Notable progress the user has not heard about yet. */
  private unspokenNotable = false;
  private questionsWaiting = 0;
  private flushTimer: unknown;
  private retryTimer: unknown;
  private working = false;

  constructor(private readonly deps: NarratorDeps) {}

  /** A handoff started a turn (or `steered` the running one). */
  turnStarted(steered: boolean): void {
    this.working = true;
    const { clock } = this.deps;
    const heardAt = this.deps.lastAssistantAudioAt();
    const now = clock.now();
    if (heardAt !== undefined && now - heardAt < ACKNOWLEDGED_WITHIN_MS) {
      this.lastSpokenAt = now; // the model's own words were the acknowledgement
      return;
    }
    this.lastSpokenAt = now;
    this.deps.tell(steered ? STEER_ACKNOWLEDGE_PROMPT : ACKNOWLEDGE_PROMPT, true);
  }

  step(step: AgentProgressStep): void {
    if (!this.working) return;
    if (step.status === 'started' && step.kind !== 'plan') return; // said once it finished
    this.addLine(stepLine(step), isNotable(step));
  }

  /**
   * An earlier message of the agent (its final one is the answer): it goes out at once with any
   * steps before it, since the turn may end right after and the model must have every message.
   */
  interimMessage(text: string): void {
    if (!this.working) return;
    this.addLine(`- The agent said: ${text}`, true, true);
    if (this.flushTimer !== undefined) this.deps.clock.clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flush();
  }

  /** A permission question went to the user (it is spoken at once, through the response gate). */
  questionAsked(): void {
    this.questionsWaiting++;
    this.lastSpokenAt = this.deps.clock.now();
  }

  questionSettled(): void {
    this.questionsWaiting = Math.max(0, this.questionsWaiting - 1);
  }

  turnEnded(): void {
    this.working = false;
    this.lines = [];
    this.linesLeftOut = 0;
    this.unspokenNotable = false;
    this.questionsWaiting = 0;
    this.clearTimers();
  }

  dispose(): void {
    this.turnEnded();
  }

  private addLine(line: string, notable: boolean, whole = false): void {
    if (!whole && this.lines.length >= MAX_LINES_PER_ITEM) {
      this.lines.shift();
      this.linesLeftOut++;
    }
    this.lines.push(line);
    if (notable) this.unspokenNotable = true;
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushTimer !== undefined) return;
    const { clock } = this.deps;
    const delayMs = Math.max(0, this.lastItemAt + PROGRESS_ITEM_INTERVAL_MS - clock.now());
    this.flushTimer = clock.setTimeout(() => {
      this.flushTimer = undefined;
      this.flush();
    }, delayMs);
  }

  private flush(): void {
    if (!this.working || this.lines.length === 0) return;
    const lines = this.linesLeftOut > 0 ? [`- (${this.linesLeftOut} earlier steps)`, ...this.lines] : this.lines;
    this.lines = [];
    this.linesLeftOut = 0;
    const speak = this.spokenUpdateDue();
    this.lastItemAt = this.deps.clock.now();
    if (speak) this.markSpoken();
    this.deps.tell(progressItemText(lines, speak), speak);
    if (!speak) this.scheduleRetry();
  }

  private spokenUpdateDue(): boolean {
    if (!this.unspokenNotable || this.questionsWaiting > 0) return false;
    if (this.deps.clock.now() - this.lastSpokenAt < this.deps.updateIntervalMs) return false;
    return this.deps.canSpeakNow();
  }

  private markSpoken(): void {
    this.lastSpokenAt = this.deps.clock.now();
    this.unspokenNotable = false;
  }

  /** Notable progress went out silently: ask for the update once the interval allows and the voice is free. */
  private scheduleRetry(): void {
    if (!this.unspokenNotable || this.retryTimer !== undefined) return;
    const { clock } = this.deps;
    const delayMs = Math.max(SPOKEN_UPDATE_RETRY_MS, this.lastSpokenAt + this.deps.updateIntervalMs - clock.now());
    this.retryTimer = clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.working || !this.unspokenNotable) return;
      if (this.lines.length > 0) return; // the next item carries it
      if (!this.spokenUpdateDue()) {
        this.scheduleRetry();
        return;
      }
      this.markSpoken();
      this.deps.tell(SPOKEN_UPDATE_PROMPT, true);
    }, delayMs);
  }

  private clearTimers(): void {
    if (this.flushTimer !== undefined) this.deps.clock.clearTimeout(this.flushTimer);
    if (this.retryTimer !== undefined) this.deps.clock.clearTimeout(this.retryTimer);
    this.flushTimer = undefined;
    this.retryTimer = undefined;
  }
}
