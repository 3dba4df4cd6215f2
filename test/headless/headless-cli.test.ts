// The headless command as users run it: a real child process against the loopback mocks.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWav } from '../../src-main/core/audio/wav';
import { pcm16Base64, startMockRealtimeServer } from '../support/mock-realtime-server';
import { assistantMessageEvents, startMockResponsesServer } from '../support/mock-responses-server';
import { jsonLines, runHeadlessProcess } from '../support/run-headless-process';

const KEY_ENV = { OPENAI_API_KEY: 'sk-headless-test' };
const sessionUpdated = { type: 'session.updated', session: { id: 'sess_cli' } };

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${stderr}`);
  return lines[0]!;
}

test('--help prints every public flag and exits 0', async () => {
  const { code, stdout } = await runHeadlessProcess(['--help']).done;
  assert.equal(code, 0);
  for (const flag of ['--realtime-url', '--protocol', '--model', '--voice', '--instructions', '--agent', '--agent-url', '--agent-model', '--agent-command', '--input-wav', '--output-wav', '--text', '--events', '--duration-ms', '--exit-after-idle-ms', '--api-key-env', '--agent-api-key-env', '--help']) {
    assert.ok(stdout.includes(flag + ' ') || stdout.includes(flag + '\n'), `help mentions ${flag}`);
  }
});

test('an unknown flag, a malformed value or a missing value exits non-zero naming the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--realtime-ur', 'x'], /unknown flag --realtime-ur; did you mean --realtime-url\?/],
    [['--protocol', 'v3'], /flag --protocol must be v1 or v2, not "v3"/],
    [['--duration-ms', 'soon'], /flag --duration-ms must be a positive whole number/],
    [['--model'], /flag --model needs a value/],
    [['--agent', 'command'], /--agent command needs --agent-command/],
  ];
  for (const [args, pattern] of cases) {
    const { code, stderr } = await runHeadlessProcess(args, KEY_ENV).done;
    assert.notEqual(code, 0, args.join(' '));
    assert.match(oneLine(stderr), pattern);
  }
});

test('a missing key names the environment variable to set', async () => {
  const plain = await runHeadlessProcess(['--text', 'hi']).done;
  assert.equal(plain.code, 1);
  assert.match(oneLine(plain.stderr), /set the OPENAI_API_KEY environment variable/);
  const custom = await runHeadlessProcess(['--api-key-env', 'MY_VOICE_KEY']).done;
  assert.match(oneLine(custom.stderr), /set the MY_VOICE_KEY environment variable/);
});

test('an unreachable server exits 1 naming the address', async () => {
  const server = await startMockRealtimeServer([]);
  const url = server.url;
  await server.close();
  const { code, stderr } = await runHeadlessProcess(['--realtime-url', url, '--agent', 'none'], KEY_ENV).done;
  assert.equal(code, 1);
  assert.match(oneLine(stderr), new RegExp(`Could not reach the realtime server at ws://${new URL(url).host}/v1/realtime`));
});

test('a rejected key exits 1 with the reason, and the key is not printed', async (t) => {
  const server = await startMockRealtimeServer([{ batches: [], rejectUpgrade: { status: 401, body: 'invalid_api_key' } }]);
  t.after(() => server.close());
  const { code, stderr } = await runHeadlessProcess(['--realtime-url', server.url, '--agent', 'none'], KEY_ENV).done;
  assert.equal(code, 1);
  assert.match(oneLine(stderr), /rejected the API key \(HTTP 401\)/);
  assert.ok(!stderr.includes('sk-headless-test'));
});

test('v1: typed text, a handoff to the agent and its answer, as JSON lines; audio written to a WAV', async (t) => {
  const agent = await startMockResponsesServer([{ kind: 'sse', events: assistantMessageEvents('r1', 'm1', 'It is sunny in Lisbon.') }]);
  const realtime = await startMockRealtimeServer([
    {
      batches: [
        [sessionUpdated],
        [
          { type: 'conversation.input_transcript.delta', delta: 'what is the weather ' },
          { type: 'conversation.input_transcript.delta', delta: 'in lisbon' },
          { type: 'conversation.output_transcript.delta', delta: 'let me check' },
          { type: 'conversation.output_audio.delta', delta: pcm16Base64(4800), sample_rate: 24000, channels: 1 },
          { type: 'conversation.handoff.requested', handoff_id: 'h1', item_id: 'i1', input_transcript: 'what is the weather in lisbon' },
        ],
      ],
    },
  ]);
  t.after(async () => {
    await realtime.close();
    await agent.close();
  });
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  const outputWav = join(dir, 'answer.wav');
  const run = runHeadlessProcess(
    ['--protocol', 'v1', '--realtime-url', realtime.url, '--agent-url', agent.baseUrl, '--text', 'hello there', '--events', 'jsonl', '--output-wav', outputWav, '--exit-after-idle-ms', '600'],
    KEY_ENV,
  );
  const { code, stdout, stderr } = await run.done;
  assert.equal(code, 0, stderr);
  const events = jsonLines(stdout);
  const requested = events.find((event) => event.type === 'handoff.requested');
  assert.equal(requested.agentText, 'user: what is the weather in lisbon\nassistant: let me check');
  const answered = events.find((event) => event.type === 'handoff.answered');
  assert.equal(answered.text, 'It is sunny in Lisbon.');
  const audio = events.find((event) => event.type === 'audio.output');
  assert.deepEqual([audio.bytes, audio.sampleRate, audio.durationMs], [9600, 24000, 200]);
  assert.ok(!('pcm' in audio), 'audio is summarized, not dumped');
  assert.deepEqual(events.at(-1), { ...events.at(-1), type: 'closed', reason: 'requested' });
  const frames = realtime.connections[0]!.frames as any[];
  assert.equal(frames[1].item.content[0].text, 'hello there');
  assert.deepEqual(frames.find((frame) => frame.type === 'conversation.handoff.append'), {
    type: 'conversation.handoff.append',
    handoff_id: 'h1',
    output_text: 'It is sunny in Lisbon.',
  });
  const wav = parseWav(readFileSync(outputWav));
  assert.equal(wav.sampleRate, 24000);
  assert.equal(wav.channels, 1);
});

test('--input-wav is resampled to 24 kHz and sent as real-time 20 ms frames', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[sessionUpdated]] }]);
  t.after(() => realtime.close());
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  const inputWav = join(dir, 'question.wav');
  writeFileSync(inputWav, sineWav(16_000, 0.5, 440));
  const { code, stderr } = await runHeadlessProcess(
    ['--protocol', 'v1', '--realtime-url', realtime.url, '--agent', 'none', '--input-wav', inputWav, '--exit-after-idle-ms', '300'],
    KEY_ENV,
  ).done;
  assert.equal(code, 0, stderr);
  const { frames, frameTimes } = realtime.connections[0]!;
  const appendTimes = frameTimes.filter((_, index) => (frames[index] as any).type === 'input_audio_buffer.append');
  const appends = (frames as any[]).filter((frame) => frame.type === 'input_audio_buffer.append');
  assert.equal(appends.length, 25, '0.5 s is 25 frames of 20 ms');
  for (const frame of appends) assert.equal(Buffer.from(frame.audio, 'base64').length, 960);
  const spreadMs = appendTimes.at(-1)! - appendTimes[0]!;
  assert.ok(spreadMs >= 400 && spreadMs <= 1_500, `24 frame intervals of 20 ms arrive over ~480 ms, not a burst (took ${spreadMs.toFixed(0)} ms)`);
});

test('bad files fail before connecting, with one line naming the file', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[sessionUpdated]] }]);
  t.after(() => realtime.close());
  const dir = mkdtempSync(join(tmpdir(), 'parley-cli-'));
  const base = ['--protocol', 'v1', '--realtime-url', realtime.url, '--agent', 'none'];
  const missing = await runHeadlessProcess([...base, '--input-wav', join(dir, 'nope.wav')], KEY_ENV).done;
  assert.equal(missing.code, 1);
  assert.match(oneLine(missing.stderr), /input WAV file not found: .*nope\.wav/);
  writeFileSync(join(dir, 'text.wav'), 'not a wav at all');
  const garbage = await runHeadlessProcess([...base, '--input-wav', join(dir, 'text.wav')], KEY_ENV).done;
  assert.equal(garbage.code, 1);
  assert.match(oneLine(garbage.stderr), /input WAV file .*text\.wav cannot be used/);
  const unwritable = await runHeadlessProcess([...base, '--output-wav', join(dir, 'no-such-dir', 'out.wav')], KEY_ENV).done;
  assert.equal(unwritable.code, 1);
  assert.match(oneLine(unwritable.stderr), /cannot write the output WAV file .*out\.wav: ENOENT/);
  assert.equal(realtime.connections.length, 0, 'nothing connected');
});

test('a malformed --realtime-url is named as the flag', async () => {
  const { code, stderr } = await runHeadlessProcess(['--realtime-url', 'ftp://example.invalid', '--agent', 'none'], KEY_ENV).done;
  assert.equal(code, 2);
  assert.match(oneLine(stderr), /The --realtime-url "ftp:\/\/example\.invalid" uses ftp/);
});

test('v1 takes a ws:// --realtime-url as given and announces openai-alpha: quicksilver=v1', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[sessionUpdated]] }]);
  t.after(() => realtime.close());
  const websocketUrl = realtime.url.replace(/^http:/, 'ws:');
  const { code, stderr } = await runHeadlessProcess(
    ['--protocol', 'v1', '--realtime-url', websocketUrl, '--agent', 'none', '--exit-after-idle-ms', '300'],
    KEY_ENV,
  ).done;
  assert.equal(code, 0, stderr);
  const { handshake } = realtime.connections[0]!;
  assert.equal(handshake.path, '/v1/realtime');
  assert.equal(handshake.headers['openai-alpha'], 'quicksilver=v1');
});

test('SIGTERM closes the session cleanly and exits 0', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[sessionUpdated]] }]);
  t.after(() => realtime.close());
  const run = runHeadlessProcess(['--protocol', 'v1', '--realtime-url', realtime.url, '--agent', 'none', '--events', 'jsonl'], KEY_ENV);
  await realtime.waitForFrames(0, 1, 10_000);
  await waitFor(() => run.stdoutSoFar().includes('session.ready'));
  run.child.kill('SIGTERM');
  const { code, stdout } = await run.done;
  assert.equal(code, 0);
  assert.deepEqual(jsonLines(stdout).at(-1).reason, 'requested');
  await realtime.waitForClose(0);
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function sineWav(sampleRate: number, seconds: number, frequencyHz: number): Buffer {
  const samples = Math.round(sampleRate * seconds);
  const data = Buffer.alloc(samples * 2);
  for (let index = 0; index < samples; index++) {
    data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * frequencyHz * index) / sampleRate) * 8000), index * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
