import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { describeDeadConnection } from '../../../src-main/adapters/transport/keepalive-monitor';
import { connectWebSocket } from '../../../src-main/adapters/transport/ws-transport';
import type { KeepaliveOptions, RealtimeConnection, TransportCloseInfo } from '../../../src-main/core/protocol/transport';
import { startKeepaliveTestServer, type KeepaliveTestServer } from './keepalive-test-server';
import { startLeakCheck } from '../../support/leak-check';

const KEEPALIVE: KeepaliveOptions = { intervalMs: 50, deadAfterMs: 200 };
/** Timer callbacks on a busy 2-core machine run late; this is the allowance on top of the contract. */
const SCHEDULING_SLACK_MS = 80;
/**
 * For tests about other close paths: pings keep going but death is far off, so a keepalive timer
 * left running after the close would outlive the leak check's settle and fail it.
 */
/** A close that never comes must fail the test, not hang the run. */
const BOUNDED = { timeout: 10_000 };
const LONG_KEEPALIVE: KeepaliveOptions = { intervalMs: 50, deadAfterMs: 5_000 };

interface Client {
  readonly connection: RealtimeConnection;
  readonly closes: TransportCloseInfo[];
  readonly frames: string[];
  /** performance.now() when onOpen ran: the start of the first silence. */
  readonly openedAt: number;
  /** Resolves with the first close report. */
  readonly closed: Promise<{ info: TransportCloseInfo; at: number }>;
}

async function connectClient(server: KeepaliveTestServer, keepalive: KeepaliveOptions = KEEPALIVE): Promise<Client> {
  const closes: TransportCloseInfo[] = [];
  const frames: string[] = [];
  let openedAt = 0;
  let reportClose: (value: { info: TransportCloseInfo; at: number }) => void = () => {};
  const closed = new Promise<{ info: TransportCloseInfo; at: number }>((resolve) => (reportClose = resolve));
  const connection = await connectWebSocket({
    target: { url: server.url, headers: { Authorization: 'Bearer sk-keepalive-test-key' } },
    firstFrame: '{"type":"session.update"}',
    timeoutMs: 2_000,
    keepalive,
    handlers: {
      onOpen: () => (openedAt = performance.now()),
      onFrame: (frame) => frames.push(frame),
      onClose: (info) => {
        closes.push(info);
        reportClose({ info, at: performance.now() });
      },
    },
  });
  return { connection, closes, frames, openedAt, closed };
}

test('a server that answers pings keeps a quiet connection alive past three dead-after periods', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: true });
  t.after(() => server.close());
  const client = await connectClient(server);
  t.after(() => client.connection.close());

  await sleep(3 * KEEPALIVE.deadAfterMs + 100);

  assert.deepEqual(client.closes, [], 'no close while the server answers pings');
  assert.equal(client.connection.writable, true);
  // 700 ms at one ping per 50 ms: well over 5 even on a slow machine. Proves pongs, not luck, kept it.
  assert.ok(server.pingsReceived >= 5, `the server received ${server.pingsReceived} pings`);
  client.connection.close();
  const { info } = await client.closed;
  assert.deepEqual(info, { code: 1000, reason: 'client closed', initiatedLocally: true, cause: 'closed' });
  await server.close();
  await leaks.assertNothingLeft();
});

test('a server that goes silent is declared dead within deadAfterMs + intervalMs, reported once', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: false });
  t.after(() => server.close());
  const client = await connectClient(server);
  t.after(() => client.connection.close());

  const { info, at } = await client.closed;
  const silentForMs = at - client.openedAt;

  assert.deepEqual(info, { code: 1006, reason: 'no answer from the server for 0.2 s', initiatedLocally: false, cause: 'dead' });
  assert.ok(silentForMs >= KEEPALIVE.deadAfterMs, `declared dead too early, after ${silentForMs.toFixed(0)} ms`);
  assert.ok(
    silentForMs <= KEEPALIVE.deadAfterMs + KEEPALIVE.intervalMs + SCHEDULING_SLACK_MS,
    `declared dead after ${silentForMs.toFixed(0)} ms, later than ${KEEPALIVE.deadAfterMs} + ${KEEPALIVE.intervalMs} ms`,
  );
  assert.ok(server.pingsReceived >= 2, `the client pinged before giving up (${server.pingsReceived} pings)`);
  assert.equal(client.connection.writable, false);
  client.connection.send('{"type":"late"}'); // a dead connection swallows sends without throwing
  client.connection.close(); // and closing it again is harmless

  await sleep(3 * KEEPALIVE.intervalMs);
  assert.equal(client.closes.length, 1, 'onClose ran exactly once');
  await server.close();
  await leaks.assertNothingLeft();
});

test('a server that sends frames but never pongs stays alive, and dies once the frames stop', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  let ticker: ReturnType<typeof setInterval> | undefined;
  t.after(() => clearInterval(ticker));
  const server = await startKeepaliveTestServer({
    answerPings: false,
    onConnection: (socket) => {
      ticker = setInterval(() => socket.send('{"type":"rate_limits.updated"}'), KEEPALIVE.intervalMs);
    },
  });
  t.after(() => server.close());
  const client = await connectClient(server);
  t.after(() => client.connection.close());

  await sleep(3 * KEEPALIVE.deadAfterMs + 100);
  assert.deepEqual(client.closes, [], 'inbound frames count as life');
  assert.ok(client.frames.length >= 5, `frames kept coming (${client.frames.length})`);

  clearInterval(ticker);
  const stoppedAt = performance.now();
  const { info, at } = await client.closed;
  assert.equal(info.cause, 'dead', 'without frames and without pongs the connection dies');
  assert.ok(at - stoppedAt <= KEEPALIVE.deadAfterMs + KEEPALIVE.intervalMs + SCHEDULING_SLACK_MS, `died ${(at - stoppedAt).toFixed(0)} ms after the frames stopped`);
  await server.close();
  await leaks.assertNothingLeft();
});

test('a close frame from the server is reported with its code and reason, cause closed', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: true, onConnection: (socket) => setTimeout(() => socket.close(1001, 'going away'), 20) });
  t.after(() => server.close());
  const client = await connectClient(server, LONG_KEEPALIVE);
  t.after(() => client.connection.close());

  const { info } = await client.closed;
  assert.deepEqual(info, { code: 1001, reason: 'going away', initiatedLocally: false, cause: 'closed' });
  await server.close();
  await leaks.assertNothingLeft();
});

test('a connection reset after open is reported as cause error, naming the socket error', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: true, onConnection: (_socket, raw) => setTimeout(() => raw.resetAndDestroy(), 20) });
  t.after(() => server.close());
  const client = await connectClient(server, LONG_KEEPALIVE);
  t.after(() => client.connection.close());

  const { info } = await client.closed;
  assert.equal(info.cause, 'error');
  assert.equal(info.code, 1006);
  assert.equal(info.initiatedLocally, false);
  assert.match(info.reason, /^the connection failed: .*ECONNRESET/);
  assert.ok(!info.reason.includes('sk-keepalive-test-key'));
  await server.close();
  await leaks.assertNothingLeft();
});

test('a local close to a server that stopped reading is reported as local, not as dead', BOUNDED, async (t) => {
  const leaks = startLeakCheck();
  const server = await startKeepaliveTestServer({ answerPings: false });
  t.after(() => server.close());
  const client = await connectClient(server);
  t.after(() => client.connection.close());
  // The server stops reading: neither the pings nor our close frame will ever be answered.
  (await server.firstConnection()).pause();

  client.connection.close();
  assert.equal(client.connection.writable, false, 'not writable once a close has begun');
  const { info, at } = await client.closed;

  assert.equal(info.initiatedLocally, true);
  assert.equal(info.cause, 'closed', 'the keepalive stops when we close');
  // The close handshake limit (2 s) cut the socket: far beyond deadAfterMs, yet not "dead".
  assert.ok(at - client.openedAt >= 1_900, `closed after ${(at - client.openedAt).toFixed(0)} ms`);
  assert.equal(client.closes.length, 1);
  await server.close();
  await leaks.assertNothingLeft();
});

test('the dead-connection reason states the silence in seconds', () => {
  assert.equal(describeDeadConnection(20_000), 'no answer from the server for 20 s');
  assert.equal(describeDeadConnection(1_500), 'no answer from the server for 1.5 s');
});

test('a keepalive with deadAfterMs shorter than intervalMs is refused before any socket opens', () => {
  assert.throws(
    () => connectWebSocket({ target: { url: 'ws://127.0.0.1:9/', headers: {} }, firstFrame: '{}', timeoutMs: 100, keepalive: { intervalMs: 100, deadAfterMs: 50 }, handlers: { onOpen() {}, onFrame() {}, onClose() {} } }),
    /keepalive needs 0 < intervalMs <= deadAfterMs/,
  );
});
