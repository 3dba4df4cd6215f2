// The room check in real Chromium, on the app core through the web bridge: the onboarding step
// and the Settings › Audio panel. The engine is the in-process double whose microphone is a
// simulated room with the real WebRTC canceller (test/app/room-check-simulated-room.ts), so what
// the page shows comes from a real measurement, only faster than real time.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { AudioEngineFactory } from '../../src-main/app/audio-controller';
import { startAppHarness } from '../support/app-harness';
import { browserSkipReason as skipReason, openAppPage, useBrowser } from '../support/browser-stage';
import { RoomEngine, simulatedRoom, type SimulatedRoomOptions } from '../app/room-check-simulated-room';

const chromium = useBrowser();
const ARTIFACTS = resolve('test-artifacts/e2e');

function roomAudio(t: TestContext, options: SimulatedRoomOptions): AudioEngineFactory {
  return (request) => {
    const room = simulatedRoom(options);
    t.after(() => room.close());
    return new RoomEngine(request, room);
  };
}

const text = async (page: Page, testId: string) => (await page.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();

test('onboarding: the room step checks the room and says hands-free works, with the numbers behind a disclosure', { skip: skipReason, timeout: 30_000 }, async (t) => {
  const harness = startAppHarness(t, { createAudioEngine: roomAudio(t, { couplingDb: -20, delayMs: 60, backgroundDbfs: -65, canceller: true }) });
  const { page, bridge } = await openAppPage(t, chromium.browser(), harness.app);
  await page.goto(bridge.url);
  await page.getByTestId('onboarding').waitFor();
  for (let step = 0; step < 3; step++) await page.getByTestId('onboarding-next').click();
  await page.getByText('Check the room', { exact: true }).first().waitFor();
  assert.equal(await page.getByTestId('onboarding-finish').count(), 1, 'the room is the last step');

  await page.getByTestId('onboarding-room-check-run').click();
  const result = page.getByTestId('onboarding-room-check-result');
  await result.waitFor({ timeout: 15_000 });
  assert.equal(await result.getAttribute('data-verdict'), 'hands-free');
  assert.match(await text(page, 'onboarding-room-check-sentence'), /^Hands-free works on these speakers/);
  assert.equal(await page.getByTestId('onboarding-room-check-status').getAttribute('aria-live'), 'polite', 'the verdict is announced');
  assert.equal(await page.getByText('Echo removed').isVisible(), false, 'the numbers wait behind the disclosure');
  await page.getByTestId('onboarding-room-check-details').locator('summary').click();
  assert.equal(await page.getByText('Echo removed').isVisible(), true);
  assert.match(await text(page, 'onboarding-room-check-details'), /Heard relative to played -20\.\d dB/);
  assert.match(await text(page, 'onboarding-room-check-details'), /Echo removed at least [3-9]\d\.\d dB/);
  assert.equal(await text(page, 'onboarding-room-check-run'), 'Check again');
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'onboarding-room-check.png') });
});

test('Settings › Audio: a microphone that hears nothing of the speaker gets the muted-microphone sentence', { skip: skipReason, timeout: 30_000 }, async (t) => {
  const harness = startAppHarness(t, {
    createAudioEngine: roomAudio(t, { couplingDb: undefined, delayMs: 60, backgroundDbfs: -65, canceller: true }),
    settings: { onboardingDone: true },
  });
  const { page, bridge } = await openAppPage(t, chromium.browser(), harness.app);
  await page.goto(bridge.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-audio').click();
  await page.getByTestId('settings-room-check-run').click();
  const result = page.getByTestId('settings-room-check-result');
  await result.waitFor({ timeout: 15_000 });
  assert.equal(await result.getAttribute('data-verdict'), 'inconclusive');
  assert.equal(
    await text(page, 'settings-room-check-sentence'),
    'The microphone did not hear the test sound: check that the speaker is on and the microphone is not muted.',
  );
});

test('without live audio the room check says why instead of a verdict', { skip: skipReason, timeout: 30_000 }, async (t) => {
  const harness = startAppHarness(t, { createAudioEngine: undefined, settings: { onboardingDone: true } });
  const { page, bridge } = await openAppPage(t, chromium.browser(), harness.app);
  await page.goto(bridge.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-tab-audio').click();
  await page.getByTestId('settings-room-check-run').click();
  await page.getByTestId('settings-room-check-error').waitFor();
  assert.match(await text(page, 'settings-room-check-error'), /Live audio is turned off/);
  assert.equal(await page.getByTestId('settings-room-check-result').count(), 0);
});
