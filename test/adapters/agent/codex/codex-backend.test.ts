/**
 * The codex backend against the REAL Codex binary (@openai/codex, pinned devDependency), its
 * model provider pointed at a mock Responses API on loopback. Skips only where the platform
 * binary is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { AgentError, type AgentActivityEvent, type AgentApprovalRequest, type AgentStreamEvent } from '../../../../src-main/core/agent/agent-backend';
import { CODEX_STOPPED_BY_DENIAL_TEXT, CodexBackend, type CodexBackendOptions } from '../../../../src-main/adapters/agent/codex/codex-backend';
import { CODEX_INSTALL_HINT } from '../../../../src-main/adapters/agent/codex/codex-app-server-process';
import { findCodexBinary } from '../../../support/codex-binary';
import { startCodexMockProvider, type CodexMockProvider, type CodexMockReply } from '../../../support/codex-mock-provider';
import { startLeakCheck } from '../../../support/leak-check';
import { tempDir } from '../../../support/temp-dir';
import { agentFailure, collect } from '../../../support/agent-stream';
import { allProcesses, isGone } from '../process-table';

const binary = findCodexBinary();
const skip = binary.path === undefined ? `the Codex platform binary is missing: ${binary.reason}` : false;
/** Codex starts in about 0.2 s here; the bound leaves room for a loaded machine. */
const TEST_TIMEOUT_MS = 60_000;
const WAIT_MS = 20_000;

interface Rig {
  readonly backend: CodexBackend;
  readonly provider: CodexMockProvider;
  readonly cwd: string;
  readonly activity: AgentActivityEvent[];
}

async function startRig(t: TestContext, replies: CodexMockReply[], options: Partial<CodexBackendOptions> = {}): Promise<Rig> {
  const provider = await startCodexMockProvider(replies);
  // Made here, not with tempDir: they must go after the app server has stopped writing to them.
  const cwd = mkdtempSync(join(tmpdir(), 'parley-codex-cwd-'));
  const home = mkdtempSync(join(tmpdir(), 'parley-codex-home-'));
  const backend = new CodexBackend({
    program: binary.path!,
    cwd,
    // A throwaway home: no user config, auth or history leaks in; threads are kept here.
    env: { CODEX_HOME: home },
    config: provider.configOverrides(),
    sandbox: 'workspace-write',
    ...options,
  });
  const activity: AgentActivityEvent[] = [];
  backend.onActivity((event) => activity.push(event));
  t.after(async () => {
    await backend.dispose();
    await provider.close();
    rmSync(cwd, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });
  return { backend, provider, cwd, activity };
}

function request(text: string, signal = new AbortController().signal) {
  return { turnInputs: [text], newInputs: [text], signal };
}

function completedText(events: readonly AgentStreamEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'message.completed' ? [event.text] : []));
}

function notices(events: readonly AgentStreamEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'notice' ? [event.text] : []));
}

async function nextApproval(rig: Rig, timeoutMs: number) {
  const [approval] = await approvalsRequested(rig, 1, timeoutMs);
  return approval!;
}

async function approvalsRequested(rig: Rig, count: number, timeoutMs: number): Promise<AgentApprovalRequest[]> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = rig.activity.flatMap((event) => (event.type === 'approval.requested' ? [event.approval] : []));
    if (found.length >= count) return found;
    if (performance.now() > deadline) assert.fail(`${count} approvals were not requested (got ${found.length})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every approval.resolved so far, as `id decision decidedBy`; fails if one was resolved twice. */
function resolutions(rig: Rig): string[] {
  const lines = rig.activity.flatMap((event) => (event.type === 'approval.resolved' ? [`${event.id} ${event.decision} ${event.decidedBy}`] : []));
  const ids = lines.map((line) => line.split(' ')[0]);
  assert.equal(new Set(ids).size, ids.length, `resolved more than once: ${JSON.stringify(lines)}`);
  return lines;
}

async function resolvedWithin(rig: Rig, count: number, timeoutMs: number): Promise<string[]> {
  const deadline = performance.now() + timeoutMs;
  while (resolutions(rig).length < count) {
    if (performance.now() > deadline) assert.fail(`${count} approvals were not resolved: ${JSON.stringify(resolutions(rig))}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return resolutions(rig);
}

function releasable(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('codex backend with the real codex app-server', { skip, timeout: TEST_TIMEOUT_MS * 8 }, () => {
  test('a second handoff continues the same Codex thread: the model sees the first exchange', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [
      { kind: 'message', text: 'Noted: the password hint is banana.' },
      { kind: 'message', text: 'You told me banana.' },
    ]);
    const started = performance.now();
    const first = await collect(rig.backend.runRequest(request('Remember the word banana.')));
    t.diagnostic(`first request (app server start, initialize, thread, turn) took ${Math.round(performance.now() - started)} ms`);
    const firstThread = rig.backend.threadId;
    const second = await collect(rig.backend.runRequest(request('Which word did I ask you to remember?')));

    assert.deepEqual(completedText(first), ['Noted: the password hint is banana.']);
    assert.deepEqual(completedText(second), ['You told me banana.']);
    assert.ok(first.some((event) => event.type === 'text.delta'), 'the answer streams as deltas');
    assert.equal(rig.backend.threadId, firstThread);
    const [one, two] = rig.provider.requests;
    assert.equal(two!.threadId, one!.threadId, 'both model requests belong to one thread');
    assert.notEqual(two!.turnId, one!.turnId, 'each handoff is its own turn');
    assert.ok(two!.userTexts.includes('Remember the word banana.'), 'the first input is in the second request');
    assert.ok(two!.assistantTexts.includes('Noted: the password hint is banana.'), 'the first answer is in the second request');
  });

  test('a steer while the model works joins the running turn: one turn, both inputs reach the model', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const hold = releasable();
    const rig = await startRig(t, [
      { kind: 'held', release: hold.promise, text: 'Starting on the tests.' },
      { kind: 'message', text: 'Done: tests written, and the README too.' },
    ]);
    const running = collect(rig.backend.runRequest(request('Write the tests.')));
    await rig.provider.waitForRequests(1, WAIT_MS);
    assert.equal(await rig.backend.steer('Also update the README.'), true);
    hold.release();
    const events = await running;

    assert.deepEqual(completedText(events), ['Done: tests written, and the README too.']);
    assert.equal(rig.provider.requests.length, 2);
    const [one, two] = rig.provider.requests;
    assert.equal(two!.turnId, one!.turnId, 'the steered input did not start a second turn');
    assert.ok(two!.userTexts.includes('Write the tests.') && two!.userTexts.includes('Also update the README.'), `inputs seen: ${JSON.stringify(two!.userTexts.slice(-3))}`);
    assert.equal(await rig.backend.steer('too late'), false, 'nothing runs any more');
  });

  test('cancel interrupts the turn: the request ends with an abort and Codex closes the held stream', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [
      { kind: 'held', release: new Promise(() => {}), text: 'never sent' },
      { kind: 'message', text: 'Fresh start after the cancel.' },
    ]);
    const controller = new AbortController();
    const running = collect(rig.backend.runRequest(request('Refactor everything.', controller.signal)));
    await rig.provider.waitForRequests(1, WAIT_MS);
    const cancelled = performance.now();
    controller.abort();
    await assert.rejects(running, (error: Error) => error.name === 'AbortError');
    await rig.provider.waitForHeldClose(WAIT_MS);
    t.diagnostic(`abort to held stream closed: ${Math.round(performance.now() - cancelled)} ms`);
    // The thread is usable right after.
    const after = await collect(rig.backend.runRequest(request('Never mind, say hi.')));
    assert.deepEqual(completedText(after), ['Fresh start after the cancel.']);
  });

  test('an approved command runs: the request shows the exact command, and the answer comes back', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [
      { kind: 'exec', command: 'touch approved.txt', justification: 'Create the marker file?' },
      { kind: 'message', text: 'Created approved.txt.' },
    ]);
    const running = collect(rig.backend.runRequest(request('Create the marker file.')));
    const approval = await nextApproval(rig, WAIT_MS);
    assert.equal(approval.kind, 'command');
    assert.equal(approval.subject, 'touch approved.txt');
    assert.equal(approval.reason, 'Create the marker file?');
    assert.equal(approval.readOnly, false);
    const requested = rig.activity.find((event) => event.type === 'approval.requested');
    assert.equal(requested?.type === 'approval.requested' && requested.timeoutMs, 60_000, 'the card can count down the default timeout');
    assert.equal(rig.backend.answerApproval(approval.id, 'allow', 'voice'), true);
    assert.equal(rig.backend.answerApproval(approval.id, 'deny', 'click'), false, 'answered once');
    const events = await running;
    assert.deepEqual(resolutions(rig), [`${approval.id} allow voice`]);

    assert.deepEqual(completedText(events), ['Created approved.txt.']);
    assert.ok(existsSync(join(rig.cwd, 'approved.txt')), 'the approved command ran');
    const steps = rig.activity.flatMap((event) => (event.type === 'progress' ? [event.step] : []));
    assert.ok(steps.some((step) => step.kind === 'command' && step.status === 'started' && step.title === 'Running touch approved.txt'), JSON.stringify(steps));
    assert.ok(steps.some((step) => step.kind === 'command' && step.status === 'completed' && step.title === 'Ran touch approved.txt'), JSON.stringify(steps));
    assert.ok(steps.some((step) => step.kind === 'message' && step.title === 'Created approved.txt.'));
    assert.match(rig.provider.requests[1]!.functionOutputs[0] ?? '', /exited with code 0/);
  });

  test('a denied command does not run', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [
      { kind: 'exec', command: 'touch denied.txt', justification: 'Create the marker file?' },
      { kind: 'message', text: 'I did not create it.' },
    ]);
    const running = rig.backend.runRequest(request('Create the marker file.'));
    const settled = collect(running).then(
      (events) => ({ events, error: undefined }),
      (error: unknown) => ({ events: [], error }),
    );
    const approval = await nextApproval(rig, WAIT_MS);
    assert.equal(rig.backend.answerApproval(approval.id, 'deny', 'click'), true);
    const outcome = await settled;
    assert.deepEqual(resolutions(rig), [`${approval.id} deny click`]);

    assert.equal(existsSync(join(rig.cwd, 'denied.txt')), false, 'the denied command did not run');
    const steps = rig.activity.flatMap((event) => (event.type === 'progress' ? [event.step] : []));
    assert.ok(steps.some((step) => step.id === approval.id && step.status === 'failed' && step.title === 'Denied (by click): touch denied.txt'));
    // Codex 0.171 offers no "decline" for escalations, so a denial is "cancel": the turn ends.
    t.diagnostic(`after the denial: ${outcome.error ? String(outcome.error) : JSON.stringify(completedText(outcome.events))}`);
    // The user's decision is the answer, not a failure of the agent.
    assert.equal(outcome.error, undefined, String(outcome.error));
    assert.deepEqual(completedText(outcome.events), [CODEX_STOPPED_BY_DENIAL_TEXT]);
    assert.equal(rig.provider.requests.length, 1, 'the turn ended with the denial');
  });

  test('an unanswered approval is denied after the timeout, resolved as "timeout"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [{ kind: 'exec', command: 'touch late.txt', justification: 'Create it?' }], { approvalTimeoutMs: 300 });
    const settled = collect(rig.backend.runRequest(request('Create the file.'))).catch((error: unknown) => error);
    const approval = await nextApproval(rig, WAIT_MS);
    const requested = rig.activity.find((event) => event.type === 'approval.requested');
    assert.equal(requested?.type === 'approval.requested' && requested.timeoutMs, 300);
    await settled;
    assert.equal(existsSync(join(rig.cwd, 'late.txt')), false);
    assert.equal(rig.backend.answerApproval(approval.id, 'allow', 'voice'), false, 'too late to answer');
    assert.deepEqual(resolutions(rig), [`${approval.id} deny timeout`]);
    const steps = rig.activity.flatMap((event) => (event.type === 'progress' ? [event.step] : []));
    assert.ok(steps.some((step) => step.id === approval.id && step.title.startsWith('Denied (no answer in time)')));
  });

  test('a request Codex drops when its turn ends is resolved as withdrawn: a parallel request denied ends the turn', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [
      { kind: 'exec', command: 'touch first.txt', justification: 'First?', alongside: [{ command: 'touch second.txt', justification: 'Second?' }] },
    ]);
    const settled = collect(rig.backend.runRequest(request('Create both files.'))).catch((error: unknown) => error);
    // Codex asks about both calls at once, in either order.
    const [denied, dropped] = await approvalsRequested(rig, 2, WAIT_MS);
    assert.equal(rig.backend.answerApproval(denied!.id, 'deny', 'click'), true);
    const events = await settled;
    assert.deepEqual(completedText(events as AgentStreamEvent[]), [CODEX_STOPPED_BY_DENIAL_TEXT], 'the denial ended the turn, as its answer');
    const resolved = await resolvedWithin(rig, 2, WAIT_MS);
    assert.deepEqual(resolved, [`${denied!.id} deny click`, `${dropped!.id} deny withdrawn`]);
    assert.equal(rig.backend.answerApproval(dropped!.id, 'allow', 'voice'), false, 'a withdrawn request cannot be answered');
    const steps = rig.activity.flatMap((event) => (event.type === 'progress' ? [event.step] : []));
    assert.ok(steps.some((step) => step.id === dropped!.id && step.title.startsWith('No longer needed: ')));
    assert.equal(existsSync(join(rig.cwd, 'first.txt')) || existsSync(join(rig.cwd, 'second.txt')), false, 'neither command ran');
  });

  test('cancelling the request while Codex waits for an answer ends the request: resolved as "ended", nothing runs', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [
      { kind: 'exec', command: 'touch cancelled.txt', justification: 'Create it?' },
      { kind: 'message', text: 'Fresh start after the cancel.' },
    ]);
    const controller = new AbortController();
    const running = collect(rig.backend.runRequest(request('Create the file.', controller.signal)));
    const approval = await nextApproval(rig, WAIT_MS);
    controller.abort();
    await assert.rejects(running, (error: Error) => error.name === 'AbortError');
    assert.deepEqual(resolutions(rig), [`${approval.id} deny ended`], 'resolved at once, before Codex withdraws it');
    assert.equal(rig.backend.answerApproval(approval.id, 'allow', 'voice'), false);
    assert.deepEqual(rig.backend.pendingApprovals, []);
    const after = await collect(rig.backend.runRequest(request('Never mind, say hi.')));
    assert.deepEqual(completedText(after), ['Fresh start after the cancel.']);
    assert.equal(existsSync(join(rig.cwd, 'cancelled.txt')), false);
    assert.deepEqual(resolutions(rig), [`${approval.id} deny ended`], 'still once, whatever Codex said after');
  });

  test('dispose while Codex waits for an answer resolves the request as "ended"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [{ kind: 'exec', command: 'touch disposed.txt', justification: 'Create it?' }]);
    const settled = collect(rig.backend.runRequest(request('Create the file.'))).catch((error: unknown) => error);
    const approval = await nextApproval(rig, WAIT_MS);
    await rig.backend.dispose();
    const error = await settled;
    assert.ok(error instanceof AgentError && error.message === 'the agent was stopped', String(error));
    assert.deepEqual(resolutions(rig), [`${approval.id} deny ended`]);
    const steps = rig.activity.flatMap((event) => (event.type === 'progress' ? [event.step] : []));
    assert.ok(steps.some((step) => step.id === approval.id && step.title === 'Denied (Parley is shutting down): touch disposed.txt'));
    assert.equal(existsSync(join(rig.cwd, 'disposed.txt')), false);
  });

  test('the app server dying while it waits for an answer resolves the request as "ended"', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [{ kind: 'exec', command: 'touch died.txt', justification: 'Create it?' }]);
    const settled = collect(rig.backend.runRequest(request('Create the file.'))).catch((error: unknown) => error);
    const approval = await nextApproval(rig, WAIT_MS);
    process.kill(rig.backend.appServerPid!, 'SIGKILL');
    const error = await settled;
    assert.ok(error instanceof AgentError && /Codex stopped unexpectedly/.test(error.message), String(error));
    assert.deepEqual(resolutions(rig), [`${approval.id} deny ended`]);
    assert.equal(rig.backend.answerApproval(approval.id, 'allow', 'click'), false);
  });

  test('the app server killed mid-turn: the request fails with a notice, the next one restarts it and resumes the thread', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [
      { kind: 'message', text: 'Noted: banana.' },
      { kind: 'held', release: new Promise(() => {}), text: 'never sent' },
      { kind: 'message', text: 'Back again; it was banana.' },
    ]);
    await collect(rig.backend.runRequest(request('Remember banana.')));
    const thread = rig.backend.threadId;
    const firstPid = rig.backend.appServerPid!;

    const events: AgentStreamEvent[] = [];
    const failing = (async () => {
      for await (const event of rig.backend.runRequest(request('Now work for a long time.'))) events.push(event);
    })();
    const failed = failing.then(
      () => assert.fail('the request should fail'),
      (error: unknown) => error,
    );
    await rig.provider.waitForRequests(2, WAIT_MS);
    process.kill(firstPid, 'SIGKILL');
    const error = await failed;
    assert.ok(error instanceof AgentError, String(error));
    assert.match(error.message, /Codex stopped unexpectedly/);
    assert.match(notices(events).join('\n'), /stopped unexpectedly \(it was stopped by SIGKILL\)/);

    const restarted = performance.now();
    const after = await collect(rig.backend.runRequest(request('Which word?')));
    t.diagnostic(`restart and resume took ${Math.round(performance.now() - restarted)} ms`);
    assert.deepEqual(notices(after), ['Codex was restarted; the conversation continues.']);
    assert.deepEqual(completedText(after), ['Back again; it was banana.']);
    assert.notEqual(rig.backend.appServerPid, firstPid);
    assert.equal(rig.backend.threadId, thread);
    const last = rig.provider.requests.at(-1)!;
    assert.equal(last.threadId, thread);
    assert.ok(last.assistantTexts.includes('Noted: banana.'), 'the resumed thread carries the first exchange');
  });

  test('a Codex that refuses its configuration fails with its own reason', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const rig = await startRig(t, [], { config: ['approval_policy="untrusted"'] });
    const error = await agentFailure(rig.backend.runRequest(request('Hello?')));
    assert.equal(error.code, 'agent_command_failed');
    assert.match(error.message, /^Codex could not start: it exited with code 1: Error: approval_policy = "untrusted" is no longer supported/);
  });

  test('dispose stops the app server and everything in its process group, leaving no handles', { timeout: TEST_TIMEOUT_MS }, async (t) => {
    const leaks = startLeakCheck();
    const provider = await startCodexMockProvider([{ kind: 'message', text: 'Hi.' }]);
    const home = mkdtempSync(join(tmpdir(), 'parley-codex-home-'));
    t.after(() => rmSync(home, { recursive: true, force: true }));
    const backend = new CodexBackend({
      program: binary.path!,
      cwd: tempDir('parley-codex-cwd-'),
      env: { CODEX_HOME: home },
      config: provider.configOverrides(),
    });
    await collect(backend.runRequest(request('Say hi.')));
    const pid = backend.appServerPid!;
    assert.ok(allProcesses().some((entry) => entry.pid === pid));
    const stopping = performance.now();
    await backend.dispose();
    t.diagnostic(`dispose took ${Math.round(performance.now() - stopping)} ms`);
    await provider.close();
    assert.ok(isGone(pid), 'the app server is gone');
    // A zombie is already dead (its new parent reaps it); anything else would be a leftover.
    const left = allProcesses().filter((entry) => entry.group === pid && entry.state !== 'Z');
    assert.deepEqual(left.map((entry) => entry.pid), [], 'nothing is left running in its group');
    await leaks.assertNothingLeft(3_000);
    await assert.rejects(collect(backend.runRequest(request('again'))), /shut down/);
  });
});

test('a missing Codex program fails with how to install it', { timeout: TEST_TIMEOUT_MS }, async () => {
  const backend = new CodexBackend({ program: join(tempDir('parley-codex-none-'), 'codex'), cwd: tempDir('parley-codex-cwd-') });
  const error = await agentFailure(backend.runRequest(request('Hello?')));
  await backend.dispose();
  assert.equal(error.code, 'agent_misconfigured');
  assert.equal(error.message, CODEX_INSTALL_HINT);
});
