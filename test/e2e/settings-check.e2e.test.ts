// The settings form in real Chromium against the real app core with the settings check the app
// runs (a PATH of our own with one fake agent): a refused save shows its reason next to the field
// it names, on that field's page, and nothing is saved until the value is right.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { AppController } from '../../src-main/app/app-controller';
import { createSettingsCheck, nodeSettingsCheckDeps } from '../../src-main/app/settings-check';
import { createSettingsStore } from '../../src-main/adapters/settings/settings-store';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { testCipher } from '../support/app-harness';
import { browserSkipReason as skipReason, openAppPage, useBrowser } from '../support/browser-stage';

const chromium = useBrowser();

/** The error text shown with a field: the element its input names in aria-describedby. */
async function fieldError(page: Page, testId: string): Promise<string | null> {
  return page.getByTestId(testId).evaluate((input) => {
    const id = (input.getAttribute('aria-describedby') ?? '').split(' ').find((entry) => entry.endsWith('-error'));
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  });
}

test('a refused setting is shown next to its field; fixing it saves', { skip: skipReason }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'parley-e2e-check-'));
  const bin = join(root, 'bin');
  const work = join(root, 'work');
  mkdirSync(bin);
  mkdirSync(work);
  writeFileSync(join(bin, 'fake-agent'), '#!/bin/sh\n');
  chmodSync(join(bin, 'fake-agent'), 0o755);
  const settings = createSettingsStore({
    cwd: join(root, 'data'),
    cipher: testCipher(),
    env: {},
    check: createSettingsCheck(nodeSettingsCheckDeps({ PATH: bin }, 'linux')),
  });
  settings.update({ onboardingDone: true });
  const app = new AppController({ settings, historyDir: join(root, 'history'), transport: connectWebSocket, createAudioEngine: undefined });
  const { page, bridge } = await openAppPage(t, chromium.browser(), app, { cleanup: () => app.shutdown() });
  await page.goto(bridge.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-page').waitFor();

  await t.test('a voice the protocol does not offer', async () => {
    await page.getByTestId('setting-voice').fill('nova');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    assert.match((await fieldError(page, 'setting-voice')) ?? '', /^Voice: “nova” is not a voice of the v2 realtime API; choose one of marin, cedar/);
    assert.equal(settings.get().voice, '');
    await page.getByTestId('setting-voice').fill('cedar');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(settings.get().voice, 'cedar');
  });

  await t.test('the session length limit shows with the connection settings; 1 minute is refused, 90 is saved', async () => {
    const field = page.getByTestId('setting-maxSessionMinutes');
    assert.equal(await field.inputValue(), '60', 'the default');
    const hint = await field.evaluate((input) => {
      const id = (input.getAttribute('aria-describedby') ?? '').split(' ').find((entry) => entry.endsWith('-hint'));
      return id ? (document.getElementById(id)?.textContent ?? null) : null;
    });
    assert.equal(hint, 'Parley renews the session before this limit without a gap (the OpenAI Realtime API allows 60 minutes).');
    await field.fill('1');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    assert.equal(await fieldError(page, 'setting-maxSessionMinutes'), 'Session length limit: must be a whole number of minutes from 2 to 720');
    assert.equal(settings.get().maxSessionMinutes, 60, 'nothing was saved');
    await field.fill('');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    assert.equal(await fieldError(page, 'setting-maxSessionMinutes'), 'Session length limit: must be a whole number of minutes from 2 to 720', 'an empty box too');
    await field.fill('90');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(settings.get().maxSessionMinutes, 90);
  });

  await t.test('a command not on PATH, then a folder that does not exist', async () => {
    await page.getByTestId('settings-tab-agent').click();
    await page.getByTestId('setting-agentBackend').selectOption('command');
    await page.getByTestId('setting-agentCommand').fill('codx exec {prompt}');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    assert.equal(await fieldError(page, 'setting-agentCommand'), 'Agent command: “codx” is not found on PATH; install it, or write its full path.');
    assert.equal(await fieldError(page, 'setting-agentCwd'), null, 'only the field named is marked');

    await page.getByTestId('setting-agentCommand').fill('fake-agent exec {prompt}');
    await page.getByTestId('setting-agentCwd').fill(join(root, 'nope'));
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    assert.equal(await fieldError(page, 'setting-agentCwd'), `Working folder: ${join(root, 'nope')} does not exist.`);
    assert.equal(settings.get().agentBackend, 'responses', 'nothing was saved');

    await page.getByTestId('setting-agentCwd').fill(work);
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.deepEqual(
      { backend: settings.get().agentBackend, command: settings.get().agentCommand, cwd: settings.get().agentCwd },
      { backend: 'command', command: 'fake-agent exec {prompt}', cwd: work },
    );
  });

  await t.test('changing the protocol resets a voice it lacks, and the save says so', async () => {
    await page.getByTestId('settings-tab-general').click();
    await page.getByTestId('setting-dialect').selectOption('v1');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.match((await page.getByTestId('settings-saved').textContent()) ?? '', /The voice is now the default \(cove\): “cedar” is not a voice of the v1/);
    assert.equal(await page.getByTestId('setting-voice').inputValue(), '', 'the form shows the voice that was saved');
  });

  await t.test('a typed shortcut that does not parse is flagged when leaving the field, and refused on save', async () => {
    await page.getByTestId('settings-tab-hotkeys').click();
    await page.getByTestId('setting-hotkeys-talk').fill('Ctrl+Shft+X');
    await page.getByTestId('setting-hotkeys-holdToTalk').focus();
    assert.equal(await fieldError(page, 'setting-hotkeys-talk'), '“Ctrl+Shft+X” is not a valid shortcut: unknown key "Shft"; did you mean "Shift"?');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    assert.equal(await fieldError(page, 'setting-hotkeys-talk'), 'Talk hotkey: “Ctrl+Shft+X” is not a valid shortcut: unknown key "Shft"; did you mean "Shift"?');
    assert.equal(settings.get().hotkeys.talk, 'CommandOrControl+Shift+Space');
  });
});
