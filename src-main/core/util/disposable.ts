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
