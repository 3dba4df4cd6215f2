// The two agent timing settings ("Spoken progress interval", "Permission request timeout") on the
// main side: defaults, a file from before them, the same refusals by the store and the bridge,
// a stored value out of range listed as a problem while sessions use the default, and a desktop
// session handing both on in milliseconds (the interval to the voice runtime, the timeout to the
// agent backend).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Settings } from '../../src-shared/ipc-contract';
import { settingsPatchSchema } from '../../src-shared/ipc-contract';
import { validateCommand } from '../../src-shared/ipc-validation';
import { DEFAULT_SETTINGS, SETTINGS_JSON_SCHEMA, SettingsValidationError, validateSettingsPatch } from '../../src-main/adapters/settings/settings-schema';
import { createSettingsStore } from '../../src-main/adapters/settings/settings-store';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { silentLogger } from '../../src-main/core/util/logger';
import { DesktopSession } from '../../src-main/app/desktop-session';
import { nodeSettingsCheckDeps, settingsProblems } from '../../src-main/app/settings-check';
import { agentApprovalTimeoutMsFrom, agentSettingsFrom, agentUpdateIntervalMsFrom } from '../../src-main/app/session-settings';
import { createVoiceRuntime, type VoiceRuntimeOptions } from '../../src-main/app/voice-runtime';
import { testCipher } from '../support/app-harness';
import { tempDir } from '../support/temp-dir';

const INTERVAL_REFUSAL = 'Spoken progress interval: must be a whole number of seconds from 5 to 600';
const TIMEOUT_REFUSAL = 'Permission request timeout: must be a whole number of seconds from 10 to 600';

test('defaults: progress spoken at most every 20 s, an unanswered request denied after 60 s; the store fills them in', () => {
  assert.equal(DEFAULT_SETTINGS.agentUpdateIntervalSeconds, 20);
  assert.equal(DEFAULT_SETTINGS.agentApprovalTimeoutSeconds, 60);
  assert.equal(SETTINGS_JSON_SCHEMA.agentUpdateIntervalSeconds.default, 20);
  assert.equal(SETTINGS_JSON_SCHEMA.agentApprovalTimeoutSeconds.default, 60);
});

test('a settings file from before these settings opens with their defaults and keeps the rest', () => {
  const cwd = tempDir('parley-agent-timing-');
  writeFileSync(join(cwd, 'settings.json'), JSON.stringify({ agentBackend: 'codex', agentApproval: 'always-ask', __internal__: { migrations: { version: '0.3.0' } } }));
  const store = createSettingsStore({ cwd, cipher: testCipher(), env: {} });
  assert.equal(store.notice, undefined, 'not treated as corrupt');
  const settings = store.get();
  assert.deepEqual([settings.agentUpdateIntervalSeconds, settings.agentApprovalTimeoutSeconds, settings.agentApproval], [20, 60, 'always-ask']);
  store.update({ agentUpdateIntervalSeconds: 90, agentApprovalTimeoutSeconds: 15 });
  const reopened = createSettingsStore({ cwd, cipher: testCipher(), env: {} }).get();
  assert.deepEqual([reopened.agentUpdateIntervalSeconds, reopened.agentApprovalTimeoutSeconds], [90, 15], 'saved and read back');
});

test('the bounds are accepted by the store and the bridge', () => {
  for (const patch of [{ agentUpdateIntervalSeconds: 5 }, { agentUpdateIntervalSeconds: 600 }, { agentApprovalTimeoutSeconds: 10 }, { agentApprovalTimeoutSeconds: 600 }]) {
    assert.deepEqual(validateSettingsPatch(patch), patch);
    const command = validateCommand('settings.update', patch);
    assert.ok(command.ok, JSON.stringify(patch));
  }
});

test('other values are refused with the same sentence by the store and the bridge, naming the field on the Agent page', () => {
  const cases: Array<[Record<string, unknown>, string, string]> = [
    [{ agentUpdateIntervalSeconds: 4 }, 'agentUpdateIntervalSeconds', INTERVAL_REFUSAL],
    [{ agentUpdateIntervalSeconds: 601 }, 'agentUpdateIntervalSeconds', INTERVAL_REFUSAL],
    [{ agentUpdateIntervalSeconds: 20.5 }, 'agentUpdateIntervalSeconds', INTERVAL_REFUSAL],
    [{ agentUpdateIntervalSeconds: '20' }, 'agentUpdateIntervalSeconds', INTERVAL_REFUSAL],
    [{ agentUpdateIntervalSeconds: Number.NaN }, 'agentUpdateIntervalSeconds', INTERVAL_REFUSAL],
    [{ agentApprovalTimeoutSeconds: 9 }, 'agentApprovalTimeoutSeconds', TIMEOUT_REFUSAL],
    [{ agentApprovalTimeoutSeconds: 601 }, 'agentApprovalTimeoutSeconds', TIMEOUT_REFUSAL],
    [{ agentApprovalTimeoutSeconds: null }, 'agentApprovalTimeoutSeconds', TIMEOUT_REFUSAL],
  ];
  for (const [patch, field, message] of cases) {
    assert.throws(
      () => validateSettingsPatch(patch),
      (error: unknown) => error instanceof SettingsValidationError && error.field === field && error.page === 'agent' && error.message === message,
      JSON.stringify(patch),
    );
    assert.equal(settingsPatchSchema.safeParse(patch).success, false, JSON.stringify(patch));
    const command = validateCommand('settings.update', patch);
    assert.equal(command.ok, false, JSON.stringify(patch));
    if (!command.ok) assert.deepEqual([command.error.field, command.error.message], [field, message], JSON.stringify(patch));
  }
});

test('a stored value out of range is a settings problem on the Agent page, and sessions use the default meanwhile', () => {
  const deps = nodeSettingsCheckDeps({ PATH: '' }, 'linux');
  assert.deepEqual(settingsProblems({ ...DEFAULT_SETTINGS, agentBackend: 'none' }, deps), [], 'the defaults are fine');
  const edited: Settings = { ...DEFAULT_SETTINGS, agentBackend: 'none', agentUpdateIntervalSeconds: 1, agentApprovalTimeoutSeconds: 5_000 };
  assert.deepEqual(settingsProblems(edited, deps), [
    { field: 'agentUpdateIntervalSeconds', page: 'agent', message: INTERVAL_REFUSAL },
    { field: 'agentApprovalTimeoutSeconds', page: 'agent', message: TIMEOUT_REFUSAL },
  ]);
  assert.equal(agentUpdateIntervalMsFrom(edited), 20_000);
  assert.equal(agentApprovalTimeoutMsFrom(edited), 60_000);
  assert.equal(agentUpdateIntervalMsFrom({ ...DEFAULT_SETTINGS, agentUpdateIntervalSeconds: 45 }), 45_000);
  assert.equal(agentApprovalTimeoutMsFrom({ ...DEFAULT_SETTINGS, agentApprovalTimeoutSeconds: 15 }), 15_000);
});

test('the agent backend is configured with the approval timeout in milliseconds', () => {
  const settings: Settings = { ...DEFAULT_SETTINGS, agentBackend: 'codex', agentApprovalTimeoutSeconds: 30 };
  assert.equal(agentSettingsFrom(settings, undefined).approvalTimeoutMs, 30_000);
  assert.equal(agentSettingsFrom(DEFAULT_SETTINGS, undefined).approvalTimeoutMs, 60_000);
});

test('a desktop session hands the update interval to the voice runtime in milliseconds', async () => {
  const built: VoiceRuntimeOptions[] = [];
  const settings: Settings = { ...DEFAULT_SETTINGS, agentBackend: 'none', agentUpdateIntervalSeconds: 35, agentApprovalTimeoutSeconds: 25 };
  const session = new DesktopSession(settings, undefined, false, {
    transport: connectWebSocket,
    sink: undefined,
    historyDir: join(tempDir('parley-agent-timing-'), 'history'),
    logger: silentLogger,
    now: Date.now,
    emit: () => {},
    onTalkState: () => {},
    createRuntime: (options) => {
      built.push(options);
      return createVoiceRuntime(options);
    },
  });
  await session.stop();
  assert.equal(built.length, 1);
  assert.equal(built[0]!.agentUpdateIntervalMs, 35_000);
  assert.equal(built[0]!.agent.approvalTimeoutMs, 25_000);
});
