// One word for what Parley is doing, for the tray icon and the status line. Pure.
import type { AppStatus, Problem, TalkState } from '../../../src-shared/app-state';
import type { SessionState } from '../../../src-shared/session-events';

export interface StatusInputs {
  readonly session: SessionState;
  readonly talk: TalkState;
  readonly assistantSpeaking: boolean;
  readonly agentWorking: boolean;
  /** A problem that stops Parley from working until the user acts (see blockingProblem). */
  readonly blockingProblem: Problem | undefined;
  /** Some error-severity problem is shown. */
  readonly errorShown: boolean;
}

/**
 * Precedence: a session that failed is an error (while its problem is unsolved); then connecting; then, while live, the
 * assistant's voice, the agent at work, and the open microphone, in that order (what the user
 * hears matters most). A live session with the microphone closed (muted, talk key up) is idle.
 */
export function appStatus(inputs: StatusInputs): AppStatus {
  const { session, talk } = inputs;
  // A failed session is an error while its problem is shown; once solved or dismissed, idle.
  if (session === 'error' && inputs.errorShown) return 'error';
  if (inputs.blockingProblem && session !== 'live' && session !== 'connecting' && session !== 'reconnecting') return 'error';
  // Reconnecting shows as connecting: the microphone is not reaching the model meanwhile.
  if (session === 'connecting' || session === 'reconnecting') return 'connecting';
  if (session !== 'live') return 'idle';
  if (inputs.assistantSpeaking) return 'speaking';
  if (inputs.agentWorking) return 'agent-working';
  const microphoneOpen = !talk.muted && (talk.mode === 'hands-free' || talk.talking);
  return microphoneOpen ? 'listening' : 'idle';
}
