// Commands answer {ok,value}|{ok,error}; an IPC call can still reject (no handler, window
// closing). `attempt` folds a rejection into the same failed shape so callers handle one case.
import type { CommandError } from '../../../src-shared/ipc-contract';

export type Failed = { readonly ok: false; readonly error: CommandError };

export async function attempt<R extends { readonly ok: boolean }>(call: () => Promise<R>): Promise<R | Failed> {
  try {
    return await call();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: { code: 'failed', message: `The request did not reach the app: ${message}` } };
  }
}
