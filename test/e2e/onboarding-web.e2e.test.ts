// Onboarding in real Chromium, on the app core as `npm run web` and the desktop app assemble it
// (createDesktopApp), through the web bridge: every promise the first-run screens make must hold
// in the mode at hand. The browser UI keeps the key in memory and, with --no-audio, has no
// microphone or speaker to check; the desktop app (keychain) says the key is encrypted by it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import { createDesktopApp } from '../../src-main/app/create-desktop-app';
import { silentLogger } from '../../src-main/core/util/logger';
import { testCipher } from '../support/app-harness';
import { browserSkipReason as skipReason, openAppPage, useBrowser } from '../support/browser-stage';

const KEY = 'sk-test-onboarding-0123456789abcdef';

const chromium = useBrowser();

async function openOnboarding(t: TestContext, keyStorage: 'keychain' | 'memory'): Promise<{ page: Page; userDataDir: string }> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'parley-onboarding-'));
  const app = createDesktopApp({ userDataDir, cipher: testCipher(), keyStorage, env: {}, logger: silentLogger, audio: false });
  const { page, bridge } = await openAppPage(t, chromium.browser(), app, { viewport: { width: 1000, height: 720 }, cleanup: () => app.shutdown() });
  await page.goto(bridge.url);
  await page.getByTestId('onboarding').waitFor();
  return { page, userDataDir };
}

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ');

test('browser UI: before the key is typed it says memory for this run only, then claims no mic or speaker check without audio', { skip: skipReason }, async (t) => {
  const { page, userDataDir } = await openOnboarding(t, 'memory');
  await page.locator('[data-testid="onboarding-key-storage"][data-storage="memory"]').waitFor();
  assert.match(await text(page, 'onboarding-key-storage'), /keeps the key in memory for this run only: it is never written to disk and is forgotten when npm run web stops/);
  assert.doesNotMatch((await page.textContent('body')) ?? '', /encrypted/i, 'nothing on the page says encrypted');

  await page.getByTestId('onboarding-api-key').fill(KEY);
  await page.getByTestId('onboarding-save-key').click();
  await page.getByText('Key kept in memory for this run.').waitFor();
  assert.equal(readFileSync(join(userDataDir, 'settings.json'), 'utf8').includes(KEY), false);

  await page.getByTestId('onboarding-next').click();
  await page.getByTestId('onboarding-no-audio').waitFor();
  assert.match(await text(page, 'onboarding-no-audio'), /no microphone to check.*Live audio is turned off/);
  const micPage = (await page.textContent('body')) ?? '';
  assert.doesNotMatch(micPage, /bar should move/, 'no level meter is promised');
  assert.equal(await page.getByTestId('onboarding-mic-meter').count(), 0);

  await page.getByTestId('onboarding-next').click();
  await page.getByText('There is no speaker to check in this Parley.').waitFor();
  assert.equal(await page.getByTestId('onboarding-test-sound').count(), 0, 'no test sound button');
  assert.doesNotMatch((await page.textContent('body')) ?? '', /Play the test sound/);
});

test('desktop (keychain): the key step says the key is stored encrypted by the OS keychain', { skip: skipReason }, async (t) => {
  const { page } = await openOnboarding(t, 'keychain');
  await page.locator('[data-testid="onboarding-key-storage"][data-storage="keychain"]').waitFor();
  assert.match(await text(page, 'onboarding-key-storage'), /stores it encrypted by your OS keychain/);
  assert.doesNotMatch(await text(page, 'onboarding-key-storage'), /memory/);
});
