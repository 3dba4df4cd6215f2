import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { connectWebSocket } from '../../../src-main/adapters/transport/ws-transport';
import { createCodec } from '../../../src-main/core/protocol/codec-factory';
import type { Dialect, RealtimeSessionConfig } from '../../../src-main/core/protocol/session-config';
import { TransportError } from '../../../src-main/core/protocol/transport';
import { silentLogger } from '../../../src-main/core/util/logger';
import { startEagerServer } from '../../support/eager-server';
import { startMockRealtimeServer } from '../../support/mock-realtime-server';

const noHandlers = { onOpen: () => {}, onFrame: () => {}, onClose: () => {} };
const target = (url: string) => ({ url: url.replace('http://', 'ws://') + '/v1/realtime', headers: { Authorization: 'Bearer sk-secret-value' } });

async function rejectionOf(promise: Promise<unknown>): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TransportError, `expected a TransportError, got ${String(error)}`);
    return error;
  }
  assert.fail('the connection should have been refused');
}

for (const [status, code, pattern] of [
  [401, 'key_rejected', /rejected the API key \(HTTP 401\)/],
  [403, 'key_rejected', /rejected the API key \(HTTP 403\).*no access/],
  [404, 'not_found', /HTTP 404\): check the realtime URL/],
  [500, 'upgrade_rejected', /refused the connection with HTTP 500\. Server said: upstream exploded/],
] as const) {
  test(`a rejected upgrade with HTTP ${status} is a specific ${code} error`, async (t) => {
    const server = await startMockRealtimeServer([{ batches: [], rejectUpgrade: { status, body: status === 500 ? 'upstream exploded' : 'Incorrect API key provided: sk-secret-value' } }]);
    t.after(() => server.close());
    const error = await rejectionOf(connectWebSocket({ target: target(server.url), firstFrame: '{}', timeoutMs: 2_000, handlers: noHandlers }));
    assert.equal(error.code, code);
    assert.equal(error.status, status);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('sk-secret-value'), 'the key never appears in an error');
  });
}

test('a server that accepts TCP but never answers the upgrade times out', async (t) => {
  const silent = createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => silent.close());
  const port = (silent.address() as { port: number }).port;
  const started = Date.now();
  const error = await rejectionOf(connectWebSocket({ target: target(`http://127.0.0.1:${port}`), firstFrame: '{}', timeoutMs: 300, handlers: noHandlers }));
  assert.equal(error.code, 'connect_timeout');
  assert.match(error.message, /did not answer within 300 ms/);
  assert.ok(Date.now() - started < 2_000);
});

test('the first frame goes out before anything else, and sending never waits on reading', async (t) => {
  const server = await startMockRealtimeServer([{ batches: [] }]);
  t.after(() => server.close());
  const connection = await connectWebSocket({ target: target(server.url), firstFrame: '{"type":"session.update"}', timeoutMs: 2_000, handlers: noHandlers });
  t.after(() => connection.close());
  for (let index = 0; index < 200; index++) connection.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'AAAA', index }));
  const frames = (await server.waitForFrames(0, 201)) as any[];
  assert.equal(frames[0].type, 'session.update');
  assert.deepEqual(frames.slice(1).map((frame) => frame.index), Array.from({ length: 200 }, (_, index) => index));
});

test('close is idempotent and reported once, as initiated locally', async (t) => {
  const server = await startMockRealtimeServer([{ batches: [] }]);
  t.after(() => server.close());
  const closes: Array<{ initiatedLocally: boolean }> = [];
  const connection = await connectWebSocket({
    target: target(server.url),
    firstFrame: '{}',
    timeoutMs: 2_000,
    handlers: { onOpen: () => {}, onFrame: () => {}, onClose: (info) => closes.push(info) },
  });
  connection.close();
  connection.close();
  await server.waitForClose(0);
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(closes.length, 1);
  assert.equal(closes[0]!.initiatedLocally, true);
  connection.send('{"type":"late"}'); // after close: dropped, no throw
});

test('a frame that arrives in the same packet as the upgrade is delivered after onOpen', async (t) => {
  const server = await startEagerServer({ type: 'session.created', session: { id: 'early' } });
  t.after(() => server.close());
  const order: string[] = [];
  const connection = await connectWebSocket({
    target: { url: `ws://127.0.0.1:${server.port}/v1/realtime`, headers: {} },
    firstFrame: '{}',
    timeoutMs: 2_000,
    handlers: { onOpen: () => order.push('open'), onFrame: () => order.push('frame'), onClose: () => {} },
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  connection.close();
  assert.deepEqual(order, ['open', 'frame']);
});

const configFor = (dialect: Dialect, realtimeUrl: string): RealtimeSessionConfig => ({
  dialect,
  realtimeUrl,
  model: undefined,
  voice: undefined,
  instructions: 'backend prompt',
  transcriptionModel: 'gpt-4o-mini-transcribe',
  turnDetection: 'server_vad',
  sessionId: undefined,
});

for (const [dialect, alphaHeader] of [
  ['v1', 'quicksilver=v1'],
  ['v2', undefined],
] as const) {
  test(`the ${dialect} handshake reaches a ws:// base URL as given, openai-alpha ${alphaHeader ?? 'absent'}`, async (t) => {
    const server = await startMockRealtimeServer([{ batches: [] }]);
    t.after(() => server.close());
    const websocketBaseUrl = server.url.replace(/^http:/, 'ws:');
    const target = createCodec(dialect, silentLogger).connectTarget(configFor(dialect, websocketBaseUrl), 'sk-test', 'session-7');
    const connection = await connectWebSocket({ target, firstFrame: '{}', timeoutMs: 2_000, handlers: noHandlers });
    t.after(() => connection.close());
    await server.waitForConnections(1);
    const { handshake } = server.connections[0]!;
    assert.equal(handshake.path, '/v1/realtime');
    assert.equal(handshake.headers['authorization'], 'Bearer sk-test');
    assert.equal(handshake.headers['openai-alpha'], alphaHeader);
  });
}
