import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TalkMode as CoreTalkMode } from '../../src-main/core/audio/talk-mode';
import type { AudioDeviceInfo } from '../../src-main/adapters/audio/native/audio-host-protocol';
import type { Settings as StoreSettings } from '../../src-main/adapters/settings/settings-schema';
import {
  COMMAND_NAMES,
  COMMANDS,
  EVENT_NAMES,
  commandChannel,
  isEventName,
  isForwardedSessionEvent,
  type AudioDevice,
  type CommandInput,
  type CommandName,
  type CommandResponse,
  type ParleyApi,
  type Settings,
  type TalkMode,
} from '../../src-shared/ipc-contract';
import { isTrustedSender, validateCommand } from '../../src-shared/ipc-validation';

// Compile-time pins: the shared mirrors match the core types they copy.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _talkModesMatch: Equal<TalkMode, CoreTalkMode> = true;
const _devicesMatch: AudioDevice = {} as AudioDeviceInfo;
const _settingsMatch: Equal<Settings, StoreSettings> = true;
// window.parley is derived from the contract: dotted names become grouped methods.
const _sendText: Equal<
  ParleyApi['session']['sendText'],
  (args: { text: string }) => Promise<CommandResponse<'session.sendText'>>
> = true;
const _press: Equal<ParleyApi['talk']['press'], () => Promise<CommandResponse<'talk.press'>>> = true;
void [_talkModesMatch, _devicesMatch, _settingsMatch, _sendText, _press];

/** A valid argument for every command; the Record makes a new command fail to compile here. */
const VALID: { [N in CommandName]: CommandInput<N> } = {
  'app.ready': undefined,
  'problems.dismiss': { id: 'server_error' },
  'session.start': undefined,
  'session.stop': undefined,
  'session.sendText': { text: 'What is on my calendar?' },
  'agent.cancel': undefined,
  'agent.answerApproval': { approvalId: 'call_7', decision: 'allow' },
  'talk.setMode': { mode: 'push-to-talk' },
  'talk.setMuted': { muted: true },
  'talk.press': undefined,
  'talk.release': undefined,
  'talk.toggle': undefined,
  'audio.micCheck': { enabled: true },
  'audio.testSound': undefined,
  'audio.roomCheck': undefined,
  'devices.list': undefined,
  'devices.setInput': { name: 'USB Microphone' },
  'devices.setOutput': { name: null },
  'settings.get': undefined,
  'settings.update': { dialect: 'v2', realtimeUrl: 'wss://api.openai.com/v1/realtime', hotkeys: { talk: 'F8' } },
  'apiKey.status': undefined,
  'apiKey.set': { key: 'sk-proj-abcdefghijklmnopqrstuvwxyz' },
  'apiKey.clear': undefined,
  'history.list': undefined,
  'history.exportMarkdown': { sessionId: '2025-06-01T10-00-00Z_ab12' },
  'history.delete': { sessionId: '2025-06-01T10-00-00Z_ab12' },
};

/** A bad payload for every command, and the words its refusal must contain. */
const INVALID: { [N in CommandName]: { payload: unknown; mentions: string } } = {
  'app.ready': { payload: { extra: 1 }, mentions: 'takes no arguments' },
  'problems.dismiss': { payload: { id: '' }, mentions: 'id' },
  'session.start': { payload: { now: true }, mentions: 'takes no arguments' },
  'session.stop': { payload: 'stop', mentions: 'takes no arguments' },
  'session.sendText': { payload: { text: '   ' }, mentions: 'text must not be empty' },
  'agent.cancel': { payload: 1, mentions: 'takes no arguments' },
  'agent.answerApproval': { payload: { approvalId: 'call_7', decision: 'maybe' }, mentions: 'decision' },
  'talk.setMode': { payload: { mode: 'walkie-talkie' }, mentions: 'mode must be one of hands-free, push-to-talk, toggle' },
  'talk.setMuted': { payload: { muted: 'yes' }, mentions: 'muted must be a boolean' },
  'talk.press': { payload: {}, mentions: 'takes no arguments' },
  'talk.release': { payload: [], mentions: 'takes no arguments' },
  'talk.toggle': { payload: null, mentions: 'takes no arguments' },
  'audio.micCheck': { payload: { enabled: 'on' }, mentions: 'enabled must be a boolean' },
  'audio.testSound': { payload: { volume: 1 }, mentions: 'takes no arguments' },
  'audio.roomCheck': { payload: { seconds: 3 }, mentions: 'takes no arguments' },
  'devices.list': { payload: { all: true }, mentions: 'takes no arguments' },
  'devices.setInput': { payload: { name: 42 }, mentions: 'name must be a string' },
  'devices.setOutput': { payload: {}, mentions: 'name must be a string' },
  'settings.get': { payload: { key: 'model' }, mentions: 'takes no arguments' },
  'settings.update': { payload: { dialect: 'v3' }, mentions: 'Protocol: must be one of v1, v2' },
  'apiKey.status': { payload: { verbose: true }, mentions: 'takes no arguments' },
  'apiKey.set': { payload: { key: 'sk-short' }, mentions: 'key must be at least 20 characters' },
  'apiKey.clear': { payload: { confirm: true }, mentions: 'takes no arguments' },
  'history.list': { payload: { limit: 10 }, mentions: 'takes no arguments' },
  'history.exportMarkdown': { payload: { sessionId: '../../etc/passwd' }, mentions: 'sessionId must contain only' },
  'history.delete': { payload: { sessionId: 'a/b' }, mentions: 'sessionId must contain only' },
};

function refusal(name: unknown, payload: unknown): { code: string; message: string } {
  const result = validateCommand(name, payload);
  assert.equal(result.ok, false, `expected ${String(name)} to refuse ${JSON.stringify(payload)}`);
  return result.ok ? { code: '', message: '' } : result.error;
}

test('every command in the contract has an argument schema and a channel', () => {
  assert.ok(COMMAND_NAMES.length >= 19);
  for (const name of COMMAND_NAMES) {
    assert.equal(typeof COMMANDS[name].args.safeParse, 'function', name);
    assert.equal(commandChannel(name), `parley:command:${name}`);
  }
  assert.deepEqual([...COMMAND_NAMES].sort(), Object.keys(VALID).sort());
});

test('a valid example of every command passes validation and yields its arguments', () => {
  for (const name of COMMAND_NAMES) {
    const result = validateCommand(name, VALID[name]);
    assert.ok(result.ok, `${name}: ${result.ok ? '' : result.error.message}`);
    assert.equal(result.name, name);
    assert.deepEqual(result.args, VALID[name]);
  }
});

test('a bad payload for every command is refused, naming the command (or the setting) and the field', () => {
  for (const name of COMMAND_NAMES) {
    const { payload, mentions } = INVALID[name];
    const error = refusal(name, payload);
    assert.equal(error.code, 'invalid_arguments', name);
    // A refused setting speaks the form's words instead of the command's name.
    if (name !== 'settings.update') assert.ok(error.message.startsWith(`${name}: `), error.message);
    assert.ok(error.message.includes(mentions), `${name}: "${error.message}" should mention "${mentions}"`);
  }
});

test('talk.setMode refuses an unknown mode in plain words', () => {
  assert.deepEqual(refusal('talk.setMode', { mode: 'loud' }), {
    code: 'invalid_arguments',
    message: 'talk.setMode: mode must be one of hands-free, push-to-talk, toggle',
  });
});

test('session.sendText accepts 4000 characters and refuses 4001', () => {
  assert.ok(validateCommand('session.sendText', { text: 'a'.repeat(4000) }).ok);
  assert.match(refusal('session.sendText', { text: 'a'.repeat(4001) }).message, /text must be at most 4000 characters/);
  assert.match(refusal('session.sendText', {}).message, /session\.sendText: text must be a string/);
});

test('agent.answerApproval takes only a request id and allow or deny: who decided is not the page\'s to say', () => {
  assert.ok(validateCommand('agent.answerApproval', { approvalId: 'call_7', decision: 'deny' }).ok);
  assert.equal(refusal('agent.answerApproval', { approvalId: 'call_7', decision: 'maybe' }).message, 'agent.answerApproval: decision must be one of allow, deny');
  assert.equal(refusal('agent.answerApproval', { approvalId: '', decision: 'allow' }).message, 'agent.answerApproval: approvalId must not be empty');
  assert.match(refusal('agent.answerApproval', { approvalId: 'a'.repeat(201), decision: 'allow' }).message, /approvalId must be at most 200 characters/);
  assert.equal(refusal('agent.answerApproval', { approvalId: 'call_7', decision: 'allow', decidedBy: 'voice' }).message, 'agent.answerApproval: has unknown field decidedBy');
});

test('an unknown command is refused whatever its payload', () => {
  assert.deepEqual(refusal('shell.exec', { command: 'rm -rf /' }), {
    code: 'unknown_command',
    message: 'Unknown command "shell.exec".',
  });
  assert.equal(refusal('__proto__', undefined).code, 'unknown_command');
  assert.equal(refusal('toString', undefined).code, 'unknown_command');
  assert.equal(refusal(42, undefined).code, 'unknown_command');
});

test('settings.update refuses keys it does not know, including the API key', () => {
  const unknown = refusal('settings.update', { model: 'gpt-realtime', theme: 'dark' });
  assert.equal(unknown.code, 'invalid_arguments');
  assert.equal(unknown.message, 'settings.update: has unknown field theme');
  assert.match(refusal('settings.update', { apiKey: 'sk-abcdefghijklmnopqrstuvwxyz' }).message, /unknown field apiKey/);
  assert.match(refusal('settings.update', { hotkeys: { talk: 'F8', quit: 'F9' } }).message, /hotkeys has unknown field quit/);
});

test('settings.update validates each field it does know', () => {
  assert.ok(validateCommand('settings.update', {}).ok);
  assert.ok(validateCommand('settings.update', { model: '', voice: '', hotkeys: { talk: '' } }).ok, "'' means default / no hotkey");
  assert.ok(validateCommand('settings.update', { hotkeys: {} }).ok, 'hotkeys may be partial; the store merges them');
  assert.ok(validateCommand('settings.update', { realtimeUrl: 'http://127.0.0.1:8080/v1' }).ok);
  const cases: [unknown, RegExp][] = [
    [{ realtimeUrl: 'ftp://example.com' }, /Realtime URL: must be a URL starting with http:\/\/, https:\/\/, ws:\/\/ or wss:\/\//],
    [{ realtimeUrl: 'not a url' }, /Realtime URL: must be a URL/],
    [{ agentUrl: 'ws://agent.local' }, /Agent URL: must be a URL starting with http:\/\/ or https:\/\//],
    [{ agentBackend: 'shell' }, /Agent backend: must be one of responses, command, codex, acp, none/],
    [{ talkMode: 'always' }, /Talk mode: must be one of hands-free, push-to-talk, toggle/],
    [{ startAtLogin: 'true' }, /Start at login: must be a boolean/],
    [{ agentModel: '' }, /Agent model: must not be empty/],
    [{ hotkeys: { talk: 5 } }, /Talk hotkey: must be a string/],
    [{ instructions: 'a'.repeat(20_001) }, /Instructions: must be at most 20000 characters/],
    [{ inputDevice: 3 }, /Microphone: must be a string/],
  ];
  for (const [payload, expected] of cases) assert.match(refusal('settings.update', payload).message, expected);
});

test('the sender check accepts the app page and the dev server, and refuses everything else', () => {
  const dev = ['http://localhost:5173'];
  assert.equal(isTrustedSender('file:///opt/Parley/resources/app.asar/out/renderer/index.html', dev), true);
  assert.equal(isTrustedSender('http://localhost:5173/', dev), true);
  assert.equal(isTrustedSender('http://localhost:5173/settings?tab=keys#x', dev), true);
  for (const untrusted of [
    'http://evil.example',
    'http://evil.example/index.html',
    'about:blank',
    'http://localhost:5174/',
    'https://localhost:5173/',
    'http://localhost:5173.evil.example/',
    'data:text/html,<script>parley</script>',
    'devtools://devtools/bundled/inspector.html',
    '',
    'not a url',
  ]) {
    assert.equal(isTrustedSender(untrusted, dev), false, untrusted);
  }
  assert.equal(isTrustedSender('http://localhost:5173/', []), false, 'no dev origin configured in production');
});

test('events: every name is known, and raw audio is never forwarded', () => {
  assert.deepEqual([...EVENT_NAMES].sort(), ['levels', 'navigate', 'notice', 'state']);
  assert.equal(isEventName('state'), true);
  assert.equal(isEventName('constructor'), false);
  assert.equal(isForwardedSessionEvent({ type: 'user.speech_started' }), true);
  assert.equal(
    isForwardedSessionEvent({ type: 'audio.output', pcm: new Uint8Array(4), sampleRate: 24_000, channels: 1, itemId: undefined }),
    false,
  );
});

test('a refused setting is named as the form names it, and the form is told which field', () => {
  const refused = validateCommand('settings.update', { agentUrl: 'ftp://example.com' });
  assert.equal(refused.ok, false);
  if (refused.ok) return;
  assert.equal(refused.error.field, 'agentUrl');
  assert.match(refused.error.message, /^Agent URL: must be a URL starting with http:\/\/ or https:\/\/$/);
  const hotkey = validateCommand('settings.update', { hotkeys: { talk: 5 } });
  assert.equal(!hotkey.ok && hotkey.error.field, 'hotkeys.talk');
  assert.match(!hotkey.ok ? hotkey.error.message : '', /^Talk hotkey: must be a string$/);
});
