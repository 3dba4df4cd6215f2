/**
 * The benchmark's realtime server: HTTP + websocket on 127.0.0.1 (port 0), any path. Every
 * connection gets the same pre-built frames (see events-stream.ts), streamed as fast as the
 * client reads them, starting right after the client's first frame (its session.update), like the
 * real server, which only talks after the client has configured the session. Later client frames
 * (the Agents SDK sends a second session.update for tracing) are read and ignored. Once the last
 * frame is handed to the kernel, the server closes the socket with 1000: that is the end of the
 * stream for every client.
 *
 * Backpressure: frames go out while the socket's bufferedAmount (ws queue + the net.Socket
 * writable buffer) is under HIGH_WATER_BYTES; above it the sender waits for the send callback of
 * the last frame queued (it fires once that frame, and so every frame before it, is handed to the
 * kernel). So the server holds at most ~HIGH_WATER_BYTES + one frame per connection, whatever the
 * client's speed, and the client is never starved for long: the kernel socket buffers still hold
 * data while the server refills.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

const HIGH_WATER_BYTES = 1 << 20;
const NORMAL_CLOSURE = 1000;

export interface EventsServer {
  /** "127.0.0.1:PORT" */
  readonly host: string;
  readonly port: number;
  /** How many websocket connections were accepted so far. */
  connectionsServed(): number;
  close(): Promise<void>;
}

export interface StreamStats {
  readonly frames: number;
  readonly bytes: number;
  /** How often the sender paused for backpressure. */
  readonly pauses: number;
  /** Peak of ws.bufferedAmount observed after a send (bytes). */
  readonly peakBufferedBytes: number;
  /** First client frame to last frame handed to ws, ms. */
  readonly sendMs: number;
}

/**
 * `onClientStarted` runs, synchronously, when a connection's first client frame arrives and
 * before the stream starts: the moment that client's first frame is on the wire (bench:events
 * reads the client process's start CPU there).
 */
export async function startEventsServer(
  frames: readonly Buffer[],
  onStreamDone?: (stats: StreamStats) => void,
  onClientStarted?: () => void,
): Promise<EventsServer> {
  const http: Server = createServer((_request, response) => {
    response.writeHead(426, { 'content-type': 'text/plain' }).end('websocket only');
  });
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 16 << 20 });
  let served = 0;

  wss.on('connection', (socket: WebSocket) => {
    served++;
    let started = false;
    socket.on('error', () => {
      /* a client killed mid-stream; 'close' follows */
    });
    socket.on('message', () => {
      if (started) return;
      started = true;
      onClientStarted?.();
      void streamTo(socket, frames).then(
        (stats) => {
          onStreamDone?.(stats);
          if (socket.readyState === WebSocket.OPEN) socket.close(NORMAL_CLOSURE, 'bench stream over');
        },
        () => socket.terminate(),
      );
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  return {
    host: `127.0.0.1:${port}`,
    port,
    connectionsServed: () => served,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

async function streamTo(socket: WebSocket, frames: readonly Buffer[]): Promise<StreamStats> {
  const startedAt = performance.now();
  let bytes = 0;
  let pauses = 0;
  let peakBufferedBytes = 0;
  let sent = 0;
  while (sent < frames.length) {
    if (socket.readyState !== WebSocket.OPEN) throw new Error('client went away mid-stream');
    let lastSent: Promise<void> | undefined;
    while (sent < frames.length && socket.bufferedAmount < HIGH_WATER_BYTES) {
      const frame = frames[sent++]!;
      bytes += frame.length;
      const isLastInBurst = sent === frames.length || socket.bufferedAmount + frame.length >= HIGH_WATER_BYTES;
      if (isLastInBurst) {
        lastSent = new Promise<void>((resolve, reject) =>
          socket.send(frame, { binary: false }, (error) => (error ? reject(error) : resolve())),
        );
      } else {
        socket.send(frame, { binary: false });
      }
    }
    peakBufferedBytes = Math.max(peakBufferedBytes, socket.bufferedAmount);
    if (sent < frames.length) pauses++;
    // Wait until the burst is with the kernel (also for the very last frame, so stats are final).
    if (lastSent) await lastSent;
    else await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return { frames: sent, bytes, pauses, peakBufferedBytes, sendMs: performance.now() - startedAt };
}
