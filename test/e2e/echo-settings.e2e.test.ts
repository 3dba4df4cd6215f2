// The echo settings and the echo indicator in real Chromium. The Audio page against the real app
// core and settings file: turning echo cancellation off disables its noise suppression and gain
// control, the turn detection enables only its own fields, a barge-in length out of range is
// refused next to its field. The status area against a state main sends: which protection is
// active, in a few words, with the full sentence as its tooltip.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { AppController } from '../../src-main/app/app-controller';
import { createSettingsCheck, nodeSettingsCheckDeps } from '../../src-main/app/settings-check';
import { createSettingsStore } from '../../src-main/adapters/settings/settings-store';
import { connectWebSocket } from '../../src-main/adapters/transport/ws-transport';
import { describeEchoProtection, type EchoProtection } from '../../src-shared/echo-cancellation';
import { testCipher } from '../support/app-harness';
import { browserSkipReason as skipReason, openAppPage, useBrowser } from '../support/browser-stage';
import { FakeAppPort, makeSnapshot } from '../shell/fake-app-port';

const chromium = useBrowser();
const ARTIFACTS = resolve('test-artifacts/e2e');

/** A screenshot for the README and for a look by eye. */
async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled', fullPage: true });
}

/** The text of the element an input names in aria-describedby with this suffix ('-error', '-hint'). */
async function describedText(page: Page, testId: string, suffix: string): Promise<string | null> {
  return page.getByTestId(testId).evaluate((input, end) => {
    const id = (input.getAttribute('aria-describedby') ?? '').split(' ').find((entry) => entry.endsWith(end));
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  }, suffix);
}

test('the Audio page: echo cancellation off disables its parts, turn detection enables its own fields, bad values are refused', { skip: skipReason }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'parley-e2e-echo-'));
  const settings = createSettingsStore({ cwd: join(root, 'data'), cipher: testCipher(), env: {}, check: createSettingsCheck(nodeSettingsCheckDeps({ PATH: '' }, 'linux')) });
  settings.update({ onboardingDone: true });
  const app = new AppController({ settings, historyDir: join(root, 'history'), transport: connectWebSocket, createAudioEngine: undefined });
  const { page, bridge } = await openAppPage(t, chromium.browser(), app, { cleanup: () => app.shutdown() });
  await page.goto(bridge.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-page').waitFor();
  await page.getByTestId('settings-tab-audio').click();

  const echo = page.getByTestId('setting-echoCancellation');
  const suppression = page.getByTestId('setting-noiseSuppression');
  const gain = page.getByTestId('setting-autoGainControl');

  await t.test('the defaults: the canceller and its noise suppression on, gain control off, all editable', async () => {
    assert.equal(await echo.isChecked(), true);
    assert.equal(await suppression.isChecked(), true);
    assert.equal(await gain.isChecked(), false);
    assert.equal(await suppression.isEnabled(), true);
    assert.equal(await gain.isEnabled(), true);
    assert.equal(await page.getByTestId('setting-minBargeInMs').inputValue(), '250');
    assert.match((await describedText(page, 'setting-echoCancellation', '-hint')) ?? '', /^Lets you talk over the assistant on speakers\./);
  });

  await t.test('echo cancellation off disables noise suppression and gain control, and is saved', async () => {
    await echo.uncheck();
    assert.equal(await suppression.isDisabled(), true);
    assert.equal(await gain.isDisabled(), true);
    await page.getByTestId('setting-echoCancellation').scrollIntoViewIfNeeded();
    await shot(page, 'settings-audio-echo-off');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(settings.get().echoCancellation, false);
    assert.equal(settings.get().noiseSuppression, true, 'its parts keep their values for when it is back on');
    await echo.check();
    assert.equal(await suppression.isEnabled(), true);
    assert.equal(await gain.isEnabled(), true);
  });

  await t.test('the pause applies with server_vad, the eagerness with semantic_vad', async () => {
    const detection = page.getByTestId('setting-handsFreeTurnDetection');
    assert.equal(await detection.inputValue(), 'server_vad');
    assert.equal(await page.getByTestId('setting-vadSilenceMs').isEnabled(), true);
    assert.equal(await page.getByTestId('setting-semanticEagerness').isDisabled(), true);
    await detection.selectOption('semantic_vad');
    assert.equal(await page.getByTestId('setting-vadSilenceMs').isDisabled(), true);
    assert.equal(await page.getByTestId('setting-semanticEagerness').isEnabled(), true);
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(settings.get().handsFreeTurnDetection, 'semantic_vad');
    assert.equal(settings.get().echoCancellation, true);
  });

  await t.test('a barge-in length out of range is refused next to its field; in range it saves', async () => {
    const field = page.getByTestId('setting-minBargeInMs');
    await field.fill('50');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-error').waitFor();
    assert.equal(await describedText(page, 'setting-minBargeInMs', '-error'), 'Minimum barge-in: must be a whole number of milliseconds from 100 to 1500');
    assert.equal(settings.get().minBargeInMs, 250, 'nothing was saved');
    await field.fill('400');
    await page.getByTestId('settings-save').click();
    await page.getByTestId('settings-saved').waitFor();
    assert.equal(settings.get().minBargeInMs, 400);
  });
});

test('the status area says which echo protection is active, with the reason as its tooltip', { skip: skipReason }, async (t) => {
  const port = new FakeAppPort(makeSnapshot());
  port.handle('app.ready', () => port.snapshot());
  const { page, bridge } = await openAppPage(t, chromium.browser(), port);
  await page.goto(bridge.url);
  await page.getByTestId('status').waitFor();
  const indicator = page.getByTestId('echo-protection');
  assert.equal(await indicator.count(), 0, 'nothing is shown while no audio runs');

  const cases: Array<[EchoProtection, string]> = [
    [{ kind: 'canceller', delayHintMs: 60 }, 'Echo cancellation on'],
    [{ kind: 'gate', reason: 'turned-off', message: 'Echo cancellation is off in Audio settings.' }, 'Echo gate: canceller turned off'],
    [{ kind: 'gate', reason: 'unavailable', message: 'the echo canceller could not load on this computer.' }, 'Echo gate: canceller unavailable'],
  ];
  for (const [protection, words] of cases) {
    port.setSnapshot({ echoProtection: protection });
    await page.waitForFunction((expected) => document.querySelector('[data-testid="echo-protection"]')?.textContent === expected, words);
    if (protection.kind === 'canceller') await shot(page, 'status-echo-cancellation');
    assert.equal(await indicator.getAttribute('title'), describeEchoProtection(protection));
    assert.equal(await indicator.getAttribute('data-kind'), protection.kind);
  }
  port.setSnapshot({ echoProtection: null });
  await indicator.waitFor({ state: 'detached' });
});
