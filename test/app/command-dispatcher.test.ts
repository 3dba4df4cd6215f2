// The command gate: a handler's typed error keeps its code (and a refused setting its field) on
// the way to the renderer, so the settings form can mark the field; anything else is `failed`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandHandlers } from '../../src-shared/ipc-contract';
import { SettingsValidationError } from '../../src-main/adapters/settings/settings-schema';
import { createCommandDispatcher } from '../../src-main/app/command-dispatcher';

const OWN_PAGE = 'file:///app/index.html';

function dispatcherThrowing(error: unknown) {
  const handlers = {
    'settings.update': () => {
      throw error;
    },
  } as unknown as CommandHandlers;
  return createCommandDispatcher(handlers, { devOrigins: [] });
}

test('a refused setting answers invalid_setting with its message and the field it names', async () => {
  const refusal = new SettingsValidationError('agentCwd', '/nope does not exist.');
  const answer = await dispatcherThrowing(refusal)('settings.update', { agentCwd: '/nope' }, OWN_PAGE);
  assert.deepEqual(answer, { ok: false, error: { code: 'invalid_setting', message: 'Working folder: /nope does not exist.', field: 'agentCwd' } });
});

test("a handler error's own code is forwarded; a missing or malformed one becomes failed", async () => {
  const coded = Object.assign(new Error('The agent did not answer in time.'), { code: 'agent_timeout' });
  assert.deepEqual(await dispatcherThrowing(coded)('settings.update', {}, OWN_PAGE), {
    ok: false,
    error: { code: 'agent_timeout', message: 'The agent did not answer in time.' },
  });
  assert.deepEqual(await dispatcherThrowing(new Error('plain'))('settings.update', {}, OWN_PAGE), { ok: false, error: { code: 'failed', message: 'plain' } });
  const odd = Object.assign(new Error('odd'), { code: 'not a code <b>', field: 'voice' });
  assert.deepEqual(await dispatcherThrowing(odd)('settings.update', {}, OWN_PAGE), { ok: false, error: { code: 'failed', message: 'odd' } });
});
