// The renderer in real Chromium against the real app core (AppController with the ws transport,
// the Responses backend over HTTP, the settings file and history on disk), through the token-gated
// loopback web bridge. Only the far side of each wire is a mock: the realtime server and the agent
// API on loopback. Screenshots go to test-artifacts/e2e/ (the README uses them).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startWebBridge, type WebBridge } from '../../src-main/web-bridge/web-bridge-server';
import { startAppHarness, type AppHarness, type AppHarnessOptions } from '../support/app-harness';
import { chromiumUnavailableReason, launchChromium } from '../support/chromium';
import { startMockRealtimeServer, type ConnectionScript } from '../support/mock-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, type ScriptedReply } from '../support/mock-responses-server';

const RENDERER_DIR = resolve('out/renderer');
const ARTIFACTS = resolve('test-artifacts/e2e');
const KEY = 'sk-test-e2e-0123456789abcdef';
const skipReason = chromiumUnavailableReason();

const sessionCreated = (id: string) => ({ type: 'session.created', session: { id, type: 'realtime' } });
const userTranscript = (text: string) => ({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_user', transcript: text });
const assistantDelta = (itemId: string, delta: string) => ({ type: 'response.output_audio_transcript.delta', item_id: itemId, delta });
const functionCall = (callId: string, prompt: string) => ({
  type: 'conversation.item.done',
  item: { id: `item_${callId}`, type: 'function_call', name: 'background_agent', call_id: callId, arguments: JSON.stringify({ prompt }) },
});

let browser: Browser | undefined;

before(async () => {
  if (skipReason) return;
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    const build = spawnSync(process.execPath, [resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: 'inherit' });
    assert.equal(build.status, 0, 'electron-vite build failed');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
});
after(() => browser?.close());

interface Stage {
  harness: AppHarness;
  bridge: WebBridge;
  page: Page;
}

async function stage(t: TestContext, options: AppHarnessOptions & { realtime?: ConnectionScript[]; agent?: ScriptedReply[] } = {}): Promise<Stage & { realtimeUrl: string }> {
  const realtime = await startMockRealtimeServer(options.realtime ?? []);
  const agent = await startMockResponsesServer(options.agent ?? []);
  const harness = startAppHarness(t, {
    ...options,
    settings: { realtimeUrl: realtime.url, agentUrl: agent.baseUrl, ...options.settings },
  });
  const bridge = await startWebBridge({ app: harness.app, rendererDir: RENDERER_DIR });
  const context = await browser!.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  t.after(async () => {
    await context.close();
    await bridge.close();
    await realtime.close();
    await agent.close();
    assert.deepEqual(pageErrors, [], 'the page threw no uncaught errors');
  });
  return { harness, bridge, page, realtimeUrl: realtime.url };
}

const byTestId = (page: Page, id: string) => page.getByTestId(id);
// `animations: 'disabled'` finishes CSS transitions first (a theme switch fades colours in).
const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });

test('a page without the token is refused', { skip: skipReason }, async (t) => {
  const { page, bridge } = await stage(t);
  const response = await page.goto(`${bridge.origin}/`);
  assert.equal(response?.status(), 403);
  assert.match((await page.textContent('body')) ?? '', /needs its token/);
  assert.equal(await page.evaluate(() => typeof (window as { parley?: unknown }).parley), 'undefined');
});

test('first run: onboarding takes the API key (never shown back) and finishes into the conversation', { skip: skipReason }, async (t) => {
  const { page, bridge, harness } = await stage(t);
  await page.goto(bridge.url);
  await byTestId(page, 'onboarding').waitFor();
  await shot(page, 'onboarding');
  await byTestId(page, 'onboarding-api-key').fill(KEY);
  await byTestId(page, 'onboarding-save-key').click();
  await t.test('the key is stored encrypted and the page never sees it', async () => {
    await waitUntil(() => harness.app.snapshot().apiKeySet, 'the key to be stored');
    const file = readFileSync(join(harness.userDataDir, 'settings.json'), 'utf8');
    assert.equal(file.includes(KEY), false, 'not in plain text on disk');
    assert.equal((await page.content()).includes(KEY), false);
  });
  await byTestId(page, 'onboarding-skip').click();
  await byTestId(page, 'session-toggle').waitFor();
  await waitUntil(() => harness.app.settings().onboardingDone, 'onboarding to be saved as done');
});

test('a live session: transcript bubbles stream, a handoff card shows the exact agent text and its streamed answer', { skip: skipReason }, async (t) => {
  const answer = 'Two flights leave at 9 and 11.';
  const { page, bridge, harness } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true },
    agent: [{ kind: 'sse', events: assistantMessageEvents('r1', 'm1', answer, { deltas: ['Two flights ', 'leave at 9 ', 'and 11.'] }), delayMsBetweenEvents: 120 }],
    realtime: [
      {
        eventDelayMs: 60,
        batches: [
          [
            sessionCreated('sess_e2e'),
            userTranscript('find me flights to lisbon tomorrow'),
            assistantDelta('item_a', 'Let me '),
            assistantDelta('item_a', 'look that '),
            assistantDelta('item_a', 'up for you.'),
            functionCall('call_1', 'Find flights to Lisbon tomorrow'),
          ],
          [],
          [assistantDelta('item_b', 'There are two flights, '), assistantDelta('item_b', 'at 9 and at 11.')],
        ],
      },
    ],
  });
  await page.addInitScript(() => {
    // Record every text an assistant bubble shows, to prove it grew in place.
    const seen: string[] = ((window as unknown as { __assistantTexts: string[] }).__assistantTexts = []);
    new MutationObserver(() => {
      for (const bubble of document.querySelectorAll('[data-testid="bubble"][data-role="assistant"]')) {
        const text = bubble.querySelector('[data-testid="bubble-text"]')?.textContent ?? bubble.textContent ?? '';
        if (seen.at(-1) !== text) seen.push(text);
      }
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();

  const userBubble = page.locator('[data-testid="bubble"][data-role="user"]').first();
  await userBubble.waitFor();
  assert.match((await userBubble.textContent()) ?? '', /find me flights to lisbon tomorrow/);
  const firstAssistant = page.locator('[data-testid="bubble"][data-role="assistant"]').first();
  await page.waitForFunction(() => document.body.innerText.includes('Let me look that up for you.'));
  const texts = await page.evaluate(() => (window as unknown as { __assistantTexts: string[] }).__assistantTexts);
  assert.ok(texts.some((text) => text.includes('Let me') && !text.includes('up for you.')), `the bubble streamed: ${JSON.stringify(texts)}`);
  assert.equal(await page.locator('[data-testid="bubble"][data-role="assistant"]').count() >= 1, true);
  assert.ok(await firstAssistant.getAttribute('data-entry-id'));

  const requested = await harness.waitFor('session', (event) => event.type === 'handoff.requested');
  const agentText = requested.type === 'handoff.requested' ? requested.agentText : '';
  assert.match(agentText, /^Find flights to Lisbon tomorrow/);
  const card = page.locator('[data-testid="handoff-card"][data-handoff-id="call_1"]');
  await card.waitFor();
  assert.equal(await card.getByTestId('handoff-agent-text').textContent(), agentText, 'the card shows exactly what went to the agent');
  await page.locator('[data-testid="handoff-card"][data-status="answered"]').waitFor({ timeout: 10_000 });
  assert.equal((await card.getByTestId('handoff-answer').textContent())?.trim(), answer);
  await page.waitForFunction(() => document.body.innerText.includes('at 9 and at 11.'));
  // The agent's turn ends just after its answer; then the live hands-free session is listening.
  await page.waitForFunction(() => /listening/i.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''));
  await shot(page, 'conversation');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.notEqual(background, 'rgb(255, 255, 255)', 'the dark theme follows the system setting');
  await shot(page, 'conversation-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  await byTestId(page, 'session-toggle').click();
  await waitUntil(() => harness.app.snapshot().session === 'closed', 'the session to stop');
  await t.test('the session is in the history list and exports to Markdown', async () => {
    await byTestId(page, 'nav-history').click();
    const item = byTestId(page, 'history-item').first();
    await item.waitFor();
    await item.click();
    const exportButton = byTestId(page, 'history-export');
    if (await exportButton.count()) await exportButton.first().click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="history-preview"]')?.textContent ?? '').includes('Find flights to Lisbon tomorrow'));
    assert.match((await byTestId(page, 'history-preview').textContent()) ?? '', /Two flights leave at 9 and 11\./);
    await shot(page, 'history');
  });
});

test('changing a setting in the UI saves it to the settings file', { skip: skipReason }, async (t) => {
  const { page, bridge, harness } = await stage(t, { settings: { onboardingDone: true } });
  await page.goto(bridge.url);
  await byTestId(page, 'nav-settings').click();
  await byTestId(page, 'settings-page').waitFor();
  await byTestId(page, 'setting-voice').fill('cedar');
  await byTestId(page, 'settings-save').click();
  await byTestId(page, 'settings-saved').waitFor();
  assert.equal(harness.app.settings().voice, 'cedar');
  assert.equal(JSON.parse(readFileSync(join(harness.userDataDir, 'settings.json'), 'utf8')).voice, 'cedar');
  await shot(page, 'settings');

  await t.test('a bad value is refused with a message naming the setting', async () => {
    await byTestId(page, 'settings-tab-agent').click();
    await byTestId(page, 'setting-agentUrl').fill('ftp://example.com');
    await byTestId(page, 'settings-save').click();
    await byTestId(page, 'settings-error').waitFor();
    assert.match((await byTestId(page, 'settings-error').textContent()) ?? '', /agentUrl/);
    assert.notEqual(harness.app.settings().agentUrl, 'ftp://example.com');
  });
});

test('a server that rejects the key shows an error banner that offers the fix', { skip: skipReason }, async (t) => {
  const { page, bridge } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true, agentBackend: 'none' },
    realtime: [{ batches: [], rejectUpgrade: { status: 401, body: '{"error":"invalid_api_key"}' } }],
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  const banner = byTestId(page, 'error-banner').first();
  await banner.waitFor();
  assert.match((await banner.getByTestId('error-banner-message').textContent()) ?? '', /rejected the API key/);
  assert.equal(await banner.getAttribute('role'), 'alert');
  await shot(page, 'error-banner');
  await banner.getByTestId('error-banner-fix').click();
  await byTestId(page, 'api-key-status').waitFor();
});

async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('thousands of transcript entries: only the visible bubbles are in the page, and the newest is shown', { skip: skipReason }, async (t) => {
  const entries = 3_000;
  const events = Array.from({ length: entries }, (_, index) =>
    index % 2 === 0
      ? { type: 'conversation.item.input_audio_transcription.delta', item_id: `item_u${index}`, delta: `question number ${index}` }
      : assistantDelta(`item_a${index}`, `answer number ${index}`),
  );
  const { page, bridge, harness } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true, agentBackend: 'none' },
    realtime: [{ batches: [[sessionCreated('sess_many'), ...events]] }],
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  // Wait for the stream to finish, then take what the core says the newest entry is.
  let count = -1;
  while (count !== harness.payloadsOf('session').length) {
    count = harness.payloadsOf('session').length;
    await new Promise((done) => setTimeout(done, 500));
  }
  const entryEvents = harness.payloadsOf('session').filter((event) => event.type === 'transcript.entry');
  const distinct = new Set(entryEvents.map((event) => (event.type === 'transcript.entry' ? event.entryId : -1))).size;
  assert.ok(distinct >= 1_000, `${distinct} distinct transcript entries`);
  const newest = entryEvents.at(-1);
  const newestText = newest?.type === 'transcript.entry' ? newest.entry.text : '';
  await page.waitForFunction((last) => document.body.innerText.includes(last), newestText, { timeout: 15_000 });
  const rendered = await page.locator('[data-testid="bubble"]').count();
  assert.ok(rendered > 0 && rendered < 100, `${rendered} bubbles in the DOM for ${entries} entries`);
  // Keyboard: focus the transcript and press Home (row heights are measured as rows appear, so
  // the top may need a second look).
  await page.locator('.virtual-scroller').focus();
  await page.keyboard.press('Home');
  const oldest = entryEvents[0]?.type === 'transcript.entry' ? entryEvents[0].entry.text : '';
  await page.waitForFunction(
    (first) => {
      const scroller = document.querySelector('.virtual-scroller');
      if (scroller && scroller.scrollTop > 0) scroller.scrollTop = 0;
      return document.body.innerText.includes(first);
    },
    oldest,
    { timeout: 5_000, polling: 100 },
  );
  assert.ok((await page.locator('[data-testid="bubble"]').count()) < 100, 'still windowed after scrolling to the top');
});
