// The status line in words people say, from the app state's one-word status.
import { blockingProblem, type AppState, type AppStatus, type TalkMode } from '../../../src-shared/app-state';

const STATUS_WORDS: Record<AppStatus, string> = {
  idle: 'Not connected',
  connecting: 'Connecting…',
  listening: 'Listening',
  speaking: 'Speaking',
  'agent-working': 'Agent working…',
  error: 'Stopped by a problem',
};

export function statusWords(snapshot: AppState | null): string {
  if (!snapshot) return 'Starting…';
  const { status, session, talk } = snapshot;
  if (status === 'error') {
    // Name the problem (its banner holds the reason and the fix).
    const shown = blockingProblem(snapshot) ?? snapshot.problems.find((problem) => problem.severity === 'error');
    return shown ? `Stopped: ${shown.title}` : STATUS_WORDS.error;
  }
  if (status === 'idle' && session === 'live') {
    // Live, but the microphone is closed: say why.
    if (talk.muted) return 'Connected · microphone muted';
    if (talk.mode === 'push-to-talk') return 'Connected · hold Talk to speak';
    if (talk.mode === 'toggle') return 'Connected · press Talk to speak';
    return 'Connected';
  }
  if (status === 'idle' && session === 'closing') return 'Stopping…';
  if (status === 'connecting' && session === 'reconnecting') return 'Reconnecting…';
  if (status === 'listening' && talk.muted) return 'Listening (muted)';
  return STATUS_WORDS[status];
}

export const TALK_MODE_LABELS: Record<TalkMode, string> = {
  'hands-free': 'Hands-free',
  'push-to-talk': 'Push to talk',
  toggle: 'Toggle to talk',
};
