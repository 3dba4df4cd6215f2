/**
 * What every Chromium test of the renderer needs: the built renderer (built once if missing),
 * one browser for the file, and pages on a web bridge that fail the test if the page throws.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { AppPort } from '../../src-main/app/app-port';
import { startWebBridge, type WebBridge } from '../../src-main/web-bridge/web-bridge-server';
import { chromiumUnavailableReason, launchChromium } from './chromium';

export const RENDERER_DIR = resolve('out/renderer');

/** Why this machine cannot run the browser tests, if it cannot. */
export const browserSkipReason = chromiumUnavailableReason();

/** Registers the file's before/after hooks; `browser()` is the launched Chromium. */
export function useBrowser(): { browser(): Browser } {
  let launched: Browser | undefined;
  before(async () => {
    if (browserSkipReason) return;
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
      const build = spawnSync(process.execPath, [resolve('node_modules/electron-vite/bin/electron-vite.js'), 'build'], { stdio: 'inherit' });
      assert.equal(build.status, 0, 'electron-vite build failed');
    }
    launched = await launchChromium();
  });
  after(() => launched?.close());
  return {
    browser: () => {
      assert.ok(launched, 'the browser is not running');
      return launched;
    },
  };
}

/**
 * A page in a fresh browser context on a web bridge over `app`; closed after the test, which
 * fails if the page threw an uncaught error. `cleanup` runs after the page and bridge are closed.
 */
export async function openAppPage(
  t: TestContext,
  browser: Browser,
  app: AppPort,
  options: { viewport?: { width: number; height: number }; cleanup?: () => Promise<unknown> } = {},
): Promise<{ page: Page; bridge: WebBridge }> {
  const bridge = await startWebBridge({ app, rendererDir: RENDERER_DIR });
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 760 } });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  t.after(async () => {
    await context.close();
    await bridge.close();
    await options.cleanup?.();
    assert.deepEqual(pageErrors, [], 'the page threw no uncaught errors');
  });
  return { page, bridge };
}
