// AudioController.runRoomCheck over the in-process engine double, whose microphone is a simulated
// room with the real WebRTC canceller: what the check opens it closes, it leaves a session's
// microphone alone, and it refuses when it cannot measure or would talk over the assistant.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { AudioController } from '../../src-main/app/audio-controller';
import { silentLogger } from '../../src-main/core/util/logger';
import { FakeAudioEngine } from '../support/fake-audio-engine';
import { RoomEngine, simulatedRoom } from './room-check-simulated-room';

function controllerInRoom(t: TestContext, withCaptureLevels = true) {
  const room = simulatedRoom({ couplingDb: -20, delayMs: 60, backgroundDbfs: -65, canceller: true });
  t.after(() => room.close());
  const engines: FakeAudioEngine[] = [];
  const controller = new AudioController({
    createEngine: (request) => {
      const engine = withCaptureLevels ? new RoomEngine(request, room) : new FakeAudioEngine(request);
      engines.push(engine);
      return engine;
    },
    devices: () => ({ input: null, output: null }),
    logger: silentLogger,
    onLevels: () => {},
    onNotice: () => {},
    onChange: () => {},
    levelsIntervalMs: 5,
  });
  t.after(() => controller.shutdown());
  return { controller, room, engine: () => engines[0]! };
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('the room check opens the microphone and the speaker for itself, measures, and closes both after', async (t) => {
  const { controller, engine } = controllerInRoom(t);
  const result = await controller.runRoomCheck();
  assert.equal(result.verdict, 'hands-free', result.sentence);
  assert.ok(result.numbers.echoRemovedDb! >= 30, `removed ${result.numbers.echoRemovedDb} dB`);
  assert.deepEqual(result.protection, { kind: 'canceller', delayHintMs: 60 });
  assert.equal(engine().microphoneOpen, false, 'the microphone it opened is closed when the result is back');
  assert.equal(engine().written.length, 1, 'the sound was written once');
  assert.equal(engine().written[0]!.itemId, 'parley-room-check');
  // The simulated room runs faster than real time; the speaker stays open for the sound's 3 s plus its tail.
  await until(() => !engine().speakerOpen, 5_000, 'the speaker to close after the sound');
  assert.deepEqual(engine().lifecycle, ['microphone:open', 'speaker:open', 'microphone:close', 'speaker:close (drained)']);
  assert.equal((engine() as RoomEngine).chunksWhileClosed, 0);
});

test('two clicks run one check: the second caller gets the same result', async (t) => {
  const { controller, engine } = controllerInRoom(t);
  const [first, second] = await Promise.all([controller.runRoomCheck(), controller.runRoomCheck()]);
  assert.equal(first, second);
  assert.equal(engine().written.length, 1);
});

test("during a session the check leaves the session's microphone open", async (t) => {
  const { controller, engine } = controllerInRoom(t);
  await controller.attachSession(() => {});
  const result = await controller.runRoomCheck();
  assert.equal(result.verdict, 'hands-free');
  assert.equal(engine().microphoneOpen, true);
  assert.equal(engine().lifecycle.filter((step) => step === 'microphone:close').length, 0);
});

test('refused while the assistant is speaking in a session, with the reason', async (t) => {
  const { controller, engine } = controllerInRoom(t);
  await controller.attachSession(() => {});
  engine().playbackLevelDbfs = -20;
  await assert.rejects(controller.runRoomCheck(), /cannot run while the assistant is speaking/);
  assert.equal(engine().written.length, 0, 'nothing played over the assistant');
});

test('an engine without capture levels refuses with a sentence instead of measuring nothing', async (t) => {
  const { controller, engine } = controllerInRoom(t, false);
  await assert.rejects(controller.runRoomCheck(), /cannot measure echo, so the room check is unavailable/);
  assert.equal(engine().microphoneOpen, false);
  assert.deepEqual(engine().lifecycle, []);
});
