/**
 * A model provider for the real Codex binary: the Responses API on 127.0.0.1 (port 0), streaming
 * the SSE events Codex reads (response.created, output_item.added/done, output_text.delta,
 * response.completed). Each POST /v1/responses takes the next scripted reply:
 * - message: an assistant message (the turn's answer);
 * - exec: a function call of Codex's `exec_command` tool asking to run outside the sandbox
 *   (`sandbox_permissions: "require_escalated"`), which makes Codex ask for approval under the
 *   "on-request" policy; with `alongside`, more such calls in the same response (Codex runs them,
 *   and asks about them, in parallel);
 * - held: response.created, then nothing until `release` resolves (then a message), so a test can
 *   steer or interrupt while the model is "thinking"; the provider records when Codex closes it.
 * Every request is recorded with its body and the turn id Codex sends in x-codex-turn-metadata.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { assistantMessageEvents, userInputTexts } from './mock-responses-server';

export type CodexMockReply =
  | { readonly kind: 'message'; readonly text: string }
  | { readonly kind: 'exec'; readonly command: string; readonly justification: string; readonly alongside?: readonly ExecCall[] }
  | { readonly kind: 'held'; readonly release: Promise<void>; readonly text: string };

export interface ExecCall {
  readonly command: string;
  readonly justification: string;
}

export interface CodexMockRequest {
  readonly body: any;
  /** The Codex turn this model request belongs to. */
  readonly turnId: string | undefined;
  readonly threadId: string | undefined;
  /** Every user input_text in the request's input, oldest first (Codex's context included). */
  readonly userTexts: readonly string[];
  /** The outputs of function calls sent back to the model. */
  readonly functionOutputs: readonly string[];
  /** The assistant texts of the history Codex resent. */
  readonly assistantTexts: readonly string[];
}

export interface CodexMockProvider {
  readonly baseUrl: string;
  readonly requests: readonly CodexMockRequest[];
  /** Held streams that Codex closed before they were released (an interrupt, a killed server). */
  readonly heldClosedByClient: number;
  /** `-c` overrides that point Codex at this provider, with retries off and no update check. */
  configOverrides(): string[];
  waitForRequests(count: number, timeoutMs: number): Promise<void>;
  waitForHeldClose(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

const PROVIDER_ID = 'parley_mock';
const POLL_MS = 20;

export async function startCodexMockProvider(replies: readonly CodexMockReply[]): Promise<CodexMockProvider> {
  const script = [...replies];
  const requests: CodexMockRequest[] = [];
  const sockets = new Set<Socket>();
  let heldClosedByClient = 0;
  let responseNumber = 0;

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
    if (request.method !== 'POST' || (request.url ?? '').split('?')[0] !== '/v1/responses') {
      response.writeHead(404, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `codex mock provider: no route for ${request.method} ${request.url}` } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    requests.push(record(body, request.headers['x-codex-turn-metadata']));
    const reply = script.shift();
    if (!reply) {
      response.writeHead(500, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ error: { message: `codex mock provider: request ${requests.length} is beyond the script` } }));
      return;
    }
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const number = ++responseNumber;
    const send = (event: Record<string, unknown>): void => {
      response.write(`event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`);
    };
    switch (reply.kind) {
      case 'message':
        for (const event of assistantMessageEvents(`resp_${number}`, `msg_${number}`, reply.text)) send(withUsage(event));
        response.end();
        return;
      case 'exec': {
        const calls = [reply, ...(reply.alongside ?? [])].map((exec, index) => ({
          id: `fc_${number}_${index}`,
          type: 'function_call',
          status: 'completed',
          call_id: `call_${number}_${index}`,
          name: 'exec_command',
          arguments: JSON.stringify({ cmd: exec.command, sandbox_permissions: 'require_escalated', justification: exec.justification }),
        }));
        send({ type: 'response.created', response: { id: `resp_${number}`, status: 'in_progress', output: [] } });
        calls.forEach((call, index) => {
          send({ type: 'response.output_item.added', output_index: index, item: { ...call, status: 'in_progress', arguments: '' } });
          send({ type: 'response.output_item.done', output_index: index, item: call });
        });
        send(withUsage({ type: 'response.completed', response: { id: `resp_${number}`, status: 'completed', output: calls } }));
        response.end();
        return;
      }
      case 'held': {
        const events = assistantMessageEvents(`resp_${number}`, `msg_${number}`, reply.text);
        send(events[0]!);
        const closed = new Promise<'closed'>((resolve) => response.once('close', () => resolve('closed')));
        const outcome = await Promise.race([reply.release.then(() => 'released' as const), closed]);
        if (outcome === 'closed' || response.destroyed) {
          heldClosedByClient++;
          return;
        }
        for (const event of events.slice(1)) send(withUsage(event));
        response.end();
        return;
      }
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/v1`;

  return {
    baseUrl,
    requests,
    get heldClosedByClient() {
      return heldClosedByClient;
    },
    configOverrides: () => [
      `model_provider="${PROVIDER_ID}"`,
      `model_providers.${PROVIDER_ID}.name="Parley mock"`,
      `model_providers.${PROVIDER_ID}.base_url="${baseUrl}"`,
      `model_providers.${PROVIDER_ID}.wire_api="responses"`,
      `model_providers.${PROVIDER_ID}.request_max_retries=0`,
      `model_providers.${PROVIDER_ID}.stream_max_retries=0`,
      'model="mock-model"',
      'check_for_update_on_startup=false',
      'analytics.enabled=false',
    ],
    waitForRequests: (count, timeoutMs) => until(() => requests.length >= count, timeoutMs, `${count} model requests (got ${requests.length})`),
    waitForHeldClose: (timeoutMs) => until(() => heldClosedByClient > 0, timeoutMs, 'the held stream to be closed by Codex'),
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

function record(body: any, metadataHeader: string | string[] | undefined): CodexMockRequest {
  let metadata: Record<string, unknown> = {};
  try {
    metadata = typeof metadataHeader === 'string' ? JSON.parse(metadataHeader) : {};
  } catch {
    // left empty: the assertions that need it fail by themselves
  }
  const input: any[] = Array.isArray(body?.input) ? body.input : [];
  const functionOutputs = input.filter((item) => item?.type === 'function_call_output').map((item) => String(item.output));
  const assistantTexts = input
    .filter((item) => item?.type === 'message' && item.role === 'assistant' && Array.isArray(item.content))
    .flatMap((item) => item.content.filter((part: any) => typeof part?.text === 'string').map((part: any) => part.text as string));
  return {
    body,
    turnId: typeof metadata['turn_id'] === 'string' ? metadata['turn_id'] : undefined,
    threadId: typeof metadata['thread_id'] === 'string' ? metadata['thread_id'] : undefined,
    userTexts: userInputTexts({ path: '/v1/responses', headers: {}, body }),
    functionOutputs,
    assistantTexts,
  };
}

/** Codex reads token usage from response.completed; the shared events carry none. */
function withUsage(event: Record<string, unknown>): Record<string, unknown> {
  if (event['type'] !== 'response.completed') return event;
  const response = event['response'] as Record<string, unknown>;
  return { ...event, response: { ...response, usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15 } } };
}

async function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error(`codex mock provider: waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
