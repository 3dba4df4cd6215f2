// The desktop app core in plain Node: the same commands the renderer and tray send, against the
// mock realtime and Responses servers, with the real settings file, ws transport and history.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppState } from '../../src-shared/app-state';
import type { EntryItem, HandoffItem } from '../../src-shared/conversation-reducer';
import type { HistorySummary } from '../../src-shared/ipc-contract';
import { startMockRealtimeServer } from '../support/mock-realtime-server';
import { assistantMessageEvents, startMockResponsesServer } from '../support/mock-responses-server';
import { startAppHarness } from '../support/app-harness';
import { fakeAudio } from '../support/fake-audio-engine';
import { assistantDelta, functionCall, sessionStarted, userTranscript } from '../support/v2-server-events';
import { tempDir } from '../support/temp-dir';

const KEY = 'sk-test-app-0123456789abcdef';

const entries = (state: AppState) => state.conversation.items.filter((item): item is EntryItem => item.kind === 'entry');
const cards = (state: AppState) => state.conversation.items.filter((item): item is HandoffItem => item.kind === 'handoff');

test('a fresh app: idle, no key, onboarding pending, hotkeys not yet registered', (t) => {
  const { app } = startAppHarness(t);
  const snapshot = app.snapshot();
  assert.equal(snapshot.status, 'idle');
  assert.equal(snapshot.session, 'idle');
  assert.equal(snapshot.apiKeySet, false);
  assert.equal(snapshot.onboardingDone, false);
  assert.deepEqual(snapshot.talk, { mode: 'hands-free', muted: false, talking: false });
  assert.equal(snapshot.hotkeys.talk.active, false);
  assert.deepEqual(snapshot.problems, []);
  assert.deepEqual(snapshot.conversation.items, []);
});

test('starting without a key fails with an error that says where to put one, and the status shows it', async (t) => {
  const harness = startAppHarness(t);
  await harness.app.commands['session.start'](undefined);
  const snapshot = harness.app.snapshot();
  assert.equal(snapshot.status, 'error');
  const [problem] = snapshot.problems;
  assert.equal(problem?.code, 'missing_api_key');
  assert.equal(problem.settingsPage, 'api-key');
  assert.match(problem.message, /Settings › API key/);
  assert.match(problem.message, /OPENAI_API_KEY/);
  assert.equal(snapshot.problems.length, 1, 'one problem, delivered once');
  assert.equal(harness.payloadsOf('state').at(-1)?.fields.status ?? harness.mirror().status, 'error', 'a patch carried the change');
  assert.deepEqual(harness.mirror(), harness.app.snapshot(), 'the patches rebuild the state exactly');

  harness.app.commands['apiKey.set']({ key: KEY });
  assert.deepEqual(harness.app.snapshot().problems, [], 'setting a key solves the missing key');
  assert.notEqual(harness.app.snapshot().status, 'error');
});

test('a rejected key is an error banner, and the key never appears in events or logs', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [], rejectUpgrade: { status: 401, body: 'invalid_api_key' } }]);
  t.after(() => realtime.close());
  const harness = startAppHarness(t, { settings: { realtimeUrl: realtime.url, agentBackend: 'none' } });
  harness.app.commands['apiKey.set']({ key: KEY });
  await harness.app.commands['session.start'](undefined);
  assert.equal(harness.app.snapshot().problems[0]?.code, 'key_rejected');
  const everything = JSON.stringify(harness.envelopes) + harness.logLines.join('\n');
  assert.equal(everything.includes(KEY), false);
  assert.equal(JSON.stringify(harness.app.commands['apiKey.status'](undefined)).includes(KEY), false);
});

test('a live session streams transcript entries, runs the handoff, and records history that exports to Markdown', async (t) => {
  const agent = await startMockResponsesServer([{ kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'Two flights leave at 9.', { deltas: ['Two flights ', 'leave at 9.'] }) }]);
  const realtime = await startMockRealtimeServer([
    {
      batches: [
        [
          ...sessionStarted('sess_app'),
          userTranscript('find me flights to lisbon'),
          assistantDelta('item_a', 'Let me '),
          assistantDelta('item_a', 'check.'),
          functionCall('call_1', 'Find flights to Lisbon tomorrow'),
        ],
      ],
    },
  ]);
  t.after(async () => {
    await realtime.close();
    await agent.close();
  });
  const harness = startAppHarness(t, { settings: { realtimeUrl: realtime.url, agentUrl: agent.baseUrl }, env: { OPENAI_API_KEY: KEY } });
  await harness.app.commands['session.start'](undefined);
  assert.equal(harness.app.snapshot().session, 'live');

  const merged = await harness.waitForState((state) => entries(state).some((entry) => entry.text === 'Let me check.'));
  assert.equal(entries(merged).find((entry) => entry.text === 'Let me check.')?.role, 'assistant');
  const answered = await harness.waitForState((state) => cards(state)[0]?.status === 'answered');
  const [card] = cards(answered);
  assert.ok(card!.agentText.startsWith('Find flights to Lisbon tomorrow'));
  assert.equal(card!.answer, 'Two flights leave at 9.');
  assert.ok(harness.payloadsOf('state').some((patch) => patch.fields.agentWorking === true), 'the agent-working flag was sent');
  assert.ok(harness.payloadsOf('state').some((patch) => patch.fields.status === 'agent-working'), 'the agent-working status was shown');
  const streamed = harness.payloadsOf('state').flatMap((patch) => patch.conversation?.splice?.items ?? []);
  assert.ok(streamed.some((item) => item.kind === 'handoff' && item.streaming === 'Two flights '), 'agent text streamed into the card');
  assert.equal(JSON.stringify(harness.envelopes).includes('audio.output'), false, 'raw audio is never forwarded');
  assert.deepEqual(harness.mirror(), harness.app.snapshot(), 'the patches rebuild the conversation exactly');

  await harness.app.commands['session.stop'](undefined);
  assert.equal(harness.app.snapshot().session, 'closed');
  const [summary] = (await harness.app.commands['history.list'](undefined)) as readonly HistorySummary[];
  assert.ok(summary, 'the session is in the history list');
  assert.equal(summary.handoffCount, 1);
  assert.match(summary.preview, /find me flights to lisbon/);
  assert.ok(summary.endedAt, 'the end is recorded');
  const exported = harness.app.commands['history.exportMarkdown']({ sessionId: summary.sessionId }) as { fileName: string; markdown: string };
  assert.equal(exported.fileName, `parley-${summary.sessionId}.md`);
  assert.match(exported.markdown, /Find flights to Lisbon tomorrow/);
  assert.match(exported.markdown, /Two flights leave at 9\./);

  harness.app.commands['history.delete']({ sessionId: summary.sessionId });
  assert.deepEqual(readdirSync(join(harness.userDataDir, 'history')), []);
  assert.throws(() => harness.app.commands['history.delete']({ sessionId: summary.sessionId }), /no saved session/);
});

test('typed text needs a live session, and says so plainly', async (t) => {
  const { app } = startAppHarness(t);
  assert.throws(() => app.commands['session.sendText']({ text: 'hello' }), /No voice session is running: start one to send a message/);
  assert.throws(() => app.commands['talk.press'](undefined), /start one to talk/);
});

test('an approval click needs a running session, and says so', async (t) => {
  const { app } = startAppHarness(t);
  assert.throws(() => app.commands['agent.answerApproval']({ approvalId: 'approval-1', decision: 'allow' }), /No session is running/);
});

test('switching to push-to-talk mid-session saves the mode and turns server turn detection off', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[...sessionStarted('sess_mode')]] }]);
  t.after(() => realtime.close());
  const harness = startAppHarness(t, { settings: { realtimeUrl: realtime.url, agentBackend: 'none' }, env: { OPENAI_API_KEY: KEY } });
  await harness.app.commands['session.start'](undefined);
  const talk = harness.app.commands['talk.setMode']({ mode: 'push-to-talk' });
  assert.deepEqual(talk, { mode: 'push-to-talk', muted: false, talking: false });
  assert.equal(harness.app.settings().talkMode, 'push-to-talk', 'persisted');
  const update = await realtime.waitForFrame(0, (frame) => frame?.type === 'session.update' && frame.session?.audio?.input?.turn_detection === null);
  assert.ok(update);
  assert.equal(harness.app.snapshot().status, 'idle', 'live but the talk key is up: the microphone is closed');
  const pressed = harness.app.commands['talk.press'](undefined) as { talking: boolean };
  assert.equal(pressed.talking, true);
  assert.equal(harness.app.snapshot().status, 'listening');
});

test('the microphone check opens the mic without a session and reports levels; the test sound plays', async (t) => {
  const audio = fakeAudio();
  const harness = startAppHarness(t, { createAudioEngine: audio.factory });
  await harness.app.commands['audio.micCheck']({ enabled: true });
  const [engine] = audio.engines;
  assert.ok(engine?.microphoneOpen);
  assert.equal(harness.app.snapshot().micCheck, true);
  engine.speak(-20);
  const levels = await harness.waitFor('levels', (payload) => payload.input.rmsDbfs === -20);
  assert.equal(levels.output.rmsDbfs, -100, 'silence is the floor, not -Infinity (JSON has none)');
  await harness.app.commands['audio.micCheck']({ enabled: false });
  assert.equal(engine.microphoneOpen, false);

  await harness.app.commands['audio.testSound'](undefined);
  const [chime] = engine.written;
  assert.equal(chime?.sampleRate, 24_000);
  assert.ok(chime!.pcm.length > 24_000, 'about half a second of sound');

  const devices = await harness.app.commands['devices.list'](undefined);
  assert.equal(devices.inputs[0]?.name, 'USB Microphone');
  await harness.app.commands['devices.setInput']({ name: 'USB Microphone' });
  assert.deepEqual(engine.switches, ['input:USB Microphone']);
  assert.deepEqual(harness.app.snapshot().devices, { input: 'USB Microphone', output: null });
});

test('without working audio the app still runs a typed conversation and says why audio is missing', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[...sessionStarted('sess_text')], [assistantDelta('item_t', 'Hello!')]] }]);
  t.after(() => realtime.close());
  const audio = fakeAudio('no PortAudio devices');
  const harness = startAppHarness(t, { createAudioEngine: audio.factory, settings: { realtimeUrl: realtime.url, agentBackend: 'none' }, env: { OPENAI_API_KEY: KEY } });
  await harness.app.commands['session.start'](undefined);
  assert.equal(harness.app.snapshot().session, 'live');
  const problem = harness.app.snapshot().problems.find((shown) => shown.code === 'audio_problem');
  assert.match(problem?.message ?? '', /Live audio is unavailable \(no PortAudio devices\); you can still type/);
  assert.equal(problem?.settingsPage, 'audio');
  harness.app.commands['session.sendText']({ text: 'hi there' });
  await harness.waitForState((state) => entries(state).some((entry) => entry.text === 'Hello!'));
  await assert.rejects(Promise.resolve(harness.app.commands['devices.list'](undefined)), /Live audio is unavailable/);
});

test('an agent backend of "command" without a command is refused before connecting, naming the setting', async (t) => {
  const harness = startAppHarness(t, { settings: { agentBackend: 'command', agentCommand: '' }, env: { OPENAI_API_KEY: KEY } });
  await assert.rejects(Promise.resolve(harness.app.commands['session.start'](undefined)), /no agent command is set: set one in Settings › Agent/);
  const problems = harness.app.snapshot().problems;
  assert.equal(problems.length, 1, 'one problem, not one per place that noticed it');
  assert.equal(problems[0]?.code, 'settings_invalid');
  assert.equal(problems[0].title, 'Settings need attention');
  assert.equal(problems[0].settingsPage, 'agent', '"Settings need attention" opens the page that holds the problem');
});

test('shutdown closes the socket and the audio engine well inside 2 s', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[...sessionStarted('sess_quit')]] }]);
  t.after(() => realtime.close());
  const audio = fakeAudio();
  const harness = startAppHarness(t, { createAudioEngine: audio.factory, settings: { realtimeUrl: realtime.url, agentBackend: 'none' }, env: { OPENAI_API_KEY: KEY } });
  await harness.app.commands['session.start'](undefined);
  assert.equal(audio.engines[0]?.microphoneOpen, true, 'hands-free: the microphone feeds the session');
  const started = performance.now();
  await harness.app.shutdown();
  const elapsed = performance.now() - started;
  await realtime.waitForClose(0, 1_000);
  assert.equal(audio.engines[0]?.shutDown, 1);
  assert.ok(elapsed < 2_000, `shutdown took ${elapsed.toFixed(0)} ms`);
  await assert.rejects(Promise.resolve(harness.app.commands['session.start'](undefined)), /quitting/);
});

test('a corrupt settings file is kept as a backup and the user is told by a problem that stays', async (t) => {
  const userDataDir = tempDir('parley-corrupt-');
  writeFileSync(join(userDataDir, 'settings.json'), '{ not json');
  const harness = startAppHarness(t, { userDataDir });
  const [problem] = harness.app.snapshot().problems;
  assert.equal(problem?.code, 'settings_reset');
  assert.match(problem.message, /settings/i);
  assert.ok(readdirSync(userDataDir).some((name) => name !== 'settings.json' && name.startsWith('settings')), 'a backup file exists');
  assert.equal(harness.app.settings().dialect, 'v2', 'defaults in place');
});
