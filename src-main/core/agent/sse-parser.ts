/**
 * An incremental Server-Sent-Events parser (the WHATWG "event stream" interpretation), pure and
 * transport-free: feed it decoded text in chunks split anywhere (mid-line, between "\r" and
 * "\n") and it returns the events each chunk completes.
 */

export interface SseEvent {
  /** The `event:` field, or "message" when the event had none. */
  readonly event: string;
  /** Every `data:` line of the event joined with "\n". */
  readonly data: string;
  /** The last event id seen on the stream so far (ids persist across events), if any. */
  readonly id: string | undefined;
}

const BYTE_ORDER_MARK = '\uFEFF';
const DEFAULT_EVENT_TYPE = 'message';

/** One event of an agent's stream is never larger than this (a whole long answer is ~100 kB). */
export const MAX_SSE_EVENT_CHARS = 8 * 1024 * 1024;

export class SseEventTooLargeError extends Error {
  override readonly name = 'SseEventTooLargeError';
  constructor() {
    super(`an event in the agent's stream is larger than ${MAX_SSE_EVENT_CHARS / 1024 / 1024} MiB`);
  }
}

export class SseParser {
  /** Text of the line being read (no terminator seen yet). */
  private partialLine = '';
  /** The previous chunk ended with "\r": a "\n" starting the next chunk belongs to it. */
  private skipLeadingLineFeed = false;
  private atStreamStart = true;
  private eventType = '';
  private dataLines: string[] = [];
  private lastEventId: string | undefined = undefined;

  /** Characters of the event being read (its partial line and data lines). */
  private pendingChars = 0;

  /**
   * Feeds the next piece of the stream; returns the events it completed, in order. Throws
   * SseEventTooLargeError when one event grows beyond MAX_SSE_EVENT_CHARS.
   */
  push(chunk: string): SseEvent[] {
    this.pendingChars += chunk.length;
    if (this.pendingChars > MAX_SSE_EVENT_CHARS) throw new SseEventTooLargeError();
    const events: SseEvent[] = [];
    let text = chunk;
    if (this.atStreamStart && text.length > 0) {
      this.atStreamStart = false;
      if (text.startsWith(BYTE_ORDER_MARK)) text = text.slice(BYTE_ORDER_MARK.length);
    }
    let position = 0;
    if (this.skipLeadingLineFeed && text.length > 0) {
      this.skipLeadingLineFeed = false;
      if (text[0] === '\n') position = 1;
    }
    while (position < text.length) {
      const lineEnd = findLineEnd(text, position);
      if (lineEnd === -1) {
        this.partialLine += text.slice(position);
        break;
      }
      const line = this.partialLine + text.slice(position, lineEnd);
      this.partialLine = '';
      if (text[lineEnd] === '\r') {
        if (lineEnd + 1 >= text.length) {
          this.skipLeadingLineFeed = true;
          position = lineEnd + 1;
        } else {
          position = text[lineEnd + 1] === '\n' ? lineEnd + 2 : lineEnd + 1;
        }
      } else {
        position = lineEnd + 1;
      }
      this.processLine(line, events);
    }
    return events;
  }

  /**
   * The stream ended: an unterminated last line is read as a line and a pending event is
   * dispatched. (The spec discards it; servers that omit the final blank line are common enough
   * that keeping it is the robust choice.)
   */
  flush(): SseEvent[] {
    const events: SseEvent[] = [];
    if (this.partialLine.length > 0) {
      const line = this.partialLine;
      this.partialLine = '';
      this.processLine(line, events);
    }
    this.dispatch(events);
    this.skipLeadingLineFeed = false;
    return events;
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return; // comment (keep-alive)
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'event':
        this.eventType = value;
        break;
      case 'data':
        this.dataLines.push(value);
        break;
      case 'id':
        if (!value.includes('\u0000')) this.lastEventId = value;
        break;
      default:
        // `retry` and unknown fields carry nothing this client uses.
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    this.pendingChars = this.partialLine.length;
    const eventType = this.eventType;
    const dataLines = this.dataLines;
    this.eventType = '';
    this.dataLines = [];
    if (dataLines.length === 0) return; // the spec: an event without data is not dispatched
    events.push({
      event: eventType.length > 0 ? eventType : DEFAULT_EVENT_TYPE,
      data: dataLines.join('\n'),
      id: this.lastEventId,
    });
  }
}

function findLineEnd(text: string, from: number): number {
  for (let index = from; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 10 || code === 13) return index;
  }
  return -1;
}

/** Parses a whole stream at once (tests, fixtures). */
export function parseSseText(text: string): SseEvent[] {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.flush()];
}
