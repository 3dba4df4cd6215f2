import type { Readable, Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { silentLogger, type Logger } from '../../../core/util/logger';

/**
 * JSON-RPC 2.0 over a pair of byte streams, one JSON message per line: the framing `codex
 * app-server` speaks on stdio. Both sides send requests: ours get answers through request();
 * the peer's go to the request handler, whose result (or thrown error) is sent back. Messages
 * that are neither are logged and ignored; a line that is not JSON is logged and skipped.
 */

export type JsonRpcId = number | string;

export interface JsonRpcNotification {
  readonly method: string;
  readonly params: unknown;
}

export interface JsonRpcIncomingRequest {
  readonly id: JsonRpcId;
  readonly method: string;
  readonly params: unknown;
}

/** An error answer from the peer, with its JSON-RPC code. */
export class JsonRpcRemoteError extends Error {
  override readonly name = 'JsonRpcRemoteError';
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** The connection closed (or timed out) before an answer came. */
export class JsonRpcClosedError extends Error {
  override readonly name = 'JsonRpcClosedError';
}

/** What a request handler throws to answer with a specific JSON-RPC error. */
export class JsonRpcHandlerError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const JSONRPC_METHOD_NOT_FOUND = -32601;
const JSONRPC_INTERNAL_ERROR = -32603;
/** A line longer than this is dropped rather than buffered without bound (a runaway peer). */
const MAX_LINE_CHARS = 64 * 1024 * 1024;

type RequestHandler = (request: JsonRpcIncomingRequest) => Promise<unknown>;

interface Pending {
  readonly method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout | undefined;
}

export class JsonRpcStdioConnection {
  private readonly pending = new Map<JsonRpcId, Pending>();
  private readonly notificationListeners = new Set<(notification: JsonRpcNotification) => void>();
  private requestHandler: RequestHandler = async (request) => {
    throw new JsonRpcHandlerError(JSONRPC_METHOD_NOT_FOUND, `no handler for ${request.method}`);
  };
  private nextId = 1;
  private buffer = '';
  private closedReason: string | undefined;
  private readonly decoder = new StringDecoder('utf8');
  private readonly onData = (chunk: Buffer): void => this.receive(this.decoder.write(chunk));

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly logger: Logger = silentLogger,
  ) {
    input.on('data', this.onData);
    // A peer that has gone away makes writes fail with EPIPE; close() reports it to callers.
    output.on('error', (error) => this.close(`the connection failed (${error.message})`));
  }

  get closed(): boolean {
    return this.closedReason !== undefined;
  }

  /** Sends a request; resolves with its result, rejects with JsonRpcRemoteError or JsonRpcClosedError. */
  request<Result = unknown>(method: string, params: unknown, timeoutMs?: number): Promise<Result> {
    if (this.closedReason !== undefined) return Promise.reject(new JsonRpcClosedError(this.closedReason));
    const id = this.nextId++;
    return new Promise<Result>((resolve, reject) => {
      const pending: Pending = { method, resolve: resolve as (result: unknown) => void, reject, timer: undefined };
      if (timeoutMs !== undefined) {
        pending.timer = setTimeout(() => {
          this.pending.delete(id);
          reject(new JsonRpcClosedError(`no answer to ${method} within ${timeoutMs} ms`));
        }, timeoutMs);
      }
      this.pending.set(id, pending);
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    if (this.closedReason !== undefined) return;
    this.send(params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params });
  }

  /** Returns an unsubscribe. */
  onNotification(listener: (notification: JsonRpcNotification) => void): () => void {
    this.notificationListeners.add(listener);
    return () => this.notificationListeners.delete(listener);
  }

  /** One handler answers every request from the peer; throw JsonRpcHandlerError for a specific error. */
  setRequestHandler(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  /** Rejects everything pending with `reason`; idempotent. Does not close the streams (their owner does). */
  close(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    this.input.off('data', this.onData);
    for (const [id, pending] of this.pending) {
      if (pending.timer) clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.reject(new JsonRpcClosedError(reason));
    }
  }

  private send(message: Record<string, unknown>): void {
    this.output.write(JSON.stringify(message) + '\n');
  }

  private receive(text: string): void {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.indexOf('\n');
      if (end < 0) break;
      const line = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end + 1);
      if (line.length > 0) this.dispatch(line);
    }
    if (this.buffer.length > MAX_LINE_CHARS) {
      this.logger.warn('codex app server: an overlong line was dropped', { chars: this.buffer.length });
      this.buffer = '';
    }
  }

  private dispatch(line: string): void {
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
      message = parsed as Record<string, unknown>;
    } catch {
      this.logger.warn('codex app server: a line that is not a JSON-RPC message was skipped', { chars: line.length });
      return;
    }
    const id = message['id'];
    const method = message['method'];
    const hasId = typeof id === 'number' || typeof id === 'string';
    if (typeof method === 'string' && hasId) {
      void this.answer({ id, method, params: message['params'] });
      return;
    }
    if (typeof method === 'string') {
      for (const listener of [...this.notificationListeners]) listener({ method, params: message['params'] });
      return;
    }
    if (hasId) {
      const pending = this.pending.get(id);
      if (!pending) {
        this.logger.debug('codex app server: an answer to no pending request was ignored', { id });
        return;
      }
      this.pending.delete(id);
      if (pending.timer) clearTimeout(pending.timer);
      const error = message['error'] as { code?: unknown; message?: unknown } | undefined;
      if (error && typeof error === 'object') {
        const code = typeof error.code === 'number' ? error.code : JSONRPC_INTERNAL_ERROR;
        pending.reject(new JsonRpcRemoteError(pending.method, code, typeof error.message === 'string' ? error.message : 'unknown error'));
      } else {
        pending.resolve(message['result']);
      }
      return;
    }
    this.logger.debug('codex app server: a message of unknown shape was ignored');
  }

  private async answer(request: JsonRpcIncomingRequest): Promise<void> {
    try {
      const result = await this.requestHandler(request);
      if (!this.closed) this.send({ jsonrpc: '2.0', id: request.id, result: result ?? null });
    } catch (error) {
      const code = error instanceof JsonRpcHandlerError ? error.code : JSONRPC_INTERNAL_ERROR;
      const message = error instanceof Error ? error.message : String(error);
      if (!this.closed) this.send({ jsonrpc: '2.0', id: request.id, error: { code, message } });
    }
  }
}
