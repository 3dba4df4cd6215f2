import type { DialectCodec } from '../protocol/dialect-codec';
import type { ConnectOptions, RealtimeConnection, RealtimeTransport, TransportCloseInfo, TransportHandlers } from '../protocol/transport';

/** A connection whose session is configured and confirmed, not yet carrying the conversation. */
export interface PreparedConnection {
  readonly connection: RealtimeConnection;
  /** From now on its frames and its close go to `handlers` (frames that arrived meanwhile first). */
  handOver(handlers: Pick<TransportHandlers, 'onFrame' | 'onClose'>): void;
}

export interface PrepareOptions extends Omit<ConnectOptions, 'handlers'> {
  readonly codec: DialectCodec;
}

/**
 * Opens a second connection beside the one in use (a renewal), sends its configuration and
 * resolves once the server confirmed it (v2 session.updated; v1 at open), so the switch to it
 * leaves no gap. Until it is handed over, its frames are only read for that answer and kept; an
 * error or a close before the answer, or no answer in time, rejects and closes it.
 */
export function prepareConnection(transport: RealtimeTransport, options: PrepareOptions): Promise<PreparedConnection> {
  const { codec, ...connect } = options;
  return new Promise<PreparedConnection>((resolve, reject) => {
    let connection: RealtimeConnection | undefined;
    let confirmed = false;
    let target: Pick<TransportHandlers, 'onFrame' | 'onClose'> | undefined;
    const early: string[] = [];
    let earlyClose: TransportCloseInfo | undefined;
    let timer: NodeJS.Timeout | undefined;

    const fail = (reason: string): void => {
      if (confirmed) return;
      confirmed = true; // settled
      if (timer) clearTimeout(timer);
      connection?.close();
      reject(new Error(reason));
    };
    const confirm = (): void => {
      if (confirmed || !connection) return;
      confirmed = true;
      if (timer) clearTimeout(timer);
      const opened = connection;
      resolve({
        connection: opened,
        handOver(handlers) {
          target = handlers;
          for (const frame of early.splice(0)) handlers.onFrame(frame);
          if (earlyClose) handlers.onClose(earlyClose);
        },
      });
    };

    transport({
      ...connect,
      handlers: {
        onOpen(opened) {
          connection = opened;
          timer = setTimeout(() => fail(`the server did not confirm the new session within ${connect.timeoutMs / 1000} s`), connect.timeoutMs);
          if (!codec.capabilities.confirmsSessionUpdate) confirm();
        },
        onFrame(frame) {
          if (target) return target.onFrame(frame);
          if (confirmed) {
            early.push(frame);
            return;
          }
          const event = codec.decode(frame);
          if (event?.type === 'session.updated') confirm();
          else if (event?.type === 'error') fail(`the server refused the new session: ${event.message}`);
        },
        onClose(info) {
          if (target) return target.onClose(info);
          if (confirmed) earlyClose = info;
          else fail(`the server closed the new connection (code ${info.code}${info.reason ? `: ${info.reason}` : ''})`);
        },
      },
    }).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
  });
}
