import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AgentProgressStep } from '../../../src-shared/agent-activity';
import { ACKNOWLEDGED_WITHIN_MS, AgentNarrator, PROGRESS_ITEM_INTERVAL_MS } from '../../../src-main/core/handoff/agent-narrator';
import { ACKNOWLEDGE_PROMPT, SPOKEN_UPDATE_PROMPT, STEER_ACKNOWLEDGE_PROMPT } from '../../../src-main/core/handoff/agent-voice-prompts';
import { ManualClock } from '../../support/narration';

const INTERVAL_MS = 20_000;

function setup(options: { heardAt?: number; interval?: number } = {}) {
  const clock = new ManualClock();
  const told: Array<{ at: number; text: string; speak: boolean }> = [];
  let canSpeak = true;
  const narrator = new AgentNarrator({
    tell: (text, speak) => told.push({ at: clock.now(), text, speak }),
    lastAssistantAudioAt: () => options.heardAt,
    canSpeakNow: () => canSpeak,
    updateIntervalMs: options.interval ?? INTERVAL_MS,
    clock,
  });
  const spoken = () => told.filter((entry) => entry.speak);
  return { clock, told, spoken, narrator, setCanSpeak: (value: boolean) => (canSpeak = value) };
}

let stepNumber = 0;
const ran = (command: string, status: AgentProgressStep['status'] = 'completed'): AgentProgressStep => ({
  id: `step-${++stepNumber}`,
  kind: 'command',
  title: `Ran ${command}`,
  status,
});

test('a handoff the user heard nothing about is acknowledged at once, and spoken', () => {
  const { narrator, told } = setup();
  narrator.turnStarted(false);
  assert.deepEqual(told, [{ at: 0, text: ACKNOWLEDGE_PROMPT, speak: true }]);
});

test('a steer gets its own acknowledgement words', () => {
  const { narrator, told } = setup();
  narrator.turnStarted(true);
  assert.deepEqual(told, [{ at: 0, text: STEER_ACKNOWLEDGE_PROMPT, speak: true }]);
});

test('no acknowledgement when the model was speaking as it called the agent', () => {
  const clock = new ManualClock();
  clock.advance(5_000);
  const told: string[] = [];
  const narrator = new AgentNarrator({
    tell: (text) => told.push(text),
    lastAssistantAudioAt: () => 5_000 - (ACKNOWLEDGED_WITHIN_MS - 1),
    canSpeakNow: () => true,
    updateIntervalMs: INTERVAL_MS,
    clock,
  });
  narrator.turnStarted(false);
  assert.deepEqual(told, []);
});

test('audio heard longer ago than the acknowledgement window does not count', () => {
  const clock = new ManualClock();
  clock.advance(5_000);
  const told: string[] = [];
  const narrator = new AgentNarrator({
    tell: (text) => told.push(text),
    lastAssistantAudioAt: () => 5_000 - ACKNOWLEDGED_WITHIN_MS,
    canSpeakNow: () => true,
    updateIntervalMs: INTERVAL_MS,
    clock,
  });
  narrator.turnStarted(false);
  assert.deepEqual(told, [ACKNOWLEDGE_PROMPT]);
});

test('steps are batched into one silent item, and started steps are not said', () => {
  const { narrator, told, clock } = setup();
  narrator.turnStarted(false);
  narrator.step(ran('npm test', 'started'));
  narrator.step(ran('npm test'));
  narrator.step({ id: 'r', kind: 'reasoning', title: 'Thinking about the tests', status: 'completed' });
  clock.advance(0);
  assert.equal(told.length, 2);
  assert.equal(told[1]!.speak, false, 'the acknowledgement was just spoken');
  assert.match(told[1]!.text, /- Ran npm test\n- Thinking about the tests\n/);
  assert.doesNotMatch(told[1]!.text, /Ran npm test\n- Ran npm test/);
  narrator.step(ran('git status'));
  clock.advance(PROGRESS_ITEM_INTERVAL_MS - 1);
  assert.equal(told.length, 2, 'the next item waits for the batching interval');
  clock.advance(1);
  assert.equal(told.length, 3);
  assert.match(told[2]!.text, /- Ran git status/);
});

test('a long burst of steps keeps the latest lines and says how many earlier ones were left out', () => {
  const { narrator, told, clock } = setup();
  narrator.turnStarted(false);
  for (let index = 0; index < 30; index++) narrator.step(ran(`step ${index}`));
  clock.advance(0);
  const item = told[1]!.text;
  assert.match(item, /\(22 earlier steps\)/);
  assert.match(item, /Ran step 29/);
  assert.doesNotMatch(item, /Ran step 21\n/);
});

test('spoken updates come no more often than the interval, however much happens', () => {
  const { narrator, clock, spoken } = setup();
  narrator.turnStarted(false);
  // A notable step every 500 ms for two minutes.
  for (let elapsed = 0; elapsed < 120_000; elapsed += 500) {
    narrator.step(ran(`check ${elapsed}`));
    clock.advance(500);
  }
  const times = spoken().map((entry) => entry.at);
  assert.ok(times.length >= 5 && times.length <= 7, `spoken ${times.length} times: ${times.join(', ')}`);
  for (let index = 1; index < times.length; index++) assert.ok(times[index]! - times[index - 1]! >= INTERVAL_MS, `gap ${times[index]! - times[index - 1]!} ms`);
});

test('nothing notable: nothing spoken after the acknowledgement', () => {
  const { narrator, clock, spoken } = setup();
  narrator.turnStarted(false);
  for (let elapsed = 0; elapsed < 60_000; elapsed += 1_000) {
    narrator.step({ id: `r${elapsed}`, kind: 'reasoning', title: 'Thinking', status: 'completed' });
    narrator.step(ran('ls', 'started'));
    clock.advance(1_000);
  }
  assert.equal(spoken().length, 1);
});

test('an update that is due waits while the voice is busy, then is spoken once it is free', () => {
  const { narrator, clock, told, spoken, setCanSpeak } = setup();
  narrator.turnStarted(false);
  clock.advance(INTERVAL_MS);
  setCanSpeak(false);
  narrator.step(ran('npm run build', 'failed'));
  clock.advance(5_000);
  assert.equal(spoken().length, 1, 'the user was talking');
  assert.match(told.at(-1)!.text, /Ran npm run build \(failed\)/, 'the model was still told, silently');
  setCanSpeak(true);
  clock.advance(1_000);
  assert.equal(spoken().length, 2);
  assert.equal(spoken()[1]!.text, SPOKEN_UPDATE_PROMPT);
});

test('no update is spoken while a permission question waits for its answer', () => {
  const { narrator, clock, spoken } = setup();
  narrator.turnStarted(false);
  clock.advance(INTERVAL_MS);
  narrator.questionAsked();
  narrator.step(ran('npm test'));
  clock.advance(INTERVAL_MS * 2);
  assert.equal(spoken().length, 1);
  narrator.questionSettled();
  clock.advance(1_000);
  assert.equal(spoken().length, 2);
});

test('an interim message of the agent goes out at once, with the steps before it', () => {
  const { narrator, told, clock } = setup();
  narrator.turnStarted(false);
  narrator.step(ran('grep TODO'));
  narrator.interimMessage('Found three TODOs; fixing them.');
  assert.equal(told.length, 2, 'not waiting for a timer');
  assert.match(told[1]!.text, /- Ran grep TODO\n- The agent said: Found three TODOs; fixing them\.\n/);
  assert.equal(told[1]!.speak, false, 'the acknowledgement was just spoken');
  clock.advance(INTERVAL_MS);
  assert.deepEqual(told.slice(2), [{ at: INTERVAL_MS, text: SPOKEN_UPDATE_PROMPT, speak: true }], 'the message is spoken about once the interval allows');
});

test('the end of the turn drops what was not said and leaves no timer behind', () => {
  const { narrator, told, clock } = setup();
  narrator.turnStarted(false);
  clock.advance(INTERVAL_MS);
  narrator.step(ran('npm test'));
  narrator.turnEnded();
  assert.equal(clock.pendingTimers, 0);
  clock.advance(INTERVAL_MS * 3);
  assert.equal(told.length, 1);
  narrator.step(ran('late step'));
  assert.equal(clock.pendingTimers, 0, 'a step after the end is ignored');
});
