/**
 * A scripted OpenAI Responses API server for tests: real HTTP on 127.0.0.1, port 0.
 * Each POST /v1/responses consumes the next scripted reply, in order, and is recorded.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type ScriptedReply =
  | {
      kind: 'sse';
      events: Array<Record<string, unknown>>;
      /** Hold the stream open after the first event until this resolves. */
      gate?: Promise<void>;
      delayMsBetweenEvents?: number;
    }
  | { kind: 'http_error'; status: number; body: unknown }
  /** Accept the request and never answer (for timeouts). */
  | { kind: 'hang' }
  /** Send the headers, then destroy the socket mid-stream. */
  | { kind: 'drop' };

export interface RecordedAgentRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface MockResponsesServer {
  /** "http://127.0.0.1:PORT/v1" */
  baseUrl: string;
  requests: RecordedAgentRequest[];
  waitForRequests(count: number, timeoutMs?: number): Promise<RecordedAgentRequest[]>;
  close(): Promise<void>;
}

const RESPONSES_PATH = '/v1/responses';
const DEFAULT_WAIT_TIMEOUT_MS = 5_000;

export async function startMockResponsesServer(replies: ScriptedReply[]): Promise<MockResponsesServer> {
  const script = replies.slice();
  const requests: RecordedAgentRequest[] = [];
  const sockets = new Set<Socket>();
  const requestWaiters = new Set<() => void>();
  let closed = false;

  const server = createServer((request, response) => {
    void handle(request, response).catch(() => {
      if (!response.destroyed) response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (request.method !== 'POST' || path !== RESPONSES_PATH) {
      sendJson(response, 404, { error: { message: `mock responses server: no route for ${request.method} ${path}` } });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
    requests.push({ path, headers: { ...request.headers }, body });
    for (const wake of [...requestWaiters]) wake();

    const reply = script.shift();
    if (!reply) {
      sendJson(response, 500, {
        error: { message: `mock responses server: request ${requests.length} is beyond the ${replies.length} scripted replies` },
      });
      return;
    }
    switch (reply.kind) {
      case 'http_error':
        sendJson(response, reply.status, reply.body);
        return;
      case 'hang':
        return; // close() destroys the socket
      case 'drop':
        response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
        response.flushHeaders();
        response.write(sseFrame({ type: 'response.created', response: { id: 'resp_dropped', status: 'in_progress', output: [] } }));
        setTimeout(() => request.socket.destroy(), 20);
        return;
      case 'sse':
        await streamEvents(response, reply);
        return;
    }
  }

  async function streamEvents(response: ServerResponse, reply: Extract<ScriptedReply, { kind: 'sse' }>): Promise<void> {
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    response.flushHeaders();
    for (let index = 0; index < reply.events.length; index++) {
      if (response.destroyed || closed) return;
      if (index > 0 && reply.delayMsBetweenEvents) await sleep(reply.delayMsBetweenEvents);
      if (response.destroyed || closed) return;
      response.write(sseFrame(reply.events[index]!));
      if (index === 0 && reply.gate) {
        await Promise.race([reply.gate, onceClosed(response)]);
      }
    }
    if (!response.destroyed) response.end();
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
    requests,
    waitForRequests(count: number, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<RecordedAgentRequest[]> {
      return new Promise((resolve, reject) => {
        if (requests.length >= count) {
          resolve(requests.slice());
          return;
        }
        const timer = setTimeout(() => {
          requestWaiters.delete(check);
          reject(new Error(`mock responses server: waited ${timeoutMs} ms for ${count} requests, got ${requests.length}`));
        }, timeoutMs);
        const check = (): void => {
          if (requests.length < count) return;
          clearTimeout(timer);
          requestWaiters.delete(check);
          resolve(requests.slice());
        };
        requestWaiters.add(check);
      });
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await serverClosed;
    },
  };
}

function sseFrame(event: Record<string, unknown>): string {
  const type = typeof event['type'] === 'string' ? event['type'] : 'message';
  return `event: ${type}\ndata: ${JSON.stringify(event)}\n\n`;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/plain' : 'application/json' });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function onceClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    if (response.destroyed) resolve();
    else response.once('close', () => resolve());
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A realistic stream for one assistant message: response.created, output_item.added, one
 * output_text.delta per piece (default: the whole text), output_text.done, output_item.done,
 * response.completed.
 */
export function assistantMessageEvents(
  responseId: string,
  messageId: string,
  text: string,
  options?: { deltas?: string[] },
): Array<Record<string, unknown>> {
  const deltas = options?.deltas ?? [text];
  const model = 'gpt-5-mini';
  const completedItem = {
    id: messageId,
    type: 'message',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [] }],
  };
  let sequence = 0;
  const events: Array<Record<string, unknown>> = [
    {
      type: 'response.created',
      sequence_number: sequence++,
      response: { id: responseId, object: 'response', status: 'in_progress', model, output: [] },
    },
    {
      type: 'response.output_item.added',
      sequence_number: sequence++,
      output_index: 0,
      item: { id: messageId, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
    },
  ];
  for (const delta of deltas) {
    events.push({
      type: 'response.output_text.delta',
      sequence_number: sequence++,
      item_id: messageId,
      output_index: 0,
      content_index: 0,
      delta,
    });
  }
  events.push(
    {
      type: 'response.output_text.done',
      sequence_number: sequence++,
      item_id: messageId,
      output_index: 0,
      content_index: 0,
      text,
    },
    { type: 'response.output_item.done', sequence_number: sequence++, output_index: 0, item: completedItem },
    {
      type: 'response.completed',
      sequence_number: sequence++,
      response: { id: responseId, object: 'response', status: 'completed', model, output: [completedItem] },
    },
  );
  return events;
}

/** Every input_text string of the role-'user' items in a recorded request, in order. */
export function userInputTexts(request: RecordedAgentRequest): string[] {
  const input: unknown = request.body?.input;
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input)) return [];
  const texts: string[] = [];
  for (const item of input) {
    if (typeof item !== 'object' || item === null || (item as { role?: unknown }).role !== 'user') continue;
    const content = (item as { content?: unknown }).content;
    if (typeof content === 'string') {
      texts.push(content);
      continue;
    }
    if (!Array.isArray(content)) continue;
    for (const part of content) {
      if (part && typeof part === 'object' && part.type === 'input_text' && typeof part.text === 'string') texts.push(part.text);
    }
  }
  return texts;
}
