import { memo, type ReactElement } from 'react';
import type { TurnLatency } from '../../../../src-shared/latency';
import type { TranscriptRole } from '../../../../src-shared/session-events';
import { formatClockTime } from '../../state/format';
import { TurnLatencyView } from './TurnLatencyView';

interface BubbleProps {
  readonly role: TranscriptRole;
  readonly text: string;
  /** Absent for typed messages, which have no transcript entry. */
  readonly entryId?: number;
  readonly typed?: boolean;
  readonly firstSeenAt: number;
  /** 'not transcribed', 'cut off', 'failed', 'cancelled': what the text alone does not say. */
  readonly note?: string | undefined;
  /** The full reason, shown on hover and read to screen readers. */
  readonly noteDetail?: string | undefined;
  /** A reply's latency waterfall, once measured. */
  readonly latency?: TurnLatency | undefined;
}

/** One chat bubble. Its text content is exactly the entry text (the role label sits outside). */
export const Bubble = memo(function Bubble({ role, text, entryId, typed = false, firstSeenAt, note, noteDetail, latency }: BubbleProps): ReactElement {
  const who = role === 'user' ? 'You' : 'Parley';
  return (
    <div className={`bubble-row bubble-row-${role}`}>
      <span className="visually-hidden">{typed ? `${who} typed:` : `${who} said:`}</span>
      <div
        className={`bubble bubble-${role} ${typed ? 'bubble-typed' : ''}`}
        data-testid="bubble"
        data-role={role}
        data-entry-id={entryId}
        data-typed={typed ? 'true' : undefined}
        title={`${who}${typed ? ' (typed)' : ''} · ${formatClockTime(firstSeenAt)}`}
      >
        <div className="bubble-text" data-testid="bubble-text">
          {text}
        </div>
      </div>
      {note !== undefined && (
        <span className="bubble-note" data-testid="bubble-note" title={noteDetail}>
          {note}
          {noteDetail !== undefined && <span className="visually-hidden">: {noteDetail}</span>}
        </span>
      )}
      {latency !== undefined && <TurnLatencyView latency={latency} />}
      {typed && (
        <span className="bubble-meta" aria-hidden="true">
          typed
        </span>
      )}
    </div>
  );
});
