/**
 * The agent side of the fuzz run: a Responses API stand-in on 127.0.0.1 that answers every
 * POST /v1/responses with a short streamed assistant message (test/support's realistic event
 * sequence), however many handoffs the frame storm starts. It keeps counts, not bodies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assistantMessageEvents } from '../test/support/mock-responses-server';

export interface FuzzAgentServer {
  /** "http://127.0.0.1:PORT/v1" */
  readonly baseUrl: string;
  readonly requestCount: number;
  /** The largest request body seen: the agent's history is resent on every request. */
  readonly largestRequestBytes: number;
  readonly totalRequestBytes: number;
  close(): Promise<void>;
}

const RESPONSES_PATH = '/v1/responses';

export async function startFuzzAgentServer(): Promise<FuzzAgentServer> {
  let requestCount = 0;
  let largestRequestBytes = 0;
  let totalRequestBytes = 0;
  const sockets = new Set<Socket>();

  const server = createServer((request, response) => {
    answer(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let bytes = 0;
    for await (const chunk of request) bytes += (chunk as Buffer).length;
    if (request.method !== 'POST' || (request.url ?? '').split('?')[0] !== RESPONSES_PATH) {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `fuzz agent server: no route for ${request.method} ${request.url}` } }));
      return;
    }
    requestCount++;
    totalRequestBytes += bytes;
    largestRequestBytes = Math.max(largestRequestBytes, bytes);
    const number = requestCount;
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    for (const event of assistantMessageEvents(`resp_agent_${number}`, `msg_agent_${number}`, `Agent answer ${number}.`)) {
      response.write(`event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    response.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requestCount() {
      return requestCount;
    },
    get largestRequestBytes() {
      return largestRequestBytes;
    },
    get totalRequestBytes() {
      return totalRequestBytes;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
