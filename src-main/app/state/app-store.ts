// The one owner of the app state in main. Parts report inputs with dispatch(); the store folds
// them (fold-app-input.ts), bumps the revision when something changed, and tells its listeners
// the new state and the patch from the previous one. Nothing else holds app state.
import type { AppState } from '../../../src-shared/app-state';
import { diffState, type StatePatch } from '../../../src-shared/state-patch';
import { errorMessage } from '../../core/util/errors';
import type { Logger } from '../../core/util/logger';
import { TranscriptRedactor } from '../../core/transcript/transcript-redactor';
import { foldAppInput, initialAppState, type AppInput, type FoldState, type InitialFacts } from './fold-app-input';

export type StateListener = (state: AppState, patch: StatePatch) => void;

export class AppStore {
  private folded: FoldState;
  private current: AppState;
  private readonly listeners = new Set<StateListener>();
  /** Transcript text arrives in pieces: a secret split across two must not reach a window. */
  private readonly transcriptRedactor = new TranscriptRedactor();

  constructor(
    facts: InitialFacts,
    private readonly logger: Logger,
  ) {
    this.folded = initialAppState(facts);
    this.current = visible(this.folded);
  }

  get state(): AppState {
    return this.current;
  }

  dispatch(input: AppInput): void {
    if (input.type !== 'session-event') {
      this.apply(input);
      return;
    }
    for (const event of this.transcriptRedactor.redact(input.event)) this.apply({ ...input, event });
  }

  private apply(input: AppInput): void {
    const folded = foldAppInput(this.folded, input);
    if (folded === this.folded) return;
    const previous = this.current;
    this.folded = { ...folded, revision: previous.revision + 1 };
    this.current = visible(this.folded);
    const patch = diffState(previous, this.current);
    if (Object.keys(patch.fields).length === 0 && !patch.conversation) {
      // Only main's bookkeeping changed (e.g. a dismissal remembered): no new revision to send.
      this.folded = { ...this.folded, revision: previous.revision };
      this.current = previous;
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(this.current, patch);
      } catch (error) {
        this.logger.error('app state listener failed', { error: errorMessage(error) });
      }
    }
  }

  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The state as the renderer sees it: main's bookkeeping fields left out. */
function visible(folded: FoldState): AppState {
  const { dismissedProblemIds: _dismissed, assistantSpeaking: _speaking, ...state } = folded;
  return state;
}
