/**
 * Debian's Chromium driven by playwright-core (no browser download), with the flags that work on
 * these machines (docs/toolchain.md). `chromiumUnavailableReason()` names what is missing so a test
 * can skip with a reason instead of failing on a machine without the browser.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env['PARLEY_CHROMIUM'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function chromiumUnavailableReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  return `no Chromium at ${CHROMIUM_PATH}: install the Debian package (apt-get install chromium) or point PARLEY_CHROMIUM at a Chromium binary`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}
