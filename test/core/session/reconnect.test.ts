// A conversation outlives its connection: drops reconnect with backoff, the new realtime session
// is seeded with the conversation so far, a running agent turn is answered after the reconnect,
// and sleep pauses the attempts. All against the GA stand-in server, which enforces the API's
// rules on every connection (an output for a call the new session does not know is an error).
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { EARLIER_REQUEST_ANSWER_PREFIX } from '../../../src-main/core/handoff/handoff-voice';
import { SEED_HEADER } from '../../../src-main/core/session/conversation-seed';
import type { ResilienceOptions } from '../../../src-main/core/session/resilience';
import type { KeepaliveOptions } from '../../../src-main/core/protocol/transport';
import { startGaRealtimeServer, type GaRealtimeServer } from '../../support/ga-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, type ScriptedReply } from '../../support/mock-responses-server';
import { TEST_API_KEY, createSessionHarness, sessionConfig, settle, type SessionHarness } from '../../support/session-harness';
import { cards, shown, timeline } from '../../support/v2-scenario';
import { startLeakCheck } from '../../support/leak-check';

const FAST_RECONNECT: Partial<ResilienceOptions> = { reconnectBaseDelayMs: 20, reconnectMaxDelayMs: 100, maxReconnectAttempts: 3 };

async function stage(
  t: TestContext,
  options: { agentReplies?: ScriptedReply[]; resilience?: Partial<ResilienceOptions>; maxSessionMs?: number; keepalive?: KeepaliveOptions } = {},
): Promise<{ server: GaRealtimeServer; harness: SessionHarness }> {
  const server = await startGaRealtimeServer(options.maxSessionMs === undefined ? {} : { maxSessionMs: options.maxSessionMs });
  const agent = await startMockResponsesServer(options.agentReplies ?? []);
  const harness = createSessionHarness({
    agentBaseUrl: agent.baseUrl,
    resilience: { ...FAST_RECONNECT, ...options.resilience },
    ...(options.keepalive ? { keepalive: options.keepalive } : {}),
  });
  t.after(async () => {
    await harness.dispose();
    await server.close();
    await agent.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true);
  await server.waitForSession();
  return { server, harness };
}

/** Waits until the timeline the user sees shows `line` (e.g. "assistant: Done."). */
async function waitForShown(harness: SessionHarness, line: string, timeoutMs = 5_000): Promise<void> {
  await harness.waitForEvent('transcript.entry', (event) => event.final === true && shown(timeline(harness.events)).includes(line), timeoutMs);
}

async function sayTurn(server: GaRealtimeServer, harness: SessionHarness, question: string, answer: string): Promise<void> {
  server.respond({ say: answer });
  server.userSpeaks({ transcript: question });
  await waitForShown(harness, `assistant: ${answer}`);
}

function instructionsOf(server: GaRealtimeServer, connection: number): string {
  return String(server.connections[connection]!.session['instructions'] ?? '');
}

test('a dropped connection reconnects, the new session knows the conversation, and the timeline stays one conversation', async (t) => {
  const { server, harness } = await stage(t);
  await sayTurn(server, harness, 'Remember the number forty-two.', 'Got it, forty-two.');

  server.dropConnection();
  const reconnected = await harness.waitForEvent('connection', (event) => event.status === 'reconnected');
  await server.waitForConnection(2);
  await server.waitForSession();
  assert.equal(reconnected.attempt, 1);
  assert.ok((reconnected.downtimeMs ?? Infinity) < 2_000, `reconnected in ${reconnected.downtimeMs} ms`);
  const seeded = instructionsOf(server, 1);
  assert.ok(seeded.includes(SEED_HEADER), seeded);
  assert.ok(seeded.includes('User: Remember the number forty-two.'), seeded);
  assert.ok(seeded.includes('Assistant: Got it, forty-two.'), seeded);

  await sayTurn(server, harness, 'What was the number?', 'It was forty-two.');
  assert.deepEqual(shown(timeline(harness.events)), [
    'user: Remember the number forty-two.',
    'assistant: Got it, forty-two.',
    'user: What was the number?',
    'assistant: It was forty-two.',
  ]);
  assert.deepEqual(
    harness.eventsOf('state').map((event) => event.state),
    ['connecting', 'live', 'reconnecting', 'live'],
  );
  assert.deepEqual(harness.eventsOf('closed'), []);
  assert.deepEqual(
    harness.eventsOf('error').filter((event) => !event.recoverable),
    [],
  );
  assert.deepEqual(server.violations, []);
});

test('an agent turn running across a reconnect keeps running and its answer is spoken in the new session', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const { server, harness } = await stage(t, {
    agentReplies: [{ kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'The build is green.'), gate }],
  });
  server.respondWithCall({ say: 'Checking.', name: 'background_agent', callId: 'call_build', arguments: { prompt: 'Is the build green?' } });
  server.userSpeaks({ transcript: 'Is the build green?' });
  await harness.waitForEvent('handoff.started');

  server.dropConnection();
  await harness.waitForEvent('connection', (event) => event.status === 'reconnected');
  await server.waitForSession();
  assert.match(instructionsOf(server, 1), /still working on this request: "Is the build green\?/);
  assert.equal(harness.eventsOf('handoff.failed').length, 0, 'the agent turn was not abandoned');

  server.respond({ say: 'The build is green.' });
  release();
  const answerItem = await server.waitForFrame(
    (frame) => frame?.type === 'conversation.item.create' && String(frame.item?.content?.[0]?.text ?? '').startsWith(EARLIER_REQUEST_ANSWER_PREFIX),
  );
  assert.match(answerItem.item.content[0].text, /The build is green\./);
  await harness.waitForEvent('handoff.completed');
  await waitForShown(harness, 'assistant: The build is green.');
  assert.equal(cards(timeline(harness.events))[0]?.status, 'answered');
  // The new session never heard of call_build: no output may name it there.
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
});

test('reconnect gives up after its attempts with one clear error, and the agent turn is not left running', async (t) => {
  const { server, harness } = await stage(t);
  await server.close(); // the server is gone for good: every attempt is refused
  const lost = await harness.waitForEvent('error', (event) => event.code === 'connection_lost', 5_000);
  assert.equal(lost.recoverable, false);
  assert.match(lost.message, /after 3 attempts/);
  const attempts = harness.eventsOf('connection').filter((event) => event.status === 'reconnecting');
  assert.deepEqual(
    attempts.map((event) => event.attempt),
    [1, 2, 3],
  );
  assert.equal(attempts[0]!.delayMs, 0, 'the first attempt is immediate');
  assert.ok(attempts.slice(1).every((event) => (event.delayMs ?? 0) > 0 && (event.delayMs ?? 0) <= 100), 'then backoff within bounds');
  assert.deepEqual(harness.eventsOf('closed').map((event) => event.reason), ['error']);
  assert.equal(harness.session.state, 'closed');
});

test('a normal close from the server ends the session as the server ending it, with its reason', async (t) => {
  const { server, harness } = await stage(t);
  server.closeConnection(1000, 'maintenance window');
  const closed = await harness.waitForEvent('closed');
  assert.equal(closed.reason, 'server_ended');
  assert.equal(closed.detail, 'maintenance window');
  await settle(100);
  assert.equal(server.connections.length, 1, 'no reconnect after the server ended the session');
});

test('sleep pauses reconnecting (no attempts while asleep); waking reconnects at once and sends the kept audio', async (t) => {
  const { server, harness } = await stage(t);
  harness.session.suspend('the computer is going to sleep');
  assert.equal(harness.session.state, 'reconnecting');
  await harness.waitForEvent('connection', (event) => event.status === 'lost');
  // Microphone frames while asleep: only the last 2 s (100 frames) are kept.
  const frame = Buffer.alloc(960);
  for (let index = 0; index < 150; index++) assert.equal(harness.session.sendAudio(frame), true);
  await settle(300);
  assert.equal(server.connections.length, 1, 'no attempt while suspended');
  assert.equal(harness.eventsOf('connection').filter((event) => event.status === 'reconnecting').length, 0);

  harness.session.resume();
  await harness.waitForEvent('connection', (event) => event.status === 'reconnected');
  const dropped = await harness.waitForEvent('audio.dropped');
  assert.deepEqual({ frames: dropped.frames, reason: dropped.reason }, { frames: 50, reason: 'not_connected' });
  await settle(150);
  const appended = server.connections[1]!.frames.filter((item: any) => item?.type === 'input_audio_buffer.append');
  assert.equal(appended.length, 100);
  assert.deepEqual(server.violations, []);
});

test('a session near its time limit is renewed at quiet moments, several times in one run, and nothing said is lost', async (t) => {
  // A renewal waits for a second of quiet: turns come every 1.2 s, as people pause between them.
  const { server, harness } = await stage(t, {
    maxSessionMs: 3_000,
    resilience: { maxSessionMs: 3_000, renewBeforeMs: 2_000, forceRenewBeforeMs: 600 },
  });
  const said: string[] = [];
  for (let turn = 0; harness.eventsOf('connection').filter((event) => event.status === 'renewed').length < 3; turn++) {
    assert.ok(turn < 40, 'three renewals within 40 turns');
    await sayTurn(server, harness, `Question ${turn}.`, `Answer ${turn}.`);
    said.push(`user: Question ${turn}.`, `assistant: Answer ${turn}.`);
    await settle(1_200);
  }
  assert.deepEqual(shown(timeline(harness.events)), said);
  assert.deepEqual(
    harness.eventsOf('state').map((event) => event.state),
    ['connecting', 'live'],
    'make before break: a renewal never leaves the live state',
  );
  const expired = server.errorsSent.filter((error) => error.code === 'session_expired');
  assert.deepEqual(expired, [], 'every renewal came before the limit of the server');
  const last = instructionsOf(server, server.connections.length - 1);
  assert.ok(last.includes('User: Question 0.'), 'the newest session still knows the first turn');
  assert.deepEqual(harness.eventsOf('closed'), []);
  assert.deepEqual(server.violations, []);
});

test('when the server ends the session at its limit first, the expiry leads to the same renewal', async (t) => {
  const { server, harness } = await stage(t, { maxSessionMs: 600, resilience: { maxSessionMs: 60 * 60_000 } });
  await sayTurn(server, harness, 'Note the color blue.', 'Blue, noted.');
  const renewed = await harness.waitForEvent('connection', (event) => event.status === 'renewed', 3_000);
  assert.match(renewed.reason, /time limit/);
  assert.ok(instructionsOf(server, 1).includes('User: Note the color blue.'));
  assert.equal(harness.eventsOf('error').filter((event) => /expired|maximum duration/.test(event.message)).length, 0, 'the expiry is not shown as an error');
  await sayTurn(server, harness, 'Which color?', 'Blue.');
  assert.deepEqual(harness.eventsOf('closed'), []);
});

test('a server that goes silent is found dead by the keepalive and the conversation reconnects', async (t) => {
  const { server, harness } = await stage(t, { keepalive: { intervalMs: 50, deadAfterMs: 300 } });
  await sayTurn(server, harness, 'Keep this in mind: tea, not coffee.', 'Tea it is.');
  const silencedAt = Date.now();
  server.silenceConnection();
  const lost = await harness.waitForEvent('connection', (event) => event.status === 'lost', 3_000);
  const detectedMs = Date.now() - silencedAt;
  assert.ok(detectedMs < 300 + 50 + 250, `found dead after ${detectedMs} ms`);
  assert.match(lost.reason, /no answer from the server/);
  await harness.waitForEvent('connection', (event) => event.status === 'reconnected');
  await server.waitForSession();
  assert.ok(instructionsOf(server, 1).includes('User: Keep this in mind: tea, not coffee.'));
  await sayTurn(server, harness, 'What do I drink?', 'Tea.');
  assert.deepEqual(harness.eventsOf('closed'), []);
});

test('while the socket cannot keep up, microphone audio is dropped and counted, not queued without limit', async (t) => {
  const { server, harness } = await stage(t, { resilience: { maxUnsentBytes: 64 * 1024 } });
  server.silenceConnection(); // the server stops reading: the socket's send buffer fills
  const frame = Buffer.alloc(960);
  let refused = 0;
  // 400 s of audio: far more than the loopback socket's kernel buffers hold.
  for (let index = 0; index < 20_000; index++) if (!harness.session.sendAudio(frame)) refused++;
  assert.ok(refused > 10_000, `most frames refused once the buffer was full (${refused} of 20000)`);
  harness.session.suspend('test: end the stretch');
  const dropped = await harness.waitForEvent('audio.dropped', (event) => event.reason === 'backpressure');
  assert.equal(dropped.frames, refused);
  assert.equal(dropped.durationMs, refused * 20);
});

test('a server that drops every connection right after it opens ends in one clear error, not an endless loop', async (t) => {
  const { server, harness } = await stage(t);
  let connections = 1;
  const dropping = (async () => {
    for (;;) {
      server.dropConnection();
      connections++;
      try {
        await server.waitForConnection(connections, 2_000);
        await server.waitForSession(2_000);
      } catch {
        return; // no further attempt came
      }
    }
  })();
  const lost = await harness.waitForEvent('error', (event) => event.code === 'connection_lost', 5_000);
  await dropping;
  assert.match(lost.message, /after 3 attempts/);
  assert.ok(server.connections.length <= 4, `at most the first connection and 3 attempts (${server.connections.length})`);
  assert.deepEqual(harness.eventsOf('closed').map((event) => event.reason), ['error']);
});

test('a fault inside Parley during a renewal is caught and reported, and the conversation goes on', async (t) => {
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);
  process.on('uncaughtException', onUncaught);
  t.after(() => process.off('uncaughtException', onUncaught));
  const server = await startGaRealtimeServer();
  let faults = 0;
  // A speaker whose state cannot be read: the quiet check of the renewal throws.
  const sink = {
    write() {},
    isPlaying(): boolean {
      faults++;
      throw new Error('speaker state unreadable');
    },
    interrupt: () => undefined,
  };
  const harness = createSessionHarness({ sink: sink as never, resilience: { ...FAST_RECONNECT, maxSessionMs: 600, renewBeforeMs: 400, forceRenewBeforeMs: 60 } });
  t.after(async () => {
    await harness.dispose();
    await server.close();
  });
  assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true);
  const caught = await harness.waitForEvent('error', (event) => event.code === 'internal_error', 3_000);
  assert.equal(caught.recoverable, true);
  assert.match(caught.message, /internal error in the renewal .*speaker state unreadable/);
  assert.ok(faults > 0);
  assert.equal(harness.session.state, 'live');
  assert.deepEqual(uncaught, []);
});

test('a renewal waits for the reply to finish, then the new session hears what was said since its seed and the last second of microphone', async (t) => {
  const { server, harness } = await stage(t, { resilience: { maxSessionMs: 1_600, renewBeforeMs: 1_000, forceRenewBeforeMs: 100 } });
  const long = server.respond({ say: 'Here is a long answer.', holdBeforeDone: true });
  server.respond({ say: 'And the short one.' });
  harness.session.sendText('tell me something');
  await harness.waitForEvent('connection', (event) => event.status === 'renewing', 2_000);
  await server.waitForConnection(2);
  await settle(300);
  assert.equal(harness.eventsOf('connection').filter((event) => event.status === 'renewed').length, 0, 'no switch while a reply is under way');
  harness.session.sendText('and another thing');
  const frame = Buffer.alloc(960, 1);
  for (let index = 0; index < 60; index++) harness.session.sendAudio(frame);
  long.release();
  await harness.waitForEvent('connection', (event) => event.status === 'renewed', 3_000);
  await settle(150);

  const first = server.connections[0]!;
  assert.equal(first.responses.length, 2, 'both replies finished on the old session before the switch');
  assert.ok(first.responses.every((response) => response.status === 'completed'), 'no reply was cut by the switch');
  const renewed = server.connections[1]!.frames as any[];
  const afterConfig = renewed.filter((item) => item?.type !== 'session.update');
  const catchUp = afterConfig[0];
  assert.equal(catchUp?.type, 'conversation.item.create');
  assert.match(catchUp.item.content[0].text, /^Said since this session was prepared/);
  assert.match(catchUp.item.content[0].text, /User: and another thing/);
  assert.match(catchUp.item.content[0].text, /Assistant: And the short one\./);
  const replayed = afterConfig.slice(1, 51);
  assert.equal(replayed.length, 50);
  assert.ok(replayed.every((item) => item?.type === 'input_audio_buffer.append'), 'then the last second of microphone audio');
  assert.deepEqual(server.violations, []);
  assert.deepEqual(server.errorsSent, []);
});

test('drops more often than every 30 s do not use up the attempts while replies get through in between', async (t) => {
  const { server, harness } = await stage(t);
  for (let drop = 1; drop <= 5; drop++) {
    await sayTurn(server, harness, `Question ${drop}.`, `Answer ${drop}.`);
    server.dropConnection();
    await server.waitForConnection(drop + 1);
    await server.waitForSession();
    await harness.waitForEvent('connection', () => harness.eventsOf('connection').filter((event) => event.status === 'reconnected').length === drop);
  }
  const reconnected = harness.eventsOf('connection').filter((event) => event.status === 'reconnected');
  assert.deepEqual(
    reconnected.map((event) => event.attempt),
    [1, 1, 1, 1, 1],
    'each reconnect starts counting afresh: the connection before it carried a reply',
  );
  assert.equal(harness.eventsOf('error').filter((event) => event.code === 'connection_lost').length, 0);
});

test('five sessions in one process, each with a drop and a renewal, leave no timer or socket behind', async (t) => {
  // The server ends each connection after 700 ms (its limit); the client's own renewal timer is
  // long, so a timer a stop forgot would still be there when the resources are counted.
  const server = await startGaRealtimeServer({ maxSessionMs: 700 });
  t.after(() => server.close());
  const leaks = startLeakCheck();
  const harness = createSessionHarness({
    resilience: { ...FAST_RECONNECT, maxSessionMs: 60_000 },
    keepalive: { intervalMs: 100, deadAfterMs: 1_000 },
  });
  for (let run = 1; run <= 5; run++) {
    const connectionsBefore = server.connections.length;
    assert.equal(await harness.session.start({ config: sessionConfig('v2', server.url), apiKey: TEST_API_KEY }), true, `start ${run}`);
    await server.waitForConnection(connectionsBefore + 1);
    await server.waitForSession();
    server.dropConnection();
    await harness.waitForEvent('connection', () => harness.eventsOf('connection').filter((event) => event.status === 'reconnected').length === run);
    await harness.waitForEvent('connection', () => harness.eventsOf('connection').filter((event) => event.status === 'renewed').length === run, 3_000);
    await harness.session.stop();
    assert.equal(harness.session.state, 'closed');
  }
  await harness.dispose();
  await leaks.assertNothingLeft(2_000);
  assert.equal(harness.eventsOf('closed').length, 5);
  assert.deepEqual(harness.eventsOf('closed').map((event) => event.reason), Array(5).fill('requested'));
  assert.ok(server.connections.every((connection) => connection.closed), 'every server connection was closed');
});
