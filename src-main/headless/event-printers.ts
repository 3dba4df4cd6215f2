import type { SessionEvent, TranscriptEntry } from '../../src-shared/session-events';

type Write = (text: string) => void;

/**
 * `--events jsonl`: every session event as one JSON line. Audio is summarized (bytes, rate,
 * duration), never dumped.
 */
export function createJsonLinesPrinter(write: Write): (event: SessionEvent) => void {
  const startedAt = Date.now();
  return (event) => {
    const atMs = Date.now() - startedAt;
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
 * The default, for people: finished transcript lines, handoffs and the agent's answers.
 * A transcript entry is printed once it is final (the next entry started, or the session ends).
 */
export function createReadablePrinter(write: Write, writeError: Write): { onEvent(event: SessionEvent): void; flush(): void } {
  let pending: { entryId: number; entry: TranscriptEntry } | undefined;
  const label = (entry: TranscriptEntry) => (entry.role === 'user' ? 'you' : 'assistant');
  const flush = () => {
    if (pending) write(`${label(pending.entry)}: ${pending.entry.text}\n`);
    pending = undefined;
  };
  return {
    flush,
    onEvent(event) {
      switch (event.type) {
        case 'transcript.entry':
          if (pending && pending.entryId !== event.entryId) flush();
          pending = { entryId: event.entryId, entry: event.entry };
          return;
        case 'user.text':
          flush();
          write(`you (typed): ${event.text}\n`);
          return;
        case 'handoff.requested':
          flush();
          if (event.agentText) write(`→ agent [${event.handoffId}]:\n${indent(event.agentText)}\n`);
          else write(`→ handoff ${event.handoffId} had nothing to delegate\n`);
          return;
        case 'handoff.steered':
          write(`→ agent (steering the running turn) [${event.handoffId}]\n`);
          return;
        case 'handoff.answered':
          write(`← agent [${event.handoffId}]: ${event.text}\n`);
          return;
        case 'handoff.failed':
          writeError(`← agent failed [${event.handoffId}]: ${event.reason}\n`);
          return;
        case 'error':
          if (event.recoverable) writeError(`parley: ${event.message}\n`);
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

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
