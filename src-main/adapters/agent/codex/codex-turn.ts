import type { CodexFileUpdateChange, CodexTurnStatus } from './codex-protocol';
import type { AppServerExit } from './codex-app-server-process';

/**
 * One running Codex turn as the request reading it sees it: a pull queue of what the turn
 * produced (text deltas, the end), plus what approvals need to know (the files an item changes).
 */

export type TurnOutput =
  | { readonly kind: 'delta'; readonly itemId: string; readonly text: string }
  | { readonly kind: 'completed'; readonly status: CodexTurnStatus; readonly errorMessage: string | undefined }
  | { readonly kind: 'server_exit'; readonly exit: AppServerExit }
  /** The backend shut down under the turn (dispose). */
  | { readonly kind: 'shutdown' };

export class CodexTurnState {
  turnId: string | undefined;
  /** The text of the latest completed agent message: the answer when the turn completes. */
  lastMessage: string | undefined;
  /** The last `error` notification Codex will not retry. */
  errorMessage: string | undefined;
  interruptRequested = false;
  /** A permission was denied with "cancel" (Codex offered no "decline"): Codex ends the turn. */
  endedByDenial = false;
  readonly fileChanges = new Map<string, readonly CodexFileUpdateChange[]>();
  /** Resolves when the turn has ended (completed, interrupted, failed, the server died, or shutdown). */
  readonly finished: Promise<void>;
  private ended = false;
  private resolveFinished!: () => void;
  private readonly queue: TurnOutput[] = [];
  private waiter: (() => void) | undefined;

  constructor(readonly threadId: string) {
    this.finished = new Promise((resolve) => (this.resolveFinished = resolve));
  }

  get done(): boolean {
    return this.ended;
  }

  /** Notifications of this thread belong to this turn until its id is known, then only its own. */
  owns(threadId: string | undefined, turnId: string | undefined): boolean {
    if (threadId !== this.threadId) return false;
    return this.turnId === undefined || turnId === undefined || turnId === this.turnId;
  }

  push(output: TurnOutput): void {
    if (this.ended) return;
    if (output.kind !== 'delta') {
      this.ended = true;
      this.resolveFinished();
    }
    this.queue.push(output);
    this.waiter?.();
  }

  next(): Promise<TurnOutput> {
    const item = this.queue.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => {
      this.waiter = () => {
        this.waiter = undefined;
        resolve(this.queue.shift()!);
      };
    });
  }
}
