// A display for GUI tests on a headless Linux machine: Xvfb on a free display number (Xvfb picks
// it and reports it through -displayfd), or nothing when a display is already there.
import { spawn, spawnSync } from 'node:child_process';
import type { Readable } from 'node:stream';
import { stopChild } from '../support/stop-child';

const XVFB_START_TIMEOUT_MS = 5_000;
const SCREEN = '1280x800x24';

export type DisplayResult =
  | { readonly ok: true; readonly env: Readonly<Record<string, string>>; stop(): Promise<void> }
  | { readonly ok: false; readonly reason: string };

/** Resolves with env to add (DISPLAY=:N when Xvfb was started) and a stop(), or why there is no display. */
export async function ensureDisplay(): Promise<DisplayResult> {
  if (process.platform !== 'linux' || process.env['DISPLAY'] || process.env['WAYLAND_DISPLAY']) {
    return { ok: true, env: {}, stop: async () => {} };
  }
  if (spawnSync('Xvfb', ['-help'], { stdio: 'ignore' }).error) {
    return { ok: false, reason: 'no display: DISPLAY is unset and Xvfb is not installed (apt-get install xvfb, or run the test under xvfb-run)' };
  }
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', SCREEN, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] });
  let stderr = '';
  xvfb.stderr?.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-1_000);
  });
  const displayFd = xvfb.stdio[3] as Readable;
  try {
    const display = await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error(`Xvfb did not report a display within ${XVFB_START_TIMEOUT_MS} ms`)), XVFB_START_TIMEOUT_MS);
      displayFd.setEncoding('utf8').on('data', (chunk: string) => {
        text += chunk;
        if (!text.includes('\n')) return;
        clearTimeout(timer);
        resolve(`:${text.trim()}`);
      });
      xvfb.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`Xvfb exited (code ${code}) before reporting a display: ${stderr.trim()}`));
      });
    });
    return { ok: true, env: { DISPLAY: display }, stop: () => stopChild(xvfb) };
  } catch (error) {
    await stopChild(xvfb);
    return { ok: false, reason: `no display: ${error instanceof Error ? error.message : String(error)}` };
  }
}
