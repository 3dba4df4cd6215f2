import type { ConnectTarget } from './dialect-codec';

export type TransportErrorCode =
  | 'key_rejected' // 401/403: the API key was rejected or has no access
  | 'not_found' // 404: wrong URL
  | 'upgrade_rejected' // any other non-101 answer
  | 'connect_timeout'
  | 'unreachable' // DNS, refused, reset before the upgrade
  | 'protocol_error';

export class TransportError extends Error {
  override readonly name = 'TransportError';
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Why an open connection ended:
 * - `closed`: a close handshake (from either side) ended it;
 * - `dead`: nothing was heard from the server for the keepalive's `deadAfterMs`;
 * - `error`: the socket failed after open (reset, protocol violation); `reason` names it;
 * - `too_large`: the server sent a frame over MAX_INBOUND_FRAME_BYTES.
 */
export type TransportCloseCause = 'closed' | 'dead' | 'error' | 'too_large';

export interface TransportCloseInfo {
  readonly code: number;
  readonly reason: string;
  /** True when this side asked for the close. */
  readonly initiatedLocally: boolean;
  /** Absent from transports that cannot tell; the ws adapter always sets it. */
  readonly cause?: TransportCloseCause;
}

export interface KeepaliveOptions {
  /** How often to ping the server while open. */
  readonly intervalMs: number;
  /** With nothing heard (no frame, no pong) for this long, the connection counts as dead. */
  readonly deadAfterMs: number;
}

/** A realtime session is silent for long stretches; a lost network must still surface within seconds. */
export const DEFAULT_KEEPALIVE: KeepaliveOptions = Object.freeze({ intervalMs: 5_000, deadAfterMs: 20_000 });

/**
 * The largest inbound frame accepted. Legitimate realtime frames are far smaller (an audio delta
 * is a few hundred KB, a session.updated echo a few KB); the cap stops a broken or hostile server
 * from making us buffer without bound (ws would otherwise allow 100 MiB).
 */
export const MAX_INBOUND_FRAME_BYTES = 16 * 1024 * 1024;

export interface TransportHandlers {
  /**
   * The socket is open and the first frame is sent. Called before any inbound frame is
   * delivered (a server may answer in the same packet as the upgrade), so the receiver can go
   * live before it reads.
   */
  onOpen(connection: RealtimeConnection): void;
  onFrame(frame: string): void;
  onClose(info: TransportCloseInfo): void;
}

/** An open realtime connection. `send` never waits on reading; `close` is idempotent. */
export interface RealtimeConnection {
  send(frame: string): void;
  close(): void;
  /** Bytes queued in the socket and not yet handed to the OS: the session's backpressure signal. */
  readonly bufferedBytes: number;
  /** True while frames can be sent (open, and no close begun). Absent means "assume open". */
  readonly writable?: boolean;
}

export interface ConnectOptions {
  readonly target: ConnectTarget;
  /** Sent before any inbound frame is delivered. */
  readonly firstFrame: string;
  readonly timeoutMs: number;
  readonly handlers: TransportHandlers;
  /** Liveness pings after open; DEFAULT_KEEPALIVE when absent. */
  readonly keepalive?: KeepaliveOptions;
}

/** Opens connections; rejects with TransportError. The ws adapter is the real one. */
export type RealtimeTransport = (options: ConnectOptions) => Promise<RealtimeConnection>;
