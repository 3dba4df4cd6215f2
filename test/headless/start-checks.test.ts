// The start checks' rules with injected lookups: which flags are looked at, how devices are found
// (as the audio engine finds them), and that the device list is asked for only when needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AudioDevice, DeviceList } from '../../src-shared/ipc-contract';
import type { PathKind } from '../../src-main/app/settings-check';
import { parseHeadlessFlags } from '../../src-main/headless/cli-flags';
import { startProblems, type StartCheckDeps } from '../../src-main/headless/start-checks';

function device(name: string): AudioDevice {
  return { name, hostApi: 'ALSA', maxInputChannels: 2, maxOutputChannels: 2, defaultSampleRate: 48_000 };
}

const DEVICES: DeviceList = {
  inputs: [device('USB Microphone'), device('Built-in Microphone'), device('default')],
  outputs: [device('HDMI Output'), device('default')],
};

function deps(paths: Record<string, PathKind>, devices: DeviceList | 'audio unavailable' = DEVICES): StartCheckDeps & { deviceQuestions: number } {
  const checked = {
    deviceQuestions: 0,
    cwd: '/home/you',
    settings: { env: { PATH: '/usr/bin' }, platform: 'linux' as const, pathKind: (path: string) => paths[path] ?? 'missing' },
    listDevices: async () => {
      checked.deviceQuestions++;
      return devices === 'audio unavailable' ? undefined : devices;
    },
  };
  return checked;
}

async function problemsOf(argv: string[], lookups = deps({})): Promise<string[]> {
  return startProblems(parseHeadlessFlags(argv, {}), argv, lookups);
}

test('flags that are fine, or not given, raise no problem and ask for no devices', async () => {
  const lookups = deps({ '/usr/bin/codex': 'executable', '/home/you/project': 'folder' });
  assert.deepEqual(await problemsOf(['--voice', 'cedar', '--agent', 'command', '--agent-command', 'codex exec {prompt}', '--agent-cwd', 'project'], lookups), []);
  assert.deepEqual(await problemsOf(['--input-device', 'default', '--output-device', 'none'], lookups), []);
  assert.equal(lookups.deviceQuestions, 0);
});

test('devices are found as the audio engine finds them: exact, any case, or a unique part of the name', async () => {
  assert.deepEqual(await problemsOf(['--input-device', 'usb microphone', '--output-device', 'HDMI']), []);
  assert.deepEqual(await problemsOf(['--input-device', 'Microphone']), [
    '--input-device: “Microphone” matches more than one input: USB Microphone, Built-in Microphone; write more of its name',
  ]);
  assert.deepEqual(await problemsOf(['--output-device', 'Headphones']), [
    '--output-device: no output device is called “Headphones”; the outputs are HDMI Output, default (or give default, or none for no speaker)',
  ]);
  assert.deepEqual(await problemsOf(['--output-device', 'Headphones'], deps({}, { inputs: [], outputs: [] })), [
    '--output-device: no output device is called “Headphones”; no output device was found (or give default, or none for no speaker)',
  ]);
});

test('a side on a WAV file is not looked up, and without working audio devices are not judged', async () => {
  const lookups = deps({});
  assert.deepEqual(await problemsOf(['--input-wav', 'question.wav', '--output-device', 'HDMI'], lookups), []);
  assert.deepEqual(await problemsOf(['--input-device', 'Anything'], deps({}, 'audio unavailable')), []);
});

test('the agent command and folder are judged only for the command agent', async () => {
  assert.deepEqual(await problemsOf(['--agent', 'none', '--agent-cwd', '/gone']), []);
  assert.deepEqual(await problemsOf(['--agent', 'command', '--agent-command', 'agent', '--agent-cwd', '/gone']), [
    '--agent-command: “agent” is not found on PATH; install it, or write its full path.',
    '--agent-cwd: /gone does not exist.',
  ]);
});
