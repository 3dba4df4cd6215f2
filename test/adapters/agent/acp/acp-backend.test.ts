import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import type { AgentActivityEvent, AgentProgressStep, AgentStreamEvent } from '../../../../src-main/core/agent/agent-backend';
import { ACP_RESTART_NOTICE, createAcpBackend, type AcpBackend, type AcpBackendOptions } from '../../../../src-main/adapters/agent/acp/acp-backend';
import { agentFailure, collect } from '../../../support/agent-stream';
import { scriptedAgentCommand } from '../../../support/acp-scripted-command';
import { startLeakCheck } from '../../../support/leak-check';
import { tempDir } from '../../../support/temp-dir';
import { WATCHDOG_MARKER } from '../../../../src-main/adapters/agent/process-group-watchdog';
import { allProcesses, commandLineOf, isGone } from '../process-table';

/** Generous for a loaded 2-core machine; a scripted prompt takes tens of milliseconds. */
const TEST_TIMEOUT_MS = 20_000;

function backendFor(t: TestContext, options: Partial<AcpBackendOptions> = {}): AcpBackend {
  const backend = createAcpBackend({ command: scriptedAgentCommand(), cwd: tempDir('parley-acp-'), ...options });
  t.after(() => backend.dispose());
  return backend;
}

function request(inputs: string[], signal = new AbortController().signal) {
  return { turnInputs: inputs, newInputs: inputs, signal };
}

function answerOf(events: AgentStreamEvent[]): string | undefined {
  const completed = events.filter((event) => event.type === 'message.completed');
  assert.ok(completed.length <= 1, 'one completed message per request');
  return completed[0]?.text;
}

function recordActivity(backend: AcpBackend): AgentActivityEvent[] {
  const events: AgentActivityEvent[] = [];
  backend.onActivity((event) => events.push(event));
  return events;
}

/** Every approval.resolved so far, as `id decision decidedBy`; fails if one was resolved twice. */
function resolutions(activity: readonly AgentActivityEvent[]): string[] {
  const lines = activity.flatMap((event) => (event.type === 'approval.resolved' ? [`${event.id} ${event.decision} ${event.decidedBy}`] : []));
  const ids = lines.map((line) => line.split(' ')[0]);
  assert.equal(new Set(ids).size, ids.length, `resolved more than once: ${JSON.stringify(lines)}`);
  return lines;
}

function requestedIds(activity: readonly AgentActivityEvent[]): string[] {
  return activity.flatMap((event) => (event.type === 'approval.requested' ? [event.approval.id] : []));
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ACP backend against the scripted ACP agent', { timeout: 120_000 }, () => {
  test('streams the answer as deltas and completes it once; a second request continues the same session', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const first = await collect(backend.runRequest(request(['hello there'])));
    const pid = backend.agentPid;
    const deltas = first.filter((event) => event.type === 'text.delta').map((event) => (event.type === 'text.delta' ? event.delta : ''));
    assert.deepEqual(deltas, ['You ', 'said: ', 'hello there', ' (prompt 1)']);
    assert.equal(answerOf(first), 'You said: hello there (prompt 1)');

    const second = await collect(backend.runRequest(request(['again'])));
    assert.equal(answerOf(second), 'You said: again (prompt 2)');
    assert.equal(backend.agentPid, pid, 'one agent process for the session');
  });

  test('sends only the new inputs of a steered request, joined by a blank line', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    await collect(backend.runRequest(request(['first'])));
    const events = await collect(backend.runRequest({ turnInputs: ['first', 'second', 'third'], newInputs: ['second', 'third'], signal: new AbortController().signal }));
    assert.equal(answerOf(events), 'You said: second\n\nthird (prompt 2)');
  });

  test('reports plan, thought, command and file-change steps as they happen', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const activity = recordActivity(backend);
    const events = await collect(backend.runRequest(request(['work'])));
    assert.equal(answerOf(events), 'done');

    const steps = activity.map((event) => (event.type === 'progress' ? event.step : undefined)).filter((step): step is AgentProgressStep => step !== undefined);
    const summary = steps.map((step) => `${step.kind}:${step.status}:${step.title}`);
    assert.deepEqual(summary, [
      'plan:started:Plan: 0 of 2 done, now Look around',
      'reasoning:started:Thinking',
      'reasoning:completed:I should run the tests first.',
      'command:started:Run npm test',
      'command:started:Run npm test',
      'command:completed:Run npm test',
      'file_change:completed:Edit src/app.ts',
      'plan:completed:Plan: 2 of 2 done',
    ]);
    const command = steps.filter((step) => step.kind === 'command');
    assert.ok(command.every((step) => step.id === command[0]!.id), 'updates of one tool call keep its id');
    assert.equal(command.at(-1)!.detail, '3 passing');
    assert.equal(steps.find((step) => step.kind === 'file_change')!.detail, '/w/src/app.ts (+2 −1)');
  });

  test('a permission request is shown with its command and allowed once when answered allow by voice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    // Answered from inside the first listener: the one after it still sees the request first.
    backend.onActivity((event) => {
      if (event.type !== 'approval.requested') return;
      assert.equal(backend.answerApproval(event.approval.id, 'allow', 'voice'), true);
    });
    const activity = recordActivity(backend);
    const events = await collect(backend.runRequest(request(['ask execute'])));
    assert.deepEqual(
      activity.filter((event) => event.type !== 'progress').map((event) => event.type),
      ['approval.requested', 'approval.resolved'],
    );
    assert.equal(answerOf(events), 'permission: allow-once', 'a spoken yes never grants "always"');
    const asked = activity.filter((event) => event.type === 'approval.requested');
    assert.equal(asked.length, 1);
    const approval = asked[0]!.type === 'approval.requested' ? asked[0]!.approval : undefined;
    assert.equal(asked[0]!.type === 'approval.requested' && asked[0]!.timeoutMs, 60_000, 'the default timeout, for the card to count down');
    assert.deepEqual({ ...approval, id: undefined }, { id: undefined, kind: 'command', subject: 'rm -rf build', reason: 'Scripted execute', readOnly: false });
    assert.equal(backend.answerApproval(approval!.id, 'deny', 'click'), false, 'an answered request cannot be answered again');
    assert.deepEqual(resolutions(activity), [`${approval!.id} allow voice`]);
  });

  test('a permission answered deny by click rejects once', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const activity = recordActivity(backend);
    backend.onActivity((event) => {
      if (event.type === 'approval.requested') backend.answerApproval(event.approval.id, 'deny', 'click');
    });
    const events = await collect(backend.runRequest(request(['ask edit'])));
    assert.equal(answerOf(events), 'permission: reject-once');
    assert.deepEqual(resolutions(activity), requestedIds(activity).map((id) => `${id} deny click`));
    assert.equal(requestedIds(activity).length, 1);
  });

  test('an unanswered permission is denied when the timeout passes, resolved as "timeout"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t, { approvalTimeoutMs: 150 });
    const activity = recordActivity(backend);
    const started = performance.now();
    const events = await collect(backend.runRequest(request(['ask execute'])));
    assert.equal(answerOf(events), 'permission: reject-once');
    const asked = activity.filter((event) => event.type === 'approval.requested');
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.type === 'approval.requested' && asked[0]!.timeoutMs, 150);
    assert.ok(performance.now() - started >= 150, 'it waited for the timeout');
    assert.deepEqual(resolutions(activity), requestedIds(activity).map((id) => `${id} deny timeout`));
  });

  test('a request the agent withdraws is resolved as "withdrawn" and can no longer be answered', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const activity = recordActivity(backend);
    const events = await collect(backend.runRequest(request(['ask-withdraw'])));
    assert.equal(answerOf(events), 'permission: cancelled', 'the client answered the withdrawn request "cancelled"');
    const [id] = requestedIds(activity);
    assert.deepEqual(resolutions(activity), [`${id} deny withdrawn`]);
    assert.equal(backend.answerApproval(id!, 'allow', 'voice'), false);
  });

  test('cancelling the request while a permission waits resolves it as "ended"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const activity = recordActivity(backend);
    const controller = new AbortController();
    const running = collect(backend.runRequest(request(['ask execute'], controller.signal)));
    await waitUntil(() => requestedIds(activity).length === 1);
    controller.abort();
    await assert.rejects(running, (error: Error) => error.name === 'AbortError');
    const [id] = requestedIds(activity);
    assert.deepEqual(resolutions(activity), [`${id} deny ended`]);
    assert.equal(backend.answerApproval(id!, 'allow', 'click'), false);
    assert.equal(answerOf(await collect(backend.runRequest(request(['after'])))), 'You said: after (prompt 2)', 'the session goes on');
  });

  test('interrupt steering while a permission waits resolves it as "ended"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t, { steering: 'interrupt' });
    const activity = recordActivity(backend);
    const running = collect(backend.runRequest(request(['ask execute'])));
    await waitUntil(() => requestedIds(activity).length === 1);
    assert.equal(await backend.steer('do something else'), true);
    await running;
    assert.deepEqual(resolutions(activity), [`${requestedIds(activity)[0]} deny ended`]);
  });

  test('dispose while a permission waits resolves it as "ended"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const activity = recordActivity(backend);
    const running = collect(backend.runRequest(request(['ask execute']))).catch((error: unknown) => error);
    await waitUntil(() => requestedIds(activity).length === 1);
    await backend.dispose();
    const error = await running;
    assert.ok(error instanceof Error && error.message === 'the agent was stopped', String(error));
    assert.deepEqual(resolutions(activity), [`${requestedIds(activity)[0]} deny ended`]);
  });

  test('the agent dying while a permission waits resolves it as "ended"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const activity = recordActivity(backend);
    const error = await agentFailure(backend.runRequest(request(['ask-crash'])));
    assert.match(error.message, /exited with code 3 while working: boom: crashed while asking$/);
    const [id] = requestedIds(activity);
    assert.deepEqual(resolutions(activity), [`${id} deny ended`]);
    assert.equal(backend.answerApproval(id!, 'allow', 'voice'), false);
  });

  test('allow-read-only answers reads itself and still asks before a command', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t, { approvalPolicy: 'allow-read-only', approvalTimeoutMs: 100 });
    const activity = recordActivity(backend);
    assert.equal(answerOf(await collect(backend.runRequest(request(['ask read'])))), 'permission: allow-once');
    assert.equal(activity.filter((event) => event.type === 'approval.requested').length, 0, 'a read is not asked');
    assert.deepEqual(resolutions(activity), [], 'nor resolved');
    assert.equal(answerOf(await collect(backend.runRequest(request(['ask execute'])))), 'permission: reject-once');
    assert.equal(activity.filter((event) => event.type === 'approval.requested').length, 1, 'a command is asked');
    assert.deepEqual(resolutions(activity), requestedIds(activity).map((id) => `${id} deny timeout`));
  });

  test('never-ask allows without asking', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t, { approvalPolicy: 'never-ask' });
    const activity = recordActivity(backend);
    assert.equal(answerOf(await collect(backend.runRequest(request(['ask execute'])))), 'permission: allow-once');
    assert.equal(activity.length, 1, 'only the tool call step');
    assert.equal(activity[0]!.type, 'progress');
  });

  test('abort mid-prompt sends session/cancel: the request ends with the abort, and the session goes on', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const controller = new AbortController();
    const iterator = backend.runRequest(request(['long'], controller.signal))[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value, { type: 'request.sent' }, 'the prompt is on the wire first');
    const first = await iterator.next();
    assert.deepEqual(first.value, { type: 'text.delta', delta: 'working' });
    const pid = backend.agentPid;
    const abortedAt = performance.now();
    controller.abort();
    await assert.rejects(iterator.next(), (error: Error) => error.name === 'AbortError');
    const cancelMs = performance.now() - abortedAt;
    t.diagnostic(`cancel to end of request: ${cancelMs.toFixed(1)} ms`);
    assert.ok(cancelMs < 2_000, `the cancelled prompt ended quickly (${cancelMs.toFixed(0)} ms)`);

    const next = await collect(backend.runRequest(request(['after'])));
    assert.equal(answerOf(next), 'You said: after (prompt 2)', 'the agent ended the prompt itself and kept the session');
    assert.equal(backend.agentPid, pid);
  });

  test('interrupt steering cancels the running prompt and re-prompts with the new input in the same request', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t, { steering: 'interrupt' });
    const iterator = backend.runRequest(request(['long']))[Symbol.asyncIterator]();
    assert.deepEqual((await iterator.next()).value, { type: 'request.sent' });
    assert.deepEqual((await iterator.next()).value, { type: 'text.delta', delta: 'working' });
    assert.equal(await backend.steer('use the other file'), true);
    const rest: AgentStreamEvent[] = [];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    assert.equal(answerOf(rest), 'You said: use the other file (prompt 2)');
  });

  test('default steering answers false: the caller sends the input as the next request', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    const controller = new AbortController();
    const iterator = backend.runRequest(request(['long'], controller.signal))[Symbol.asyncIterator]();
    await iterator.next();
    assert.equal(await backend.steer('later'), false);
    controller.abort();
    await assert.rejects(iterator.next());
  });

  test('file writes and reads inside the working folder work; outside is refused with a clear error', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const folder = tempDir('parley-acp-fs-');
    const backend = backendFor(t, { cwd: folder });
    const activity = recordActivity(backend);
    assert.equal(answerOf(await collect(backend.runRequest(request([`write ${folder}/notes/a.txt hello file`])))), 'wrote');
    assert.equal(answerOf(await collect(backend.runRequest(request([`read ${folder}/notes/a.txt`])))), 'read: hello file');
    assert.ok(activity.some((event) => event.type === 'progress' && event.step.kind === 'file_change' && event.step.title === 'Wrote notes/a.txt'));

    const outside = await collect(backend.runRequest(request([`read ${folder}/../../etc/hostname`])));
    assert.match(answerOf(outside)!, /^read error: .*access denied: .* is outside the working folder /);
    const writeOutside = await collect(backend.runRequest(request(['write /tmp/parley-acp-escape.txt x'])));
    assert.match(answerOf(writeOutside)!, /^write error: .*outside the working folder/);
  });

  test('an agent that dies mid-request fails it with a speakable error; the next request restarts it with a notice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    await collect(backend.runRequest(request(['hello'])));
    const firstPid = backend.agentPid!;
    const error = await agentFailure(backend.runRequest(request(['crash'])));
    assert.equal(error.code, 'agent_command_failed');
    assert.match(error.message, /^the agent `.+` exited with code 3 while working: boom: scripted crash$/);
    await waitUntil(() => isGone(firstPid));

    const events = await collect(backend.runRequest(request(['back'])));
    assert.deepEqual(events[0], { type: 'notice', text: ACP_RESTART_NOTICE });
    assert.equal(answerOf(events), 'You said: back (prompt 1)', 'a new session');
    assert.notEqual(backend.agentPid, firstPid);
  });

  test('a missing program is agent_misconfigured and says how to install it', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t, { command: 'claude-code-acp-not-installed-here' });
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_misconfigured');
    assert.match(error.message, /^the agent program `claude-code-acp-not-installed-here` was not found: install it, or put its full path/);
    const known = await agentFailure(backendFor(t, { command: '/nowhere/claude-code-acp' }).runRequest(request(['q'])));
    assert.match(known.message, /npm install -g @zed-industries\/claude-code-acp/);
  });

  test('a working folder that does not exist is agent_misconfigured', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t, { cwd: '/nonexistent/parley-folder' });
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_misconfigured');
    assert.match(error.message, /working folder \/nonexistent\/parley-folder does not exist/);
  });

  test('dispose stops the agent and its watchdog and leaves no timer or socket', { timeout: TEST_TIMEOUT_MS }, async () => {
    const leaks = startLeakCheck();
    const backend = createAcpBackend({ command: scriptedAgentCommand(), cwd: tempDir('parley-acp-') });
    await collect(backend.runRequest(request(['hello'])));
    const controller = new AbortController();
    const iterator = backend.runRequest(request(['long'], controller.signal))[Symbol.asyncIterator]();
    await iterator.next();
    const pid = backend.agentPid!;
    const watchdogs = allProcesses().filter((entry) => commandLineOf(entry.pid).includes(`${WATCHDOG_MARKER} ${pid} `));
    assert.equal(watchdogs.length, 1, 'the agent runs under a watchdog');
    controller.abort();
    await assert.rejects(iterator.next());
    await backend.dispose();
    assert.ok(isGone(pid), 'the agent process is gone once dispose resolves');
    await waitUntil(() => isGone(watchdogs[0]!.pid));
    await leaks.assertNothingLeft(1_000);
    const error = await agentFailure(backend.runRequest(request(['q'])));
    assert.equal(error.code, 'agent_misconfigured');
  });

  test('reset stops the agent; the next request starts a fresh session without a restart notice', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const backend = backendFor(t);
    await collect(backend.runRequest(request(['one'])));
    const pid = backend.agentPid!;
    backend.reset();
    const events = await collect(backend.runRequest(request(['two'])));
    assert.equal(events.filter((event) => event.type === 'notice').length, 0);
    assert.equal(answerOf(events), 'You said: two (prompt 1)');
    await waitUntil(() => isGone(pid));
  });
});
