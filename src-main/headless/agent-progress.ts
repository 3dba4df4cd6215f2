// "agent working… 12 s" while the background agent works, so a long turn does not look like a
// hang. On a terminal the line is redrawn in place once a second and cleared when the answer
// (or the failure) arrives; in a pipe or file a plain line every 10 s, so logs stay short.
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

export interface AgentProgress {
  onEvent(event: SessionEvent): void;
  /** Clears the line and stops the timer (the session ended). */
  end(): void;
}

export function createAgentProgress(output: TerminalOutput, clock: ProgressClock = systemClock): AgentProgress {
  let startedAt: number | undefined;
  let timer: { unref?(): unknown } | undefined;

  const tick = () => {
    if (startedAt === undefined) return;
    const elapsedMs = clock.now() - startedAt;
    if (output.isTerminal) output.status(progressText(elapsedMs));
    else output.out(progressText(elapsedMs) + '\n');
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
