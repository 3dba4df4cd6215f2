// "agent working… 12 s" while the background agent works, so a long turn does not look like a
// hang. On a terminal the line is redrawn in place once a second and cleared when the answer
// (or the failure) arrives; in a pipe or file a plain line every 10 s, so logs stay short.
// While the agent waits for a permission the line says so, with the seconds left to answer.
import type { SessionEvent } from '../../src-shared/session-events';
import type { TerminalOutput } from './terminal-output';

export const TERMINAL_PROGRESS_INTERVAL_MS = 1_000;
export const PIPE_PROGRESS_INTERVAL_MS = 10_000;

export interface ProgressClock {
  now(): number;
  setInterval(callback: () => void, intervalMs: number): { unref?(): unknown };
  clearInterval(handle: { unref?(): unknown }): void;
}

export const systemClock: ProgressClock = {
  now: () => Date.now(),
  setInterval: (callback, intervalMs) => setInterval(callback, intervalMs),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export function progressText(elapsedMs: number): string {
  return `agent working… ${Math.floor(elapsedMs / 1000)} s`;
}

export function approvalWaitText(remainingMs: number): string {
  return `agent waiting for your answer: say allow or deny… ${Math.max(0, Math.ceil(remainingMs / 1000))} s left`;
}

export interface AgentProgress {
  onEvent(event: SessionEvent): void;
  /** Clears the line and stops the timer (the session ended). */
  end(): void;
}

export function createAgentProgress(output: TerminalOutput, clock: ProgressClock = systemClock): AgentProgress {
  let startedAt: number | undefined;
  let timer: { unref?(): unknown } | undefined;
  /** Permission requests waiting for the user: when each is denied unanswered. */
  const approvalDeadlines = new Map<string, number>();

  const text = () => {
    const now = clock.now();
    if (approvalDeadlines.size > 0) return approvalWaitText(Math.min(...approvalDeadlines.values()) - now);
    return progressText(now - (startedAt ?? now));
  };
  const tick = () => {
    if (startedAt === undefined) return;
    if (output.isTerminal) output.status(text());
    else output.out(text() + '\n');
  };
  const begin = () => {
    if (startedAt !== undefined) return; // a steered turn keeps its clock
    startedAt = clock.now();
    if (output.isTerminal) tick();
    timer = clock.setInterval(tick, output.isTerminal ? TERMINAL_PROGRESS_INTERVAL_MS : PIPE_PROGRESS_INTERVAL_MS);
    timer.unref?.();
  };
  const end = () => {
    if (timer) clock.clearInterval(timer);
    timer = undefined;
    startedAt = undefined;
    approvalDeadlines.clear();
    output.status(undefined);
  };

  return {
    end,
    onEvent(event) {
      switch (event.type) {
        case 'handoff.started':
        case 'handoff.steered':
          begin();
          return;
        case 'agent.approval.requested':
          approvalDeadlines.set(event.approval.id, clock.now() + event.timeoutMs);
          // At once on a terminal; in a pipe the printed request says it, and the 10 s lines count down.
          if (startedAt === undefined) begin();
          else if (output.isTerminal) tick();
          return;
        case 'agent.approval.resolved':
          if (!approvalDeadlines.delete(event.approvalId)) return;
          if (output.isTerminal) tick();
          return;
        case 'handoff.answered':
        case 'handoff.failed':
        case 'handoff.completed':
        case 'closed':
          end();
          return;
        default:
          return;
      }
    },
  };
}
