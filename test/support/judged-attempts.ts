import type { TestContext } from 'node:test';

/** One attempt's scope: its diagnostics go to the test, its cleanups run when it ends. */
export interface Attempt {
  diagnostic(message: string): void;
  after(cleanup: () => unknown): void;
}

/**
 * Runs `run` until it passes, at most `attempts` times, printing why each failed attempt failed.
 * For the live PulseAudio rooms, where the sound server sometimes loses a few milliseconds of
 * playback that nothing above it can see (issue #11): a real fault fails every attempt. Every
 * cleanup of an attempt runs before the next; a cleanup that fails fails the test (a room left open).
 */
export async function judgeAttempts(t: TestContext, attempts: number, run: (attempt: Attempt) => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const cleanups: Array<() => unknown> = [];
    let failure: unknown;
    try {
      await run({ diagnostic: (message) => t.diagnostic(`attempt ${attempt}: ${message}`), after: (cleanup) => cleanups.push(cleanup) });
    } catch (error) {
      failure = error;
    }
    for (const cleanup of cleanups.reverse()) await cleanup();
    if (failure === undefined) return;
    if (attempt >= attempts) throw failure;
    t.diagnostic(`attempt ${attempt} failed: ${failure instanceof Error ? failure.message : String(failure)}`);
  }
}
