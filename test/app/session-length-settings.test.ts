// The "Session length limit" setting end to end on the main side: the bridge's contract check and
// the store's own check refuse the same values with the same sentence, a stored value out of range
// is listed in "Settings need attention" while sessions fall back to the default, and a desktop
// session hands the limit to the voice runtime in milliseconds.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Settings } from '../../src-shared/ipc-contract';
import { validateCommand } from '../../src-shared/ipc-validation';
import { DEFAULT_SETTINGS } from '../../src-main/adapters/settings/settings-schema';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { DEFAULT_MAX_SESSION_MS } from '../../src-main/core/session/resilience';
import { silentLogger } from '../../src-main/core/util/logger';
import { DesktopSession } from '../../src-main/app/desktop-session';
import { nodeSettingsCheckDeps, settingsProblems } from '../../src-main/app/settings-check';
import { resilienceFrom } from '../../src-main/app/session-settings';
import { createVoiceRuntime, type VoiceRuntimeOptions } from '../../src-main/app/voice-runtime';
import { tempDir } from '../support/temp-dir';

const REFUSAL = 'Session length limit: must be a whole number of minutes from 2 to 720';
const ACCEPTED = [60, 2, 720];
const REFUSED: readonly unknown[] = [1, 721, 30.5, '60', 0, -60, null];

test('the bridge accepts whole minutes from 2 to 720 for the session length limit', () => {
  for (const minutes of ACCEPTED) {
    const result = validateCommand('settings.update', { maxSessionMinutes: minutes });
    assert.ok(result.ok, `${minutes} should be accepted`);
    assert.deepEqual(result.args, { maxSessionMinutes: minutes });
  }
});

test('the bridge refuses other session length limits with one sentence naming the field as the form labels it', () => {
  for (const minutes of REFUSED) {
    const result = validateCommand('settings.update', { maxSessionMinutes: minutes });
    assert.equal(result.ok, false, `${JSON.stringify(minutes)} should be refused`);
    if (result.ok) continue;
    assert.deepEqual(result.error, { code: 'invalid_arguments', message: REFUSAL, field: 'maxSessionMinutes' }, JSON.stringify(minutes));
  }
});

test('a stored session length limit out of range is a settings problem on the page with the connection settings', () => {
  const deps = nodeSettingsCheckDeps({ PATH: '' }, 'linux');
  assert.deepEqual(settingsProblems(DEFAULT_SETTINGS, deps), [], 'the default is fine');
  for (const minutes of [1, 721, 30.5]) {
    const settings: Settings = { ...DEFAULT_SETTINGS, maxSessionMinutes: minutes };
    assert.deepEqual(settingsProblems(settings, deps), [{ field: 'maxSessionMinutes', page: 'general', message: REFUSAL }], String(minutes));
  }
});

test('a session uses the limit in milliseconds, and the default while the stored value is out of range', () => {
  assert.deepEqual(resilienceFrom({ ...DEFAULT_SETTINGS, maxSessionMinutes: 90 }), { maxSessionMs: 90 * 60_000 });
  assert.deepEqual(resilienceFrom({ ...DEFAULT_SETTINGS, maxSessionMinutes: 2 }), { maxSessionMs: 120_000 });
  assert.deepEqual(resilienceFrom(DEFAULT_SETTINGS), { maxSessionMs: DEFAULT_MAX_SESSION_MS });
  assert.equal(DEFAULT_MAX_SESSION_MS, 60 * 60_000);
  for (const minutes of [1, 30.5, 721]) {
    assert.deepEqual(resilienceFrom({ ...DEFAULT_SETTINGS, maxSessionMinutes: minutes }), { maxSessionMs: DEFAULT_MAX_SESSION_MS }, String(minutes));
  }
});

/** Builds a desktop session with the real runtime, keeping the options it was assembled with. */
async function desktopSessionOptions(settings: Settings): Promise<VoiceRuntimeOptions> {
  const built: VoiceRuntimeOptions[] = [];
  const session = new DesktopSession(settings, undefined, false, {
    transport: connectWebSocket,
    sink: undefined,
    historyDir: join(tempDir('parley-session-length-'), 'history'),
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
  assert.equal(built.length, 1, 'one runtime per session');
  return built[0]!;
}

test('a desktop session passes the session length limit to the voice runtime', async () => {
  const settings: Settings = { ...DEFAULT_SETTINGS, agentBackend: 'none', maxSessionMinutes: 45 };
  assert.equal((await desktopSessionOptions(settings)).resilience?.maxSessionMs, 45 * 60_000);
  const outOfRange: Settings = { ...settings, maxSessionMinutes: 1 };
  assert.equal((await desktopSessionOptions(outOfRange)).resilience?.maxSessionMs, DEFAULT_MAX_SESSION_MS, 'out of range: the default');
});
