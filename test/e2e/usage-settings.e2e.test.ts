// The Usage settings page in real Chromium against the real app core: the budget caps in dollars
// and cents, and the pricing table, whose problems name the model and the field; what is valid
// is saved. And the status area's cost after a priced reply, with the 80 % warning as a banner.
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
import { startGaRealtimeServer } from '../support/ga-realtime-server';
import { browserSkipReason as skipReason, openAppPage, useBrowser } from '../support/browser-stage';

const chromium = useBrowser();

async function errorText(page: Page, testId: string): Promise<string | null> {
  return page.getByTestId(testId).evaluate((input) => {
    const id = (input.getAttribute('aria-describedby') ?? '').split(' ').find((entry) => entry.endsWith('-error'));
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  });
}

test('the budget caps and the pricing table are edited on the Usage page; a bad table names the model and field', { skip: skipReason }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'parley-e2e-usage-'));
  const settings = createSettingsStore({ cwd: join(root, 'data'), cipher: testCipher(), env: {}, check: createSettingsCheck(nodeSettingsCheckDeps({ PATH: '' }, 'linux')) });
  settings.update({ onboardingDone: true });
  const app = new AppController({ settings, historyDir: join(root, 'history'), transport: connectWebSocket, createAudioEngine: undefined });
  const { page, bridge } = await openAppPage(t, chromium.browser(), app, { cleanup: () => app.shutdown() });
  await page.goto(bridge.url);
  await page.getByTestId('nav-settings').click();
  await page.getByTestId('settings-page').waitFor();
  await page.getByTestId('settings-tab-usage').click();

  const session = page.getByTestId('setting-budgetPerSessionUsd');
  assert.equal(await session.inputValue(), '0', 'no cap by default');
  await page.getByTestId('pricing-edit-defaults').click();
  assert.match(await page.getByTestId('setting-pricingTable').inputValue(), /"gpt-realtime": \{"textInput":4,/);

  await session.fill('2.5');
  await page.getByTestId('setting-pricingTable').fill('{"gpt-realtime": {"textInput": 4, "cachedTextInput": "free", "textOutput": 16}}');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  assert.equal(await errorText(page, 'setting-pricingTable'), 'Pricing table: gpt-realtime: cachedTextInput must be a number of USD per 1M tokens, 0 or more');
  assert.equal(settings.get().budgetPerSessionUsd, 0, 'nothing saved');

  await page.getByTestId('setting-pricingTable').fill('{"gpt-realtime": {"textInput": 4, "cachedTextInput": 0.4, "textOutput": 16, "audioInput": 32, "cachedAudioInput": 0.4, "audioOutput": 64}}');
  await page.getByTestId('setting-budgetPerDayUsd').fill('10');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-saved').waitFor();
  const saved = settings.get();
  assert.deepEqual([saved.budgetPerSessionUsd, saved.budgetPerDayUsd], [2.5, 10]);
  assert.equal(JSON.parse(saved.pricingTable)['gpt-realtime'].audioOutput, 64);
});

test('a priced reply shows "this session · today" in the status area, and 80 % of the cap is a banner that opens Settings › Usage', { skip: skipReason }, async (t) => {
  const server = await startGaRealtimeServer();
  t.after(() => server.close());
  const root = mkdtempSync(join(tmpdir(), 'parley-e2e-cost-'));
  const settings = createSettingsStore({ cwd: join(root, 'data'), cipher: testCipher(), env: { OPENAI_API_KEY: 'sk-test-cost-0123456789' }, check: createSettingsCheck(nodeSettingsCheckDeps({ PATH: '' }, 'linux')) });
  settings.update({ onboardingDone: true, realtimeUrl: server.url, agentBackend: 'none', budgetPerSessionUsd: 0.8 });
  const app = new AppController({ settings, historyDir: join(root, 'history'), daySpendFile: join(root, 'data', 'day-spend.json'), transport: connectWebSocket, createAudioEngine: undefined });
  const { page, bridge } = await openAppPage(t, chromium.browser(), app, { cleanup: () => app.shutdown() });
  await page.goto(bridge.url);
  await app.commands['session.start'](undefined);
  // 10,000 spoken output tokens at gpt-realtime's $64 per 1M: $0.64, 80 % of the $0.80 cap.
  const reply = server.respond({
    say: 'Priced.',
    usage: { input_token_details: { text_tokens: 0, audio_tokens: 0, cached_tokens_details: { text_tokens: 0, audio_tokens: 0 } }, output_token_details: { text_tokens: 0, audio_tokens: 10_000 } },
  });
  app.commands['session.sendText']({ text: 'what does this cost?' });
  await reply.done;
  const cost = page.getByTestId('cost');
  await cost.waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="cost"]')?.textContent?.includes('$0.64 this session · $0.64 today'));
  assert.match((await cost.textContent()) ?? '', /\$0\.64 this session · \$0\.64 today \(last reply \$0\.64\)/);
  await page.getByText('Budget nearly spent').waitFor();
  assert.ok(await page.getByText('This session has used $0.64 of its $0.80 budget (80 %).').isVisible());
  await page.getByRole('button', { name: 'Open usage settings' }).click();
  await page.getByTestId('setting-budgetPerSessionUsd').waitFor();
});

test("a reply's latency shows as a bar on its bubble that opens into the waterfall, and the session's median in the status area", { skip: skipReason }, async (t) => {
  const server = await startGaRealtimeServer();
  t.after(() => server.close());
  const root = mkdtempSync(join(tmpdir(), 'parley-e2e-latency-'));
  const settings = createSettingsStore({ cwd: join(root, 'data'), cipher: testCipher(), env: { OPENAI_API_KEY: 'sk-test-latency-0123456789' }, check: createSettingsCheck(nodeSettingsCheckDeps({ PATH: '' }, 'linux')) });
  settings.update({ onboardingDone: true, realtimeUrl: server.url, agentBackend: 'none' });
  const app = new AppController({ settings, historyDir: join(root, 'history'), daySpendFile: join(root, 'data', 'day-spend.json'), transport: connectWebSocket, createAudioEngine: undefined });
  const { page, bridge } = await openAppPage(t, chromium.browser(), app, { cleanup: () => app.shutdown() });
  await page.goto(bridge.url);
  await app.commands['session.start'](undefined);
  const reply = server.respond({ say: 'Measured.', audioMs: 200 });
  app.commands['session.sendText']({ text: 'how fast was that?' });
  await reply.done;

  const bar = page.getByTestId('latency-bar');
  await bar.waitFor();
  assert.equal(await bar.getAttribute('aria-expanded'), 'false');
  assert.match((await page.getByTestId('latency-total').textContent()) ?? '', /^\d+ ms$/);
  // Without a speaker the turn ends at the first audio: the server's two steps.
  assert.equal(await page.getByTestId('latency-segment').count(), 2);
  await bar.click();
  await page.getByTestId('latency-waterfall').waitFor();
  assert.equal(await bar.getAttribute('aria-expanded'), 'true');
  const steps = page.getByTestId('latency-step');
  assert.deepEqual(await steps.evaluateAll((rows) => rows.map((row) => `${row.getAttribute('data-step')}:${row.getAttribute('data-owner')}`)), ['response_started:server', 'first_audio:server']);
  assert.match((await page.getByTestId('latency-step-owner').first().textContent()) ?? '', /server/i, "the server's step is labelled as the server's");
  await page.waitForFunction(() => /median/i.test(document.querySelector('[data-testid="latency-summary"]')?.textContent ?? ''));
});
