// The agent timing settings on the Agent settings page, in real Chromium against the real app core:
// both fields are shown with their unit, a value out of range is refused next to its field with
// the sentence main uses, and values in range are saved.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
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

async function fieldText(page: Page, testId: string, suffix: '-error' | '-hint'): Promise<string | null> {
  return page.getByTestId(testId).evaluate((input, wanted) => {
    const id = (input.getAttribute('aria-describedby') ?? '').split(' ').find((entry) => entry.endsWith(wanted));
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  }, suffix);
}

async function labelOf(page: Page, testId: string): Promise<string | null> {
  return page.getByTestId(testId).evaluate((input) => document.querySelector(`label[for="${input.id}"]`)?.textContent ?? null);
}

test('the spoken progress interval and the permission request timeout are shown, checked on save and saved', { skip: skipReason }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'parley-e2e-agent-timing-'));
  const settings = createSettingsStore({
    cwd: join(root, 'data'),
    cipher: testCipher(),
    env: {},
    check: createSettingsCheck(nodeSettingsCheckDeps({ PATH: '' }, 'linux')),
  });
  settings.update({ onboardingDone: true });
  const app = new AppController({ settings, historyDir: join(root, 'history'), transport: connectWebSocket, createAudioEngine: undefined });
  const { page, bridge } = await openAppPage(t, chromium.browser(), app, { cleanup: () => app.shutdown() });
  await page.goto(bridge.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-page').waitFor();
  await page.getByTestId('settings-tab-agent').click();

  const interval = page.getByTestId('setting-agentUpdateIntervalSeconds');
  const timeout = page.getByTestId('setting-agentApprovalTimeoutSeconds');
  assert.equal(await labelOf(page, 'setting-agentUpdateIntervalSeconds'), 'Spoken progress interval');
  assert.equal(await labelOf(page, 'setting-agentApprovalTimeoutSeconds'), 'Permission request timeout');
  assert.deepEqual([await interval.inputValue(), await timeout.inputValue()], ['20', '60'], 'the defaults');
  assert.deepEqual([await interval.getAttribute('min'), await interval.getAttribute('max')], ['5', '600']);
  assert.deepEqual([await timeout.getAttribute('min'), await timeout.getAttribute('max')], ['10', '600']);
  assert.match((await fieldText(page, 'setting-agentApprovalTimeoutSeconds', '-hint')) ?? '', /unanswered this long is denied \(default 60\)/);

  await interval.fill('3');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  assert.equal(await fieldText(page, 'setting-agentUpdateIntervalSeconds', '-error'), 'Spoken progress interval: must be a whole number of seconds from 5 to 600');
  assert.equal(settings.get().agentUpdateIntervalSeconds, 20, 'nothing saved');

  await interval.fill('45');
  await timeout.fill('700');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  assert.equal(await fieldText(page, 'setting-agentApprovalTimeoutSeconds', '-error'), 'Permission request timeout: must be a whole number of seconds from 10 to 600');

  await timeout.fill('30');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-saved').waitFor();
  const saved = settings.get();
  assert.deepEqual([saved.agentUpdateIntervalSeconds, saved.agentApprovalTimeoutSeconds], [45, 30]);
});
