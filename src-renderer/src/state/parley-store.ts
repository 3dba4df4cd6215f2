// The renderer's one store over window.parley. Main owns the app state: this store subscribes to
// its patches, asks for the whole state with `app.ready`, then applies each revisioned patch in
// order (asking again if one is ever missing). It derives nothing of its own but passing toasts,
// so a reload or a reopened window shows exactly what main holds. No React in here.
import type { AppState, CommandError, NoticeEvent, ParleyApi, StatePatch } from '../../../src-shared/ipc-contract';
import { applyStatePatch } from '../../../src-shared/state-patch';
import { attempt } from '../bridge/attempt';
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
  /** The app state as main last sent it (null until the first `app.ready` answer). */
  readonly app: AppState | null;
  /** Passing news: info notices from main and commands that were refused. */
  readonly toasts: readonly Toast[];
}

const INITIAL_STATE: AppViewState = { phase: 'starting', startupError: null, app: null, toasts: [] };

export interface StoreClock {
  setTimeout(callback: () => void, ms: number): unknown;
}

const browserClock: StoreClock = { setTimeout: (callback, ms) => setTimeout(callback, ms) };

export class ParleyStore {
  readonly levels = new LevelsStore();
  private state: AppViewState = INITIAL_STATE;
  private readonly listeners = new Set<() => void>();
  private started = false;
  private unsubscribers: (() => void)[] = [];
  /** Patches that arrived while a whole state was being fetched; applied after it. */
  private pendingPatches: StatePatch[] | undefined;
  private syncing: Promise<void> | undefined;
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
    if (this.started) return this.syncing ?? Promise.resolve();
    this.started = true;
    const { api } = this;
    this.unsubscribers = [
      api.on('state', (patch) => this.onPatch(patch)),
      api.on('levels', (levels) => this.levels.push(levels)),
      api.on('notice', (notice) => this.onNotice(notice)),
    ];
    return this.sync();
  }

  /** After a failed start: ask again (listeners stay attached). */
  retryStart(): Promise<void> {
    if (!this.started) return this.start();
    this.update({ ...this.state, phase: 'starting', startupError: null });
    return this.sync();
  }

  stop(): void {
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    this.unsubscribers = [];
    this.started = false;
  }

  /** A command failed in a way the user should see (form errors show in place instead). */
  reportCommandError(error: CommandError): void {
    this.showToast(error.message);
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

  /** Asks main for the whole state; patches arriving meanwhile wait and follow it. */
  private sync(): Promise<void> {
    this.syncing ??= (async () => {
      this.pendingPatches = [];
      const response = await attempt(() => this.api.app.ready());
      const waiting = this.pendingPatches ?? [];
      this.pendingPatches = undefined;
      this.syncing = undefined;
      if (!response.ok) {
        this.update({ ...this.state, phase: 'failed', startupError: response.error });
        return;
      }
      this.update({ ...this.state, phase: 'ready', startupError: null, app: response.value });
      for (const patch of waiting) this.onPatch(patch);
    })();
    return this.syncing;
  }

  private onPatch(patch: StatePatch): void {
    if (this.pendingPatches) {
      this.pendingPatches.push(patch);
      return;
    }
    const current = this.state.app;
    if (!current) return;
    const next = applyStatePatch(current, patch);
    if (next === undefined) {
      // A patch went missing (a reload raced main): the whole state again, then onwards.
      void this.sync();
      return;
    }
    if (next !== current) this.update({ ...this.state, app: next });
  }

  private onNotice(notice: NoticeEvent): void {
    this.showToast(notice.message);
  }

  private update(next: AppViewState): void {
    if (next === this.state) return;
    this.state = next;
    // Bursts of patches (fast streaming) notify React once per microtask.
    if (this.notifyScheduled) return;
    this.notifyScheduled = true;
    queueMicrotask(() => {
      this.notifyScheduled = false;
      for (const listener of [...this.listeners]) listener();
    });
  }
}
