// Settings checked on save, through a real settings store with the app's check: every rule,
// accepted and refused, each refusal naming the field the way the form labels it. PATH lookups
// run against a temp folder of fake executables and a PATH passed in, never the machine's own.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Settings } from '../../src-shared/ipc-contract';
import { DEFAULT_SETTINGS, SettingsValidationError } from '../../src-main/adapters/settings/settings-schema';
import { createSettingsStore, type SecretCipher } from '../../src-main/adapters/settings/settings-store';
import {
  createSettingsCheck,
  nodeSettingsCheckDeps,
  settingsProblems,
  type PathKind,
  type SettingsCheckDeps,
} from '../../src-main/app/settings-check';
import { agentSettingsProblem } from '../../src-main/app/session-settings';
import { tempDir } from '../support/temp-dir';

const cipher: SecretCipher = { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => '' };

/** A machine in a temp folder: bin/ holds a runnable `fake-agent`, a non-runnable file and a folder. */
function machine() {
  const root = tempDir('parley-check-');
  const bin = join(root, 'bin');
  const otherBin = join(root, 'other-bin');
  const work = join(root, 'work');
  mkdirSync(bin);
  mkdirSync(otherBin);
  mkdirSync(work);
  mkdirSync(join(bin, 'a-folder'));
  const agent = join(bin, 'fake-agent');
  writeFileSync(agent, '#!/bin/sh\necho hi\n');
  chmodSync(agent, 0o755);
  const notRunnable = join(bin, 'notes.txt');
  writeFileSync(notRunnable, 'not a program');
  chmodSync(notRunnable, 0o644);
  const plainFile = join(work, 'plain-file');
  writeFileSync(plainFile, '');
  const deps = nodeSettingsCheckDeps({ PATH: `${otherBin}:${bin}` }, 'linux');
  const store = createSettingsStore({ cwd: join(root, 'data'), cipher, env: {}, check: createSettingsCheck(deps) });
  return { root, bin, work, agent, notRunnable, plainFile, deps, store };
}

/** Asserts the store refuses the patch naming `field`, with exactly `message`, and saves nothing. */
function assertRefused(store: ReturnType<typeof machine>['store'], patch: unknown, field: string, message: string | RegExp): void {
  const before = store.get();
  assert.throws(
    () => store.update(patch),
    (error: unknown) => {
      assert.ok(error instanceof SettingsValidationError, `a SettingsValidationError, got ${String(error)}`);
      assert.equal(error.field, field);
      assert.equal(error.code, 'invalid_setting');
      if (typeof message === 'string') assert.equal(error.message, message);
      else assert.match(error.message, message);
      return true;
    },
  );
  assert.deepEqual(store.get(), before, 'a refused save changes nothing');
}

const COMMAND = { agentBackend: 'command' } as const;

test('voice: a voice of the dialect or empty (its default) is saved; another is refused, listing the choices', () => {
  const { store } = machine();
  assert.equal(store.update({ voice: 'cedar' }).voice, 'cedar');
  assert.equal(store.update({ voice: '' }).voice, '');
  assert.equal(store.update({ voice: ' Cedar ' }).voice, 'cedar', 'stored the way the dialect spells it');
  assertRefused(
    store,
    { voice: 'nova' },
    'voice',
    'Voice: “nova” is not a voice of the v2 realtime API; choose one of marin, cedar, alloy, ash, ballad, coral, echo, sage, shimmer, verse, or leave it empty for the default (marin).',
  );
  assertRefused(store, { voice: 'juniper' }, 'voice', /^Voice: “juniper” is not a voice of the v2 realtime API/);
  store.update({ dialect: 'v1', voice: 'juniper' });
  assertRefused(store, { voice: 'marin' }, 'voice', /^Voice: “marin” is not a voice of the v1 \(quicksilver\) realtime API; choose one of cove, juniper, .*default \(cove\)\.$/);
});

test('voice: switching the dialect resets a voice the new one lacks to its default, and the save says so by returning it', () => {
  const { store } = machine();
  store.update({ voice: 'cedar' });
  const switched = store.update({ dialect: 'v1' });
  assert.equal(switched.dialect, 'v1');
  assert.equal(switched.voice, '', 'cedar is not a v1 voice: back to the default');
  assert.equal(store.get().voice, '', 'and that is what was saved');
  assert.equal(store.update({ dialect: 'v2', voice: 'ash' }).voice, 'ash', 'a voice sent with the dialect is kept when it fits');
  assertRefused(store, { dialect: 'v1', voice: 'alloy' }, 'voice', /^Voice: “alloy” is not a voice of the v1 \(quicksilver\) realtime API/);
  assert.equal(store.get().dialect, 'v2', 'the whole patch was refused, the dialect too');
});

test('agent command: a program found on PATH is saved, with its arguments', () => {
  const { store } = machine();
  const saved = store.update({ ...COMMAND, agentCommand: 'fake-agent exec --json {prompt}' });
  assert.equal(saved.agentCommand, 'fake-agent exec --json {prompt}');
});

test('agent command: a program not on PATH, a file that cannot run, and a folder on PATH are refused', () => {
  const { store } = machine();
  assertRefused(store, { ...COMMAND, agentCommand: 'codx exec {prompt}' }, 'agentCommand', 'Agent command: “codx” is not found on PATH; install it, or write its full path.');
  assertRefused(store, { ...COMMAND, agentCommand: 'notes.txt' }, 'agentCommand', /“notes\.txt” is not found on PATH/);
  assertRefused(store, { ...COMMAND, agentCommand: 'a-folder' }, 'agentCommand', /“a-folder” is not found on PATH/);
  const emptyPath = createSettingsStore({
    cwd: tempDir('parley-check-'),
    cipher,
    env: {},
    check: createSettingsCheck(nodeSettingsCheckDeps({ PATH: '' }, 'linux')),
  });
  assertRefused(emptyPath, { ...COMMAND, agentCommand: 'fake-agent' }, 'agentCommand', /“fake-agent” is not found on PATH/);
});

test('agent command: none set is refused when the backend is the local command', () => {
  const { store } = machine();
  assertRefused(store, { ...COMMAND, agentCommand: '   ' }, 'agentCommand', /^Agent command: no agent command is set: set one in Settings › Agent/);
  assertRefused(store, COMMAND, 'agentCommand', /^Agent command: no agent command is set/);
});

test('agent command: an absolute path must exist and be runnable', () => {
  const { store, agent, notRunnable, bin, root } = machine();
  assert.equal(store.update({ ...COMMAND, agentCommand: `${agent} {prompt}` }).agentCommand, `${agent} {prompt}`);
  assert.equal(store.update({ agentCommand: `"${agent}" --quiet` }).agentCommand, `"${agent}" --quiet`, 'quoted paths are read like the backend reads them');
  assertRefused(store, { agentCommand: join(root, 'missing', 'agent') }, 'agentCommand', `Agent command: ${join(root, 'missing', 'agent')} does not exist.`);
  assertRefused(store, { agentCommand: notRunnable }, 'agentCommand', new RegExp(`^Agent command: ${notRunnable} is not executable; make it executable`));
  assertRefused(store, { agentCommand: join(bin, 'a-folder') }, 'agentCommand', `Agent command: ${join(bin, 'a-folder')} is a folder, not a program.`);
});

test('agent command: a relative path runs from the working folder, and needs one', () => {
  const { store, bin } = machine();
  assertRefused(store, { ...COMMAND, agentCommand: './fake-agent' }, 'agentCommand', /^Agent command: “\.\/fake-agent” is a relative path; write its full path, or set the Working folder/);
  assertRefused(store, { ...COMMAND, agentCommand: '~/bin/agent' }, 'agentCommand', /“~” is not expanded here/);
  assert.equal(store.update({ ...COMMAND, agentCwd: bin, agentCommand: './fake-agent' }).agentCommand, './fake-agent');
  assertRefused(store, { agentCommand: './missing-agent' }, 'agentCommand', `Agent command: ${join(bin, 'missing-agent')} does not exist.`);
});

test('agent command: an unreadable command line is refused with why', () => {
  const { store } = machine();
  assertRefused(store, { ...COMMAND, agentCommand: 'fake-agent "unclosed' }, 'agentCommand', /^Agent command: cannot be read: /);
});

test('agent command: a refusal quotes only the program, never arguments that may hold a key', () => {
  const { store } = machine();
  const secret = 'sk-live-THIS-MUST-NOT-BE-REPEATED';
  assert.throws(
    () => store.update({ ...COMMAND, agentCommand: `codx --api-key ${secret}` }),
    (error: unknown) => error instanceof SettingsValidationError && error.message.includes('“codx”') && !error.message.includes(secret),
  );
  assert.throws(
    () => store.update({ voice: secret }),
    (error: unknown) => error instanceof SettingsValidationError && error.field === 'voice' && !error.message.includes(secret),
  );
});

test('working folder: an existing folder given as a full path is saved; empty means unset', () => {
  const { store, work } = machine();
  assert.equal(store.update({ ...COMMAND, agentCommand: 'fake-agent', agentCwd: work }).agentCwd, work);
  assert.equal(store.update({ agentCwd: '' }).agentCwd, '');
});

test('working folder: a missing folder, a file, and a relative path are refused', () => {
  const { store, plainFile } = machine();
  store.update({ ...COMMAND, agentCommand: 'fake-agent' });
  assertRefused(store, { agentCwd: '/nope' }, 'agentCwd', 'Working folder: /nope does not exist.');
  assertRefused(store, { agentCwd: plainFile }, 'agentCwd', `Working folder: ${plainFile} is a file, not a folder.`);
  assertRefused(store, { agentCwd: 'projects/parley' }, 'agentCwd', 'Working folder: “projects/parley” is not a full path; write it from the root, e.g. /home/you/project.');
  assertRefused(store, { agentCwd: '~/projects' }, 'agentCwd', /is not a full path.*“~” is not expanded here/);
});

test('agent command and folder are checked when the local command is the backend, including when switching to it', () => {
  const { store } = machine();
  // Not in use: the form shows these greyed out, and a draft there must not block other saves.
  assert.equal(store.update({ agentCommand: 'codx', agentCwd: '/nope' }).agentCommand, 'codx');
  assertRefused(store, COMMAND, 'agentCommand', /“codx” is not found on PATH/);
  store.update({ agentCommand: 'fake-agent' });
  assertRefused(store, COMMAND, 'agentCwd', 'Working folder: /nope does not exist.');
});

test('hotkeys: shortcuts that parse and empty (none) are saved; others are refused with the reason', () => {
  const { store } = machine();
  assert.deepEqual(store.update({ hotkeys: { talk: 'Alt+F9', holdToTalk: '' } }).hotkeys, { talk: 'Alt+F9', holdToTalk: '' });
  assert.equal(store.update({ hotkeys: { holdToTalk: 'CmdOrCtrl+Shift+num5' } }).hotkeys.holdToTalk, 'CmdOrCtrl+Shift+num5');
  assertRefused(store, { hotkeys: { talk: 'Ctrl+Shft+X' } }, 'hotkeys.talk', 'Talk hotkey: “Ctrl+Shft+X” is not a valid shortcut: unknown key "Shft"; did you mean "Shift"?');
  assertRefused(store, { hotkeys: { holdToTalk: 'Ctrl+Shift' } }, 'hotkeys.holdToTalk', /^Hold-to-talk hotkey: “Ctrl\+Shift” is not a valid shortcut: only modifiers; add a key/);
  assertRefused(store, { hotkeys: { talk: 'Ctrl+A+B' } }, 'hotkeys.talk', /^Talk hotkey: “Ctrl\+A\+B” is not a valid shortcut: two keys/);
  assertRefused(store, { hotkeys: { talk: 'Ctrl++' } }, 'hotkeys.talk', /^Talk hotkey: “Ctrl\+\+” is not a valid shortcut: empty part; write the \+ key as "Plus"/);
});

test('hotkeys: one combination for both is refused, naming the one being changed', () => {
  const { store } = machine();
  store.update({ hotkeys: { talk: 'Alt+F9', holdToTalk: 'Alt+F10' } });
  assertRefused(store, { hotkeys: { holdToTalk: 'alt+f9' } }, 'hotkeys.holdToTalk', 'Hold-to-talk hotkey: Alt+F9 is also the Talk hotkey; choose a different shortcut for one of them.');
  assertRefused(store, { hotkeys: { talk: 'Alt+F10' } }, 'hotkeys.talk', 'Talk hotkey: Alt+F10 is also the Hold-to-talk hotkey; choose a different shortcut for one of them.');
});

test('URLs are checked as before, named the way the form names them', () => {
  const { store } = machine();
  assertRefused(store, { realtimeUrl: 'ftp://example.com' }, 'realtimeUrl', /^Realtime URL: must be a URL starting with wss:\/\//);
  assertRefused(store, { agentUrl: 'not a url' }, 'agentUrl', /^Agent URL: must be a URL starting with https:\/\//);
  assert.equal(store.update({ realtimeUrl: 'ws://127.0.0.1:9000/v1' }).realtimeUrl, 'ws://127.0.0.1:9000/v1');
});

test('a save checks only what it touches: the talk mode still changes while the working folder is gone', () => {
  const { store, work } = machine();
  store.update({ ...COMMAND, agentCommand: 'fake-agent', agentCwd: work });
  rmSync(work, { recursive: true });
  assert.equal(store.update({ talkMode: 'push-to-talk' }).talkMode, 'push-to-talk');
  assert.deepEqual(settingsProblems(store.get(), machine().deps), [
    { field: 'agentCwd', page: 'agent', message: `Working folder: ${work} does not exist.` },
  ]);
});

test('settingsProblems lists what went wrong since saving, each with the page that fixes it', () => {
  const { store, agent, work, deps } = machine();
  store.update({ ...COMMAND, agentCommand: 'fake-agent {prompt}', agentCwd: work });
  assert.deepEqual(settingsProblems(store.get(), deps), [], 'fine as saved');

  rmSync(agent);
  rmSync(work, { recursive: true });
  // As an old settings file would hold them: values no save would accept today.
  const stored: Settings = { ...store.get(), voice: 'nova', hotkeys: { talk: 'Ctrl+Spcae', holdToTalk: '' } };
  assert.deepEqual(
    settingsProblems(stored, deps).map(({ field, page }) => ({ field, page })),
    [
      { field: 'voice', page: 'general' },
      { field: 'agentCommand', page: 'agent' },
      { field: 'agentCwd', page: 'agent' },
      { field: 'hotkeys.talk', page: 'hotkeys' },
    ],
  );
  const messages = settingsProblems(stored, deps).map((problem) => problem.message);
  assert.match(messages[0]!, /^Voice: “nova” is not a voice of the v2 realtime API/);
  assert.equal(messages[1], 'Agent command: “fake-agent” is not found on PATH; install it, or write its full path.');
  assert.equal(messages[2], `Working folder: ${work} does not exist.`);
  assert.match(messages[3]!, /^Talk hotkey: “Ctrl\+Spcae” is not a valid shortcut: unknown key "Spcae"; did you mean "Space"\?$/);
});

test('settingsProblems: the defaults have none, and hotkeys sharing a combination are one problem', () => {
  const { deps } = machine();
  assert.deepEqual(settingsProblems(DEFAULT_SETTINGS, deps), []);
  const clash: Settings = { ...DEFAULT_SETTINGS, hotkeys: { talk: 'Control+Shift+Space', holdToTalk: 'CommandOrControl+Shift+Space' } };
  assert.deepEqual(settingsProblems(clash, deps), [
    { field: 'hotkeys.holdToTalk', page: 'hotkeys', message: 'Hold-to-talk hotkey: Ctrl+Shift+Space is also the Talk hotkey; choose a different shortcut for one of them.' },
  ]);
});

test('agentSettingsProblem (before a session starts) answers the first agent problem only', () => {
  const { deps, work } = machine();
  const fine: Settings = { ...DEFAULT_SETTINGS, agentBackend: 'command', agentCommand: 'fake-agent', agentCwd: work, voice: 'nova' };
  assert.equal(agentSettingsProblem(fine, deps), undefined, 'a voice problem does not stop the agent');
  assert.equal(agentSettingsProblem({ ...fine, agentCommand: 'codx' }, deps), 'Agent command: “codx” is not found on PATH; install it, or write its full path.');
  assert.match(agentSettingsProblem({ ...fine, agentCommand: '' }, deps)!, /no agent command is set: set one in Settings › Agent/);
  assert.equal(agentSettingsProblem({ ...fine, agentBackend: 'none', agentCommand: 'codx' }, deps), undefined);
});

test('on Windows a bare program name is found on PATH as .exe or .com, with ; between folders', () => {
  const files = new Map<string, PathKind>([
    ['C:\\tools\\agent.exe', 'executable'],
    ['C:\\work', 'folder'],
  ]);
  const deps: SettingsCheckDeps = { env: { Path: 'C:\\empty;C:\\tools' }, platform: 'win32', pathKind: (path) => files.get(path) ?? 'missing' };
  const settings: Settings = { ...DEFAULT_SETTINGS, agentBackend: 'command', agentCommand: 'agent {prompt}', agentCwd: 'C:\\work' };
  assert.deepEqual(settingsProblems(settings, deps), []);
  assert.deepEqual(
    settingsProblems({ ...settings, agentCommand: 'agent.cmd', agentCwd: 'work' }, deps).map((problem) => problem.message),
    ['Agent command: “agent.cmd” is not found on PATH; install it, or write its full path.', 'Working folder: “work” is not a full path; write it from the root, e.g. C:\\Users\\you\\project.'],
  );
  assert.deepEqual(settingsProblems({ ...settings, agentCommand: 'C:\\tools\\agent.exe' }, deps), [], 'an absolute Windows path');
});
