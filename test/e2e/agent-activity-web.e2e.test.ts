// A coding agent's steps and permission requests on the handoff card, in real Chromium on the
// built renderer through the web bridge. The app side is the in-memory port: the test folds
// session events through the real conversation reducer and sends the state patches main would,
// and records the commands the page sends back.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import type { AppPort } from '../../src-main/app/app-port';
import { conversationReducer } from '../../src-shared/conversation-reducer';
import { COMMAND_NAMES, type CommandHandlers, type ForwardedSessionEvent } from '../../src-shared/ipc-contract';
import { diffState } from '../../src-shared/state-patch';
import { browserSkipReason as skipReason, openAppPage, useBrowser } from '../support/browser-stage';
import { FakeAppPort, makeSnapshot } from '../shell/fake-app-port';

const chromium = useBrowser();
const ARTIFACTS = resolve('test-artifacts/e2e');
const TIMEOUT_MS = 60_000;

/** What main does with session events: fold them into the conversation and send the patch. */
function deliver(port: FakeAppPort, events: readonly ForwardedSessionEvent[], agentWorking = true): void {
  const before = port.currentSnapshot;
  let conversation = before.conversation;
  for (const event of events) conversation = conversationReducer(conversation, { type: 'session-event', event, at: Date.now() });
  const after = { ...before, conversation, agentWorking, session: 'live' as const, revision: before.revision + 1 };
  port.currentSnapshot = after;
  port.emit({ event: 'state', payload: diffState(before, after) });
}

/**
 * The port as the web bridge needs it: its command handlers as own properties (the bridge copies
 * them with a spread, which sees none of the fake's Proxy), each still recorded by the fake.
 */
function served(port: FakeAppPort): AppPort {
  const recorded = port.commands as unknown as Record<string, (args: unknown) => unknown>;
  const commands = Object.fromEntries(COMMAND_NAMES.map((name) => [name, (args: unknown) => recorded[name]!(args)])) as unknown as CommandHandlers;
  return {
    commands,
    snapshot: () => port.snapshot(),
    settings: () => port.settings(),
    onEvent: (listener) => port.onEvent(listener),
    onSettingsChange: (listener) => port.onSettingsChange(listener),
    reportHotkeys: (status) => port.reportHotkeys(status),
    shutdown: () => port.shutdown(),
  };
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

test('the card shows the steps and a waiting request; Allow sends the answer, and the decision shows in words', { skip: skipReason, timeout: 30_000 }, async (t) => {
  const port = new FakeAppPort(makeSnapshot());
  port.handle('app.ready', () => port.snapshot());
  const answers: Array<{ approvalId: string; decision: string }> = [];
  port.handle('agent.answerApproval', (args: { approvalId: string; decision: string }) => {
    answers.push(args);
    return args.approvalId === 'a1'; // a2: the agent stopped waiting before the click arrived
  });
  const { page, bridge } = await openAppPage(t, chromium.browser(), served(port));
  await page.goto(bridge.url);
  await page.getByTestId('status').waitFor();

  deliver(port, [
    { type: 'handoff.requested', handoffId: 'h1', inputTranscript: 'clean the build and run the tests', agentText: 'Clean the build and run the tests', transcript: [] },
    { type: 'handoff.started', handoffId: 'h1', agentText: 'Clean the build and run the tests' },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's1', kind: 'plan', title: 'Plan: 0 of 2 done', status: 'started' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's2', kind: 'command', title: 'Running npm test', status: 'started' } },
    { type: 'agent.progress', handoffId: 'h1', step: { id: 's2', kind: 'command', title: 'Ran npm test', status: 'failed', detail: '1 failing\n  build/ is stale' } },
    {
      type: 'agent.approval.requested',
      handoffId: 'h1',
      approval: { id: 'a1', kind: 'command', subject: 'rm -rf build && npm run build', reason: 'the build folder is stale', readOnly: false },
      timeoutMs: TIMEOUT_MS,
    },
  ]);
  const card = page.locator('[data-testid="handoff-card"][data-handoff-id="h1"]');
  const prompt = card.locator('[data-testid="approval"][data-approval-id="a1"]');
  await prompt.waitFor();

  await t.test('the steps are in order, updated in place, with the detail behind a disclosure', async () => {
    const steps = await card.getByTestId('agent-step').evaluateAll((items) => items.map((item) => `${item.getAttribute('data-step-id')}:${item.getAttribute('data-status')}`));
    assert.deepEqual(steps, ['s1:started', 's2:failed']);
    const detail = card.getByTestId('agent-step-detail');
    assert.equal(await detail.isVisible(), false);
    await card.locator('[data-step-id="s2"] summary').click();
    assert.equal(await detail.isVisible(), true);
    assert.equal(await detail.textContent(), '1 failing\n  build/ is stale');
    assert.match(await detail.evaluate((element) => getComputedStyle(element).fontFamily), /mono/i);
  });

  await t.test('the waiting request is announced, shows the exact subject and counts down', async () => {
    assert.equal(await prompt.getAttribute('data-state'), 'pending');
    assert.equal(await prompt.getByRole('alert').textContent(), 'The agent asks to run a command');
    assert.equal(await prompt.getByTestId('approval-subject').textContent(), 'rm -rf build && npm run build');
    assert.equal(await text(page, '[data-testid="approval-reason"]'), 'Why: the build folder is stale');
    assert.equal(await card.getByTestId('handoff-asking').textContent(), 'needs your answer');
    const first = await prompt.getByTestId('approval-countdown').textContent();
    assert.match(first ?? '', /^Denied automatically in (59|60) s$/);
    await page.waitForFunction(
      (before) => {
        const now = document.querySelector('[data-testid="approval-countdown"]')?.textContent ?? '';
        return /in \d+ s$/.test(now) && now !== before;
      },
      first,
      { timeout: 3_000 },
    );
    assert.match((await prompt.getByTestId('approval-countdown').textContent()) ?? '', /^Denied automatically in 5\d s$/);
  });

  await t.test('Allow is reachable from the keyboard and sends the request id with the decision', async () => {
    await card.getByTestId('handoff-cancel').focus();
    let presses = 0;
    while (presses < 6 && !(await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'approval-allow'))) {
      await page.keyboard.press('Tab');
      presses += 1;
    }
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'approval-allow', 'Tab reaches Allow');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'agent-approval-pending.png'), animations: 'disabled' });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('[data-testid="approval-countdown"]')?.textContent === 'Answer sent…');
    assert.deepEqual(answers, [{ approvalId: 'a1', decision: 'allow' }]);
    assert.deepEqual(port.callsOf('agent.answerApproval'), [{ approvalId: 'a1', decision: 'allow' }]);
    assert.equal(await prompt.getByTestId('approval-allow').getAttribute('aria-disabled'), 'true', 'one answer per request');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'approval-allow', 'the focus stays on Allow');
    await page.keyboard.press('Enter');
    assert.equal(port.callsOf('agent.answerApproval').length, 1, 'a second press sends nothing');
  });

  await t.test('the resolved event replaces the buttons with the decision and who made it', async () => {
    deliver(port, [
      { type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a1', decision: 'allow', decidedBy: 'click' },
      { type: 'agent.progress', handoffId: 'h1', step: { id: 's3', kind: 'command', title: 'Ran rm -rf build && npm run build', status: 'completed' } },
    ]);
    await prompt.locator('[data-testid="approval-outcome"]').waitFor();
    assert.equal(await prompt.getByTestId('approval-outcome').textContent(), 'Allowed by you (click)');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'approval-outcome', 'the focus moves to the decision');
    assert.equal(await prompt.getByTestId('approval-allow').count(), 0);
    assert.equal(await card.getByTestId('handoff-asking').count(), 0);
  });

  await t.test('an answer the agent no longer waits for says so; the timeout then shows its own words', async () => {
    deliver(port, [
      {
        type: 'agent.approval.requested',
        handoffId: 'h1',
        approval: { id: 'a2', kind: 'file_change', subject: 'src/app.ts (+12 −3)', readOnly: false },
        timeoutMs: TIMEOUT_MS,
      },
    ]);
    const second = card.locator('[data-testid="approval"][data-approval-id="a2"]');
    await second.getByTestId('approval-deny').click();
    await second.getByTestId('approval-gone').waitFor();
    assert.equal(await second.getByTestId('approval-gone').textContent(), 'The agent is no longer waiting for this answer.');
    assert.deepEqual(answers, [{ approvalId: 'a1', decision: 'allow' }, { approvalId: 'a2', decision: 'deny' }], 'the second Enter on a1 sent nothing');
    deliver(port, [{ type: 'agent.approval.resolved', handoffId: 'h1', approvalId: 'a2', decision: 'deny', decidedBy: 'timeout' }]);
    await second.locator('[data-testid="approval-outcome"]').waitFor();
    assert.equal(await second.getByTestId('approval-outcome').textContent(), 'Denied: no answer in 60 s');
    await page.screenshot({ path: join(ARTIFACTS, 'agent-approval-decided.png'), animations: 'disabled' });
  });
});

test('a request still waiting when the turn ends shows as ended, and a refused answer is reported', { skip: skipReason, timeout: 30_000 }, async (t) => {
  const port = new FakeAppPort(makeSnapshot());
  port.handle('app.ready', () => port.snapshot());
  port.handle('agent.answerApproval', () => {
    throw new Error('No session is running.');
  });
  const { page, bridge } = await openAppPage(t, chromium.browser(), served(port));
  await page.goto(bridge.url);
  await page.getByTestId('status').waitFor();
  deliver(port, [
    { type: 'handoff.started', handoffId: 'h7', agentText: 'Tidy the imports' },
    {
      type: 'agent.approval.requested',
      handoffId: 'h7',
      approval: { id: 'b1', kind: 'other', subject: 'fetch https://registry.npmjs.org/left-pad', readOnly: true },
      timeoutMs: TIMEOUT_MS,
    },
  ]);
  const prompt = page.locator('[data-testid="approval"][data-approval-id="b1"]');
  await prompt.getByTestId('approval-allow').click();
  // The failure reaches the user through the app's one error path, and the buttons come back.
  await page.waitForFunction(() => document.body.innerText.includes('No session is running.'));
  assert.equal(await prompt.getByTestId('approval-allow').getAttribute('aria-disabled'), 'false', 'the buttons come back');

  deliver(port, [{ type: 'handoff.failed', handoffId: 'h7', cause: 'cancelled', reason: 'cancelled by the user', spoken: '' }], false);
  await prompt.locator('[data-testid="approval-outcome"]').waitFor();
  assert.equal(await prompt.getByTestId('approval-outcome').textContent(), 'Not answered: the task ended first');
  assert.equal(await prompt.getAttribute('data-decided-by'), 'ended');
});
