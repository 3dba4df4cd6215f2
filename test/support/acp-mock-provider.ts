/**
 * A mock Responses API model provider for the real codex-acp agent: real HTTP on 127.0.0.1, port 0.
 * Each POST …/responses is answered by the script in order: a streamed assistant message, a
 * stream held open (response.created only) until the client goes away or release() is called, for
 * cancel tests, or a call of Codex's `exec_command` tool asking to run outside the sandbox
 * (`sandbox_permissions: "require_escalated"`), which makes Codex ask for permission. Every request is recorded, other paths too (Codex may probe for models), and
 * unscripted routes get a 404 naming them.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assistantMessageEvents } from './mock-responses-server';

export type AcpMockReply =
  | { readonly kind: 'message'; readonly text: string; readonly deltas?: readonly string[] }
  /** Sends response.created and holds the stream open until the client closes it or release(). */
  | { readonly kind: 'hold' }
  | { readonly kind: 'exec'; readonly command: string; readonly justification: string };

export interface AcpMockRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface AcpMockProvider {
  /** "http://127.0.0.1:PORT/v1" */
  readonly baseUrl: string;
  /** Every request received, any path. */
  readonly requests: readonly AcpMockRequest[];
  /** The POST …/responses requests only. */
  responseRequests(): AcpMockRequest[];
  /** Resolves once `count` responses requests have arrived; rejects after timeoutMs. */
  waitForResponseRequests(count: number, timeoutMs?: number): Promise<AcpMockRequest[]>;
  /** Number of held streams the client closed (a cancel reached the model call). */
  readonly heldStreamsClosedByClient: number;
  /** Ends every held stream with a short message. */
  release(text?: string): void;
  close(): Promise<void>;
}

/** Codex sends a config override `-c model_providers.<id>.…`; tests use this id. */
export const ACP_MOCK_PROVIDER_ID = 'parley_mock';
const DEFAULT_WAIT_MS = 20_000;

/** The `-c key=value` overrides that point codex(-acp) at this provider, offline and quiet. */
export function codexOverridesFor(provider: AcpMockProvider): string[] {
  const base = `model_providers.${ACP_MOCK_PROVIDER_ID}`;
  return [
    `model_provider="${ACP_MOCK_PROVIDER_ID}"`,
    `model="gpt-5.4-mini"`,
    `${base}.name="Parley mock"`,
    `${base}.base_url="${provider.baseUrl}"`,
    `${base}.wire_api="responses"`,
    `${base}.env_key="PARLEY_MOCK_API_KEY"`,
    `${base}.request_max_retries=0`,
    `${base}.stream_max_retries=0`,
    `check_for_update_on_startup=false`,
    `analytics.enabled=false`,
  ];
}

export async function startAcpMockProvider(script: readonly AcpMockReply[]): Promise<AcpMockProvider> {
  const replies = script.slice();
  const requests: AcpMockRequest[] = [];
  const sockets = new Set<Socket>();
  const held = new Set<{ response: ServerResponse; number: number }>();
  const waiters = new Set<() => void>();
  let responseNumber = 0;
  let heldClosedByClient = 0;
  let closed = false;

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown = raw;
    try {
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      // kept as text
    }
    const path = (request.url ?? '').split('?')[0] ?? '';
    requests.push({ method: request.method ?? '', path, body });
    for (const wake of [...waiters]) wake();

    if (request.method !== 'POST' || !path.endsWith('/responses')) {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `acp mock provider: no route for ${request.method} ${path}` } }));
      return;
    }
    const number = ++responseNumber;
    const reply = replies.shift();
    if (!reply) {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `acp mock provider: request ${number} is beyond the script` } }));
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    if (reply.kind === 'exec') {
      for (const event of execCallEvents(number, reply.command, reply.justification)) response.write(frame(event));
      response.end();
      return;
    }
    const events = assistantMessageEvents(`resp_mock_${number}`, `msg_mock_${number}`, reply.kind === 'message' ? reply.text : '', {
      deltas: reply.kind === 'message' && reply.deltas ? [...reply.deltas] : undefined,
    });
    if (reply.kind === 'hold') {
      response.write(frame(events[0]!));
      const entry = { response, number };
      held.add(entry);
      response.once('close', () => {
        if (held.delete(entry) && !closed) heldClosedByClient++;
      });
      return;
    }
    for (const event of events) response.write(frame(event));
    response.end();
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/v1`;

  const responseRequests = (): AcpMockRequest[] => requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));

  return {
    baseUrl,
    requests,
    responseRequests,
    get heldStreamsClosedByClient() {
      return heldClosedByClient;
    },
    waitForResponseRequests(count, timeoutMs = DEFAULT_WAIT_MS) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = responseRequests();
          if (found.length < count) return false;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found);
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`acp mock provider: waited ${timeoutMs} ms for ${count} responses requests, got ${responseRequests().length}`));
        }, timeoutMs);
        if (!check()) waiters.add(wake);
      });
    },
    release(text = 'released') {
      for (const entry of [...held]) {
        held.delete(entry);
        const events = assistantMessageEvents(`resp_mock_${entry.number}`, `msg_mock_${entry.number}`, text);
        for (const event of events.slice(1)) entry.response.write(frame(event));
        entry.response.end();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await serverClosed;
    },
  };
}

function execCallEvents(number: number, command: string, justification: string): Array<Record<string, unknown>> {
  const call = {
    id: `fc_mock_${number}`,
    type: 'function_call',
    status: 'completed',
    call_id: `call_mock_${number}`,
    name: 'exec_command',
    arguments: JSON.stringify({ cmd: command, sandbox_permissions: 'require_escalated', justification }),
  };
  // Codex reads token usage from response.completed.
  const usage = { input_tokens: 10, output_tokens: 5, total_tokens: 15 };
  return [
    { type: 'response.created', response: { id: `resp_mock_${number}`, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { ...call, status: 'in_progress', arguments: '' } },
    { type: 'response.output_item.done', output_index: 0, item: call },
    { type: 'response.completed', response: { id: `resp_mock_${number}`, status: 'completed', output: [call], usage } },
  ];
}

function frame(event: Record<string, unknown>): string {
  return `event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`;
}
