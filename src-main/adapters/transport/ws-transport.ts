import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { redactSecrets } from '../../core/util/redact';
import {
  TransportError,
  type RealtimeConnection,
  type RealtimeTransport,
} from '../../core/protocol/transport';

const MAX_ERROR_BODY_CHARS = 300;

/**
 * The real realtime transport over `ws`. Sending is fire-and-forget into the socket's buffer,
 * so it never waits on the reader; the first frame (session.update) goes out on open, before
 * any inbound frame is handed over.
 */
export const connectWebSocket: RealtimeTransport = (options) =>
  new Promise<RealtimeConnection>((resolve, reject) => {
    const { target, firstFrame, timeoutMs, handlers } = options;
    const host = describeHost(target.url);
    let settled = false;
    let opened = false;
    let closeRequested = false;

    const socket = new WebSocket(target.url, {
      headers: { ...target.headers },
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
    });

    const fail = (error: TransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeAllListeners('message');
      socket.terminate();
      reject(error);
    };

    const timer = setTimeout(
      () => fail(new TransportError('connect_timeout', `The realtime server at ${host} did not answer within ${timeoutMs} ms.`)),
      timeoutMs,
    );

    socket.on('unexpected-response', (_request, response) => {
      const apiKey = target.headers['Authorization']?.replace(/^Bearer\s+/i, '');
      readBody(response).then(
        (body) => fail(upgradeError(response.statusCode ?? 0, redactSecrets(body, apiKey), host)),
        () => fail(upgradeError(response.statusCode ?? 0, '', host)),
      );
    });

    socket.on('error', (error: Error & { code?: string }) => {
      if (!settled) {
        fail(new TransportError('unreachable', `Could not reach the realtime server at ${host}: ${error.code ?? error.message}.`));
      }
      // After open, ws always follows an error with 'close', which reports it.
    });

    socket.on('open', () => {
      if (settled) return;
      settled = true;
      opened = true;
      clearTimeout(timer);
      socket.send(firstFrame);
      handlers.onOpen(connection);
      resolve(connection);
    });

    socket.on('message', (data, isBinary) => {
      if (isBinary) return; // both dialects speak JSON text frames only
      handlers.onFrame(typeof data === 'string' ? data : data.toString());
    });

    socket.on('close', (code, reason) => {
      if (!opened) {
        fail(new TransportError('unreachable', `The realtime server at ${host} closed the connection before it opened (code ${code}).`));
        return;
      }
      handlers.onClose({ code, reason: reason.toString(), initiatedLocally: closeRequested });
    });

    const connection: RealtimeConnection = {
      send(frame: string): void {
        if (socket.readyState === WebSocket.OPEN) socket.send(frame);
      },
      close(): void {
        if (closeRequested) return;
        closeRequested = true;
        if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) {
          socket.close(1000, 'client closed');
          // A server that never answers the close handshake must not keep the process alive.
          setTimeout(() => socket.terminate(), 2_000).unref();
        }
      },
      get bufferedBytes(): number {
        return socket.bufferedAmount;
      },
    };
  });

function upgradeError(status: number, body: string, host: string): TransportError {
  const detail = body.trim().slice(0, MAX_ERROR_BODY_CHARS);
  const suffix = detail ? ` Server said: ${detail}` : '';
  if (status === 401 || status === 403) {
    return new TransportError(
      'key_rejected',
      `The realtime server at ${host} rejected the API key (HTTP ${status}): the key is wrong or has no access to this model.${suffix}`,
      status,
    );
  }
  if (status === 404) {
    return new TransportError('not_found', `No realtime endpoint at ${host} (HTTP 404): check the realtime URL.${suffix}`, status);
  }
  return new TransportError('upgrade_rejected', `The realtime server at ${host} refused the connection with HTTP ${status}.${suffix}`, status);
}

function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      if (size < 16_384) chunks.push(chunk);
      size += chunk.length;
    });
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
  });
}

/** Scheme, host and path only: never the query (it can carry a model name, never a key, but keep it terse). */
function describeHost(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the configured URL';
  }
}
