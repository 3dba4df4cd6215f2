import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionEvent } from '../../src-shared/session-events';
import { createAgentProgress, PIPE_PROGRESS_INTERVAL_MS, TERMINAL_PROGRESS_INTERVAL_MS, type ProgressClock } from '../../src-main/headless/agent-progress';
import { CLEAR_LINE, createTerminalOutput } from '../../src-main/headless/terminal-output';

/** A clock the test advances: intervals fire as time passes, like the real ones. */
function manualClock(): ProgressClock & { advance(ms: number): void; readonly active: number } {
  let now = 0;
  const timers = new Set<{ callback: () => void; intervalMs: number; next: number; unref?(): unknown }>();
  return {
    now: () => now,
    setInterval(callback, intervalMs) {
      const timer: { callback: () => void; intervalMs: number; next: number; unref?(): unknown } = { callback, intervalMs, next: now + intervalMs };
      timers.add(timer);
      return timer;
    },
    clearInterval(handle) {
      timers.delete(handle as never);
    },
    advance(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...timers].filter((timer) => timer.next <= until).sort((a, b) => a.next - b.next)[0];
        if (!due) break;
        now = due.next;
        due.next += due.intervalMs;
        due.callback();
      }
      now = until;
    },
    get active() {
      return timers.size;
    },
  };
}

const started: SessionEvent = { type: 'handoff.started', handoffId: 'h1', agentText: 'research' };
const answered: SessionEvent = { type: 'handoff.answered', handoffId: 'h1', text: 'done' };

test('on a terminal the progress line is redrawn in place once a second and cleared by the answer', () => {
  let screen = '';
  const clock = manualClock();
  const output = createTerminalOutput((text) => (screen += text), (text) => (screen += text), true);
  const progress = createAgentProgress(output, clock);
  progress.onEvent(started);
  clock.advance(TERMINAL_PROGRESS_INTERVAL_MS * 12 + 300);
  assert.ok(screen.startsWith(`${CLEAR_LINE}agent working… 0 s${CLEAR_LINE}agent working… 1 s`), JSON.stringify(screen));
  assert.ok(screen.endsWith(`${CLEAR_LINE}agent working… 12 s`), JSON.stringify(screen));
  assert.equal(screen.split(CLEAR_LINE).length - 1, 13, 'one redraw per second, no more');
  assert.ok(!screen.includes('\n'), 'the status never takes a line of its own');
  progress.onEvent(answered);
  assert.ok(screen.endsWith(CLEAR_LINE), 'cleared when the answer arrives');
  assert.equal(clock.active, 0, 'the timer is stopped');
});

test('output while the progress line shows clears it first and draws it again after', () => {
  let screen = '';
  const clock = manualClock();
  const output = createTerminalOutput((text) => (screen += text), (text) => (screen += `<err>${text}`), true);
  const progress = createAgentProgress(output, clock);
  progress.onEvent(started);
  screen = '';
  output.err('parley: a notice\n');
  output.out('you: hello\n');
  assert.equal(screen, `${CLEAR_LINE}<err>parley: a notice\nagent working… 0 s${CLEAR_LINE}you: hello\nagent working… 0 s`);
});

test('in a pipe the progress is a plain line every 10 s, and nothing is printed when the answer arrives', () => {
  const lines: string[] = [];
  const clock = manualClock();
  const output = createTerminalOutput((text) => lines.push(text), (text) => lines.push(text), false);
  const progress = createAgentProgress(output, clock);
  progress.onEvent(started);
  clock.advance(PIPE_PROGRESS_INTERVAL_MS - 1);
  assert.deepEqual(lines, [], 'a quick answer leaves no progress in a log');
  clock.advance(PIPE_PROGRESS_INTERVAL_MS * 2);
  assert.deepEqual(lines, ['agent working… 10 s\n', 'agent working… 20 s\n']);
  progress.onEvent({ type: 'handoff.failed', handoffId: 'h1', cause: 'agent_failed', reason: 'boom', spoken: '' });
  clock.advance(PIPE_PROGRESS_INTERVAL_MS * 3);
  assert.equal(lines.length, 2, 'no progress after the turn ended');
  assert.ok(!lines.join('').includes(CLEAR_LINE), 'no terminal control codes in a pipe');
});

test('a steered turn keeps counting from its start; the session closing ends the progress', () => {
  let screen = '';
  const clock = manualClock();
  const output = createTerminalOutput((text) => (screen += text), () => {}, true);
  const progress = createAgentProgress(output, clock);
  progress.onEvent(started);
  clock.advance(3_000);
  progress.onEvent({ type: 'handoff.steered', handoffId: 'h2', agentText: 'also this', turnHandoffId: 'h1' });
  clock.advance(1_000);
  assert.ok(screen.endsWith('agent working… 4 s'), JSON.stringify(screen));
  progress.onEvent({ type: 'closed', reason: 'requested' });
  assert.ok(screen.endsWith(CLEAR_LINE));
  assert.equal(clock.active, 0);
});
