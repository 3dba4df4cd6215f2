// The coding-agent choices on the Agent settings page, in real Chromium against the real app core
// and its settings check (a PATH of our own): Codex and an ACP agent are offered, the program
// field is labelled for the backend chosen, a missing program is refused with how to install it,
// a config override that is not key=value is refused next to its field, and a fixed form saves.
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

async function fieldText(page: Page, testId: string, suffix: '-error' | '-hint'): Promise<string | null> {
  return page.getByTestId(testId).evaluate((input, wanted) => {
    const id = (input.getAttribute('aria-describedby') ?? '').split(' ').find((entry) => entry.endsWith(wanted));
    return id ? (document.getElementById(id)?.textContent ?? null) : null;
  }, suffix);
}

async function labelOf(page: Page, testId: string): Promise<string | null> {
  return page.getByTestId(testId).evaluate((input) => document.querySelector(`label[for="${input.id}"]`)?.textContent ?? null);
}

test('Codex and ACP agents are offered, labelled, checked on save and saved', { skip: skipReason }, async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'parley-e2e-agents-'));
  const bin = join(root, 'bin');
  const work = join(root, 'work');
  mkdirSync(bin);
  mkdirSync(work);
  const fakeCodex = join(root, 'codex-build', 'codex');
  mkdirSync(join(root, 'codex-build'));
  writeFileSync(fakeCodex, '#!/bin/sh\n');
  chmodSync(fakeCodex, 0o755);
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
  await page.getByTestId('settings-tab-agent').click();

  const offered = await page.getByTestId('setting-agentBackend').locator('option').allTextContents();
  assert.ok(offered.includes('Codex (app server)'), offered.join(' | '));
  assert.ok(offered.includes('ACP agent (Claude Code, Gemini CLI, codex-acp)'), offered.join(' | '));

  await page.getByTestId('setting-agentBackend').selectOption('codex');
  assert.equal(await labelOf(page, 'setting-agentCommand'), 'Codex program');
  assert.equal(await page.getByTestId('setting-agentCommand').getAttribute('placeholder'), 'codex (found on your PATH)');
  assert.equal(await page.getByTestId('setting-agentSandbox').isDisabled(), false);
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  assert.equal(await fieldText(page, 'setting-agentCommand', '-error'), 'Agent command: Codex is not installed: npm install -g @openai/codex, or write the full path of the codex program.');
  assert.equal(settings.get().agentBackend, 'responses', 'nothing saved');

  await page.getByTestId('setting-agentCommand').fill(fakeCodex);
  await page.getByTestId('setting-agentCwd').fill(work);
  await page.getByTestId('setting-agentConfig').fill('model="gpt-5-codex"\nmodel_provider');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  assert.match((await fieldText(page, 'setting-agentConfig', '-error')) ?? '', /^Codex config overrides: line 2, “model_provider”: is not key=value/);

  await page.getByTestId('setting-agentConfig').fill('model="gpt-5-codex"\nmodel_reasoning_effort="low"');
  await page.getByTestId('setting-agentApproval').selectOption('never-ask');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-saved').waitFor();
  const saved = settings.get();
  assert.deepEqual(
    { backend: saved.agentBackend, program: saved.agentCommand, cwd: saved.agentCwd, config: saved.agentConfig, approval: saved.agentApproval, sandbox: saved.agentSandbox },
    { backend: 'codex', program: fakeCodex, cwd: work, config: 'model="gpt-5-codex"\nmodel_reasoning_effort="low"', approval: 'never-ask', sandbox: 'workspace-write' },
  );

  await page.getByTestId('setting-agentBackend').selectOption('acp');
  assert.equal(await labelOf(page, 'setting-agentCommand'), 'ACP agent command');
  assert.equal(await page.getByTestId('setting-agentSandbox').isDisabled(), true, 'the sandbox is Codex only');
  await page.getByTestId('setting-agentCommand').fill('claude-code-acp');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-error').waitFor();
  assert.equal(
    await fieldText(page, 'setting-agentCommand', '-error'),
    "Agent command: “claude-code-acp” is not found on PATH; install Claude Code's ACP agent: npm install -g @zed-industries/claude-code-acp.",
  );
  assert.equal(settings.get().agentBackend, 'codex', 'the refused change saved nothing');
});
