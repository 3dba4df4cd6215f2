// AgentTurn.steer with a backend that can add input to its running request (Codex's turn/steer):
// taken there, the turn stays one request; declined (or a backend without steer), the input waits
// for the turn's next request, as before. Backends here are scripted in memory: the request ends
// when the test says so, so every ordering is driven, not timed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentBackend, AgentRequest, AgentStreamEvent } from '../../../src-main/core/agent/agent-backend';
import { AgentTurn, type AgentTurnOutcome } from '../../../src-main/core/agent/agent-turn';

interface ScriptedBackend extends AgentBackend {
  readonly requests: AgentRequest[];
  readonly steered: string[];
  /** Ends the running request with this answer. */
  finish(answer: string): void;
  /** Resolves once `count` requests have started. */
  requestStarted(count: number): Promise<void>;
}

/** steer: what steer() answers (a function for a delayed answer), or undefined for a backend without it. */
function scriptedBackend(steer?: (input: string) => Promise<boolean>): ScriptedBackend {
  const requests: AgentRequest[] = [];
  const steered: string[] = [];
  let end: ((answer: string) => void) | undefined;
  const waiters: Array<() => void> = [];
  const backend: ScriptedBackend = {
    kind: 'codex',
    delegates: true,
    requests,
    steered,
    async *runRequest(request): AsyncGenerator<AgentStreamEvent> {
      requests.push(request);
      const answer = new Promise<string>((resolve) => (end = resolve));
      // As real backends do, an aborted request ends (here with what it had).
      request.signal.addEventListener('abort', () => end?.('stopped'), { once: true });
      for (const wake of waiters.splice(0)) wake();
      yield { type: 'text.delta', delta: 'working' };
      yield { type: 'message.completed', text: await answer };
    },
    finish(answer) {
      const current = end;
      end = undefined;
      assert.ok(current, 'a request is running');
      current(answer);
    },
    async requestStarted(count) {
      while (requests.length < count) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    reset() {},
    async dispose() {},
  };
  if (steer) {
    return Object.assign(backend, {
      steer: async (input: string) => {
        steered.push(input);
        return steer(input);
      },
    });
  }
  return backend;
}

function startTurn(backend: AgentBackend, first: string) {
  const messages: string[] = [];
  let outcome: AgentTurnOutcome | undefined;
  const turn = new AgentTurn(backend, first, {
    onTextDelta: () => {},
    onMessageCompleted: (text) => messages.push(text),
    onNotice: () => {},
    onEnd: (ended) => (outcome = ended),
  });
  const done = turn.run();
  return { turn, messages, done, outcome: () => outcome };
}

test('a steer the backend takes joins the running request: one request, one answer, both inputs in the turn', async () => {
  const backend = scriptedBackend(async () => true);
  const run = startTurn(backend, 'fix the tests');
  await backend.requestStarted(1);
  run.turn.steer('and the linter');
  await new Promise((resolve) => setImmediate(resolve));
  backend.finish('Fixed both.');
  await run.done;
  assert.deepEqual(backend.steered, ['and the linter']);
  assert.equal(backend.requests.length, 1, 'no second request for a steer the backend took');
  assert.deepEqual(run.messages, ['Fixed both.']);
  assert.deepEqual(run.outcome(), { status: 'completed' });
});

test('a steer the backend declines waits for the next request of the same turn', async () => {
  const backend = scriptedBackend(async () => false);
  const run = startTurn(backend, 'fix the tests');
  await backend.requestStarted(1);
  run.turn.steer('and the linter');
  await new Promise((resolve) => setImmediate(resolve));
  backend.finish('Tests fixed.');
  await backend.requestStarted(2);
  assert.deepEqual(backend.requests[1]!.newInputs, ['and the linter']);
  assert.deepEqual(backend.requests[1]!.turnInputs, ['fix the tests', 'and the linter']);
  backend.finish('Linter fixed.');
  await run.done;
  assert.deepEqual(run.messages, ['Tests fixed.', 'Linter fixed.']);
  assert.deepEqual(run.outcome(), { status: 'completed' });
});

test('a decline that arrives after the request ended still gets its request (the turn waits for the answer)', async () => {
  let decline: ((joined: boolean) => void) | undefined;
  const backend = scriptedBackend(() => new Promise<boolean>((resolve) => (decline = resolve)));
  const run = startTurn(backend, 'fix the tests');
  await backend.requestStarted(1);
  run.turn.steer('and the linter');
  backend.finish('Tests fixed.');
  // The request has ended; the backend has not answered the steer yet: the turn must not end.
  for (let tick = 0; tick < 5; tick++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(run.outcome(), undefined, 'the turn waits for the steer to be answered');
  decline!(false);
  await backend.requestStarted(2);
  assert.deepEqual(backend.requests[1]!.newInputs, ['and the linter']);
  backend.finish('Linter fixed.');
  await run.done;
  assert.deepEqual(run.outcome(), { status: 'completed' });
});

test('a steer that throws is not lost: it goes into the next request', async () => {
  const backend = scriptedBackend(async () => {
    throw new Error('the app server is gone');
  });
  const run = startTurn(backend, 'fix the tests');
  await backend.requestStarted(1);
  run.turn.steer('and the linter');
  await new Promise((resolve) => setImmediate(resolve));
  backend.finish('Tests fixed.');
  await backend.requestStarted(2);
  assert.deepEqual(backend.requests[1]!.newInputs, ['and the linter']);
  backend.finish('Linter fixed.');
  await run.done;
  assert.deepEqual(run.messages, ['Tests fixed.', 'Linter fixed.']);
});

test('a backend without steer queues as before: two steers become one next request', async () => {
  const backend = scriptedBackend();
  assert.equal(backend.steer, undefined);
  const run = startTurn(backend, 'fix the tests');
  await backend.requestStarted(1);
  run.turn.steer('and the linter');
  run.turn.steer('and the docs');
  backend.finish('Tests fixed.');
  await backend.requestStarted(2);
  assert.deepEqual(backend.requests[1]!.newInputs, ['and the linter', 'and the docs']);
  backend.finish('All fixed.');
  await run.done;
  assert.equal(backend.requests.length, 2);
});

test('after abort a late steer answer changes nothing and no second request starts', async () => {
  let answer: ((joined: boolean) => void) | undefined;
  const backend = scriptedBackend(() => new Promise<boolean>((resolve) => (answer = resolve)));
  const run = startTurn(backend, 'fix the tests');
  await backend.requestStarted(1);
  run.turn.steer('and the linter');
  run.turn.abort();
  answer!(false);
  await run.done;
  for (let tick = 0; tick < 5; tick++) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(backend.requests.length, 1);
  assert.deepEqual(run.outcome(), { status: 'aborted' });
});
