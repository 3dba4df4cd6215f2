// The loopback web bridge: the renderer in a plain browser, talking to the real app core over
// HTTP on 127.0.0.1, with the same contract, dispatcher and outbox as the Electron preload. It
// exists for end-to-end tests in Chromium and for developing the UI without Electron.
//
// Access needs the random token: the page is opened as `/?token=…`, which sets an HttpOnly,
// SameSite=Strict cookie; every other request (assets, commands, events) must carry that cookie
// (or an `x-parley-token` header), and commands must come from the bridge's own origin. A page
// without the token gets 403 and nothing else.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommandResponse, EventEnvelope } from '../../src-shared/ipc-contract';
import { errorMessage } from '../core/util/errors';
import { silentLogger, type Logger } from '../core/util/logger';
import type { AppPort } from '../app/app-port';
import { createCommandDispatcher } from '../app/command-dispatcher';
import { EventOutbox, withReadySignal } from '../app/event-outbox';
import { readStaticFile } from './static-files';

export interface WebBridgeOptions {
  readonly app: AppPort;
  /** The built renderer (out/renderer). */
  readonly rendererDir: string;
  /** Default: 0 (any free port). The bridge only ever listens on 127.0.0.1. */
  readonly port?: number;
  /** Default: 32 random bytes, hex. */
  readonly token?: string;
  readonly logger?: Logger;
}

export interface WebBridge {
  /** The address to open, token included. Treat it like a password. */
  readonly url: string;
  readonly origin: string;
  /** Open event streams (for tests and diagnostics). */
  readonly clientCount: number;
  close(): Promise<void>;
}

const COOKIE_NAME = 'parley_bridge';
const MAX_COMMAND_BYTES = 64 * 1024;
const HEARTBEAT_MS = 15_000;
const COMMAND_PATH = '/api/commands/';
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
  'x-frame-options': 'DENY',
};

function sameSecret(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieValue(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

function send(response: ServerResponse, status: number, contentType: string, body: string | Buffer): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType });
  response.end(body);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function refusal(code: string, message: string): CommandResponse<'app.ready'> {
  return { ok: false, error: { code, message } };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_COMMAND_BYTES) throw new RangeError(`the command is larger than ${MAX_COMMAND_BYTES / 1024} KB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebBridge(options: WebBridgeOptions): Promise<WebBridge> {
  const logger = options.logger ?? silentLogger;
  const token = options.token ?? randomBytes(32).toString('hex');
  const clients = new Set<ServerResponse>();
  const outbox = new EventOutbox((envelope: EventEnvelope) => {
    const frame = `data: ${JSON.stringify(envelope)}\n\n`;
    for (const client of clients) client.write(frame);
  });
  const unsubscribe = options.app.onEvent((envelope) => outbox.push(envelope));
  let origin = '';

  const authorized = (request: IncomingMessage) =>
    sameSecret(cookieValue(request, COOKIE_NAME), token) || sameSecret(request.headers['x-parley-token'] as string | undefined, token);

  const openEvents = (response: ServerResponse) => {
    response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    response.write(': parley events\n\n');
    // A new page is a new renderer: it gets the queue from here until it calls app.ready.
    outbox.reset();
    clients.add(response);
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    response.on('close', () => {
      clearInterval(heartbeat);
      clients.delete(response);
    });
  };

  const runCommand = async (request: IncomingMessage, response: ServerResponse, name: string) => {
    const from = request.headers.origin ?? '';
    if (from !== origin) {
      sendJson(response, 403, refusal('untrusted_sender', `Refused ${name.slice(0, 60)}: it did not come from Parley's own page.`));
      return;
    }
    let args: unknown;
    try {
      const text = await readBody(request);
      const body: unknown = text.trim() === '' ? {} : JSON.parse(text);
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SyntaxError('the body must be a JSON object such as {"args": …}');
      args = (body as { args?: unknown }).args;
    } catch (error) {
      sendJson(response, 400, refusal('invalid_arguments', `Refused ${name.slice(0, 60)}: ${errorMessage(error)}.`));
      return;
    }
    sendJson(response, 200, await dispatch(name, args, `${from}/`));
  };

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    void (async () => {
      if (request.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html') && url.searchParams.has('token')) {
        if (!sameSecret(url.searchParams.get('token') ?? undefined, token)) {
          send(response, 403, 'text/plain; charset=utf-8', 'Wrong token: open the exact address Parley printed.');
          return;
        }
        response.setHeader('set-cookie', `${COOKIE_NAME}=${token}; HttpOnly; SameSite=Strict; Path=/`);
      } else if (!authorized(request)) {
        send(response, 403, 'text/plain; charset=utf-8', 'This Parley bridge needs its token: open the address Parley printed (it ends in ?token=…).');
        return;
      }
      if (request.method === 'POST' && url.pathname.startsWith(COMMAND_PATH)) {
        await runCommand(request, response, decodeURIComponent(url.pathname.slice(COMMAND_PATH.length)));
        return;
      }
      if (request.method === 'GET' && url.pathname === '/api/events') {
        openEvents(response);
        return;
      }
      if (request.method !== 'GET') {
        send(response, 405, 'text/plain; charset=utf-8', 'Method not allowed.');
        return;
      }
      const file = await readStaticFile(options.rendererDir, url.pathname);
      if (!file) {
        send(response, 404, 'text/plain; charset=utf-8', `Not found: ${url.pathname}`);
        return;
      }
      send(response, 200, file.contentType, file.body);
    })().catch((error: unknown) => {
      logger.error('web bridge request failed', { path: url.pathname, error: errorMessage(error) });
      if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'Internal error.');
      else response.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  // Requests only arrive after listen(), so the handlers above never see this undefined.
  const dispatch = createCommandDispatcher(withReadySignal(options.app.commands, outbox), { devOrigins: [origin], logger });
  logger.info('web bridge listening', { origin });

  return {
    url: `${origin}/?token=${token}`,
    origin,
    get clientCount() {
      return clients.size;
    },
    close: async () => {
      unsubscribe();
      for (const client of clients) client.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
