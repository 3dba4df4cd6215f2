// The renderer's one store over window.parley: it subscribes to every event first, then says
// `app.ready` (main flushes what it queued after answering), and folds everything into one
// immutable AppViewState that React reads with useSyncExternalStore. No React in here.
import type {
  AppStateSnapshot,
  CommandError,
  ForwardedSessionEvent,
  NoticeEvent,
  ParleyApi,
  TalkState,
} from '../../../src-shared/ipc-contract';
import { attempt } from '../bridge/attempt';
import {
  addCommandError,
  addNotice,
  addSessionError,
  applySnapshotError,
  clearSolvedByLiveSession,
  dismissBanner,
  initialBannerState,
  type BannerState,
} from './banners';
import { conversationReducer, initialConversationState, type ConversationAction, type ConversationState } from './conversation-reducer';
import { LevelsStore } from './levels-store';

export const TOAST_LIFETIME_MS = 5_000;

export interface Toast {
  readonly id: string;
  readonly message: string;
}

export interface AppViewState {
  /** `starting` until app.ready answers; `failed` when it could not (with the reason). */
  readonly phase: 'starting' | 'ready' | 'failed';
  readonly startupError: CommandError | null;
  readonly snapshot: AppStateSnapshot | null;
  readonly conversation: ConversationState;
  readonly banners: BannerState;
  readonly toasts: readonly Toast[];
  /** Bumped when a session closes, so the history list refreshes. */
  readonly historyRevision: number;
  /** Hotkey problems the user dismissed (by text), until the problem changes. */
  readonly dismissedHotkeyProblems: readonly string[];
}

const INITIAL_STATE: AppViewState = {
  phase: 'starting',
  startupError: null,
  snapshot: null,
  conversation: initialConversationState,
  banners: initialBannerState,
  toasts: [],
  historyRevision: 0,
  dismissedHotkeyProblems: [],
};

export interface StoreClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
}

const browserClock: StoreClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
};

export class ParleyStore {
  readonly levels = new LevelsStore();
  private state: AppViewState = INITIAL_STATE;
  private readonly listeners = new Set<() => void>();
  private started = false;
  private unsubscribers: (() => void)[] = [];
  /** A `state` event that arrived while app.ready was in flight is newer than its answer. */
  private stateEventsDuringReady = 0;
  private toastSerial = 0;
  private notifyScheduled = false;

  constructor(
    readonly api: ParleyApi,
    private readonly clock: StoreClock = browserClock,
  ) {}

  getState = (): AppViewState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** Idempotent: React's strict mode mounts twice, the store starts once. */
  start(): Promise<void> {
    if (this.started) return Promise.resolve();
    this.started = true;
    const { api } = this;
    this.unsubscribers = [
      api.on('session', (event) => this.onSessionEvent(event)),
      api.on('state', (snapshot) => this.onSnapshot(snapshot, 'event')),
      api.on('levels', (levels) => this.levels.push(levels)),
      api.on('notice', (notice) => this.onNotice(notice)),
    ];
    return this.sayReady();
  }

  /** After a failed start: ask again (listeners stay attached). */
  retryStart(): Promise<void> {
    if (!this.started) return this.start();
    this.update({ ...this.state, phase: 'starting', startupError: null });
    return this.sayReady();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
    this.started = false;
  }

  private async sayReady(): Promise<void> {
    this.stateEventsDuringReady = 0;
    const response = await attempt(() => this.api.app.ready());
    if (!response.ok) {
      this.update({ ...this.state, phase: 'failed', startupError: response.error });
      return;
    }
    const snapshot = this.stateEventsDuringReady > 0 && this.state.snapshot ? this.state.snapshot : response.value;
    const conversation = conversationReducer(this.state.conversation, { type: 'sync-session-state', state: snapshot.session });
    this.update({ ...this.state, phase: 'ready', startupError: null, conversation });
    this.onSnapshot(snapshot, 'ready');
  }

  private onSnapshot(snapshot: AppStateSnapshot, origin: 'event' | 'ready'): void {
    if (origin === 'event') this.stateEventsDuringReady += 1;
    let banners = applySnapshotError(this.state.banners, snapshot.lastError);
    if (snapshot.session === 'live') banners = clearSolvedByLiveSession(banners);
    this.update({ ...this.state, snapshot, banners });
  }

  private onSessionEvent(event: ForwardedSessionEvent): void {
    let { banners, historyRevision } = this.state;
    if (event.type === 'error') banners = addSessionError(banners, event);
    if (event.type === 'state' && event.state === 'live') banners = clearSolvedByLiveSession(banners);
    if (event.type === 'closed') historyRevision += 1;
    const action: ConversationAction = { type: 'session-event', event, at: this.clock.now() };
    const conversation = conversationReducer(this.state.conversation, action);
    this.update({ ...this.state, conversation, banners, historyRevision });
  }

  private onNotice(notice: NoticeEvent): void {
    if (notice.kind === 'info') {
      this.showToast(notice.message);
      return;
    }
    this.update({ ...this.state, banners: addNotice(this.state.banners, notice.kind, notice.message) });
  }

  showToast(message: string): void {
    const toast: Toast = { id: `toast-${this.toastSerial++}`, message };
    this.update({ ...this.state, toasts: [...this.state.toasts, toast] });
    this.clock.setTimeout(() => this.dismissToast(toast.id), TOAST_LIFETIME_MS);
  }

  dismissToast(id: string): void {
    const toasts = this.state.toasts.filter((toast) => toast.id !== id);
    if (toasts.length !== this.state.toasts.length) this.update({ ...this.state, toasts });
  }

  dismissBanner(id: string): void {
    this.update({ ...this.state, banners: dismissBanner(this.state.banners, id) });
  }

  dismissHotkeyProblem(problem: string): void {
    this.update({ ...this.state, dismissedHotkeyProblems: [...this.state.dismissedHotkeyProblems, problem] });
  }

  /** A command failed in a way the user should see (not form errors, which show in place). */
  reportCommandError(error: CommandError): void {
    this.update({ ...this.state, banners: addCommandError(this.state.banners, error) });
  }

  /** Talk commands answer the new TalkState; show it before the next snapshot arrives. */
  applyTalkState(talk: TalkState): void {
    const { snapshot } = this.state;
    if (snapshot) this.update({ ...this.state, snapshot: { ...snapshot, talk } });
  }

  /** Onboarding finished: hide it now rather than wait for the snapshot that says so. */
  markOnboardingDone(): void {
    const { snapshot } = this.state;
    if (snapshot && !snapshot.onboardingDone) this.update({ ...this.state, snapshot: { ...snapshot, onboardingDone: true } });
  }

  /** The API key changed: mirror it in the snapshot until main sends a fresh one. */
  markApiKeySet(isSet: boolean): void {
    const { snapshot } = this.state;
    if (snapshot && snapshot.apiKeySet !== isSet) this.update({ ...this.state, snapshot: { ...snapshot, apiKeySet: isSet } });
  }

  private update(next: AppViewState): void {
    if (next === this.state) return;
    this.state = next;
    // Bursts of events (a flushed queue, fast streaming) notify React once per microtask.
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
