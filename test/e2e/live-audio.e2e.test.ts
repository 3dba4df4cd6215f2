// Onboarding with real audio: Chromium shows the renderer, the app core runs the native audio
// engine (PortAudio in its own process) on a private PulseAudio server whose null sinks stand in
// for the microphone and speaker. A tone played into the microphone moves the level meter; the
// test sound comes out of the speaker.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { parseWav } from '../../src-main/core/audio/wav';
import { nativeAudioFactory } from '../../src-main/app/create-desktop-app';
import { silentLogger } from '../../src-main/core/util/logger';
import { startWebBridge } from '../../src-main/web-bridge/web-bridge-server';
import { startAppHarness } from '../support/app-harness';
import { chromiumUnavailableReason, launchChromium } from '../support/chromium';
import { pulseAudioUnavailableReason, startPulseAudio, type PulseAudioFixture } from '../support/pulse-audio';

const RENDERER_DIR = resolve('out/renderer');
const ARTIFACTS = resolve('test-artifacts/e2e');
const skipReason =
  chromiumUnavailableReason() ?? pulseAudioUnavailableReason() ?? (spawnSync('which', ['sox']).status === 0 ? undefined : 'sox is not installed (apt-get install sox)');

let pulse: PulseAudioFixture | undefined;
let browser: Browser | undefined;
before(async () => {
  if (skipReason) return;
  pulse = startPulseAudio();
  browser = await launchChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
});
after(async () => {
  await browser?.close();
  pulse?.close();
});

/** Milliseconds of the recording louder than -40 dBFS (10 ms windows), mixed to mono. */
function audibleMs(wavPath: string): number {
  const wav = parseWav(readFileSync(wavPath));
  const frames = wav.samples.length / wav.channels;
  const window = Math.round(wav.sampleRate / 100);
  let audible = 0;
  for (let start = 0; start + window <= frames; start += window) {
    let sum = 0;
    for (let frame = start; frame < start + window; frame++) sum += wav.samples[frame * wav.channels]! ** 2;
    if (10 * Math.log10(sum / window + 1e-20) > -40) audible += 10;
  }
  return audible;
}

test('onboarding: the microphone meter follows a real input device and the test sound plays on the speaker', { skip: skipReason, timeout: 60_000 }, async (t) => {
  const harness = startAppHarness(t, { createAudioEngine: nativeAudioFactory(silentLogger) });
  const bridge = await startWebBridge({ app: harness.app, rendererDir: RENDERER_DIR });
  t.after(() => bridge.close());
  const page = await browser!.newPage({ viewport: { width: 1100, height: 760 } });
  t.after(() => page.close());
  await page.goto(bridge.url);
  await page.getByTestId('onboarding').waitFor();
  await page.getByTestId('onboarding-next').click();
  const meter = page.getByTestId('onboarding-mic-meter');
  await meter.waitFor();
  await t.test('the microphone opens for the check without a session', async () => {
    for (let tries = 0; !harness.app.snapshot().micCheck && tries < 100; tries++) await new Promise((done) => setTimeout(done, 50));
    assert.equal(harness.app.snapshot().micCheck, true);
    assert.equal(harness.app.snapshot().session, 'idle');
  });

  const work = mkdtempSync(join(tmpdir(), 'parley-live-e2e-'));
  const tone = join(work, 'tone.wav');
  assert.equal(spawnSync('sox', ['-n', '-r', '24000', '-c', '1', '-b', '16', tone, 'synth', '3', 'sine', '440', 'vol', '0.5']).status, 0);
  const playing = pulse!.playIntoMicrophone(tone);
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="onboarding-mic-meter"]')?.getAttribute('aria-valuenow') ?? 0) > 40, undefined, { timeout: 10_000 });
  const level = Number(await meter.getAttribute('aria-valuenow'));
  await page.screenshot({ path: join(ARTIFACTS, 'onboarding-microphone.png') });
  await playing;
  assert.ok(level > 40, `the meter showed ${level}`);

  await page.getByTestId('onboarding-next').click();
  const heard = join(work, 'heard.wav');
  const recording = pulse!.recordSpeaker(heard);
  await new Promise((done) => setTimeout(done, 300));
  await page.getByTestId('onboarding-test-sound').click();
  // The speaker is opened for the chime (and closed after it), so on a loaded machine the sound
  // can start a second after the click: record long enough to hear all of it.
  await new Promise((done) => setTimeout(done, 3_000));
  await recording.stop();
  const audible = audibleMs(heard);
  assert.ok(audible >= 400 && audible <= 800, `the chime (560 ms) was audible for ${audible} ms`);
  for (let tries = 0; harness.app.snapshot().micCheck && tries < 100; tries++) await new Promise((done) => setTimeout(done, 50));
  assert.equal(harness.app.snapshot().micCheck, false, 'leaving the microphone step closes the microphone');
});
