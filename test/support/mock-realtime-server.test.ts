import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test, type TestContext } from 'node:test';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import { pcm16Base64, startMockRealtimeServer, type ConnectionScript, type MockRealtimeServer } from './mock-realtime-server';

/** Long enough for a wrongly eager server to have sent something on loopback. */
const QUIET_PERIOD_MS = 80;

interface TestClient {
  socket: WebSocket;
  /** Every text message received so far, raw. */
  received: string[];
  /** Resolves once `count` messages in total have arrived. */
  waitForMessages(count: number, timeoutMs?: number): Promise<string[]>;
  closed: Promise<{ code: number; reason: string }>;
}

async function startServer(t: TestContext, scripts: ConnectionScript[]): Promise<MockRealtimeServer> {
  const server = await startMockRealtimeServer(scripts);
  t.after(() => server.close());
  return server;
}

/** A raw ws client that records what it receives; terminated after the test. */
async function connectClient(t: TestContext, url: string, options?: ClientOptions): Promise<TestClient> {
  const socket = new WebSocket(url, options);
  t.after(() => socket.terminate());
  const received: string[] = [];
  const wakers = new Set<() => void>();
  socket.on('message', (data: RawData) => {
    received.push(data.toString());
    for (const wake of [...wakers]) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received,
    closed,
    waitForMessages(count, timeoutMs = 2_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (received.length < count) return false;
          clearTimeout(timer);
          wakers.delete(check);
          resolve(received.slice());
          return true;
        };
        const timer = setTimeout(() => {
          wakers.delete(check);
          reject(new Error(`client got ${received.length} of ${count} messages: ${JSON.stringify(received)}`));
        }, timeoutMs);
        if (!check()) wakers.add(check);
      });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`timed out waiting for ${what}`)))]);
}

test('batch 0 is sent after the first client frame and not before', async (t) => {
  const server = await startServer(t, [{ batches: [[{ type: 'session.updated', session: { id: 'sess_1' } }]] }]);
  const client = await connectClient(t, server.wsUrl);
  await server.waitForConnections(1);
  await sleep(QUIET_PERIOD_MS);
  assert.deepEqual(client.received, [], 'nothing is sent before the client speaks');

  client.socket.send(JSON.stringify({ type: 'session.update' }));
  const messages = await client.waitForMessages(1);
  assert.deepEqual(JSON.parse(messages[0]!), { type: 'session.updated', session: { id: 'sess_1' } });
});

test('batch i is sent after client frame i, in order, and frames are recorded', async (t) => {
  const server = await startServer(t, [{ batches: [[{ type: 'a0' }], [{ type: 'b0' }, { type: 'b1' }], [{ type: 'c0' }]] }]);
  const client = await connectClient(t, server.wsUrl);

  client.socket.send(JSON.stringify({ type: 'session.update' }));
  await client.waitForMessages(1);
  client.socket.send(JSON.stringify({ type: 'first' }));
  await client.waitForMessages(3);
  await sleep(QUIET_PERIOD_MS);
  assert.deepEqual(client.received.map((raw) => JSON.parse(raw).type), ['a0', 'b0', 'b1'], 'batch 2 waits for frame 2');

  client.socket.send('not json at all');
  const messages = await client.waitForMessages(4);
  assert.deepEqual(messages.map((raw) => JSON.parse(raw).type), ['a0', 'b0', 'b1', 'c0']);

  const frames = await server.waitForFrames(0, 3);
  assert.deepEqual(frames, [{ type: 'session.update' }, { type: 'first' }, 'not json at all']);
  assert.deepEqual(server.connections[0]!.rawFrames, ['{"type":"session.update"}', '{"type":"first"}', 'not json at all']);
});

test('events within a batch are spaced by eventDelayMs and pushes queue behind the script', async (t) => {
  const server = await startServer(t, [{ batches: [[{ type: 'e0' }, { type: 'e1' }, { type: 'e2' }]], eventDelayMs: 40 }]);
  const client = await connectClient(t, server.wsUrl);
  const started = Date.now();
  client.socket.send('{}');
  await server.waitForFrames(0, 1);
  server.send(0, [{ type: 'pushed' }]);
  const messages = await client.waitForMessages(4);
  assert.ok(Date.now() - started >= 75, `three events 40 ms apart took only ${Date.now() - started} ms`);
  assert.deepEqual(messages.map((raw) => JSON.parse(raw).type), ['e0', 'e1', 'e2', 'pushed']);
});

test('the handshake url, path, query and headers are recorded', async (t) => {
  const server = await startServer(t, [{ batches: [] }]);
  await connectClient(t, `${server.wsUrl}/v1/realtime?intent=quicksilver&model=m-1`, {
    headers: { Authorization: 'Bearer sk-test', 'x-session-id': 'session-123' },
  });
  await server.waitForConnections(1);
  const { handshake } = server.connections[0]!;
  assert.equal(handshake.url, '/v1/realtime?intent=quicksilver&model=m-1');
  assert.equal(handshake.path, '/v1/realtime');
  assert.deepEqual(handshake.query, { intent: 'quicksilver', model: 'm-1' });
  assert.equal(handshake.headers['authorization'], 'Bearer sk-test');
  assert.equal(handshake.headers['x-session-id'], 'session-123');
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.equal(server.wsUrl, server.url.replace('http:', 'ws:'));
});

test('string events are sent verbatim, objects as JSON', async (t) => {
  const malformed = '{"type":"conversation.output_audio.delta", broken';
  const server = await startServer(t, [{ batches: [[malformed, { type: 'ok', n: 1 }, '']] }]);
  const client = await connectClient(t, server.wsUrl);
  client.socket.send('{}');
  const messages = await client.waitForMessages(3);
  assert.deepEqual(messages, [malformed, '{"type":"ok","n":1}', '']);
});

test('rejectUpgrade answers the upgrade with that status and body, and is recorded', async (t) => {
  const server = await startServer(t, [{ batches: [[{ type: 'never' }]], rejectUpgrade: { status: 401, body: 'bad key' } }]);
  const socket = new WebSocket(`${server.wsUrl}/v1/realtime?model=x`, { headers: { Authorization: 'Bearer nope' } });
  t.after(() => socket.terminate());
  const response = await withTimeout(
    new Promise<{ status: number | undefined; body: string; contentType: string | undefined }>((resolve, reject) => {
      socket.on('open', () => reject(new Error('the upgrade was accepted')));
      socket.on('error', () => {}); // ws also reports the abort as an error after unexpected-response
      socket.on('unexpected-response', (_request, res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString(), contentType: res.headers['content-type'] }));
        res.on('error', reject);
      });
    }),
    2_000,
    'unexpected-response',
  );
  assert.deepEqual(response, { status: 401, body: 'bad key', contentType: 'text/plain' });

  const rejected = server.connections[0]!;
  assert.equal(rejected.handshake.path, '/v1/realtime');
  assert.equal(rejected.handshake.headers['authorization'], 'Bearer nope');
  assert.deepEqual(rejected.frames, []);
  assert.equal(rejected.closed, true);
  await server.waitForClose(0, 100);
  assert.throws(() => server.send(0, [{ type: 'x' }]), /connection 0 was rejected/);
});

test('connections beyond the scripts are accepted and sent nothing', async (t) => {
  const server = await startServer(t, [{ batches: [[{ type: 'scripted' }]] }]);
  const first = await connectClient(t, server.wsUrl);
  const second = await connectClient(t, server.wsUrl);
  await server.waitForConnections(2);
  first.socket.send('{}');
  second.socket.send('{}');
  await first.waitForMessages(1);
  await server.waitForFrames(1, 1);
  await sleep(QUIET_PERIOD_MS);
  assert.deepEqual(second.received, []);
  assert.equal(server.connections.length, 2);
});

test('waitForFrames rejects on timeout with a message listing what arrived', async (t) => {
  const server = await startServer(t, [{ batches: [] }]);
  const client = await connectClient(t, server.wsUrl);
  client.socket.send(JSON.stringify({ type: 'session.update' }));
  client.socket.send('raw text');
  await server.waitForFrames(0, 2);
  await assert.rejects(server.waitForFrames(0, 3, 100), (error: Error) => {
    assert.match(error.message, /connection 0 received 2 of 3 frames/);
    assert.match(error.message, /session\.update/);
    assert.match(error.message, /raw text/);
    assert.match(error.message, /100 ms/);
    return true;
  });
  await assert.rejects(server.waitForFrames(5, 1, 50), /connection 5 received 0 of 1 frames \(connection not opened yet\)/);
});

test('waitForFrame finds a frame that already arrived and one that arrives later', async (t) => {
  const server = await startServer(t, [{ batches: [] }]);
  const client = await connectClient(t, server.wsUrl);
  client.socket.send(JSON.stringify({ type: 'session.update', n: 0 }));
  await server.waitForFrames(0, 1);
  assert.deepEqual(await server.waitForFrame(0, (frame) => frame.type === 'session.update'), { type: 'session.update', n: 0 });

  const later = server.waitForFrame(0, (frame) => frame.type === 'later', 2_000);
  client.socket.send(JSON.stringify({ type: 'other' }));
  client.socket.send(JSON.stringify({ type: 'later', n: 2 }));
  assert.deepEqual(await later, { type: 'later', n: 2 });
  await assert.rejects(server.waitForFrame(0, (frame) => frame.type === 'missing', 50), /no frame on connection 0 matched/);
});

test('binary frames are recorded with a marker and do not advance the script', async (t) => {
  const server = await startServer(t, [{ batches: [[{ type: 'after text' }]] }]);
  const client = await connectClient(t, server.wsUrl);
  client.socket.send(Buffer.from([1, 2, 3]));
  await sleep(QUIET_PERIOD_MS);
  assert.deepEqual(client.received, []);
  assert.deepEqual(server.connections[0]!.rawFrames, ['<binary 3 bytes>']);
  assert.deepEqual(server.connections[0]!.frames, []);
  client.socket.send('{}');
  await client.waitForMessages(1);
});

test('closeAfterLastBatch closes with 1000 after the last batch is sent', async (t) => {
  const server = await startServer(t, [{ batches: [[{ type: 'first' }], [{ type: 'last' }]], closeAfterLastBatch: true }]);
  const client = await connectClient(t, server.wsUrl);
  client.socket.send('{}');
  await client.waitForMessages(1);
  await sleep(QUIET_PERIOD_MS);
  assert.equal(server.connections[0]!.closed, false, 'still open before the last batch');
  client.socket.send('{}');
  const closed = await withTimeout(client.closed, 2_000, 'client close');
  assert.equal(closed.code, 1000);
  assert.deepEqual(client.received.map((raw) => JSON.parse(raw).type), ['first', 'last']);
  await server.waitForClose(0, 1_000);
  assert.equal(server.connections[0]!.closeCode, 1000);
});

test('closeConnection closes one connection with the given code after pending events', async (t) => {
  const server = await startServer(t, [{ batches: [] }, { batches: [] }]);
  const first = await connectClient(t, server.wsUrl);
  const second = await connectClient(t, server.wsUrl);
  await server.waitForConnections(2);
  server.send(0, [{ type: 'bye soon' }]);
  server.closeConnection(0, 4001, 'go away');
  const closed = await withTimeout(first.closed, 2_000, 'first client close');
  assert.deepEqual(closed, { code: 4001, reason: 'go away' });
  assert.deepEqual(first.received, ['{"type":"bye soon"}']);
  await server.waitForClose(0, 1_000);
  assert.equal(second.socket.readyState, WebSocket.OPEN, 'the other connection is untouched');
  assert.equal(server.connections[1]!.closed, false);
});

test('close() ends every socket, is idempotent, and stops listening', async (t) => {
  const server = await startServer(t, [{ batches: [] }]);
  const client = await connectClient(t, server.wsUrl);
  await server.waitForConnections(1);
  await withTimeout(Promise.all([server.close(), server.close()]), 2_000, 'close() with a client still connected');
  await withTimeout(server.close(), 500, 'a second close()');
  const closed = await withTimeout(client.closed, 2_000, 'client close');
  assert.equal(closed.code, 1006, 'terminated, not a clean close handshake');
  assert.equal(server.connections[0]!.closed, true);

  const late = new WebSocket(server.wsUrl);
  const failure = await withTimeout(
    new Promise<Error>((resolve, reject) => {
      late.on('open', () => reject(new Error('a closed server accepted a connection')));
      late.on('error', resolve);
    }),
    2_000,
    'late connection error',
  );
  assert.match(String((failure as NodeJS.ErrnoException).code), /ECONNREFUSED/);
});

test('pcm16Base64 is valid, quiet, non-silent PCM16 of the requested length', () => {
  const bytes = Buffer.from(pcm16Base64(480), 'base64');
  assert.equal(bytes.length, 960);
  const samples = Array.from({ length: 480 }, (_, index) => bytes.readInt16LE(index * 2));
  const peak = Math.max(...samples.map(Math.abs));
  assert.ok(peak > 1000, `peak ${peak} should not be silence`);
  assert.ok(peak < 0x7fff / 4, `peak ${peak} should be quiet`);
  assert.equal(samples[0], 0, 'a sine starts at zero');
  assert.notEqual(pcm16Base64(480, 1000), pcm16Base64(480, 440), 'frequency matters');
  assert.equal(pcm16Base64(0), '');
});
