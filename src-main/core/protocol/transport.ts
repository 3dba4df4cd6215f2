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

export interface TransportCloseInfo {
  readonly code: number;
  readonly reason: string;
  /** True when this side asked for the close. */
  readonly initiatedLocally: boolean;
}

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
  readonly bufferedBytes: number;
}

export interface ConnectOptions {
  readonly target: ConnectTarget;
  /** Sent before any inbound frame is delivered. */
  readonly firstFrame: string;
  readonly timeoutMs: number;
  readonly handlers: TransportHandlers;
}

/** Opens connections; rejects with TransportError. The ws adapter is the real one. */
export type RealtimeTransport = (options: ConnectOptions) => Promise<RealtimeConnection>;
