import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectWebSocket } from '../../../src-main/adapters/transport/ws-transport';
import { MAX_INBOUND_FRAME_BYTES, type RealtimeConnection, type TransportCloseInfo } from '../../../src-main/core/protocol/transport';
import { startKeepaliveTestServer, type KeepaliveTestServer } from './keepalive-test-server';
import { startLeakCheck } from '../../support/leak-check';

const MEBIBYTE = 1024 * 1024;
/** A close that never comes must fail the test, not hang the run. */
const BOUNDED = { timeout: 15_000 };

interface Client {
  readonly connection: RealtimeConnection;
  readonly frameLengths: number[];
  readonly closed: Promise<TransportCloseInfo>;
  readonly closes: TransportCloseInfo[];
}

async function connectClient(server: KeepaliveTestServer): Promise<Client> {
  const frameLengths: number[] = [];
  const closes: TransportCloseInfo[] = [];
  let reportClose: (info: TransportCloseInfo) => void = () => {};
  const closed = new Promise<TransportCloseInfo>((resolve) => (reportClose = resolve));
  const connection = await connectWebSocket({
    target: { url: server.url, headers: {} },
    firstFrame: '{"type":"session.update"}',
    timeoutMs: 2_000,
    handlers: {
      onOpen: () => {},
      onFrame: (frame) => frameLengths.push(frame.length),
      onClose: (info) => {
        closes.push(info);
        reportClose(info);
      },
    },
  });
  return { connection, frameLengths, closed, closes };
}

test('the inbound frame cap is 16 MiB', () => {
  assert.equal(MAX_INBOUND_FRAME_BYTES, 16 * MEBIBYTE);
});

test('a 17 MiB frame closes the connection with 1009, cause too_large, without delivering it', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: true, onConnection: (socket) => socket.send('x'.repeat(17 * MEBIBYTE)) });
  t.after(() => server.close());
  const client = await connectClient(server);
  t.after(() => client.connection.close());

  const info = await client.closed;

  assert.deepEqual(info, { code: 1009, reason: 'the server sent a frame larger than 16 MiB', initiatedLocally: false, cause: 'too_large' });
  assert.deepEqual(client.frameLengths, [], 'the oversized frame never reaches the session');
  assert.equal(client.connection.writable, false);
  client.connection.send('{"type":"input_audio_buffer.append","audio":"AAAA"}'); // no-op, no throw
  assert.equal(client.closes.length, 1);
  await server.close();
  await leaks.assertNothingLeft();
});

test('a frame of exactly MAX_INBOUND_FRAME_BYTES is still delivered', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: true, onConnection: (socket) => socket.send('y'.repeat(MAX_INBOUND_FRAME_BYTES)) });
  t.after(() => server.close());
  const client = await connectClient(server);
  t.after(() => client.connection.close());

  const deadline = performance.now() + 10_000;
  while (client.frameLengths.length === 0 && client.closes.length === 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }

  assert.deepEqual(client.frameLengths, [MAX_INBOUND_FRAME_BYTES]);
  assert.deepEqual(client.closes, []);
  client.connection.close();
  assert.equal((await client.closed).cause, 'closed');
  await server.close();
  await leaks.assertNothingLeft();
});

test('send after the server closed is a silent no-op and writable turns false', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: true, onConnection: (socket) => socket.close(1000, 'done') });
  t.after(() => server.close());
  const client = await connectClient(server);
  t.after(() => client.connection.close());

  const info = await client.closed;
  assert.deepEqual(info, { code: 1000, reason: 'done', initiatedLocally: false, cause: 'closed' });
  assert.equal(client.connection.writable, false);
  assert.doesNotThrow(() => client.connection.send('{"type":"late"}'));
  assert.equal(client.connection.bufferedBytes, 0);
  await server.close();
  await leaks.assertNothingLeft();
});

test('a text frame of invalid UTF-8 is delivered with replacement characters and the connection stays open', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({
    answerPings: true,
    onConnection: (socket) => {
      socket.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false }); // {"\xff\xfe"}
      socket.send('{"type":"after"}');
    },
  });
  t.after(() => server.close());
  const frames: string[] = [];
  let connected: RealtimeConnection | undefined;
  await new Promise<void>((resolve, reject) => {
    connectWebSocket({
      target: { url: server.url, headers: {} },
      firstFrame: '{"type":"session.update"}',
      timeoutMs: 2_000,
      handlers: {
        onOpen: () => {},
        onFrame: (frame) => {
          frames.push(frame);
          if (frames.length === 2) resolve();
        },
        onClose: (info) => reject(new Error(`closed: ${JSON.stringify(info)}`)),
      },
    }).then((connection) => (connected = connection), reject);
  });
  assert.deepEqual(frames, ['{"\uFFFD\uFFFD"}', '{"type":"after"}']);
  assert.equal(connected!.writable, true, 'one bad frame does not cost the connection');
  connected!.close();
  await server.close();
  await leaks.assertNothingLeft();
});
