/**
 * The process-level failures a long check fails on: uncaught exceptions and unhandled rejections
 * anywhere in the stack under test. They are recorded, not fatal, so the check can name them in
 * its report (with the batch or turn that caused them) and still stop everything cleanly.
 */

/** Lines of a failure's stack kept after its message: enough to find the place, short enough to read. */
const KEPT_STACK_LINES = 5;

/**
 * Starts recording; the returned list grows as failures happen, up to `kept` of them. It watches
 * for the life of the process: a long check is the whole process and exits when it is done.
 */
export function watchProcessFailures(kept: number): readonly string[] {
  const failures: string[] = [];
  const record = (kind: string, reason: unknown): void => {
    const text = reason instanceof Error ? `${reason.name}: ${reason.message}\n${reason.stack?.split('\n').slice(1, 1 + KEPT_STACK_LINES).join('\n') ?? ''}` : String(reason);
    if (failures.length < kept) failures.push(`${kind}: ${text}`);
  };
  process.on('uncaughtException', (error) => record('uncaught exception', error));
  process.on('unhandledRejection', (reason) => record('unhandled rejection', reason));
  return failures;
}
