// The headless command with live devices (PulseAudio null sinks): listing devices, and a
// spoken question from the fake microphone reaching the realtime server.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startMockRealtimeServer } from '../support/mock-realtime-server';
import { pulseAudioUnavailableReason, startPulseAudio, type PulseAudioFixture } from '../support/pulse-audio';
import { runHeadlessProcess } from '../support/run-headless-process';

const unavailable = pulseAudioUnavailableReason() ?? (spawnSync('which', ['espeak-ng']).status === 0 ? undefined : 'espeak-ng is not installed');
let pulse: PulseAudioFixture | undefined;
before(() => {
  if (!unavailable) pulse = startPulseAudio();
});
after(() => pulse?.close());

test('--list-devices prints the device names the device flags take', { skip: unavailable }, async () => {
  const { code, stdout, stderr } = await runHeadlessProcess(['--list-devices'], { XDG_RUNTIME_DIR: pulse!.runtimeDir }).done;
  assert.equal(code, 0, stderr);
  const [inputs, outputs] = stdout.split('Outputs (--output-device NAME):\n');
  assert.match(inputs!, /^Inputs \(--input-device NAME\):\n/);
  assert.match(inputs!, /^ {2}default {2}\(ALSA, \d+ ch, \d+ Hz\)$/m);
  assert.match(outputs!, /^ {2}default {2}\(ALSA, \d+ ch, \d+ Hz\)$/m);
});

test('live microphone: speech in the fake microphone reaches the server as 20 ms frames', { skip: unavailable, timeout: 30_000 }, async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[{ type: 'session.updated', session: { id: 'sess_live' } }]] }]);
  t.after(() => realtime.close());
  const dir = mkdtempSync(join(tmpdir(), 'parley-live-'));
  const speech = join(dir, 'speech.wav');
  spawnSync('espeak-ng', ['-w', speech, 'What is on my calendar today?']);
  const run = runHeadlessProcess(
    ['--protocol', 'v1', '--realtime-url', realtime.url, '--agent', 'none', '--input-device', 'default', '--output-device', 'default', '--duration-ms', '5000'],
    { OPENAI_API_KEY: 'sk-live', XDG_RUNTIME_DIR: pulse!.runtimeDir },
  );
  await realtime.waitForFrames(0, 1, 15_000);
  await new Promise((resolve) => setTimeout(resolve, 1_200));
  await pulse!.playIntoMicrophone(speech);
  const { code, stderr } = await run.done;
  assert.equal(code, 0, stderr);
  const appends = (realtime.connections[0]!.frames as any[]).filter((frame) => frame.type === 'input_audio_buffer.append');
  assert.ok(appends.length >= 100, `got ${appends.length} frames`);
  const loudFrames = appends.filter((frame) => {
    const pcm = Buffer.from(frame.audio, 'base64');
    let peak = 0;
    for (let index = 0; index < pcm.length; index += 2) peak = Math.max(peak, Math.abs(pcm.readInt16LE(index)));
    return peak > 1_000;
  });
  assert.ok(loudFrames.length >= 40, `the speech arrived (${loudFrames.length} loud frames)`);
});
