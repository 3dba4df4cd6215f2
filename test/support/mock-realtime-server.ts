/**
 * A scripted realtime websocket server for tests: real HTTP + websocket on 127.0.0.1, port 0.
 *
 * Scripted as connections → batches → events: the i-th accepted connection follows scripts[i],
 * and its batch i is sent right after the server receives the client's i-th text frame (frame 0
 * is the client's session.update). Because replies are driven by client frames, tests never race
 * the client's own startup. Every handshake and frame is recorded for assertions.
 *
 * On a v2 (GA) connection (handshake path /v1/realtime without `intent=quicksilver`) every client
 * text frame is also checked against ../shared/spec/realtime-ga.schema.json, as the live API
 * would, and each violation is recorded in `schemaViolations`. The mock still answers by script,
 * so tests assert the list is empty themselves.
 */
import { WebSocket, type RawData } from 'ws';
import {
  rawDataLength,
  rawDataToString,
  recordHandshake,
  startLoopbackWsServer,
  writeHttpResponse,
  type LoopbackWsServer,
  type RecordedHandshake,
} from './loopback-ws-server';
import { validateClientEvent } from './realtime-spec';

export type { RecordedHandshake } from './loopback-ws-server';

/** Object → JSON.stringify; string → sent raw (lets tests send malformed frames). */
export type ScriptedEvent = Record<string, unknown> | string;

export interface ConnectionScript {
  /** batches[i] is sent right after the server receives the client's i-th text frame (frame 0 is session.update). batches[0] goes after frame 0. */
  batches: ScriptedEvent[][];
  /**
   * Optional: when true, the server closes the socket (code 1000) after sending the last batch.
   * With no batches at all, the socket is closed right after it opens.
   */
  closeAfterLastBatch?: boolean;
  /** Optional: answer the HTTP upgrade with this status and body instead of accepting (e.g. 401). */
  rejectUpgrade?: { status: number; body?: string };
  /** Optional: delay in ms between events within a batch (default 0). */
  eventDelayMs?: number;
}

export interface RecordedConnection {
  handshake: RecordedHandshake;
  /** Every client text frame, JSON.parsed (the raw string is kept when it is not JSON). */
  frames: unknown[];
  /** performance.now() when each entry of `frames` arrived (for pacing checks). */
  frameTimes: number[];
  /** Every client frame as received; binary frames appear as "<binary N bytes>". */
  rawFrames: string[];
  closed: boolean;
  /** The close code the socket ended with (undefined while open, and for rejected upgrades). */
  closeCode?: number;
  closeReason?: string;
}

export interface MockRealtimeServer {
  /** "http://127.0.0.1:PORT" (base URL, no path), so dialect URL rules apply to it. */
  url: string;
  /** "ws://127.0.0.1:PORT" */
  wsUrl: string;
  /** In connection order, including rejected handshakes (their frames stay empty). */
  connections: RecordedConnection[];
  /**
   * Schema violations of client frames on v2 connections, as `connection <i> frame <j>: <event
   * type> <path>: <message>`, in arrival order. v1 frames are not checked (the spec is GA only).
   */
  schemaViolations: string[];
  /** Resolves when connection #index has received at least `count` frames (rejects after timeoutMs, default 5000, with a message listing what was received). */
  waitForFrames(connectionIndex: number, count: number, timeoutMs?: number): Promise<unknown[]>;
  /** Resolves when a frame matching predicate arrives on that connection (or already has). */
  waitForFrame(connectionIndex: number, predicate: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  waitForClose(connectionIndex: number, timeoutMs?: number): Promise<void>;
  /** Push more events to an open connection at any time (outside the batch script); queued after any batch still being sent. */
  send(connectionIndex: number, events: ScriptedEvent[]): void;
  /** Server-initiated close of one connection; queued after any events still being sent. */
  closeConnection(connectionIndex: number, code?: number, reason?: string): void;
  /** Terminates all sockets and stops listening; idempotent. */
  close(): Promise<void>;
}

const DEFAULT_WAIT_TIMEOUT_MS = 5_000;
const NORMAL_CLOSURE = 1000;
const LOG_PREFIX = 'mock realtime server';
const V2_REALTIME_PATH = '/v1/realtime';
const V1_INTENT = 'quicksilver';

/** Server-side state of one accepted connection; the recorded part is shared with tests. */
interface LiveConnection {
  record: RecordedConnection;
  script: ConnectionScript;
  socket: WebSocket;
  /** Serialises batches, pushes and closes so events leave in script order even with delays. */
  enqueue(task: () => Promise<void> | void): void;
}

export async function startMockRealtimeServer(scripts: ConnectionScript[]): Promise<MockRealtimeServer> {
  const connections: RecordedConnection[] = [];
  const schemaViolations: string[] = [];
  const live = new Map<number, LiveConnection>();

  const server: LoopbackWsServer = await startLoopbackWsServer({
    logPrefix: LOG_PREFIX,
    onUpgrade(request, socket, acceptUpgrade) {
      const index = connections.length;
      const script = scripts[index] ?? { batches: [] };
      const record: RecordedConnection = { handshake: recordHandshake(request), frames: [], frameTimes: [], rawFrames: [], closed: false };
      connections.push(record);

      if (script.rejectUpgrade) {
        writeHttpResponse(socket, script.rejectUpgrade.status, 'text/plain', script.rejectUpgrade.body ?? '');
        record.closed = true;
        notifyWaiters();
        return;
      }
      notifyWaiters();
      acceptUpgrade((ws) => accept(index, record, script, ws));
    },
  });

  /** Any recorded change (connection, frame, close) re-checks every pending wait. */
  function notifyWaiters(): void {
    server.notifyWaiters();
  }

  function accept(index: number, record: RecordedConnection, script: ConnectionScript, socket: WebSocket): void {
    const connection: LiveConnection = { record, script, socket, enqueue: createSerialQueue() };
    const checksSchema = isV2Handshake(record.handshake);
    live.set(index, connection);

    socket.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        record.rawFrames.push(`<binary ${rawDataLength(data)} bytes>`);
        notifyWaiters();
        return; // only text frames advance the script, as the protocol only uses text frames
      }
      const text = rawDataToString(data);
      record.rawFrames.push(text);
      record.frames.push(parseFrame(text));
      record.frameTimes.push(performance.now());
      const frameIndex = record.frames.length - 1;
      if (checksSchema) {
        for (const violation of schemaViolationsOf(record.frames[frameIndex])) schemaViolations.push(`connection ${index} frame ${frameIndex}: ${violation}`);
      }
      notifyWaiters();
      scheduleBatch(connection, frameIndex);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      record.closed = true;
      record.closeCode = code;
      record.closeReason = reason.toString('utf8');
      notifyWaiters();
    });
    // A client that vanishes mid-frame surfaces here; recording the close is enough.
    socket.on('error', () => {});

    if (script.batches.length === 0 && script.closeAfterLastBatch) {
      connection.enqueue(() => closeSocket(socket, NORMAL_CLOSURE, ''));
    }
  }

  function scheduleBatch(connection: LiveConnection, frameIndex: number): void {
    const { batches, closeAfterLastBatch } = connection.script;
    const batch = batches[frameIndex];
    if (!batch) return;
    connection.enqueue(() => sendEvents(connection.socket, batch, connection.script.eventDelayMs ?? 0));
    if (closeAfterLastBatch && frameIndex === batches.length - 1) {
      connection.enqueue(() => closeSocket(connection.socket, NORMAL_CLOSURE, ''));
    }
  }

  function liveConnection(connectionIndex: number): LiveConnection {
    const connection = live.get(connectionIndex);
    if (connection) return connection;
    const state = connections[connectionIndex]
      ? 'was rejected at the upgrade or has not finished its handshake'
      : `does not exist (${connections.length} so far)`;
    throw new Error(`${LOG_PREFIX}: connection ${connectionIndex} ${state}`);
  }

  function framesOf(connectionIndex: number): unknown[] {
    return connections[connectionIndex]?.frames ?? [];
  }

  const { port, waitFor } = server;

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}`,
    connections,
    schemaViolations,

    waitForFrames(connectionIndex, count, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => (framesOf(connectionIndex).length >= count ? framesOf(connectionIndex).slice() : undefined),
        () => `connection ${connectionIndex} received ${framesOf(connectionIndex).length} of ${count} frames ${describeFrames(connections[connectionIndex])}`,
        timeoutMs,
      );
    },

    waitForFrame(connectionIndex, predicate, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      // Wrapped in a box so a matching frame that is itself falsy still counts as found.
      return waitFor(
        () => {
          const frames = framesOf(connectionIndex);
          const index = frames.findIndex((frame) => predicate(frame));
          return index === -1 ? undefined : { frame: frames[index] };
        },
        () => `no frame on connection ${connectionIndex} matched the predicate ${describeFrames(connections[connectionIndex])}`,
        timeoutMs,
      ).then((found) => found.frame);
    },

    waitForConnections(count, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => (connections.length >= count ? true : undefined),
        () => `saw ${connections.length} of ${count} connections`,
        timeoutMs,
      ).then(() => undefined);
    },

    waitForClose(connectionIndex, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS) {
      return waitFor(
        () => (connections[connectionIndex]?.closed ? true : undefined),
        () =>
          connections[connectionIndex]
            ? `connection ${connectionIndex} did not close`
            : `connection ${connectionIndex} never opened (${connections.length} so far)`,
        timeoutMs,
      ).then(() => undefined);
    },

    send(connectionIndex, events) {
      const connection = liveConnection(connectionIndex);
      connection.enqueue(() => sendEvents(connection.socket, events, connection.script.eventDelayMs ?? 0));
    },

    closeConnection(connectionIndex, code = NORMAL_CLOSURE, reason = '') {
      const connection = liveConnection(connectionIndex);
      connection.enqueue(() => closeSocket(connection.socket, code, reason));
    },

    close: () => server.close(),
  };
}

/** A valid base64 PCM16 (little-endian) mono chunk of `samples` samples (a quiet sine), for audio deltas. */
export function pcm16Base64(samples: number, frequencyHz = 440, sampleRate = 24_000): string {
  // Quiet (about -20 dBFS) so nothing downstream clips or mistakes it for a barge-in level signal.
  const amplitude = Math.round(0.1 * 0x7fff);
  const buffer = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) {
    const value = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * index) / sampleRate));
    buffer.writeInt16LE(value, index * 2);
  }
  return buffer.toString('base64');
}

function createSerialQueue(): (task: () => Promise<void> | void) => void {
  let tail: Promise<void> = Promise.resolve();
  return (task) => {
    // A failed task must not wedge the queue for everything scripted after it.
    tail = tail.then(task).catch(() => {});
  };
}

async function sendEvents(socket: WebSocket, events: ScriptedEvent[], delayMs: number): Promise<void> {
  for (let index = 0; index < events.length; index++) {
    if (index > 0 && delayMs > 0) await sleep(delayMs);
    // The client may hang up mid-batch; the rest of the batch is simply not delivered.
    if (socket.readyState !== WebSocket.OPEN) return;
    const event = events[index]!;
    socket.send(typeof event === 'string' ? event : JSON.stringify(event));
  }
}

function closeSocket(socket: WebSocket, code: number, reason: string): void {
  if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.close(code, reason);
}

/** The v2 dialect's handshake: the GA path, without v1's `intent=quicksilver` query. */
function isV2Handshake(handshake: RecordedHandshake): boolean {
  return handshake.path.replace(/\/+$/, '') === V2_REALTIME_PATH && handshake.query['intent'] !== V1_INTENT;
}

/** A missing spec file must fail the test that needs it, not the socket's message handler. */
function schemaViolationsOf(frame: unknown): string[] {
  try {
    return validateClientEvent(frame);
  } catch (error) {
    return [`could not validate: ${error instanceof Error ? error.message : String(error)}`];
  }
}

function parseFrame(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Frame types (or short raw text) so a timeout says what did arrive, not just how many. */
function describeFrames(record: RecordedConnection | undefined): string {
  if (!record) return '(connection not opened yet)';
  if (record.rawFrames.length === 0) return '(received nothing)';
  const summaries = record.rawFrames.map((raw) => {
    const parsed = parseFrame(raw);
    if (parsed && typeof parsed === 'object' && typeof (parsed as { type?: unknown }).type === 'string') {
      return (parsed as { type: string }).type;
    }
    return raw.length > 60 ? `${JSON.stringify(raw.slice(0, 60))}…` : JSON.stringify(raw);
  });
  return `(received: ${summaries.join(', ')})`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
