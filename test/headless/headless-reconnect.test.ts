// The real headless command when the connection drops, the server's limit comes, or the server
// ends the session: it says so in words, carries on, and exits as the user would expect.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGaRealtimeServer } from '../support/ga-realtime-server';
import { runHeadlessProcess } from '../support/run-headless-process';

const KEY = 'sk-test-reconnect-0123456789';
const base = (url: string) => ['--realtime-url', url, '--agent', 'none', '--input-device', 'none', '--output-device', 'none'];

test('a dropped connection prints "reconnecting" and "reconnected", and the conversation goes on', { timeout: 30_000 }, async (t) => {
  const server = await startGaRealtimeServer({ apiKey: KEY });
  t.after(() => server.close());
  server.respond({ say: 'Hello!' });
  server.respond({ say: 'Still here.' });
  const run = runHeadlessProcess([...base(server.url), '--text', 'hi', '--duration-ms', '4000'], { OPENAI_API_KEY: KEY });
  await server.waitForFrame((frame) => frame.type === 'response.create', 10_000);
  await server.waitForEvent((event) => event.type === 'response.done', 5_000);
  server.dropConnection();
  await server.waitForConnection(2, 5_000);
  await server.waitForSession();
  server.userSpeaks({ transcript: 'Are you there?' });
  const { code, stdout, stderr } = await run.done;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /Connection lost \(the connection was lost \(code 1006[^)]*\)\); reconnecting/);
  assert.match(stderr, /Reconnected after \d+(\.\d)? s\./);
  assert.match(stdout, /Still here\./, `the conversation went on after the reconnect:\n${stdout}`);
  assert.ok(String(server.connections[1]!.session['instructions']).includes('Assistant: Hello!'), 'the new session was seeded');
});

test('a normal close from the server prints its reason and ends the run', { timeout: 30_000 }, async (t) => {
  const server = await startGaRealtimeServer({ apiKey: KEY });
  t.after(() => server.close());
  const run = runHeadlessProcess([...base(server.url), '--duration-ms', '8000'], { OPENAI_API_KEY: KEY });
  await server.waitForSession(10_000);
  server.closeConnection(1000, 'maintenance window');
  const { stdout, stderr } = await run.done;
  assert.match(stdout + stderr, /The server ended the session: maintenance window\./);
  assert.equal(server.connections.length, 1, 'a normal close is not retried');
});

test('--max-session-ms renews the session before the limit without a word of the conversation lost', { timeout: 30_000 }, async (t) => {
  const server = await startGaRealtimeServer({ apiKey: KEY, maxSessionMs: 2_000 });
  t.after(() => server.close());
  server.respond({ say: 'Noted: blue.' });
  const run = runHeadlessProcess([...base(server.url), '--max-session-ms', '2000', '--text', 'my color is blue', '--duration-ms', '3500'], { OPENAI_API_KEY: KEY });
  await server.waitForConnection(2, 10_000);
  const { code, stderr } = await run.done;
  assert.equal(code, 0, stderr);
  assert.match(stderr, /Session renewed/);
  assert.ok(String(server.connections[1]!.session['instructions']).includes('User: my color is blue'));
  assert.deepEqual(server.errorsSent.filter((error) => error.code === 'session_expired'), [], 'renewed before the limit');
});
