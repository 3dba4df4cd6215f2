/**
 * The agent side of the long checks: a Responses API stand-in on 127.0.0.1 that answers every
 * POST /v1/responses, after an optional delay (an agent thinking), with a short streamed assistant
 * message (test/support's realistic event sequence), however many requests come. It keeps counts,
 * not bodies: the checks measure the client's memory, and the agent's history is resent on every
 * request.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assistantMessageEvents } from '../test/support/mock-responses-server';

export interface SseAgentStandInSettings {
  /** Names the stand-in in its 404 answer ("fuzz agent server"). */
  readonly name: string;
  /** The text of the answer to the `number`th request (counted from 1). */
  answerText(number: number): string;
  /** How long the agent "thinks" before it answers; none when absent. */
  readonly answerDelayMs?: number;
}

export interface SseAgentStandIn {
  /** "http://127.0.0.1:PORT/v1" */
  readonly baseUrl: string;
  readonly requestCount: number;
  readonly answersSent: number;
  /** The largest request body seen: the agent's history is resent on every request. */
  readonly largestRequestBytes: number;
  readonly totalRequestBytes: number;
  close(): Promise<void>;
}

const RESPONSES_PATH = '/v1/responses';

export async function startSseAgentStandIn(settings: SseAgentStandInSettings): Promise<SseAgentStandIn> {
  let requestCount = 0;
  let answersSent = 0;
  let largestRequestBytes = 0;
  let totalRequestBytes = 0;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

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
      response.end(JSON.stringify({ error: { message: `${settings.name}: no route for ${request.method} ${request.url}` } }));
      return;
    }
    const number = ++requestCount;
    totalRequestBytes += bytes;
    largestRequestBytes = Math.max(largestRequestBytes, bytes);
    if (settings.answerDelayMs !== undefined) await think(settings.answerDelayMs);
    if (response.destroyed) return;
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    for (const event of assistantMessageEvents(`resp_agent_${number}`, `msg_agent_${number}`, settings.answerText(number))) {
      response.write(`event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    response.end();
    answersSent++;
  }

  /** A delay that close() cancels, so a stopped stand-in leaves no timer behind. */
  function think(delayMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, delayMs);
      timers.add(timer);
    });
  }

  // once() rejects when 'error' comes first (the port could not be bound).
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get requestCount() {
      return requestCount;
    },
    get answersSent() {
      return answersSent;
    },
    get largestRequestBytes() {
      return largestRequestBytes;
    },
    get totalRequestBytes() {
      return totalRequestBytes;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
