// Issue 9, point 4 in the app: the live API fixes the voice once the model has spoken, so a voice
// picked in Settings during such a session is not sent (it would make the server refuse the whole
// update) and the user is told it applies from the next session; a talk-mode switch still works.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VOICE_NEXT_SESSION_NOTICE } from '../../src-main/app/app-controller';
import { startAppHarness } from '../support/app-harness';
import { startGaRealtimeServer, type GaRealtimeServer } from '../support/ga-realtime-server';
import { settle } from '../support/session-harness';

const KEY = 'sk-test-app-0123456789abcdef';
const sessionUpdates = (server: GaRealtimeServer) => (server.frames as any[]).filter((frame) => frame?.type === 'session.update');

test('a voice change after the model has spoken is not sent; the app says it applies from the next session, and the talk mode still switches', async (t) => {
  const server = await startGaRealtimeServer();
  t.after(() => server.close());
  const harness = startAppHarness(t, { settings: { realtimeUrl: server.url, agentBackend: 'none', voice: 'marin' }, env: { OPENAI_API_KEY: KEY } });
  await harness.app.commands['session.start'](undefined);
  const reply = server.respond({ say: 'Hello there.' });
  harness.app.commands['session.sendText']({ text: 'hi' });
  await reply.done;
  await harness.waitForState((state) => JSON.stringify(state.conversation.items).includes('Hello there.'));

  harness.app.commands['settings.update']({ voice: 'cedar' });
  const notice = await harness.waitFor('notice', (payload) => payload.message === VOICE_NEXT_SESSION_NOTICE);
  assert.ok(notice);
  harness.app.commands['talk.setMode']({ mode: 'push-to-talk' });
  await server.waitForEvent((event) => event.type === 'session.updated' && event.session?.audio?.input?.turn_detection === null);
  await settle();

  const [, ...midSession] = sessionUpdates(server);
  assert.equal(midSession.length, 1, 'only the talk-mode switch went out');
  assert.deepEqual(midSession[0].session, { type: 'realtime', audio: { input: { turn_detection: null } } });
  assert.deepEqual(server.errorsSent, [], 'the server refused nothing');
  assert.equal(harness.payloadsOf('notice').filter((payload) => payload.message === VOICE_NEXT_SESSION_NOTICE).length, 1, 'said once');
  assert.equal(harness.app.settings().voice, 'cedar', 'kept for the next session');
});

test('a voice change before the model has spoken reaches the live session, with no notice', async (t) => {
  const server = await startGaRealtimeServer();
  t.after(() => server.close());
  const harness = startAppHarness(t, { settings: { realtimeUrl: server.url, agentBackend: 'none', voice: 'marin' }, env: { OPENAI_API_KEY: KEY } });
  await harness.app.commands['session.start'](undefined);
  harness.app.commands['settings.update']({ voice: 'cedar' });
  await server.waitForEvent((event) => event.type === 'session.updated' && event.session?.audio?.output?.voice === 'cedar');
  await settle();
  assert.deepEqual(harness.payloadsOf('notice'), []);
  assert.deepEqual(server.errorsSent, []);
});
