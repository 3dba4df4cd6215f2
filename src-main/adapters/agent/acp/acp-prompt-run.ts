import type { PromptResponse } from '@agentclientprotocol/sdk';

/**
 * One session/prompt as the backend's stream reads it: text deltas queued as the agent's
 * updates arrive, then exactly one end (the prompt's response, or why it failed). Anything that
 * must wake the reader (an abort, the agent dying) ends it too; the first end wins.
 */
export type PromptRunItem =
  | { readonly kind: 'delta'; readonly text: string }
  | { readonly kind: 'end'; readonly response: PromptResponse }
  | { readonly kind: 'failed'; readonly error: unknown }
  /** The request was aborted or timed out; the prompt may still be settling. */
  | { readonly kind: 'interrupted' };

export class PromptRun {
  /** Every agent message chunk of this prompt, in order: the answer when it ends. */
  text = '';
  private readonly queue: PromptRunItem[] = [];
  private waiter: (() => void) | undefined;
  private ended = false;

  addDelta(text: string): void {
    if (this.ended || text.length === 0) return;
    this.text += text;
    this.push({ kind: 'delta', text });
  }

  end(item: Exclude<PromptRunItem, { kind: 'delta' }>): void {
    if (this.ended) return;
    this.ended = true;
    this.push(item);
  }

  next(): Promise<PromptRunItem> {
    const item = this.queue.shift();
    if (item) return Promise.resolve(item);
    return new Promise((resolve) => {
      this.waiter = () => {
        this.waiter = undefined;
        resolve(this.queue.shift()!);
      };
    });
  }

  private push(item: PromptRunItem): void {
    this.queue.push(item);
    this.waiter?.();
  }
}
