/**
 * A Responses API provider for retry tests: real HTTP on 127.0.0.1, port 0. Each request gets the
 * next scripted reply (status, headers, body), so tests can set `retry-after` and friends.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assistantMessageEvents } from '../../support/mock-responses-server';

export type ProviderReply =
  | { readonly kind: 'error'; readonly status: number; readonly headers?: Record<string, string>; readonly body: string }
  | { readonly kind: 'answer'; readonly text: string }
  /** Headers and one event, then the socket is destroyed: the stream had begun. */
  | { readonly kind: 'drop_after_first_event' };

export interface ScriptedProvider {
  readonly baseUrl: string;
  /** Parsed JSON bodies of the requests received, in order. */
  readonly bodies: any[];
  /** When each request arrived (Date.now()). */
  readonly arrivals: number[];
  close(): Promise<void>;
}

export async function startScriptedProvider(replies: ProviderReply[]): Promise<ScriptedProvider> {
  const script = replies.slice();
  const bodies: any[] = [];
  const arrivals: number[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrivals.push(Date.now());
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const reply = script.shift();
      if (!reply) {
        response.writeHead(418, { 'Content-Type': 'text/plain' }).end(`no scripted reply for request ${bodies.length}`);
        return;
      }
      answer(reply, response);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    bodies,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function answer(reply: ProviderReply, response: ServerResponse): void {
  switch (reply.kind) {
    case 'error':
      response.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers }).end(reply.body);
      return;
    case 'answer': {
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      for (const event of assistantMessageEvents('resp', 'msg', reply.text)) {
        response.write(`event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`);
      }
      response.end();
      return;
    }
    case 'drop_after_first_event':
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      response.write(`event: response.created\ndata: ${JSON.stringify({ type: 'response.created', response: { id: 'r', output: [] } })}\n\n`);
      setTimeout(() => response.socket?.destroy(), 20);
      return;
  }
}
