/** Something that holds a resource or subscription until disposed. Disposing twice is a no-op. */
export interface Disposable {
  dispose(): void;
}

export function toDisposable(release: () => void): Disposable {
  let disposed = false;
  return {
    dispose(): void {
      if (disposed) return;
      disposed = true;
      release();
    },
  };
}

type Releasable = Disposable | (() => void);

/**
 * Owns a set of subscriptions, timers and resources, and releases them together: newest first,
 * every one even when another throws. A failed release is handed to `onFailure` (which must not
 * swallow it silently: log it, report it); nothing added after dispose() is kept, it is released
 * at once.
 */
export class DisposableStore implements Disposable {
  private readonly held: Releasable[] = [];
  private disposed = false;

  constructor(private readonly onFailure: (error: unknown) => void) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Keeps `item` until dispose(); answers it, so `const x = store.add(new X())` reads well. */
  add<T extends Releasable>(item: T): T {
    if (this.disposed) this.release(item);
    else this.held.push(item);
    return item;
  }

  /** A timer owned like any other resource. */
  addInterval(callback: () => void, ms: number): NodeJS.Timeout {
    const timer = setInterval(callback, ms);
    this.add(() => clearInterval(timer));
    return timer;
  }

  get size(): number {
    return this.held.length;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const item of this.held.splice(0).reverse()) this.release(item);
  }

  private release(item: Releasable): void {
    try {
      if (typeof item === 'function') item();
      else item.dispose();
    } catch (error) {
      this.onFailure(error);
    }
  }
}
