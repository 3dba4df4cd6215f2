import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { redactSecrets } from '../../core/util/redact';
import {
  DEFAULT_KEEPALIVE,
  MAX_INBOUND_FRAME_BYTES,
  TransportError,
  type RealtimeConnection,
  type RealtimeTransport,
  type TransportCloseCause,
} from '../../core/protocol/transport';
import { describeDeadConnection, KeepaliveMonitor } from './keepalive-monitor';

const MAX_ERROR_BODY_CHARS = 300;
/** How long a close handshake may take before the socket is cut: ws alone would wait 30 s. */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 2_000;
/** ws's error code when an inbound frame exceeds maxPayload (it then closes with 1009). */
const FRAME_TOO_LARGE_ERROR = 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
const CLOSE_CODE_ABNORMAL = 1006;
const CLOSE_CODE_TOO_LARGE = 1009;

/** Why the connection is ending, when this side knows better than the close event will. */
interface Ending {
  readonly cause: TransportCloseCause;
  readonly reason: string;
  readonly code: number;
}

/**
 * The real realtime transport over `ws`. Sending is fire-and-forget into the socket's buffer,
 * so it never waits on the reader; the first frame (session.update) goes out on open, before
 * any inbound frame is handed over. After open a keepalive pings the server and declares the
 * connection dead after a silence; every way the open connection ends is reported once, through
 * the socket's close event, with a cause.
 */
export const connectWebSocket: RealtimeTransport = (options) => {
  const { target, firstFrame, timeoutMs, handlers } = options;
  const keepaliveOptions = options.keepalive ?? DEFAULT_KEEPALIVE;
  const apiKey = target.headers['Authorization']?.replace(/^Bearer\s+/i, '');
  let socket: WebSocket | undefined;
  let ending: Ending | undefined;
  // Built before the socket so a bad setting throws here, synchronously, as programmer misuse.
  const keepalive = new KeepaliveMonitor({
    ...keepaliveOptions,
    ping: () => {
      if (socket?.readyState === WebSocket.OPEN) socket.ping();
    },
    onDead: () => {
      ending ??= { cause: 'dead', reason: describeDeadConnection(keepaliveOptions.deadAfterMs), code: CLOSE_CODE_ABNORMAL };
      // terminate() destroys the socket at once; its close event reports the death.
      socket?.terminate();
    },
  });

  return new Promise<RealtimeConnection>((resolve, reject) => {
    const host = describeHost(target.url);
    let settled = false;
    let opened = false;
    let closeRequested = false;
    let closeDeadline: ReturnType<typeof setTimeout> | undefined;

    const ws = new WebSocket(target.url, {
      headers: { ...target.headers },
      perMessageDeflate: false,
      handshakeTimeout: timeoutMs,
      maxPayload: MAX_INBOUND_FRAME_BYTES,
      // Text frames are decoded to strings anyway, invalid bytes becoming U+FFFD, and the codec
      // skips an event it cannot read: one bad frame must not cost the connection (ws would close
      // it with 1007), and not scanning every frame twice is a tenth of the per-event cost.
      skipUTF8Validation: true,
    });
    socket = ws;

    /** Cuts a socket whose close handshake stalls; cleared when the socket closes. */
    const limitCloseHandshake = () => {
      if (closeDeadline) return;
      closeDeadline = setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS);
      closeDeadline.unref();
    };

    const fail = (error: TransportError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.removeAllListeners('message');
      ws.terminate();
      reject(error);
    };

    const timer = setTimeout(
      () => fail(new TransportError('connect_timeout', `The realtime server at ${host} did not answer within ${timeoutMs} ms.`)),
      timeoutMs,
    );

    ws.on('unexpected-response', (_request, response) => {
      readBody(response).then(
        (body) => fail(upgradeError(response.statusCode ?? 0, redactSecrets(body, apiKey), host)),
        () => fail(upgradeError(response.statusCode ?? 0, '', host)),
      );
    });

    ws.on('upgrade', (response: IncomingMessage) => {
      // ws swallows errors of the raw socket after open (a reset only shows as code 1006); listen
      // to the socket itself so the close can name what happened.
      response.socket.on('error', (error: Error & { code?: string }) => {
        if (opened) ending ??= { cause: 'error', reason: describeSocketError(error, apiKey), code: CLOSE_CODE_ABNORMAL };
      });
    });

    ws.on('error', (error: Error & { code?: string }) => {
      if (!settled) {
        fail(new TransportError('unreachable', `Could not reach the realtime server at ${host}: ${error.code ?? error.message}.`));
        return;
      }
      // After open ws follows an error with a close handshake (1009 for a frame over maxPayload,
      // 1002/1007 for protocol faults) and then 'close', which reports it.
      ending ??=
        error.code === FRAME_TOO_LARGE_ERROR
          ? { cause: 'too_large', reason: `the server sent a frame larger than ${formatMebibytes(MAX_INBOUND_FRAME_BYTES)}`, code: CLOSE_CODE_TOO_LARGE }
          : { cause: 'error', reason: describeSocketError(error, apiKey), code: CLOSE_CODE_ABNORMAL };
      keepalive.stop();
      limitCloseHandshake();
    });

    ws.on('open', () => {
      if (settled) return;
      settled = true;
      opened = true;
      clearTimeout(timer);
      ws.send(firstFrame);
      keepalive.start();
      handlers.onOpen(connection);
      resolve(connection);
    });

    ws.on('message', (data, isBinary) => {
      keepalive.heard();
      if (isBinary) return; // both dialects speak JSON text frames only
      handlers.onFrame(typeof data === 'string' ? data : data.toString());
    });
    ws.on('pong', () => keepalive.heard());
    ws.on('ping', () => keepalive.heard());

    ws.on('close', (code, reason) => {
      keepalive.stop();
      clearTimeout(closeDeadline);
      if (!opened) {
        fail(new TransportError('unreachable', `The realtime server at ${host} closed the connection before it opened (code ${code}).`));
        return;
      }
      if (ending) {
        handlers.onClose({ code: ending.code, reason: ending.reason, initiatedLocally: closeRequested, cause: ending.cause });
        return;
      }
      handlers.onClose({ code, reason: reason.toString(), initiatedLocally: closeRequested, cause: 'closed' });
    });

    const connection: RealtimeConnection = {
      send(frame: string): void {
        // Closing or closed: the frame is dropped here; the close report tells the session why.
        if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      },
      close(): void {
        if (closeRequested) return;
        closeRequested = true;
        keepalive.stop();
        if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
          ws.close(1000, 'client closed');
          // A server that never answers the close handshake must not keep the socket open.
          limitCloseHandshake();
        }
      },
      get bufferedBytes(): number {
        return ws.bufferedAmount;
      },
      get writable(): boolean {
        return ws.readyState === WebSocket.OPEN && !closeRequested;
      },
    };
  });
};

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

/** A socket error for a person: its code and message, with any secret removed. */
function describeSocketError(error: Error & { code?: string }, apiKey: string | undefined): string {
  const message = redactSecrets(error.message, apiKey);
  if (!error.code || message.includes(error.code)) return `the connection failed: ${message}`;
  return `the connection failed: ${error.code}: ${message}`;
}

function formatMebibytes(bytes: number): string {
  return `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB`;
}
