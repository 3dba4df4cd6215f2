import type { HandoffEndCause, ResponseEndStatus, SessionEvent, TranscriptEntry } from '../../src-shared/session-events';
import { addUsage, describeUsage, EMPTY_USAGE_TOTALS, type UsageTotals } from '../../src-shared/usage';

type Write = (text: string) => void;

/**
 * `--events jsonl`: every session event as one JSON line. Audio is summarized (bytes, rate,
 * duration), never dumped.
 */
export function createJsonLinesPrinter(write: Write): (event: SessionEvent) => void {
  const startedAt = Date.now();
  const usage = createUsageTotal();
  return (event) => {
    const atMs = Date.now() - startedAt;
    usage.onEvent(event);
    // The session's total once it ends (`usage.total` is the printer's line, not a session event).
    if (event.type === 'closed' && usage.totals.responses > 0) write(JSON.stringify({ type: 'usage.total', atMs, ...usage.totals }) + '\n');
    if (event.type === 'audio.output') {
      const samples = event.pcm.byteLength / 2 / event.channels;
      write(
        JSON.stringify({
          type: 'audio.output',
          atMs,
          bytes: event.pcm.byteLength,
          sampleRate: event.sampleRate,
          channels: event.channels,
          durationMs: Math.round((samples / event.sampleRate) * 1000 * 100) / 100,
          itemId: event.itemId,
        }) + '\n',
      );
      return;
    }
    write(JSON.stringify({ ...event, atMs }) + '\n');
  };
}

/**
 * The default, for people: finished transcript lines, handoffs and the agent's answers. A
 * transcript entry is printed once it is final (the next entry started, or the session ends).
 * Text of more than one line goes on indented lines under its label, so each visibly ends.
 * An agent failure is one line (the `agent_failed` error event that comes with it is the same
 * failure for other listeners, so it is not printed again).
 */
export function createReadablePrinter(write: Write, writeError: Write): { onEvent(event: SessionEvent): void; flush(): void } {
  let pending: { entryId: number; entry: TranscriptEntry } | undefined;
  // v2 items, printed when their text is final: their events interleave (a user's words can be
  // transcribed after the reply), so "the next entry started" says nothing there.
  const pendingItems = new Map<string, TranscriptEntry>();
  const printedItems = new Map<string, string>();
  const usage = createUsageTotal();
  const label = (entry: TranscriptEntry) => (entry.role === 'user' ? 'you' : 'assistant');
  const printItem = (itemId: string, entry: TranscriptEntry) => {
    pendingItems.delete(itemId);
    if (entry.text.trim() === '' || printedItems.get(itemId) === entry.text) return;
    printedItems.set(itemId, entry.text);
    write(labelled(label(entry), entry.text));
  };
  const flush = () => {
    if (pending) write(labelled(label(pending.entry), pending.entry.text));
    pending = undefined;
    for (const [itemId, entry] of [...pendingItems]) printItem(itemId, entry);
  };
  return {
    flush,
    onEvent(event) {
      switch (event.type) {
        case 'transcript.entry':
          if (event.itemId !== undefined) {
            if (event.final) printItem(event.itemId, event.entry);
            else pendingItems.set(event.itemId, event.entry);
            return;
          }
          if (pending && pending.entryId !== event.entryId) flush();
          pending = { entryId: event.entryId, entry: event.entry };
          return;
        case 'user.text':
          flush();
          write(labelled('you (typed)', event.text));
          return;
        case 'handoff.requested':
          flush();
          if (!event.agentText) write(`→ handoff ${event.handoffId} had nothing to delegate\n`);
          else if (event.joinsHandoffId !== undefined) write(labelled(`→ agent, added to the running task [${event.joinsHandoffId}]`, event.agentText));
          else write(labelled(`→ agent [${event.handoffId}]`, event.agentText));
          return;
        case 'handoff.steered':
          // The request was printed as added to the running task.
          return;
        case 'handoff.incomplete':
          flush();
          write(labelled(`→ handoff cut off [${event.handoffId}]`, event.reason));
          return;
        case 'handoff.answered':
          flush();
          write(labelled(`← agent [${event.handoffId}]`, event.text));
          return;
        case 'handoff.failed':
          flush();
          write(labelled(`← ${handoffEnd(event.cause)} [${event.handoffId}]`, event.reason));
          return;
        case 'response.ended':
          flush();
          write(labelled(`! reply ${RESPONSE_END_WORDS[event.status]} [${event.responseId}]`, event.reason));
          return;
        case 'transcription.failed':
          write(labelled('you', `(not transcribed: ${event.reason})`));
          return;
        case 'usage':
          usage.onEvent(event);
          writeError(`parley: usage [${event.responseId}]: ${describeUsage(event)}\n`);
          return;
        case 'closed':
          if (usage.totals.responses > 0) writeError(`parley: session usage over ${usage.totals.responses} ${usage.totals.responses === 1 ? 'reply' : 'replies'}: ${describeUsage(usage.totals)}\n`);
          return;
        case 'error':
          if (event.recoverable && event.code !== 'agent_failed') writeError(`parley: ${event.message}\n`);
          return;
        case 'state':
          if (event.state === 'live') writeError('parley: connected\n');
          return;
        default:
          return;
      }
    },
  };
}

const RESPONSE_END_WORDS: Record<ResponseEndStatus, string> = { cancelled: 'cancelled', failed: 'failed', incomplete: 'cut off' };

/** Sums the session's `usage` events. */
function createUsageTotal(): { onEvent(event: SessionEvent): void; readonly totals: UsageTotals } {
  let totals = EMPTY_USAGE_TOTALS;
  return {
    onEvent(event) {
      if (event.type !== 'usage') return;
      const { type: _type, responseId: _responseId, ...usage } = event;
      totals = addUsage(totals, usage);
    },
    get totals() {
      return totals;
    },
  };
}

function handoffEnd(cause: HandoffEndCause): string {
  switch (cause) {
    case 'agent_failed':
      return 'agent failed';
    case 'cancelled':
      return 'agent cancelled';
    case 'not_delegated':
      return 'not delegated';
    case 'session_ended':
      return 'agent stopped';
    default:
      return 'agent ended';
  }
}

/** The indent of continuation lines under a label. */
export const CONTINUATION_INDENT = '    ';

/**
 * `label: text` for one line; for more, the label alone and each line indented under it (blank
 * lines stay empty, trailing blank lines are dropped), so a reader sees where the text ends.
 */
export function labelled(label: string, text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').replace(/\s+$/, '').split('\n');
  while (lines.length > 1 && lines[0]!.trim() === '') lines.shift();
  if (lines.length === 1) return `${label}: ${lines[0]}\n`;
  return `${label}:\n${lines.map((line) => (line.trim() === '' ? '' : CONTINUATION_INDENT + line.trimEnd())).join('\n')}\n`;
}
