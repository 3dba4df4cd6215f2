/**
 * A bare websocket server on 127.0.0.1, port 0, for the keepalive and frame-size tests: unlike the
 * realtime stand-ins it can be told not to answer pings (ws's autoPong: false, ws >= 8.16), and it
 * counts the pings it receives so a test can tell "kept alive by pongs" from "never pinged".
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface KeepaliveTestServerOptions {
  /** False: pings are received (and counted) but never answered, like a stalled peer. */
  answerPings: boolean;
  /** Runs for each accepted connection, e.g. to send frames or reset the socket. */
  onConnection?(socket: WebSocket, rawSocket: Socket): void;
}

export interface KeepaliveTestServer {
  readonly url: string;
  /** Pings received from clients so far. */
  readonly pingsReceived: number;
  /** Resolves with the first accepted connection's socket. */
  firstConnection(): Promise<WebSocket>;
  /** Terminates every socket and stops listening; idempotent. */
  close(): Promise<void>;
}

export async function startKeepaliveTestServer(options: KeepaliveTestServerOptions): Promise<KeepaliveTestServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: options.answerPings, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  let pingsReceived = 0;
  let closing: Promise<void> | undefined;
  let resolveFirst: (socket: WebSocket) => void = () => {};
  const first = new Promise<WebSocket>((resolve) => (resolveFirst = resolve));

  server.on('connection', (socket: WebSocket, request: IncomingMessage) => {
    socket.on('error', () => {}); // the client may vanish mid-send; the test reads the client's report
    socket.on('ping', () => pingsReceived++);
    resolveFirst(socket);
    options.onConnection?.(socket, request.socket as Socket);
  });

  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/v1/realtime`,
    get pingsReceived() {
      return pingsReceived;
    },
    firstConnection: () => first,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      });
      return closing;
    },
  };
}
