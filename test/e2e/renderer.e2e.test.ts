// The renderer in real Chromium against the real app core (AppController with the ws transport,
// the Responses backend over HTTP, the settings file and history on disk), through the token-gated
// loopback web bridge. Only the far side of each wire is a mock: the realtime server and the agent
// API on loopback. Screenshots go to test-artifacts/e2e/ (the README uses them).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import type { WebBridge } from '../../src-main/web-bridge/web-bridge-server';
import { startAppHarness, type AppHarness, type AppHarnessOptions } from '../support/app-harness';
import { browserSkipReason as skipReason, openAppPage, useBrowser } from '../support/browser-stage';
import { startMockRealtimeServer, type ConnectionScript } from '../support/mock-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, type ScriptedReply } from '../support/mock-responses-server';
import { assistantDelta, functionCall, sessionStarted, spokenPreamble, userTranscript } from '../support/v2-server-events';

const ARTIFACTS = resolve('test-artifacts/e2e');
const KEY = 'sk-test-e2e-0123456789abcdef';


const chromium = useBrowser();
before(() => {
  if (!skipReason) mkdirSync(ARTIFACTS, { recursive: true });
});

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
  const { page, bridge } = await openAppPage(t, chromium.browser(), harness.app, {
    cleanup: async () => {
      await realtime.close();
      await agent.close();
    },
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
    // The typed key leaves the page once the save is answered, which can arrive just after main stored it.
    const deadline = Date.now() + 5_000;
    while ((await page.content()).includes(KEY) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
    assert.equal((await page.content()).includes(KEY), false, 'the typed key left the page after the save');
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
            ...sessionStarted('sess_e2e'),
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

  const withCard = await harness.waitForState((state) => state.conversation.items.some((item) => item.kind === 'handoff'));
  const requested = withCard.conversation.items.find((item) => item.kind === 'handoff');
  const agentText = requested?.kind === 'handoff' ? requested.agentText : '';
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
    assert.match((await byTestId(page, 'settings-error').textContent()) ?? '', /^Agent URL: must be a URL/);
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
    realtime: [{ batches: [[...sessionStarted('sess_many'), ...events]] }],
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  // Wait for the stream to finish, then take what the core says the newest entry is.
  let revision = -1;
  while (revision !== harness.app.snapshot().revision) {
    revision = harness.app.snapshot().revision;
    await new Promise((done) => setTimeout(done, 500));
  }
  const entryItems = harness.app.snapshot().conversation.items.filter((item) => item.kind === 'entry');
  assert.ok(entryItems.length >= 1_000, `${entryItems.length} distinct transcript entries`);
  const newest = entryItems.at(-1);
  const newestText = newest?.kind === 'entry' ? newest.text : '';
  await page.waitForFunction((last) => document.body.innerText.includes(last), newestText, { timeout: 15_000 });
  const rendered = await page.locator('[data-testid="bubble"]').count();
  assert.ok(rendered > 0 && rendered < 100, `${rendered} bubbles in the DOM for ${entries} entries`);
  // Keyboard: focus the transcript and press Home (row heights are measured as rows appear, so
  // the top may need a second look).
  await page.locator('.virtual-scroller').focus();
  await page.keyboard.press('Home');
  const oldest = entryItems[0]?.kind === 'entry' ? entryItems[0].text : '';
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

test('an agent answer in Markdown shows a list, code and a link that opens in a new tab; the history preview is a document, not its source', { skip: skipReason }, async (t) => {
  const answer = [
    'Two options:',
    '',
    '1. **Morning** flight',
    '2. Evening flight, see [the timetable](https://timetable.example/flights)',
    '',
    '```',
    'TP 1351 09:00',
    '```',
    '',
    '[not a link](javascript:alert(1))',
  ].join('\n');
  const { page, bridge, harness } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true },
    agent: [{ kind: 'sse', events: assistantMessageEvents('r1', 'm1', answer, { deltas: [answer.slice(0, 30), answer.slice(30, 90), answer.slice(90)] }), delayMsBetweenEvents: 60 }],
    realtime: [{ eventDelayMs: 20, batches: [[...sessionStarted('sess_markdown'), userTranscript('which flights are there'), functionCall('call_md', 'List the flights')], []] }],
  });
  // The link's site, answered locally: the test never leaves the machine.
  await page.context().route('https://timetable.example/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>timetable</title>' }));
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  const card = page.locator('[data-testid="handoff-card"][data-handoff-id="call_md"]');
  await page.locator('[data-testid="handoff-card"][data-handoff-id="call_md"][data-status="answered"]').waitFor({ timeout: 10_000 });
  const shown = card.getByTestId('handoff-answer');
  assert.equal(await shown.locator('ol > li').count(), 2);
  assert.equal(await shown.locator('li strong').textContent(), 'Morning');
  assert.equal(await shown.locator('pre code').textContent(), 'TP 1351 09:00');
  const link = shown.locator('a');
  assert.equal(await link.count(), 1, 'only the https link is a link');
  assert.equal(await link.getAttribute('href'), 'https://timetable.example/flights');
  assert.equal(await link.getAttribute('target'), '_blank');
  assert.equal(await link.getAttribute('rel'), 'noreferrer noopener');
  const text = (await shown.textContent()) ?? '';
  assert.match(text, /\[not a link\]\(javascript:alert\(1\)\)/, 'the javascript: link is shown as text');
  assert.equal(text.includes('**'), false, 'no Markdown source is shown');
  await shot(page, 'conversation-markdown');

  const appUrl = page.url();
  const [tab] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
  await tab.waitForLoadState();
  assert.equal(tab.url(), 'https://timetable.example/flights', 'the link opened in a new tab');
  assert.equal(page.url(), appUrl, 'the app stayed where it was');
  await tab.close();

  await byTestId(page, 'session-toggle').click();
  await waitUntil(() => harness.app.snapshot().session === 'closed', 'the session to stop');
  await byTestId(page, 'nav-history').click();
  await byTestId(page, 'history-item').first().click();
  const preview = byTestId(page, 'history-preview');
  await preview.locator('h2').waitFor();
  assert.equal(await preview.locator('h2').textContent(), 'which flights are there');
  assert.ok((await preview.locator('strong', { hasText: 'You:' }).count()) >= 1);
  assert.equal(await preview.locator('ol > li').count(), 2, "the agent's list is a list in the history too");
  assert.equal(((await preview.textContent()) ?? '').includes('**'), false, 'no Markdown source is shown');
  await shot(page, 'history-markdown');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
  await shot(page, 'history-markdown-dark');
});

test('a reload mid-session shows the same conversation, and a new window does too', { skip: skipReason }, async (t) => {
  const answer = 'Two flights leave at 9 and 11.';
  const { page, bridge, harness } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true },
    realtime: [
      {
        batches: [
          [...sessionStarted('sess_reload'), userTranscript('find me flights to lisbon'), assistantDelta('item_a', 'Let me look that up.'), functionCall('call_r', 'Find flights to Lisbon')],
        ],
      },
    ],
    agent: [{ kind: 'sse', events: assistantMessageEvents('r1', 'm1', answer) }],
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  await page.locator('[data-testid="handoff-card"][data-status="answered"]').waitFor({ timeout: 10_000 });
  const conversationText = async (target: Page) => (await target.locator('.virtual-scroller').first().innerText()).trim();
  const before = await conversationText(page);
  assert.match(before, /find me flights to lisbon/);
  assert.match(before, /Let me look that up\./);
  assert.equal(harness.app.snapshot().session, 'live', 'still mid-session');

  await page.reload();
  await page.locator('[data-testid="handoff-card"][data-status="answered"]').waitFor({ timeout: 5_000 });
  assert.equal(await conversationText(page), before, 'the reloaded window shows the conversation as it is');
  assert.equal(await page.locator('[data-testid="bubble"]').count(), 2);

  const second = await page.context().newPage();
  await second.goto(bridge.url);
  await second.locator('[data-testid="handoff-card"][data-status="answered"]').waitFor({ timeout: 5_000 });
  assert.equal(await conversationText(second), before, 'a second window shows it too');
  await shot(page, 'conversation-after-reload');
});

test('a server error mid-session stays visible with its reason until dismissed', { skip: skipReason }, async (t) => {
  const rateLimit = { type: 'error', error: { type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit reached for gpt-realtime. Try again in 20s.' } };
  const { page, bridge, harness } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true, agentBackend: 'none' },
    realtime: [{ batches: [[...sessionStarted('sess_err')], [rateLimit, assistantDelta('item_b', 'Still with you.')]] }],
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  await page.waitForFunction(() => /listening|connected/i.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''));
  await byTestId(page, 'composer-input').fill('hello');
  await byTestId(page, 'composer-input').press('Enter');
  const banner = byTestId(page, 'error-banner').first();
  await banner.waitFor();
  await page.waitForFunction(() => document.body.innerText.includes('Still with you.'));
  await new Promise((done) => setTimeout(done, 1_000));
  assert.equal(await banner.isVisible(), true, 'still shown a second later, with the conversation going on');
  const title = (await banner.locator('.banner-title').textContent()) ?? '';
  const message = (await banner.getByTestId('error-banner-message').textContent()) ?? '';
  assert.equal(title, 'The voice service reported an error');
  assert.equal(message, 'Rate limit reached for gpt-realtime. Try again in 20s.');
  assert.equal(message.includes('{'), false, 'no raw server JSON');
  assert.equal(harness.app.snapshot().session, 'live');
  await shot(page, 'error-mid-session');
  await page.reload();
  await banner.waitFor();
  assert.equal((await banner.getByTestId('error-banner-message').textContent()) ?? '', message, 'the problem survives a reload');
  await banner.getByTestId('error-banner-dismiss').click();
  await waitUntil(() => harness.app.snapshot().problems.length === 0, `main to drop the dismissed problem: ${JSON.stringify(harness.app.snapshot().problems)}`);
  // The page draws main's state a moment after main changed it: wait for that, do not race it.
  await byTestId(page, 'error-banner').first().waitFor({ state: 'detached', timeout: 5_000 });
  assert.equal(await byTestId(page, 'error-banner').count(), 0);
});

test('a typed message, then the reply: the reply gets its own bubble below the message, and the earlier reply keeps its words', { skip: skipReason }, async (t) => {
  const assistantItem = (id: string, previous: string | null) => ({
    type: 'conversation.item.added',
    previous_item_id: previous,
    item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
  });
  const { page, bridge } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true, agentBackend: 'none' },
    realtime: [
      {
        batches: [
          [
            ...sessionStarted('sess_typed_e2e'),
            assistantItem('item_a0', null),
            assistantDelta('item_a0', 'Hello, how can I help?'),
            { type: 'response.output_audio_transcript.done', item_id: 'item_a0', transcript: 'Hello, how can I help?' },
          ],
          // after the typed message (frame 1): the server's copy of it
          [{ type: 'conversation.item.added', previous_item_id: 'item_a0', item: { id: 'item_t1', type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: 'what time is it?' }] } }],
          // after its response.create (frame 2)
          [
            { type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } },
            assistantItem('item_a1', 'item_t1'),
            assistantDelta('item_a1', 'It is '),
            assistantDelta('item_a1', 'noon.'),
            { type: 'response.output_audio_transcript.done', item_id: 'item_a1', transcript: 'It is noon.' },
            { type: 'response.done', response: { id: 'resp_1', status: 'completed', output: [] } },
          ],
        ],
      },
    ],
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  await page.waitForFunction(() => document.body.innerText.includes('Hello, how can I help?'));
  await byTestId(page, 'composer-input').fill('what time is it?');
  await byTestId(page, 'composer-input').press('Enter');
  await page.waitForFunction(() => document.body.innerText.includes('It is noon.'));
  const bubbles = await page.locator('[data-testid="bubble"]').evaluateAll((nodes) =>
    nodes.map((node) => `${node.getAttribute('data-typed') ? 'typed' : node.getAttribute('data-role')}: ${node.querySelector('[data-testid="bubble-text"]')?.textContent ?? ''}`),
  );
  assert.deepEqual(bubbles, ['assistant: Hello, how can I help?', 'typed: what time is it?', 'assistant: It is noon.']);
});

test('a handoff that steers the running agent shows one card with both requests and one answer', { skip: skipReason }, async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  t.after(() => release());
  const { page, bridge, harness } = await stage(t, {
    env: { OPENAI_API_KEY: KEY },
    settings: { onboardingDone: true },
    agent: [
      { kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'Flights found.'), gate },
      { kind: 'sse', events: assistantMessageEvents('r2', 'm2', 'Flights and a hotel found.') },
    ],
    realtime: [
      {
        batches: [
          // The model speaks as it hands off ("Let me look"), so no acknowledgement frame is sent.
          [...sessionStarted('sess_steer_e2e'), userTranscript('find me flights to lisbon'), spokenPreamble('item_pre'), functionCall('call_first', 'Find flights to Lisbon')],
          // the typed message (frame 1) makes the model call the tool again while the agent works
          [spokenPreamble('item_pre2'), functionCall('call_steer', 'Also find a hotel in Lisbon')],
        ],
      },
    ],
  });
  await page.goto(bridge.url);
  await byTestId(page, 'session-toggle').click();
  await page.locator('[data-testid="handoff-card"][data-status="working"]').waitFor({ timeout: 10_000 });
  await byTestId(page, 'composer-input').fill('and a hotel too');
  await byTestId(page, 'composer-input').press('Enter');
  await page.locator('[data-testid="handoff-card"][data-status="steered"]').waitFor({ timeout: 10_000 });
  release();
  await page.locator('[data-testid="handoff-card"][data-status="answered"]').waitFor({ timeout: 10_000 });
  await waitUntil(() => !harness.app.snapshot().agentWorking, 'the agent turn to end');
  assert.equal(await page.locator('[data-testid="handoff-card"]').count(), 1, 'one card for the one agent turn');
  const card = page.locator('[data-testid="handoff-card"][data-handoff-id="call_first"]');
  assert.match((await card.getByTestId('handoff-agent-text').textContent()) ?? '', /^Find flights to Lisbon/);
  assert.match((await card.getByTestId('handoff-steer-text').textContent()) ?? '', /^Also find a hotel in Lisbon/);
  assert.match((await card.getByTestId('handoff-answer').textContent()) ?? '', /Flights and a hotel found\./);
  await shot(page, 'steered-handoff');
});
