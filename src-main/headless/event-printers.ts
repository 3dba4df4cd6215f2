import { audioDroppedSentence, connectionSentence } from '../../src-shared/connection-words';
import type { HandoffEndCause, ResponseEndStatus, SessionEvent, TranscriptEntry } from '../../src-shared/session-events';
import { formatUsd, noPriceText } from '../../src-shared/pricing';
import { textAfter } from '../../src-shared/transcript-text';
import { addUsage, describeUsage, EMPTY_USAGE_TOTALS, type UsageTotals } from '../../src-shared/usage';
import { TranscriptRedactor } from '../core/transcript/transcript-redactor';
import { redactSecrets } from '../core/util/redact';
import { createAgentActivityLines, isAgentActivityEvent } from './agent-activity-lines';
import { CONTINUATION_INDENT, labelled } from './labelled-text';
import { createLatencyTotals, latencyLine } from './latency-lines';

export { CONTINUATION_INDENT, labelled };

type Write = (text: string) => void;

/**
 * `--events jsonl`: every session event as one JSON line. Audio is summarized (bytes, rate,
 * duration), never dumped; the agent's steps and permission requests are plain data and printed
 * whole (a step's detail included: a program reading the lines may want it). Transcript events
 * are linear (a delta's line carries the delta, not the entry so far), so a long monologue costs
 * output in proportion to its text. Every line is
 * redacted; transcript pieces go through a TranscriptRedactor first, which holds back a tail that
 * the next piece could complete into a secret, so a key split across two deltas is not printed.
 */
export function createJsonLinesPrinter(write: Write): (event: SessionEvent) => void {
  const startedAt = Date.now();
  const usage = createUsageTotal();
  const latency = createLatencyTotals();
  let lastCost: Extract<SessionEvent, { type: 'cost' }> | undefined;
  const redactor = new TranscriptRedactor();
  const writeLine = (value: object) => write(redactSecrets(JSON.stringify(value)) + '\n');
  const print = (event: SessionEvent) => {
    const atMs = Date.now() - startedAt;
    usage.onEvent(event);
    // The session's total once it ends (`usage.total` is the printer's line, not a session event).
    if (event.type === 'closed' && usage.totals.responses > 0) writeLine({ type: 'usage.total', atMs, ...usage.totals });
    // And its cost (`cost.total`, the printer's line too), when anything was priced.
    if (event.type === 'cost') lastCost = event;
    if (event.type === 'closed' && lastCost) writeLine({ type: 'cost.total', atMs, sessionUsd: lastCost.sessionUsd, dayUsd: lastCost.dayUsd });
    // And the median and p90 of its turns' latency (`latency.summary`, the printer's line too).
    if (event.type === 'latency') latency.onLatency(event);
    const latencyFigures = event.type === 'closed' ? latency.summary() : undefined;
    if (latencyFigures) writeLine({ type: 'latency.summary', atMs, ...latencyFigures });
    if (event.type === 'audio.output') {
      const samples = event.pcm.byteLength / 2 / event.channels;
      writeLine({
          type: 'audio.output',
          atMs,
          bytes: event.pcm.byteLength,
          sampleRate: event.sampleRate,
          channels: event.channels,
          durationMs: Math.round((samples / event.sampleRate) * 1000 * 100) / 100,
          itemId: event.itemId,
        });
      return;
    }
    writeLine({ ...event, atMs });
  };
  return (event) => {
    for (const safe of redactor.redact(event)) print(safe);
  };
}

/**
 * The default, for people: finished transcript lines, handoffs and the agent's answers. A
 * transcript entry is printed once it is final (the next entry started, or the session ends).
 * Text of more than one line goes on indented lines under its label, so each visibly ends.
 * An agent failure is one line (the `agent_failed` error event that comes with it is the same
 * failure for other listeners, so it is not printed again). A coding agent's finished steps, its
 * permission requests and their decisions are short lines under the handoff (agent-activity-lines).
 */
export function createReadablePrinter(write: Write, writeError: Write): { onEvent(event: SessionEvent): void; flush(): void } {
  // Transcript events are linear (a piece per delta): the printer keeps each entry's text so far.
  let pending: { entryId: number; entry: TranscriptEntry } | undefined;
  // v2 items, printed when their text is final: their events interleave (a user's words can be
  // transcribed after the reply), so "the next entry started" says nothing there.
  const pendingItems = new Map<string, TranscriptEntry>();
  const printedItems = new Map<string, string>();
  const usage = createUsageTotal();
  const latency = createLatencyTotals();
  let lastCost: Extract<SessionEvent, { type: 'cost' }> | undefined;
  const activityLines = createAgentActivityLines();
  let connected = false;
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
      if (isAgentActivityEvent(event)) {
        const text = activityLines(event);
        if (text === '') return;
        flush();
        write(text);
        return;
      }
      switch (event.type) {
        case 'transcript.entry':
          if (event.itemId !== undefined) {
            const entry = { role: event.role, text: textAfter(pendingItems.get(event.itemId)?.text ?? printedItems.get(event.itemId), event) };
            if (event.final) printItem(event.itemId, entry);
            else pendingItems.set(event.itemId, entry);
            return;
          }
          if (pending && pending.entryId !== event.entryId) flush();
          pending = { entryId: event.entryId, entry: { role: event.role, text: textAfter(pending?.entry.text, event) } };
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
        case 'agent.notice':
          // Under its handoff: what the agent backend did on the way (a retry, history left out).
          flush();
          write(`${CONTINUATION_INDENT}· agent [${event.handoffId}]: ${oneLine(event.text)}\n`);
          return;
        case 'connection':
          flush();
          writeError(`parley: ${connectionSentence(event)}\n`);
          return;
        case 'audio.dropped':
          writeError(`parley: ${audioDroppedSentence(event)}\n`);
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
          if (event.reason === 'server_ended') writeError(`parley: ${serverEndedSentence(event.detail)}\n`);
          if (usage.totals.responses > 0) writeError(`parley: session usage over ${usage.totals.responses} ${usage.totals.responses === 1 ? 'reply' : 'replies'}: ${describeUsage(usage.totals)}\n`);
          if (lastCost) writeError(`parley: session cost ${formatUsd(lastCost.sessionUsd)} · ${formatUsd(lastCost.dayUsd)} today\n`);
          if (latency.line()) writeError(`parley: ${latency.line()}\n`);
          return;
        case 'latency':
          latency.onLatency(event);
          writeError(`parley: ${latencyLine(event)}\n`);
          return;
        case 'cost':
          lastCost = event;
          writeError(`parley: ${costLine(event)}\n`);
          return;
        case 'budget':
          // The cap reached ends the run: its message is the command's last line (run-headless).
          if (event.level === 'warning') writeError(`parley: ${event.message}\n`);
          return;
        case 'error':
          if (event.recoverable && event.code !== 'agent_failed') writeError(`parley: ${event.message}\n`);
          return;
        case 'state':
          // Once: after a reconnect the connection line ("Reconnected after …") says it.
          if (event.state === 'live' && !connected) writeError('parley: connected\n');
          if (event.state === 'live') connected = true;
          return;
        default:
          return;
      }
    },
  };
}

/** "cost [resp_1]: $0.0123 · session $0.42 · today $1.80", or "… no price for MODEL · …"; an agent request's turn total too. */
export function costLine(event: Extract<SessionEvent, { type: 'cost' }>): string {
  const what = event.source === 'agent' ? `agent cost [${event.id}]` : `cost [${event.id}]`;
  const price = event.usd === undefined ? noPriceText(event.model) : formatUsd(event.usd);
  const turn = event.source === 'agent' && event.usd !== undefined && event.turnUsd !== event.usd ? ` (turn ${formatUsd(event.turnUsd)})` : '';
  return `${what}: ${price}${turn} · session ${formatUsd(event.sessionUsd)} · today ${formatUsd(event.dayUsd)}`;
}

/** `The server ended the session: <detail>.` (one full stop, whatever the detail ends with). */
export function serverEndedSentence(detail: string | undefined): string {
  const said = detail === undefined ? '' : oneLine(detail).replace(/[.\s]+$/, '');
  return said ? `The server ended the session: ${said}.` : 'The server ended the session.';
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
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
