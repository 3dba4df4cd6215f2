import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:net';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A bare TCP server that answers the websocket upgrade and sends `firstEvent` in the same
 * write, as a real server may: the client's first inbound frame then arrives together with the
 * 101, before any promise continuation of the connect can run. Everything after is ignored.
 */
export async function startEagerServer(firstEvent: object): Promise<{ port: number; close(): void }> {
  const server: Server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', (request) => {
      const key = /sec-websocket-key: (.+)\r\n/i.exec(request.toString())?.[1]?.trim() ?? '';
      const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
      const payload = Buffer.from(JSON.stringify(firstEvent));
      if (payload.length > 125) throw new Error('startEagerServer keeps to one small unmasked frame');
      const head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
      socket.write(Buffer.concat([Buffer.from(head), Buffer.from([0x81, payload.length]), payload]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
