import { assertNever } from '../util/assert-never';
import { errorMessage } from '../util/errors';
import type { AgentBackend, AgentStreamEvent } from './agent-backend';

export type AgentTurnOutcome =
  | { readonly status: 'completed' }
  | { readonly status: 'aborted' }
  | { readonly status: 'failed'; readonly reason: string };

export interface AgentTurnCallbacks {
  /** The backend's request is on the wire (backends that say so: `request.sent`). */
  onRequestSent?(): void;
  onTextDelta(delta: string): void;
  onMessageCompleted(text: string): void;
  /** For the card only, never spoken: a retry, history left out. */
  onNotice(text: string): void;
  /** The tokens one request used (backends that report them). */
  onUsage?(usage: Omit<Extract<AgentStreamEvent, { type: 'usage' }>, 'type'>): void;
  onEnd(outcome: AgentTurnOutcome): void;
}

/**
 * One agent turn: a first request, then one more request per batch of steering input that
 * arrived while the previous request ran. Steering never starts a second turn. Where the backend
 * can add input to the running request (steer()), it is offered there first; only input the
 * backend declines waits for the next request. After `abort()` no callback fires except the
 * single onEnd({status:'aborted'}).
 */
export class AgentTurn {
  private readonly inputs: string[];
  private pendingSteers: string[] = [];
  /** Steers offered to the backend and not yet answered: the turn may not end before they are. */
  private readonly offeredSteers = new Set<Promise<void>>();
  private requestRunning = false;
  private readonly controller = new AbortController();
  private ended = false;

  constructor(
    private readonly backend: AgentBackend,
    firstInput: string,
    private readonly callbacks: AgentTurnCallbacks,
  ) {
    this.inputs = [firstInput];
  }

  get isRunning(): boolean {
    return !this.ended;
  }

  /** Starts the turn; the promise never rejects (failures arrive as onEnd). */
  run(): Promise<void> {
    return this.loop();
  }

  steer(text: string): void {
    if (this.ended) return;
    if (!this.requestRunning || !this.backend.steer) {
      this.pendingSteers.push(text);
      return;
    }
    const offered = this.offerSteer(text);
    this.offeredSteers.add(offered);
    void offered.finally(() => this.offeredSteers.delete(offered));
  }

  /** The backend takes it into the running request, or it waits for the next one. */
  private async offerSteer(text: string): Promise<void> {
    let joined = false;
    try {
      joined = (await this.backend.steer?.(text)) === true;
    } catch {
      joined = false; // a backend that cannot steer right now: the input still gets its request
    }
    if (this.ended) return;
    if (joined) this.inputs.push(text);
    else this.pendingSteers.push(text);
  }

  abort(): void {
    if (this.ended) return;
    this.controller.abort();
    this.finish({ status: 'aborted' });
  }

  private async loop(): Promise<void> {
    let newInputs: string[] = [...this.inputs];
    try {
      for (;;) {
        const stream = this.backend.runRequest({
          turnInputs: [...this.inputs],
          newInputs,
          signal: this.controller.signal,
        });
        this.requestRunning = true;
        try {
          await this.relay(stream);
        } finally {
          this.requestRunning = false;
        }
        // A steer the backend has not answered yet may still be declined: it then needs a request.
        while (this.offeredSteers.size > 0 && !this.ended) await Promise.all([...this.offeredSteers]);
        if (this.ended) return;
        if (this.pendingSteers.length === 0) break;
        newInputs = this.pendingSteers;
        this.pendingSteers = [];
        this.inputs.push(...newInputs);
      }
      this.finish({ status: 'completed' });
    } catch (error) {
      if (this.ended || this.controller.signal.aborted) return;
      this.finish({ status: 'failed', reason: errorMessage(error) });
    }
  }

  private async relay(stream: AsyncIterable<AgentStreamEvent>): Promise<void> {
    for await (const event of stream) {
      if (this.ended) return;
      switch (event.type) {
        case 'text.delta':
          this.callbacks.onTextDelta(event.delta);
          break;
        case 'message.completed':
          this.callbacks.onMessageCompleted(event.text);
          break;
        case 'notice':
          this.callbacks.onNotice(event.text);
          break;
        case 'request.sent':
          this.callbacks.onRequestSent?.();
          break;
        case 'usage': {
          const { type: _type, ...usage } = event;
          this.callbacks.onUsage?.(usage);
          break;
        }
        default:
          assertNever(event, 'agent stream event');
      }
    }
  }

  private finish(outcome: AgentTurnOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.callbacks.onEnd(outcome);
  }
}
