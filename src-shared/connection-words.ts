// Sentences about the connection under a conversation, shared by the timeline (a quiet note where
// the connection came back) and the headless command's readable output.
import type { SessionEvent } from './session-events';

type ConnectionEvent = Extract<SessionEvent, { type: 'connection' }>;
type AudioDroppedEvent = Extract<SessionEvent, { type: 'audio.dropped' }>;

const MS_PER_SECOND = 1000;

/** `1234` → `1.2 s`. */
export function formatSeconds(milliseconds: number): string {
  return `${(Math.max(0, milliseconds) / MS_PER_SECOND).toFixed(1)} s`;
}

/**
 * The timeline's note where the conversation went on over a new connection, or undefined for a
 * status the timeline does not show (the status line says that a reconnect is under way).
 */
export function connectionNote(event: ConnectionEvent): string | undefined {
  switch (event.status) {
    case 'reconnected':
      return event.downtimeMs === undefined ? 'Reconnected' : `Reconnected after ${formatSeconds(event.downtimeMs)}`;
    case 'renewed':
      return 'Session renewed';
    case 'lost':
    case 'reconnecting':
    case 'renewing':
      return undefined;
  }
}

/** One line for a person: what happened to the connection (ends with a full stop or an ellipsis). */
export function connectionSentence(event: ConnectionEvent): string {
  const reason = event.reason ? ` (${event.reason})` : '';
  const attempt = event.attempt !== undefined ? ` (attempt ${event.attempt}${event.maxAttempts !== undefined ? ` of ${event.maxAttempts}` : ''})` : '';
  const delay = event.delayMs !== undefined ? ` in ${formatSeconds(event.delayMs)}` : '';
  switch (event.status) {
    case 'lost':
      return `Connection lost${reason}; reconnecting${delay}${attempt}…`;
    case 'reconnecting':
      return `Reconnecting${delay}${attempt}${reason}…`;
    case 'reconnected':
      return event.downtimeMs === undefined ? 'Reconnected.' : `Reconnected after ${formatSeconds(event.downtimeMs)}.`;
    case 'renewing':
      return `Renewing the session${reason}…`;
    case 'renewed':
      return event.downtimeMs === undefined ? 'Session renewed.' : `Session renewed after ${formatSeconds(event.downtimeMs)}.`;
  }
}

/** Microphone audio that was counted and dropped, as one sentence. */
export function audioDroppedSentence(event: AudioDroppedEvent): string {
  const why = event.reason === 'not_connected' ? 'no connection' : 'the connection could not keep up';
  return `${formatSeconds(event.durationMs)} of microphone audio could not be sent (${why}) and was dropped.`;
}
