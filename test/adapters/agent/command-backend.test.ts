import assert from 'node:assert/strict';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { AgentError, type AgentBackend, type AgentStreamEvent } from '../../../src-main/core/agent/agent-backend';
import { createCommandBackend, type CommandBackendOptions } from '../../../src-main/adapters/agent/command-backend';
import { createNoneBackend } from '../../../src-main/adapters/agent/none-backend';
import { agentFailure, collect } from '../../support/agent-stream';
import { registerSecret } from '../../../src-main/core/util/redact';

/** A command line running `script` with this Node; the script must not contain single quotes. */
function nodeCommand(script: string, ...extraArgs: string[]): string {
  assert.ok(!script.includes("'"), 'test scripts use double quotes only');
  return [`'${process.execPath}'`, '-e', `'${script}'`, ...extraArgs].join(' ');
}

function backendFor(t: TestContext, options: CommandBackendOptions): AgentBackend {
  const backend = createCommandBackend(options);
  t.after(() => backend.dispose());
  return backend;
}

function request(inputs: string[], signal = new AbortController().signal) {
  return { turnInputs: inputs, newInputs: inputs, signal };
}

function deltasOf(events: AgentStreamEvent[]): string {
  return events.map((event) => (event.type === 'text.delta' ? event.delta : '')).join('');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Reads deltas until the child has printed `pid=N;` and returns N. */
async function readPid(iterator: AsyncIterator<AgentStreamEvent>): Promise<number> {
  let text = '';
  for (;;) {
    const next = await iterator.next();
    assert.ok(!next.done, 'the command ended before printing its pid');
    if (next.value.type === 'text.delta') text += next.value.delta;
    const match = /pid=(\d+);/.exec(text);
    if (match) return Number(match[1]);
  }
}

const PRINT_PID_THEN_SLEEP = 'process.stdout.write("pid=" + process.pid + ";"); setTimeout(() => {}, 60000)';

describe('command backend', () => {
  test('writes the turn inputs to stdin joined by a blank line, streams stdout, completes with it trimmed', async (t) => {
    const backend = backendFor(t, { command: nodeCommand('process.stdin.pipe(process.stdout)') });

    const events = await collect(backend.runRequest(request(['  first input', 'second input\n'])));

    assert.equal(deltasOf(events), '  first input\n\nsecond input\n');
    assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'first input\n\nsecond input' });
    assert.equal(events.filter((event) => event.type === 'message.completed').length, 1);
  });

  test('puts the prompt into a {prompt} argument (no shell) and closes stdin', async (t) => {
    const script =
      'let stdin = ""; process.stdin.on("data", (d) => (stdin += d)).on("end", () => ' +
      'process.stdout.write("arg=" + process.argv[1] + " stdin=" + stdin.length))';
    const backend = backendFor(t, { command: nodeCommand(script, '{prompt}'), timeoutMs: 5_000 });

    const events = await collect(backend.runRequest(request(['a $HOME; `x` | y', 'b'])));

    assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'arg=a $HOME; `x` | y\n\nb stdin=0' });
  });

  test('a non-zero exit is agent_command_failed with the code and the last stderr line', async (t) => {
    const script = 'process.stdout.write("partial"); process.stderr.write("warming up\\nboom: bad thing\\n\\n"); process.exit(3)';
    const backend = backendFor(t, { command: nodeCommand(script) });
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_command_failed');
    assert.equal(error.message, 'the agent command exited with code 3: boom: bad thing');
  });

  test('a registered secret on stderr never reaches the error, even where the line is cut', async (t) => {
    // Not shaped like an OpenAI key: only the exact-value rule catches it, so it must run before cutting.
    const secret = 'zqxjCommandSecret-0123456789-ABCDEFGHIJ';
    t.after(registerSecret(secret));
    const script = `process.stderr.write("${'x'.repeat(190)}" + process.env.AGENT_SECRET + " tail\\n"); process.exit(2)`;
    const backend = backendFor(t, { command: nodeCommand(script), env: { AGENT_SECRET: secret } });
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_command_failed');
    assert.ok(!error.message.includes('zqxj'), `no part of the secret may appear: ${error.message}`);
    assert.match(error.message, /^the agent command exited with code 2: x{190}\[redacted\]…$/);
  });

  test('a secret cut in half by the stderr tail limit is not quoted', async (t) => {
    const secret = 'zqxjTailSecret-0123456789-ABCDEFGHIJKL';
    t.after(registerSecret(secret));
    // One 8 KB+ line: the kept tail starts inside the secret, where no rule can recognise it.
    const script = 'process.stderr.write(process.env.AGENT_SECRET + "y".repeat(8180)); process.exit(1)';
    const backend = backendFor(t, { command: nodeCommand(script), env: { AGENT_SECRET: secret } });
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.ok(!error.message.includes(secret.slice(-12)), `no piece of the secret may appear: ${error.message}`);
    assert.equal(error.message, 'the agent command exited with code 1');
  });

  test('a command that does not exist is agent_command_failed naming it', async (t) => {
    const backend = backendFor(t, { command: 'parley-no-such-agent-command --flag' });
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_command_failed');
    assert.equal(error.message, 'the agent command `parley-no-such-agent-command` was not found');
  });

  test('an unreadable command line is agent_misconfigured', async (t) => {
    const error = await agentFailure(backendFor(t, { command: 'agent "unterminated' }).runRequest(request(['q'])));
    assert.equal(error.code, 'agent_misconfigured');
    const empty = await agentFailure(backendFor(t, { command: '   ' }).runRequest(request(['q'])));
    assert.equal(empty.code, 'agent_misconfigured');
  });

  test('a command running past the timeout is killed and fails with agent_timeout', async (t) => {
    // Long enough for Node to start and print its pid on a slow machine.
    const backend = backendFor(t, { command: nodeCommand(PRINT_PID_THEN_SLEEP), timeoutMs: 1_000 });
    const started = Date.now();
    const iterator = backend.runRequest(request(['q']))[Symbol.asyncIterator]();
    const pid = await readPid(iterator);
    await assert.rejects(iterator.next(), (error: unknown) => {
      assert.ok(error instanceof AgentError);
      assert.equal(error.code, 'agent_timeout');
      return true;
    });
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 900 && elapsed < 2_500, `SIGTERM at the timeout should end it at once (took ${elapsed} ms)`);
    assert.equal(isRunning(pid), false, 'the timed-out child must be gone');
  });

  test('aborting kills the child and ends the stream with an abort, not an AgentError', async (t) => {
    const backend = backendFor(t, { command: nodeCommand(PRINT_PID_THEN_SLEEP) });
    const controller = new AbortController();
    const iterator = backend.runRequest(request(['q'], controller.signal))[Symbol.asyncIterator]();
    const pid = await readPid(iterator);
    assert.equal(isRunning(pid), true);

    const pending = iterator.next();
    controller.abort();
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(!(error instanceof AgentError), 'an abort is not an agent failure');
      assert.equal((error as Error).name, 'AbortError');
      return true;
    });
    assert.equal(isRunning(pid), false, 'the aborted child must be gone');
  });

  test('a child that ignores SIGTERM is killed with SIGKILL after the grace period', async (t) => {
    const script = 'process.on("SIGTERM", () => {}); ' + PRINT_PID_THEN_SLEEP;
    const backend = backendFor(t, { command: nodeCommand(script) });
    const controller = new AbortController();
    const iterator = backend.runRequest(request(['q'], controller.signal))[Symbol.asyncIterator]();
    const pid = await readPid(iterator);

    const started = Date.now();
    const pending = iterator.next();
    controller.abort();
    await assert.rejects(pending);
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1_500 && elapsed < 4_000, `SIGKILL should follow after about 2 s (took ${elapsed} ms)`);
    assert.equal(isRunning(pid), false);
  });

  test('leaving the stream early kills the child', async (t) => {
    const backend = backendFor(t, { command: nodeCommand(PRINT_PID_THEN_SLEEP) });
    const iterator = backend.runRequest(request(['q']))[Symbol.asyncIterator]();
    const pid = await readPid(iterator);
    await iterator.return?.();
    await backend.dispose(); // waits for the exit
    assert.equal(isRunning(pid), false);
  });

  test('dispose() kills a running child and resolves once it has exited', async (t) => {
    const backend = backendFor(t, { command: nodeCommand(PRINT_PID_THEN_SLEEP) });
    const iterator = backend.runRequest(request(['q']))[Symbol.asyncIterator]();
    const pid = await readPid(iterator);
    const outcome = iterator.next().then(
      () => 'completed',
      (error: unknown) => (error instanceof AgentError ? error.code : 'other'),
    );

    await backend.dispose();

    assert.equal(isRunning(pid), false);
    assert.equal(await outcome, 'agent_command_failed');
  });

  test('UTF-8 split across stdout chunks is decoded whole', async (t) => {
    const script =
      'process.stdout.write(Buffer.from([0x68, 0xc3])); ' +
      'setTimeout(() => process.stdout.write(Buffer.from([0xa9, 0xf0, 0x9f])), 50); ' +
      'setTimeout(() => process.stdout.write(Buffer.from([0x91, 0x8b])), 100)';
    const backend = backendFor(t, { command: nodeCommand(script) });
    const events = await collect(backend.runRequest(request(['q'])));
    assert.equal(deltasOf(events), 'hé👋');
    assert.ok(!deltasOf(events).includes('\uFFFD'));
    assert.deepEqual(events.at(-1), { type: 'message.completed', text: 'hé👋' });
  });

  test('runs in cwd with the extra environment; empty output completes nothing', async (t) => {
    const directory = realpathSync(mkdtempSync(join(tmpdir(), 'parley-agent-')));
    t.after(() => rmSync(directory, { recursive: true, force: true }));
    const backend = backendFor(t, {
      command: nodeCommand('process.stdout.write(process.cwd() + "|" + process.env.PARLEY_AGENT_TEST)'),
      cwd: directory,
      env: { PARLEY_AGENT_TEST: 'on' },
    });
    const events = await collect(backend.runRequest(request(['q'])));
    assert.deepEqual(events.at(-1), { type: 'message.completed', text: `${directory}|on` });

    const silent = backendFor(t, { command: nodeCommand('process.stdout.write("  \\n")') });
    const silentEvents = await collect(silent.runRequest(request(['q'])));
    assert.equal(silentEvents.filter((event) => event.type === 'message.completed').length, 0);
  });
});

describe('none backend', () => {
  test('does not delegate and fails any request as agent_misconfigured', async () => {
    const backend = createNoneBackend();
    assert.equal(backend.kind, 'none');
    assert.equal(backend.delegates, false);
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_misconfigured');
    assert.equal(error.message, 'no agent backend is configured');
  });
});

test('a runaway command: its answer keeps the first million characters, says how much was left out, and the card is told', async (t) => {
  const backend = backendFor(t, { command: nodeCommand('process.stdout.write("y".repeat(1500000))') });
  const events = await collect(backend.runRequest(request(['print a lot'])));
  const completed = events.find((event) => event.type === 'message.completed');
  assert.ok(completed && completed.type === 'message.completed');
  assert.ok(completed.text.startsWith('y'.repeat(1000)));
  assert.match(completed.text, /\[… the command printed 500,000 more characters, left out\.\]$/);
  assert.ok(deltasOf(events).length <= 1_000_000, 'the streamed deltas stop at the cap too');
  assert.ok(events.some((event) => event.type === 'notice' && /longer than 1,000,000 characters/.test(event.text)));
});
