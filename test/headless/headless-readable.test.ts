// The headless command's readable output as a person sees it, through the real process against
// the loopback mocks: text-only without audio devices, one line per agent failure, indented
// multi-line answers, and the agent's progress line on a terminal (a pseudo-terminal from
// util-linux `script`), never in JSON lines.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { startMockRealtimeServer } from '../support/mock-realtime-server';
import { assistantMessageEvents, startMockResponsesServer, type ScriptedReply } from '../support/mock-responses-server';
import { jsonLines, runHeadlessProcess } from '../support/run-headless-process';

const KEY_ENV = { OPENAI_API_KEY: 'sk-headless-test' };
const MAIN = fileURLToPath(new URL('../../src-main/headless/main.ts', import.meta.url));
const CLEAR_LINE = '\r\u001b[2K';

/** An environment in which no sound server can be found, so live audio cannot start. */
function noSoundServerEnv(): Record<string, string> {
  const runtimeDir = mkdtempSync(join(tmpdir(), 'parley-no-audio-'));
  return { ...KEY_ENV, XDG_RUNTIME_DIR: runtimeDir, PULSE_SERVER: `unix:${join(runtimeDir, 'no-such-socket')}` };
}

/** A v1 session that hands the typed question to the agent once the text arrives. */
async function handoffServer() {
  return startMockRealtimeServer([
    {
      batches: [
        [{ type: 'session.updated', session: { id: 'sess_readable' } }],
        [
          { type: 'conversation.input_transcript.delta', delta: 'summarize the report' },
          { type: 'conversation.handoff.requested', handoff_id: 'h1', item_id: 'i1', input_transcript: 'summarize the report' },
        ],
      ],
    },
  ]);
}

async function startMocks(t: { after(fn: () => Promise<void>): void }, reply: ScriptedReply) {
  const agent = await startMockResponsesServer([reply]);
  const realtime = await handoffServer();
  t.after(async () => {
    await realtime.close();
    await agent.close();
  });
  return { agent, realtime, base: ['--protocol', 'v1', '--realtime-url', realtime.url, '--agent-url', agent.baseUrl, '--text', 'summarize the report'] };
}

test('--text without any audio device goes on text-only after exactly one notice', async (t) => {
  const realtime = await startMockRealtimeServer([{ batches: [[{ type: 'session.updated', session: { id: 'sess_text_only' } }]] }]);
  t.after(() => realtime.close());
  const { code, stdout, stderr } = await runHeadlessProcess(
    ['--protocol', 'v1', '--realtime-url', realtime.url, '--agent', 'none', '--input-device', 'default', '--output-device', 'default', '--text', 'hello without audio', '--exit-after-idle-ms', '400'],
    noSoundServerEnv(),
  ).done;
  assert.equal(code, 0, stderr);
  const notices = stderr.split('\n').filter((line) => line !== '' && line !== 'parley: connected');
  assert.equal(notices.length, 1, `one notice, got:\n${stderr}`);
  assert.match(notices[0]!, /^parley: live audio is off \(.+\); going on with typed text only \(.*--input-device\/--output-device.*--input-wav\/--output-wav\)$/);
  assert.match(stdout, /^you \(typed\): hello without audio$/m);
  const sent = (realtime.connections[0]!.frames as any[]).find((frame) => frame.type === 'conversation.item.create');
  assert.equal(sent.item.content[0].text, 'hello without audio');
  assert.ok(!(realtime.connections[0]!.frames as any[]).some((frame) => frame.type === 'input_audio_buffer.append'), 'no microphone audio was sent');
});

test('without --text, missing audio devices still fail with one line saying how to run', async () => {
  const { code, stderr } = await runHeadlessProcess(
    ['--protocol', 'v1', '--realtime-url', 'http://127.0.0.1:9', '--agent', 'none', '--input-device', 'default', '--output-device', 'default'],
    noSoundServerEnv(),
  ).done;
  assert.equal(code, 1);
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^parley: live audio is unavailable \(.+\); .*--input-wav\/--output-wav, give --text/);
});

test('an agent failure is printed once, with its reason', async (t) => {
  // 400: a failure the backend does not retry (429 and 5xx are retried; see test/adapters/agent).
  const { base } = await startMocks(t, { kind: 'http_error', status: 400, body: { error: { message: 'the model is overloaded' } } });
  const { code, stdout, stderr } = await runHeadlessProcess([...base, '--exit-after-idle-ms', '600'], KEY_ENV).done;
  assert.equal(code, 0, stderr);
  const everything = (stdout + stderr).split('\n');
  const failureLines = everything.filter((line) => /fail|overloaded/i.test(line));
  assert.equal(failureLines.length, 1, `one failure line, got:\n${stdout}${stderr}`);
  assert.match(failureLines[0]!, /^← agent failed \[h1\]: .*(400|overloaded)/);
});

test('a multi-line agent answer is indented under its label', async (t) => {
  const answer = 'Three findings:\n- revenue is up\n- costs are flat\n\nDetails follow in the report.';
  const { base } = await startMocks(t, { kind: 'sse', events: assistantMessageEvents('r1', 'm1', answer) });
  const { code, stdout, stderr } = await runHeadlessProcess([...base, '--exit-after-idle-ms', '600'], KEY_ENV).done;
  assert.equal(code, 0, stderr);
  assert.ok(
    stdout.includes('← agent [h1]:\n    Three findings:\n    - revenue is up\n    - costs are flat\n\n    Details follow in the report.\n'),
    `answer indented under its label:\n${stdout}`,
  );
});

const scriptUnavailable = spawnSync('script', ['--version']).status === 0 ? undefined : 'util-linux script (a pseudo-terminal) is not installed';

/** Runs the headless command with stdout (and stderr) on a pseudo-terminal; answers everything it printed. */
function runOnTerminal(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<{ code: number | null; output: string }> {
  const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
  const command = [process.execPath, '--import', 'tsx', MAIN, ...args, '--input-device', 'none', '--output-device', 'none'].map(quote).join(' ');
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], SHELL: '/bin/sh', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output: output.replaceAll('\r\n', '\n') });
    });
  });
}

/** An agent turn that takes about `totalMs` from its request to its answer. */
function slowAnswer(totalMs: number): ScriptedReply {
  const events = assistantMessageEvents('r1', 'm1', 'The report is fine.');
  return { kind: 'sse', events, delayMsBetweenEvents: Math.ceil(totalMs / (events.length - 1)) };
}

test('on a terminal a progress line counts the seconds in place while the agent works, and is cleared for the answer', { skip: scriptUnavailable, timeout: 40_000 }, async (t) => {
  const { base } = await startMocks(t, slowAnswer(3_600));
  const { code, output } = await runOnTerminal([...base, '--exit-after-idle-ms', '600'], KEY_ENV);
  assert.equal(code, 0, output);
  // The count follows the clock, so on a loaded machine a redraw may skip a second; it must start
  // at 0, only ever go up, and reach the agent's time.
  const counts = output
    .split(CLEAR_LINE)
    .slice(1)
    .map((redrawn) => /^agent working… (\d+) s/.exec(redrawn)?.[1])
    .filter((count) => count !== undefined)
    .map(Number);
  assert.equal(counts[0], 0, `progress starts at 0 s, redrawn in place:\n${JSON.stringify(output)}`);
  assert.ok(counts.length >= 2 && counts.every((count, index) => index === 0 || count >= counts[index - 1]!), `progress counts up in place: ${counts.join(', ')}`);
  assert.ok(counts.at(-1)! >= 2, `progress reaches the agent's 3 s: ${counts.join(', ')}`);
  const answerAt = output.indexOf('← agent [h1]: The report is fine.\n');
  assert.ok(answerAt > 0, output);
  assert.ok(output.slice(0, answerAt).endsWith(CLEAR_LINE), `the progress line is cleared before the answer:\n${JSON.stringify(output)}`);
  assert.ok(!output.slice(answerAt).includes('agent working'), 'no progress after the answer');
  assert.ok(!/agent working… \d+ s\n/.test(output), 'progress never leaves a line of its own on a terminal');
});

test('with --events jsonl the terminal gets JSON lines only, no progress', { skip: scriptUnavailable, timeout: 40_000 }, async (t) => {
  const { base } = await startMocks(t, slowAnswer(1_500));
  const { code, output } = await runOnTerminal([...base, '--events', 'jsonl', '--exit-after-idle-ms', '600'], KEY_ENV);
  assert.equal(code, 0, output);
  assert.ok(!output.includes('agent working'), output);
  const events = jsonLines(output);
  assert.ok(events.some((event) => event.type === 'handoff.answered'), 'the answer arrived');
});
