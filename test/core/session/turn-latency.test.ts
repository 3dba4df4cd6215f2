import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_SPEECH_END_AGE_MS, TurnLatencyTracker } from '../../../src-main/core/session/turn-latency';
import type { TurnLatency } from '../../../src-shared/latency';

/** A tracker on a clock the test moves by hand. */
function rig(deviceReports = true) {
  let now = 1_000_000;
  const emitted: TurnLatency[] = [];
  const tracker = new TurnLatencyTracker({ now: () => now, emit: (latency) => emitted.push(latency), deviceReports });
  return {
    tracker,
    emitted,
    at: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

const stepsOf = (latency: TurnLatency | undefined) => Object.fromEntries((latency?.steps ?? []).map((step) => [step.name, step.ms]));

test('a spoken turn: local end of speech (minus its hangover) → response → first audio → handed → heard', () => {
  const { tracker, emitted, advance, at } = rig();
  tracker.localSpeechEnded(500); // the detector's hangover: speech ended 500 ms ago
  const speechEnd = at() - 500;
  advance(200);
  tracker.serverSpeechEnded(); // the server's later speech_stopped does not win over the local mark
  advance(100);
  tracker.responseCreated('resp_1');
  advance(250);
  tracker.audioDelta('item_1');
  assert.equal(emitted.length, 0, 'a turn with audio waits for the speaker');
  tracker.playbackStarted({ itemId: 'item_1', handedAt: at() + 40, heardAt: at() + 70 });
  assert.equal(emitted.length, 1);
  const [turn] = emitted;
  assert.equal(turn!.kind, 'spoken');
  assert.equal(turn!.turnId, 'resp_1');
  assert.equal(turn!.itemId, 'item_1');
  assert.equal(turn!.start, 'local_vad');
  assert.equal(turn!.startedAt, speechEnd);
  assert.deepEqual(stepsOf(turn), { response_started: 800, first_audio: 250, buffering: 40, device: 30 });
  assert.deepEqual(
    turn!.steps.map((step) => step.owner),
    ['server', 'server', 'parley', 'device'],
  );
  assert.equal(turn!.totalMs, 1120);
  assert.equal(turn!.heard, true);
});

test("without a local mark the server's speech_stopped starts the turn", () => {
  const { tracker, emitted, advance, at } = rig();
  tracker.serverSpeechEnded();
  advance(300);
  tracker.responseCreated('resp_1');
  advance(100);
  tracker.audioDelta('item_1');
  tracker.playbackStarted({ itemId: 'item_1', handedAt: at(), heardAt: at() + 20 });
  assert.equal(emitted[0]!.start, 'server_vad');
  assert.deepEqual(stepsOf(emitted[0]), { response_started: 300, first_audio: 100, buffering: 0, device: 20 });
});

test('a speech end older than the limit is not taken as the start: the response is not measured', () => {
  const { tracker, emitted, advance } = rig();
  tracker.localSpeechEnded();
  tracker.serverSpeechEnded();
  advance(MAX_SPEECH_END_AGE_MS + 1);
  tracker.responseCreated('resp_1');
  tracker.audioDelta('item_1');
  tracker.responseDone();
  assert.deepEqual(emitted, []);
});

test("local speech the server never ended as a turn (an aside) starts nothing: the next response answers something else", () => {
  const { tracker, emitted, advance } = rig(false);
  tracker.localSpeechEnded();
  advance(2_000);
  tracker.responseCreated('resp_update'); // e.g. the agent's spoken update
  tracker.audioDelta('item_update');
  tracker.responseDone();
  assert.deepEqual(emitted, []);
});

test("a local end after the server's is speech the server did not take into the turn: the server's end starts it", () => {
  const { tracker, emitted, advance } = rig(false);
  tracker.serverSpeechEnded();
  advance(100);
  tracker.localSpeechEnded(); // the user went on a moment after the server closed the turn
  advance(200);
  tracker.responseCreated('resp_1');
  tracker.audioDelta('item_1');
  assert.equal(emitted[0]!.start, 'server_vad');
  assert.deepEqual(stepsOf(emitted[0]), { response_started: 300, first_audio: 0 });
});

test('a response nobody asked for (an agent update) is not measured, and the marks are used once', () => {
  const { tracker, emitted, advance } = rig(false);
  tracker.committed();
  advance(100);
  tracker.responseCreated('resp_1');
  tracker.audioDelta('item_1');
  tracker.responseCreated('resp_2');
  tracker.audioDelta('item_2');
  tracker.responseDone();
  assert.equal(emitted.length, 1);
  assert.equal(emitted[0]!.turnId, 'resp_1');
  assert.equal(emitted[0]!.start, 'commit');
});

test('a typed message starts the turn; without device reports the waterfall ends at the first audio delta', () => {
  const { tracker, emitted, advance } = rig(false);
  tracker.textSent();
  advance(120);
  tracker.responseCreated('resp_1');
  advance(80);
  tracker.audioDelta('item_1');
  assert.equal(emitted.length, 1);
  assert.equal(emitted[0]!.start, 'text');
  assert.equal(emitted[0]!.heard, false);
  assert.deepEqual(stepsOf(emitted[0]), { response_started: 120, first_audio: 80 });
});

test('a text-only response ends its waterfall at response.done', () => {
  const { tracker, emitted, advance } = rig();
  tracker.committed();
  advance(50);
  tracker.responseCreated('resp_1');
  advance(400);
  tracker.responseDone();
  assert.equal(emitted.length, 1);
  assert.deepEqual(stepsOf(emitted[0]), { response_started: 50 });
  assert.equal(emitted[0]!.heard, false);
});

test("another item's playback report does not end the measured turn", () => {
  const { tracker, emitted, at } = rig();
  tracker.committed();
  tracker.responseCreated('resp_1');
  tracker.audioDelta('item_2');
  tracker.playbackStarted({ itemId: 'item_1', handedAt: at(), heardAt: at() });
  assert.equal(emitted.length, 0);
  tracker.playbackStarted({ itemId: 'item_2', handedAt: at(), heardAt: at() + 5 });
  assert.equal(emitted.length, 1);
  assert.equal(emitted[0]!.itemId, 'item_2');
});

test('a handoff: requested → on the wire → first token → answer → sent → spoken and heard, on its card', () => {
  const { tracker, emitted, advance, at } = rig();
  tracker.handoffRequested('h1');
  const requestedAt = at();
  advance(5);
  tracker.agentStarted('h1');
  advance(15);
  tracker.agentRequestSent('h1');
  advance(600);
  tracker.agentOutput('h1');
  advance(50);
  tracker.agentOutput('h1'); // later output does not move the first token
  advance(1_350);
  tracker.answerArrived('h1');
  advance(3);
  tracker.answerSent('h1');
  tracker.handoffEnded('h1');
  advance(200);
  tracker.responseCreated('resp_9');
  advance(150);
  tracker.audioDelta('item_9');
  tracker.playbackStarted({ itemId: 'item_9', handedAt: at() + 30, heardAt: at() + 60 });
  assert.equal(emitted.length, 1);
  const [turn] = emitted;
  assert.equal(turn!.kind, 'handoff');
  assert.equal(turn!.turnId, 'h1');
  assert.equal(turn!.start, 'handoff');
  assert.equal(turn!.startedAt, requestedAt);
  assert.deepEqual(stepsOf(turn), {
    agent_request: 20,
    agent_first_token: 600,
    agent_answer: 1_400,
    answer_sent: 3,
    response_started: 200,
    first_audio: 150,
    buffering: 30,
    device: 30,
  });
  assert.deepEqual(
    turn!.steps.map((step) => step.owner),
    ['parley', 'agent', 'agent', 'parley', 'server', 'server', 'parley', 'device'],
  );
});

test('a steering request joins the running turn: one waterfall, on the first card, timed from the first request', () => {
  const { tracker, emitted, advance, at } = rig(false);
  tracker.handoffRequested('h1');
  const requestedAt = at();
  tracker.agentStarted('h1');
  advance(1_000);
  tracker.handoffRequested('h2', 'h1');
  tracker.agentStarted('h2');
  advance(500);
  tracker.answerArrived('h2');
  tracker.answerSent('h2');
  tracker.handoffEnded('h2');
  tracker.responseCreated('resp_1');
  tracker.audioDelta('item_1');
  assert.equal(emitted.length, 1);
  assert.equal(emitted[0]!.turnId, 'h1');
  assert.equal(emitted[0]!.startedAt, requestedAt);
  // No first-token mark: the answer stands in for it; no on-the-wire mark: the start stands in.
  assert.deepEqual(stepsOf(emitted[0]), { agent_request: 0, agent_first_token: 1_500, agent_answer: 0, answer_sent: 0, response_started: 0, first_audio: 0 });
});

test('a failed or cancelled handoff leaves nothing behind; an answer without its arrival is not a start', () => {
  const { tracker, emitted } = rig(false);
  tracker.handoffRequested('h1');
  tracker.agentStarted('h1');
  tracker.answerSent('h1'); // nothing arrived: not a start
  tracker.handoffEnded('h1');
  tracker.agentOutput('h1');
  tracker.answerArrived('h1');
  tracker.answerSent('h1');
  tracker.responseCreated('resp_1');
  tracker.audioDelta('item_1');
  assert.deepEqual(emitted, []);
});

test('a dropped connection ends the measured turn with what it has and forgets the speech marks', () => {
  const { tracker, emitted, advance } = rig();
  tracker.committed();
  advance(100);
  tracker.responseCreated('resp_1');
  advance(100);
  tracker.audioDelta('item_1');
  tracker.localSpeechEnded();
  tracker.reset();
  assert.equal(emitted.length, 1);
  assert.deepEqual(stepsOf(emitted[0]), { response_started: 100, first_audio: 100 });
  assert.equal(emitted[0]!.heard, false);
  tracker.responseCreated('resp_2');
  tracker.responseDone();
  assert.equal(emitted.length, 1, 'the forgotten speech mark starts nothing');
});
