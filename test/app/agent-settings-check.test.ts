// The Codex and ACP backends in the desktop settings: checked on save by the same rules as the
// headless flags (program found, with how to install it; folder exists; config overrides of the
// form key=value), turned into backend settings, and an older settings file loads with defaults.
// PATH lookups run against a temp folder, never the machine's own.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DEFAULT_SETTINGS, SettingsValidationError } from '../../src-main/adapters/settings/settings-schema';
import { createSettingsStore, type SecretCipher } from '../../src-main/adapters/settings/settings-store';
import { createSettingsCheck, nodeSettingsCheckDeps } from '../../src-main/app/settings-check';
import { agentSettingsFrom } from '../../src-main/app/session-settings';
import { tempDir } from '../support/temp-dir';

const cipher: SecretCipher = { isAvailable: () => false, encrypt: () => Buffer.alloc(0), decrypt: () => '' };

function machine(programs: string[]) {
  const root = tempDir('parley-agent-check-');
  const bin = join(root, 'bin');
  const work = join(root, 'work');
  mkdirSync(bin);
  mkdirSync(work);
  for (const name of programs) {
    writeFileSync(join(bin, name), '#!/bin/sh\n');
    chmodSync(join(bin, name), 0o755);
  }
  const deps = nodeSettingsCheckDeps({ PATH: bin }, 'linux');
  const store = createSettingsStore({ cwd: join(root, 'data'), cipher, env: {}, check: createSettingsCheck(deps) });
  return { root, bin, work, store };
}

function refusal(run: () => unknown): SettingsValidationError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof SettingsValidationError, String(error));
    return error;
  }
  assert.fail('the change should have been refused');
}

test('choosing Codex with codex on PATH saves; without it the refusal says how to install it', () => {
  const found = machine(['codex']);
  found.store.update({ agentBackend: 'codex', agentCwd: found.work });
  assert.equal(found.store.get().agentBackend, 'codex');

  const missing = machine([]);
  const error = refusal(() => missing.store.update({ agentBackend: 'codex' }));
  assert.equal(error.field, 'agentCommand');
  assert.equal(error.message, 'Agent command: Codex is not installed: npm install -g @openai/codex, or write the full path of the codex program.');
  assert.equal(missing.store.get().agentBackend, DEFAULT_SETTINGS.agentBackend, 'nothing saved');
});

test('an ACP agent must be set and found; a missing one names how to install it', () => {
  const { store, work } = machine(['codex-acp']);
  assert.match(refusal(() => store.update({ agentBackend: 'acp' })).message, /^Agent command: no ACP agent is set: write the agent's command, e.g. claude-code-acp, gemini --experimental-acp or codex-acp\.$/);
  assert.equal(
    refusal(() => store.update({ agentBackend: 'acp', agentCommand: 'claude-code-acp' })).message,
    "Agent command: “claude-code-acp” is not found on PATH; install Claude Code's ACP agent: npm install -g @zed-industries/claude-code-acp.",
  );
  store.update({ agentBackend: 'acp', agentCommand: 'codex-acp', agentCwd: work });
  assert.equal(store.get().agentCommand, 'codex-acp');
});

test('the working folder of a coding agent must exist', () => {
  const { store, root } = machine(['codex']);
  const error = refusal(() => store.update({ agentBackend: 'codex', agentCwd: join(root, 'nope') }));
  assert.equal(error.field, 'agentCwd');
  assert.equal(error.message, `Working folder: ${join(root, 'nope')} does not exist.`);
});

test('Codex config overrides must each be key=value; blank lines and # comments are skipped', () => {
  const { store } = machine(['codex']);
  store.update({ agentBackend: 'codex' });
  const error = refusal(() => store.update({ agentConfig: 'model="gpt-5-codex"\n\nmodel_provider' }));
  assert.equal(error.field, 'agentConfig');
  assert.match(error.message, /^Codex config overrides: line 2, “model_provider”: is not key=value/);
  store.update({ agentConfig: '# local model\nmodel="gpt-5-codex"\n\nmodel_reasoning_effort="low"\n' });
  const settings = agentSettingsFrom(store.get(), undefined);
  assert.deepEqual(settings.config, ['model="gpt-5-codex"', 'model_reasoning_effort="low"']);
});

test('approval policy and sandbox reach the backend settings; the Responses model and timeout do not reach a coding agent', () => {
  const { store } = machine(['codex']);
  store.update({ agentBackend: 'codex', agentApproval: 'never-ask', agentSandbox: 'read-only' });
  const settings = agentSettingsFrom(store.get(), undefined);
  assert.equal(settings.kind, 'codex');
  assert.equal(settings.approvalPolicy, 'never-ask');
  assert.equal(settings.sandbox, 'read-only');
  assert.equal(settings.model, undefined, 'gpt-5-mini is the Responses default, not a Codex model');
  assert.equal(settings.timeoutMs, undefined);
  assert.throws(() => store.update({ agentApproval: 'sometimes' as never }), /Approval policy: must be one of always-ask, allow-read-only, never-ask/);
});

test('a settings file from before the coding agents loads with their defaults', () => {
  const { root } = machine([]);
  const data = join(root, 'old');
  mkdirSync(data);
  writeFileSync(join(data, 'settings.json'), JSON.stringify({ agentBackend: 'command', agentCommand: 'my-agent', agentCwd: '', __internal__: { migrations: { version: '0.3.0' } } }));
  const store = createSettingsStore({ cwd: data, cipher, env: {} });
  assert.equal(store.notice, undefined, 'not treated as corrupt');
  const settings = store.get();
  assert.equal(settings.agentBackend, 'command');
  assert.equal(settings.agentConfig, '');
  assert.equal(settings.agentApproval, 'allow-read-only');
  assert.equal(settings.agentSandbox, 'workspace-write');
});
