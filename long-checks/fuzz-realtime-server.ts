/**
 * The realtime side of the fuzz run: a loopback websocket server (test/support/loopback-ws-server)
 * that opens a session in either dialect like the real service, then sends whatever frames it is
 * given, text or binary, untouched. `drain()` is a websocket ping: the client answers it only after
 * it has handled every frame before it, so batches cannot pile up in a socket buffer.
 */
import type { WebSocket } from 'ws';
import type { Dialect } from '../src-main/core/protocol/session-config';
import { rawDataToString, startLoopbackWsServer, type LoopbackWsServer } from '../test/support/loopback-ws-server';
import { sessionCreated, sessionUpdated } from '../test/support/v2-server-events';
import type { FuzzFrame } from './frame-mutator';

const LOG_PREFIX = 'fuzz realtime server';
const RECENT_CLIENT_FRAMES = 50;

export interface FuzzRealtimeServer {
  /** "http://127.0.0.1:PORT": Parley adds the dialect's realtime path. */
  readonly url: string;
  /** Websocket connections accepted so far; more than one means the client reconnected. */
  readonly connectionCount: number;
  /** Whether the latest connection closed, and with which code. */
  readonly closedWith: number | undefined;
  readonly clientFrameCount: number;
  /** The last few client frames (parsed JSON, or the text), for failure messages. */
  readonly recentClientFrames: readonly unknown[];
  waitForConnection(timeoutMs: number): Promise<void>;
  /** Resolves with the first client frame from now on (or already recorded) that matches. */
  waitForClientFrame(predicate: (frame: unknown) => boolean, timeoutMs: number): Promise<unknown>;
  /** Sends one frame; answers the bytes it put on the wire (payload only). */
  send(frame: FuzzFrame): number;
  sendJson(event: Record<string, unknown>): void;
  /** A ping/pong round trip on the latest connection; rejects when no pong comes in time. */
  drain(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFuzzRealtimeServer(dialect: Dialect): Promise<FuzzRealtimeServer> {
  let socket: WebSocket | undefined;
  let connectionCount = 0;
  let closedWith: number | undefined;
  let clientFrameCount = 0;
  const recent: unknown[] = [];
  const matchers = new Set<(frame: unknown) => void>();

  const server: LoopbackWsServer = await startLoopbackWsServer({
    logPrefix: LOG_PREFIX,
    onUpgrade(_request, _socket, accept) {
      accept((ws) => {
        socket = ws;
        connectionCount++;
        closedWith = undefined;
        ws.on('message', (data, isBinary) => onClientFrame(ws, isBinary ? '(binary)' : rawDataToString(data)));
        ws.on('close', (code) => {
          closedWith = code;
          server.notifyWaiters();
        });
        ws.on('error', () => {}); // reported by 'close'
        // The live API opens with its defaults; v1 opens silently.
        if (dialect === 'v2') ws.send(JSON.stringify(sessionCreated('sess_fuzz')));
        server.notifyWaiters();
      });
    },
  });

  function onClientFrame(ws: WebSocket, text: string): void {
    clientFrameCount++;
    let frame: unknown = text;
    try {
      frame = JSON.parse(text);
    } catch {
      // kept as text
    }
    recent.push(summarise(frame));
    if (recent.length > RECENT_CLIENT_FRAMES) recent.shift();
    const type = typeof frame === 'object' && frame !== null ? (frame as Record<string, unknown>)['type'] : undefined;
    if (type === 'session.update' && dialect === 'v2') ws.send(JSON.stringify(sessionUpdated('sess_fuzz')));
    for (const matcher of [...matchers]) matcher(frame);
  }

  function current(): WebSocket {
    if (!socket) throw new Error(`${LOG_PREFIX}: no client has connected`);
    return socket;
  }

  return {
    url: `http://127.0.0.1:${server.port}`,
    get connectionCount() {
      return connectionCount;
    },
    get closedWith() {
      return closedWith;
    },
    get clientFrameCount() {
      return clientFrameCount;
    },
    recentClientFrames: recent,
    waitForConnection(timeoutMs) {
      return server.waitFor(() => (socket ? true : undefined), () => 'no client connected', timeoutMs).then(() => undefined);
    },
    waitForClientFrame(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          matchers.delete(matcher);
          reject(new Error(`${LOG_PREFIX}: no matching client frame within ${timeoutMs} ms; last client frames: ${JSON.stringify(recent.slice(-5))}`));
        }, timeoutMs);
        const matcher = (frame: unknown): void => {
          if (!predicate(frame)) return;
          clearTimeout(timer);
          matchers.delete(matcher);
          resolve(frame);
        };
        matchers.add(matcher);
      });
    },
    send(frame) {
      const ws = current();
      if (frame.kind === 'text') {
        ws.send(frame.text);
        return Buffer.byteLength(frame.text);
      }
      ws.send(frame.bytes, { binary: true });
      return frame.bytes.length;
    },
    sendJson(event) {
      current().send(JSON.stringify(event));
    },
    drain(timeoutMs) {
      const ws = current();
      return new Promise((resolve, reject) => {
        const onPong = (): void => {
          clearTimeout(timer);
          ws.off('close', onClose);
          resolve();
        };
        const onClose = (code: number): void => {
          clearTimeout(timer);
          ws.off('pong', onPong);
          reject(new Error(`${LOG_PREFIX}: the client closed the connection (code ${code}) instead of answering the drain ping`));
        };
        const timer = setTimeout(() => {
          ws.off('pong', onPong);
          ws.off('close', onClose);
          reject(new Error(`${LOG_PREFIX}: the client did not answer the drain ping within ${timeoutMs} ms`));
        }, timeoutMs);
        ws.once('pong', onPong);
        ws.once('close', onClose);
        ws.ping();
      });
    },
    close: () => server.close(),
  };
}

/** Client frames can carry long agent answers; a failure message needs only their start. */
function summarise(frame: unknown): unknown {
  const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
  return text.length > 300 ? `${text.slice(0, 300)}…` : frame;
}
