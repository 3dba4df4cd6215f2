/**
 * The plumbing both realtime stand-ins share: a real HTTP server on 127.0.0.1, port 0, that hands
 * websocket upgrades to its owner, wakes pending waits when the owner records a change, and shuts
 * every socket down at once. What a connection means (scripts, rules, recording) stays with the
 * owner (mock-realtime-server.ts, ga-realtime-server.ts).
 */
import { createServer, STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

export interface RecordedHandshake {
  /** The request target as sent: path plus query, e.g. "/v1/realtime?intent=quicksilver". */
  url: string;
  path: string;
  query: Record<string, string>;
  /** Node's lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
}

export interface LoopbackWsServerOptions {
  /** Starts every timeout message and the answer to plain HTTP, so a failure names its server. */
  logPrefix: string;
  /**
   * An upgrade request that arrived while the server is open. Call `accept` to finish the websocket
   * handshake, or refuse by writing a response to `socket` (see writeHttpResponse).
   */
  onUpgrade(request: IncomingMessage, socket: Duplex, accept: (onOpen: (socket: WebSocket) => void) => void): void;
}

export interface LoopbackWsServer {
  readonly port: number;
  /** Re-checks every pending `waitFor`; the owner calls it after any recorded change. */
  notifyWaiters(): void;
  /** Resolves with the first defined result of `check`, re-run on each notify; rejects after timeoutMs. */
  waitFor<T>(check: () => T | undefined, describeFailure: () => string, timeoutMs: number): Promise<T>;
  /** Terminates all sockets and stops listening; idempotent. */
  close(): Promise<void>;
}

export async function startLoopbackWsServer(options: LoopbackWsServerOptions): Promise<LoopbackWsServer> {
  const { logPrefix } = options;
  const rawSockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  let closePromise: Promise<void> | undefined;

  const httpServer = createServer((request, response) => answerPlainHttp(logPrefix, request, response));
  const wss = new WebSocketServer({ noServer: true });

  httpServer.on('connection', (socket) => {
    rawSockets.add(socket);
    socket.on('close', () => rawSockets.delete(socket));
  });

  httpServer.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Late upgrades after close() must not resurrect the server.
    if (closePromise) {
      socket.destroy();
      return;
    }
    options.onUpgrade(request, socket, (onOpen) => wss.handleUpgrade(request, socket, head, onOpen));
  });

  function waitFor<T>(check: () => T | undefined, describeFailure: () => string, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const immediate = check();
      if (immediate !== undefined) {
        resolve(immediate);
        return;
      }
      const wake = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          // A throwing predicate is a test bug; surface it instead of hanging until the timeout.
          finish();
          reject(error);
          return;
        }
        if (value === undefined) return;
        finish();
        resolve(value);
      };
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`${logPrefix}: ${describeFailure()} within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      waiters.add(wake);
    });
  }

  await listen(httpServer);
  const { port } = httpServer.address() as AddressInfo;

  return {
    port,
    notifyWaiters() {
      for (const wake of [...waiters]) wake();
    },
    waitFor,
    close() {
      closePromise ??= shutDown(httpServer, wss, rawSockets);
      return closePromise;
    },
  };
}

export function recordHandshake(request: IncomingMessage): RecordedHandshake {
  const url = request.url ?? '/';
  const parsed = new URL(url, 'http://127.0.0.1');
  return { url, path: parsed.pathname, query: Object.fromEntries(parsed.searchParams.entries()), headers: { ...request.headers } };
}

/** Refuses an upgrade with a status and body: ws has no public "reject with body" call, so it is written by hand. */
export function writeHttpResponse(socket: Duplex, status: number, contentType: string, body: string): void {
  const bodyBytes = Buffer.from(body, 'utf8');
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n` +
    `Content-Type: ${contentType}\r\n` +
    `Content-Length: ${bodyBytes.length}\r\n` +
    'Connection: close\r\n' +
    '\r\n';
  socket.on('error', () => {}); // the client may already be gone; nothing to report
  socket.write(head);
  // end() flushes before closing (destroy() alone could drop the body).
  socket.end(bodyBytes, () => socket.destroy());
}

export function rawDataToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

export function rawDataLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((total, chunk) => total + chunk.length, 0);
  return data.byteLength;
}

/** Plain HTTP (no upgrade) is never what a realtime client should send; say so clearly. */
function answerPlainHttp(logPrefix: string, _request: IncomingMessage, response: ServerResponse): void {
  response.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close' });
  response.end(`${logPrefix}: websocket upgrade required`);
}

async function shutDown(httpServer: ReturnType<typeof createServer>, wss: WebSocketServer, rawSockets: Set<Socket>): Promise<void> {
  const serverClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  // terminate() rather than close(): tests want sockets gone now, not after a close handshake.
  for (const client of wss.clients) client.terminate();
  // Covers half-done handshakes and plain HTTP keep-alive sockets that server.close() would wait on.
  for (const socket of rawSockets) socket.destroy();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  await serverClosed;
}

function listen(server: ReturnType<typeof createServer>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
