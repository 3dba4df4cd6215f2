// Bad flags stop the real headless command at start, before anything connects: exit code 2 and one
// line per problem naming the flag. Good flags still start. Devices are the PulseAudio null sinks
// the native audio engine lists here (test/support/pulse-audio.ts).
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startGaRealtimeServer } from '../support/ga-realtime-server';
import { startMockRealtimeServer, type MockRealtimeServer } from '../support/mock-realtime-server';
import { pulseAudioUnavailableReason, startPulseAudio } from '../support/pulse-audio';
import { runHeadlessProcess } from '../support/run-headless-process';
import { tempDir } from '../support/temp-dir';

const KEY_ENV = { OPENAI_API_KEY: 'sk-start-checks-test' };
const USAGE_EXIT_CODE = 2;

let realtime: MockRealtimeServer;
before(async () => {
  realtime = await startMockRealtimeServer([]);
});
after(() => realtime.close());

/** Runs the command expecting a refusal before connecting; returns its stderr lines. */
async function refusedLines(args: string[], env: Record<string, string | undefined> = KEY_ENV): Promise<string[]> {
  const connectionsBefore = realtime.connections.length;
  const { code, stdout, stderr } = await runHeadlessProcess(['--realtime-url', realtime.url, ...args], env).done;
  assert.equal(code, USAGE_EXIT_CODE, `exit code for ${args.join(' ')}:\n${stderr}`);
  assert.equal(stdout, '');
  assert.equal(realtime.connections.length, connectionsBefore, 'nothing connected');
  return stderr.trimEnd().split('\n');
}

async function refusedLine(args: string[], env?: Record<string, string | undefined>): Promise<string> {
  const lines = await refusedLines(args, env);
  assert.equal(lines.length, 1, `one line:\n${lines.join('\n')}`);
  return lines[0]!;
}

test('a voice the dialect does not offer is refused naming --voice and listing the voices', async () => {
  assert.equal(
    await refusedLine(['--voice', 'bogus', '--agent', 'none']),
    'parley: --voice: “bogus” is not a voice of the v2 realtime API; choose one of marin, cedar, alloy, ash, ballad, coral, echo, sage, shimmer, verse, or leave the flag out for the default (marin)',
  );
  // A v2 voice is not a v1 voice.
  assert.match(await refusedLine(['--protocol', 'v1', '--voice', 'cedar', '--agent', 'none']), /^parley: --voice: “cedar” is not a voice of the v1 \(quicksilver\) realtime API; choose one of cove, /);
});

test('a voice from the environment is named with its variable', async () => {
  assert.match(await refusedLine(['--agent', 'none'], { ...KEY_ENV, PARLEY_VOICE: 'bogus' }), /^parley: --voice \(from PARLEY_VOICE\): “bogus” is not a voice/);
});

test('an agent URL that is not http(s) is refused naming --agent-url', async () => {
  assert.equal(await refusedLine(['--agent-url', 'ftp://agents.example']), 'parley: --agent-url: must be a URL starting with https://, http://');
  assert.equal(await refusedLine(['--agent-url', 'not a url']), 'parley: --agent-url: must be a URL starting with https://, http://');
});

test('an agent command whose program is not on PATH, missing, not executable or badly quoted is refused naming --agent-command', async () => {
  const dir = tempDir('parley-start-checks-');
  const notExecutable = join(dir, 'agent.sh');
  writeFileSync(notExecutable, '#!/bin/sh\necho hi\n');
  chmodSync(notExecutable, 0o644);
  const command = (line: string) => ['--agent', 'command', '--agent-command', line];

  assert.equal(await refusedLine(command('parley-no-such-agent {prompt}')), 'parley: --agent-command: “parley-no-such-agent” is not found on PATH; install it, or write its full path.');
  assert.equal(await refusedLine(command(`${join(dir, 'missing')} --print`)), `parley: --agent-command: ${join(dir, 'missing')} does not exist.`);
  assert.equal(
    await refusedLine(command(notExecutable)),
    `parley: --agent-command: ${notExecutable} is not executable; make it executable (chmod +x) or run it through its interpreter, e.g. node ${notExecutable}.`,
  );
  // A relative program path starts from the working folder, as the agent command does.
  assert.equal(await refusedLine([...command('./missing-agent'), '--agent-cwd', dir]), `parley: --agent-command: ${join(dir, 'missing-agent')} does not exist.`);
  assert.equal(
    await refusedLine(command(`'${process.execPath}' "unclosed {prompt}`)),
    `parley: --agent-command: cannot be read: the command line has an unterminated " quote (opened at character ${process.execPath.length + 4})`,
  );
});

test('a missing agent working folder is refused naming --agent-cwd, relative folders read from the current one', async () => {
  const dir = tempDir('parley-start-checks-');
  const missing = join(dir, 'gone');
  const agent = ['--agent', 'command', '--agent-command', `'${process.execPath}' -e 0`];
  assert.equal(await refusedLine([...agent, '--agent-cwd', missing]), `parley: --agent-cwd: ${missing} does not exist.`);
  assert.equal(await refusedLine([...agent, '--agent-cwd', 'parley-no-such-folder']), `parley: --agent-cwd: ${join(process.cwd(), 'parley-no-such-folder')} does not exist.`);
  const file = join(dir, 'a-file');
  writeFileSync(file, '');
  assert.equal(await refusedLine([...agent, '--agent-cwd', file]), `parley: --agent-cwd: ${file} is a file, not a folder.`);
});

test('several bad flags are reported at once, one line each', async () => {
  const lines = await refusedLines([
    '--voice', 'bogus',
    '--agent', 'command',
    '--agent-command', 'parley-no-such-agent',
    '--agent-cwd', '/parley-no-such-folder',
    '--agent-url', 'ftp://agents.example',
  ]);
  assert.deepEqual(
    lines.map((line) => /^parley: (--[a-z-]+):/.exec(line)?.[1]),
    ['--voice', '--agent-url', '--agent-command', '--agent-cwd'],
    lines.join('\n'),
  );
});

test('bad flags are refused before the missing API key is', async () => {
  assert.match(await refusedLine(['--voice', 'bogus', '--agent', 'none'], {}), /^parley: --voice: /);
});

test('good flags still start: a voice, an agent command found on PATH, a working folder, an agent URL', { timeout: 20_000 }, async (t) => {
  const server = await startGaRealtimeServer({ apiKey: KEY_ENV.OPENAI_API_KEY });
  t.after(() => server.close());
  server.respond({ say: 'Hello.' });
  const dir = tempDir('parley-start-checks-');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const agent = join(bin, 'parley-fake-agent');
  writeFileSync(agent, '#!/bin/sh\necho done\n');
  chmodSync(agent, 0o755);
  const { code, stderr } = await runHeadlessProcess(
    ['--realtime-url', server.url, '--voice', 'cedar', '--agent', 'command', '--agent-command', 'parley-fake-agent {prompt}', '--agent-cwd', dir, '--agent-url', 'http://127.0.0.1:9/v1', '--text', 'hi', '--exit-after-idle-ms', '400'],
    { ...KEY_ENV, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
  ).done;
  assert.equal(code, 0, stderr);
  assert.equal(server.connections.length, 1);
  assert.equal((server.session as any).audio.output.voice, 'cedar');
});

const noPulse = pulseAudioUnavailableReason();

test('an input or output device that does not exist is refused, naming the flag and the devices that exist', { skip: noPulse, timeout: 20_000 }, async (t) => {
  const pulse = startPulseAudio();
  t.after(() => pulse.close());
  const env = { ...KEY_ENV, XDG_RUNTIME_DIR: pulse.runtimeDir };
  const lines = await refusedLines(['--agent', 'none', '--input-device', 'Blue Yeti', '--output-device', 'ul'], env);
  assert.deepEqual(lines, [
    'parley: --input-device: no input device is called “Blue Yeti”; the inputs are pulse, default (or give default, or none for no microphone)',
    'parley: --output-device: “ul” matches more than one output: pulse, default; write more of its name',
  ]);
  // Devices found the way the audio engine finds them (any case, a unique part of the name) start.
  const { code, stderr } = await runHeadlessProcess(
    ['--protocol', 'v1', '--realtime-url', realtime.url, '--agent', 'none', '--input-device', 'PULSE', '--output-device', 'defau', '--duration-ms', '1500'],
    env,
  ).done;
  assert.equal(code, 0, stderr);
  assert.doesNotMatch(stderr, /not available|using the system default/);
});
