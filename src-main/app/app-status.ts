// One word for what Parley is doing, for the tray icon and the status line. Pure.
import type { AppError, AppStatus, TalkState } from '../../src-shared/ipc-contract';
import type { SessionState } from '../../src-shared/session-events';

export interface StatusInputs {
  readonly session: SessionState;
  readonly talk: TalkState;
  readonly assistantSpeaking: boolean;
  readonly agentWorking: boolean;
  readonly lastError: AppError | null;
}

/**
 * Precedence: a session that failed is an error; then connecting; then, while live, the
 * assistant's voice, the agent at work, and the open microphone, in that order (what the user
 * hears matters most). A live session with the microphone closed (muted, talk key up) is idle.
 */
export function appStatus(inputs: StatusInputs): AppStatus {
  const { session, talk } = inputs;
  if (session === 'error' || (inputs.lastError && !inputs.lastError.recoverable && session !== 'live' && session !== 'connecting')) {
    return 'error';
  }
  if (session === 'connecting') return 'connecting';
  if (session !== 'live') return 'idle';
  if (inputs.assistantSpeaking) return 'speaking';
  if (inputs.agentWorking) return 'agent-working';
  const microphoneOpen = !talk.muted && (talk.mode === 'hands-free' || talk.talking);
  return microphoneOpen ? 'listening' : 'idle';
}
