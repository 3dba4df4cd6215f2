// The main-side store: problems stay until solved or dismissed, stale ones go with a new session,
// nothing raw or secret reaches a message, and revisions move only when something changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppState, HotkeyStatus } from '../../../src-shared/app-state';
import type { ForwardedSessionEvent } from '../../../src-shared/ipc-contract';
import { applyStatePatch, type StatePatch } from '../../../src-shared/state-patch';
import { AppStore } from '../../../src-main/app/state/app-store';
import { problem } from '../../../src-main/app/state/problems';
import { registerSecret } from '../../../src-main/core/util/redact';
import { silentLogger } from '../../../src-main/core/util/logger';

const HOTKEYS_FINE: HotkeyStatus = {
  talk: { accelerator: 'Ctrl+Space', active: true, problem: null },
  holdToTalk: { accelerator: '', active: false, problem: null, mode: 'off' },
};

/** Read through a call, so an earlier assertion on the array does not narrow its type. */
const shownProblems = (store: AppStore) => store.state.problems;

function newStore(): { store: AppStore; patches: StatePatch[]; mirror: () => AppState; send: (...events: ForwardedSessionEvent[]) => void } {
  const store = new AppStore(
    { talk: { mode: 'hands-free', muted: false, talking: false }, devices: { input: null, output: null }, apiKeySet: true, onboardingDone: true, hotkeys: HOTKEYS_FINE },
    silentLogger,
  );
  const patches: StatePatch[] = [];
  let mirrored = store.state;
  store.subscribe((_state, patch) => {
    patches.push(patch);
    const next = applyStatePatch(mirrored, patch);
    assert.ok(next, `patch ${patch.base}→${patch.revision} follows ${mirrored.revision}`);
    mirrored = next;
  });
  let at = 1_000;
  const send = (...events: ForwardedSessionEvent[]) => {
    for (const event of events) store.dispatch({ type: 'session-event', event, at: at++ });
  };
  return { store, patches, mirror: () => mirrored, send };
}

test('a server error during a live session stays with its reason while the conversation goes on', () => {
  const { store, send, mirror } = newStore();
  send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  send({ type: 'error', code: 'server_error', message: 'The realtime server reported: Rate limit reached for gpt-realtime. Try again in 20s.', recoverable: true });
  send({ type: 'transcript.entry', entryId: 1, index: 0, role: 'assistant', text: 'Still here.' });
  send({ type: 'state', state: 'live' });
  const [shown] = store.state.problems;
  assert.equal(shown?.code, 'server_error');
  assert.equal(shown.title, 'The voice service reported an error');
  assert.equal(shown.message, 'Rate limit reached for gpt-realtime. Try again in 20s.');
  assert.deepEqual(mirror(), store.state);
});

test('a session the server ended is a problem with its reason that stays, and a new session clears it (and only session problems)', () => {
  const { store, send } = newStore();
  send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  store.dispatch({ type: 'problem', problem: problem({ code: 'settings_reset', message: 'The settings file was unreadable.', recoverable: true }) });
  send({ type: 'state', state: 'closed' }, { type: 'closed', reason: 'server_ended', detail: 'maintenance window' });
  assert.deepEqual(store.state.problems.map((shown) => shown.code), ['server_ended', 'settings_reset']);
  assert.equal(store.state.problems[0]!.recoverable, true);
  assert.equal(store.state.problems[0]!.message, 'It said: maintenance window. Start the session again to go on.');
  send({ type: 'state', state: 'connecting' });
  assert.deepEqual(store.state.problems.map((shown) => shown.code), ['settings_reset'], 'the earlier session is no longer news');
});

test('a reconnect keeps the session running: usage and problems stay, the status says connecting, and reconnecting failing for good is a problem', () => {
  const { store, send } = newStore();
  send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  send({ type: 'usage', responseId: 'r1', input: { text: 1, audio: 2, cached: 0 }, output: { text: 3, audio: 4 }, total: 10 });
  const usageBefore = store.state.usage;
  send({ type: 'state', state: 'reconnecting' }, { type: 'connection', status: 'lost', reason: 'the connection was lost (code 1006)' });
  assert.equal(store.state.session, 'reconnecting');
  assert.equal(store.state.status, 'connecting');
  send({ type: 'state', state: 'live' }, { type: 'connection', status: 'reconnected', reason: 'x', downtimeMs: 900 });
  assert.deepEqual(store.state.usage, usageBefore, 'the same session: usage is not reset by a reconnect');
  send({ type: 'state', state: 'reconnecting' });
  send({ type: 'error', code: 'connection_lost', message: 'Could not reconnect to the realtime server after 6 attempts.', recoverable: false });
  send({ type: 'state', state: 'closed' }, { type: 'closed', reason: 'error' });
  assert.deepEqual(store.state.problems.map((shown) => shown.code), ['connection_lost']);
});

test('connection and key problems are solved by a session that goes live', () => {
  const { store, send } = newStore();
  send({ type: 'state', state: 'connecting' }, { type: 'error', code: 'unreachable', message: 'Cannot reach api.example.com.', recoverable: true }, { type: 'state', state: 'error' });
  assert.equal(store.state.status, 'error');
  send({ type: 'state', state: 'connecting' });
  assert.equal(store.state.problems.length, 0, 'a retry starts clean');
  send({ type: 'error', code: 'unreachable', message: 'Cannot reach api.example.com.', recoverable: true });
  send({ type: 'state', state: 'live' });
  assert.equal(store.state.problems.length, 0);
});

test('an agent failure is one problem with the bare reason; a cancel or no agent is none', () => {
  const { store, send } = newStore();
  send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  send(
    { type: 'handoff.failed', handoffId: 'h1', cause: 'agent_failed', reason: 'the agent API answered 500', spoken: 'The background agent failed: the agent API answered 500.' },
    { type: 'error', code: 'agent_failed', message: 'The background agent failed: the agent API answered 500.', recoverable: true },
  );
  assert.equal(store.state.problems.length, 1, 'delivered once');
  const [shown] = store.state.problems;
  assert.equal(shown!.title, 'The background agent failed');
  assert.equal(shown!.message, 'the agent API answered 500');
  assert.equal(shown!.settingsPage, 'agent');
  send({ type: 'handoff.failed', handoffId: 'h2', cause: 'cancelled', reason: 'cancelled by the user', spoken: '' });
  send({ type: 'handoff.failed', handoffId: 'h3', cause: 'not_delegated', reason: 'no background agent is configured', spoken: '' });
  assert.equal(store.state.problems.length, 1);
});

test('no message repeats its title, holds raw server JSON, or shows a key', () => {
  const key = 'sk-proj-9f8e7d6c5b4a39281706abcdef';
  const forget = registerSecret(key);
  try {
    const { store, send } = newStore();
    send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
    send({
      type: 'error',
      code: 'server_error',
      message: `The voice service reported an error: {"type":"error","error":{"type":"invalid_request_error","message":"Incorrect API key provided: ${key}"}}`,
      recoverable: true,
    });
    const [shown] = store.state.problems;
    assert.equal(shown!.message.includes(key), false);
    assert.equal(shown!.message.includes('{'), false, shown!.message);
    assert.match(shown!.message, /^Incorrect API key provided: \[redacted\]$/);
    assert.equal(shown!.message.toLowerCase().startsWith(shown!.title.toLowerCase()), false);
  } finally {
    forget();
  }
});

test('a dismissed problem is gone; a dismissed hotkey problem stays gone until it changes', () => {
  const { store, send } = newStore();
  send({ type: 'state', state: 'connecting' }, { type: 'error', code: 'server_error', message: 'Busy.', recoverable: true });
  store.dispatch({ type: 'dismiss-problem', id: store.state.problems[0]!.id });
  assert.deepEqual(store.state.problems, []);
  const taken: HotkeyStatus = { ...HOTKEYS_FINE, talk: { accelerator: 'Ctrl+Space', active: false, problem: 'another program holds it' } };
  store.dispatch({ type: 'hotkeys', hotkeys: taken });
  const hotkey = shownProblems(store)[0]!;
  assert.equal(hotkey?.code, 'hotkey_unavailable');
  assert.equal(hotkey.settingsPage, 'hotkeys');
  store.dispatch({ type: 'dismiss-problem', id: hotkey.id });
  store.dispatch({ type: 'hotkeys', hotkeys: { ...taken } });
  assert.deepEqual(store.state.problems, [], 'the same report does not bring it back');
  store.dispatch({ type: 'hotkeys', hotkeys: { ...taken, talk: { ...taken.talk, accelerator: 'Ctrl+K' } } });
  assert.equal(store.state.problems.length, 1, 'a different problem shows');
});

test('the revision moves only when the state changed, and each patch follows the one before', () => {
  const { store, patches } = newStore();
  const start = store.state.revision;
  store.dispatch({ type: 'audio', micCheck: false, assistantSpeaking: false });
  store.dispatch({ type: 'hotkeys', hotkeys: HOTKEYS_FINE });
  assert.equal(store.state.revision, start, 'nothing changed, nothing sent');
  assert.equal(patches.length, 0);
  store.dispatch({ type: 'audio', micCheck: true, assistantSpeaking: false });
  assert.equal(store.state.revision, start + 1);
  assert.deepEqual(patches[0], { base: start, revision: start + 1, fields: { micCheck: true } });
});

test('speaking shows as the status only while live, and costs no patch while idle', () => {
  const { store, patches, send } = newStore();
  store.dispatch({ type: 'audio', micCheck: false, assistantSpeaking: true });
  assert.equal(patches.length, 0, 'the test sound while idle changes nothing the renderer draws');
  send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  assert.equal(store.state.status, 'speaking');
});

test('a key quoted back in the conversation never reaches the state; agent reasons are readable', () => {
  const key = 'sk-proj-quoted-back-0123456789abcdef';
  const forget = registerSecret(key);
  try {
    const { store, send } = newStore();
    send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
    send({ type: 'transcript.entry', entryId: 1, index: 0, role: 'assistant', text: `Your key is ${key}.` });
    send({ type: 'handoff.requested', handoffId: 'h1', inputTranscript: key, agentText: `use ${key}`, transcript: [] });
    send({ type: 'handoff.failed', handoffId: 'h1', cause: 'agent_failed', reason: `HTTP 401: {"error":{"message":"bad key ${key}"}}`, spoken: '' });
    const everything = JSON.stringify(store.state);
    assert.equal(everything.includes(key), false);
    const card = store.state.conversation.items.find((item) => item.kind === 'handoff');
    assert.equal(card?.kind === 'handoff' && card.reason, 'HTTP 401: bad key [redacted]');
  } finally {
    forget();
  }
});

test('a registered secret split across two transcript deltas reaches neither the state nor a patch', () => {
  const secret = 'correct-horse-battery-staple-42';
  const forget = registerSecret(secret);
  try {
    const { store, send, patches, mirror } = newStore();
    send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
    const said = `The password is ${secret} so`;
    const cut = said.indexOf('battery');
    send({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', text: said.slice(0, cut) });
    send({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: said.slice(cut) });
    send({ type: 'transcript.entry', entryId: 0, index: 0, role: 'assistant', append: ' be it.' });
    const sent = JSON.stringify(patches);
    assert.ok(!sent.includes('horse') && !sent.includes('battery'), sent);
    const [bubble] = store.state.conversation.items;
    assert.equal(bubble?.kind === 'entry' && bubble.text, 'The password is [redacted] so be it.');
    assert.deepEqual(mirror(), store.state);
  } finally {
    forget();
  }
});

test('reconnecting keeps the session\'s problems, usage and agent work; it is not a new session', () => {
  const { store, send } = newStore();
  send({ type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  send({ type: 'usage', responseId: 'r1', input: { text: 1, audio: 2, cached: 0 }, output: { text: 3, audio: 4 }, total: 10 });
  store.dispatch({ type: 'session-facts', talk: store.state.talk, agentWorking: true });
  send({ type: 'state', state: 'reconnecting' }, { type: 'state', state: 'connecting' }, { type: 'state', state: 'live' });
  assert.equal(store.state.usage.total, 10);
  assert.equal(store.state.agentWorking, true);
});
