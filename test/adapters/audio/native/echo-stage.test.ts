// The echo stage in the audio host: the real canceller when it can run, the gate (with the reason
// in words) when it is turned off or cannot start, and a switch to the gate, reported once, when
// it fails while running. Failing cancellers are injected through the factory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ECHO_CANCELLATION, type EchoProtection } from '../../../../src-shared/echo-cancellation';
import { EchoCancellerUnavailableError, type EchoCanceller, type EchoCancellerOptions } from '../../../../src-main/adapters/audio/echo-canceller/echo-canceller';
import { EchoStage, TURNED_OFF_MESSAGE } from '../../../../src-main/adapters/audio/native/echo-stage';

const FRAME_SAMPLES = 240;

function frameOf(value: number): Int16Array {
  return new Int16Array(FRAME_SAMPLES).fill(value);
}

/** A canceller that works for `workingFrames` capture frames, then throws; records what it saw. */
class BreakingCanceller implements EchoCanceller {
  captures = 0;
  reverses = 0;
  closed = 0;
  delays: number[] = [];
  constructor(private readonly workingFrames: number) {}
  processReverse(): void {
    this.reverses++;
  }
  processCapture(frame: Int16Array): void {
    if (this.captures++ >= this.workingFrames) throw new Error('apmProcessStream failed: -11');
    frame.fill(0);
  }
  setStreamDelayMs(ms: number): void {
    this.delays.push(ms);
  }
  close(): void {
    this.closed++;
  }
}

test('turned off: the gate, with the reason, and no canceller is created', () => {
  let created = 0;
  const stage = new EchoStage({ createCanceller: () => (created++, new BreakingCanceller(0)), onProtectionChange: () => assert.fail('no change') });
  assert.deepEqual(stage.open({ ...DEFAULT_ECHO_CANCELLATION, enabled: false }, 50), { kind: 'gate', reason: 'turned-off', message: TURNED_OFF_MESSAGE });
  assert.equal(created, 0);
  assert.equal(stage.isCancelling, false);
  const frame = frameOf(1_000);
  stage.processCapture(frame);
  assert.deepEqual(frame, frameOf(1_000), 'frames pass untouched');
});

test('a canceller that cannot load leaves the gate, with the library\'s sentence as the reason', () => {
  const sentence = 'Echo cancellation is unavailable on linux-x64: @livekit/rtc-ffi-bindings could not be loaded or started (Cannot find module).';
  const stage = new EchoStage({
    createCanceller: () => {
      throw new EchoCancellerUnavailableError(sentence, { cause: new Error('Cannot find module') });
    },
    onProtectionChange: () => assert.fail('no change'),
  });
  assert.deepEqual(stage.open(DEFAULT_ECHO_CANCELLATION, 50), { kind: 'gate', reason: 'unavailable', message: sentence });
  assert.equal(stage.isCancelling, false);
  stage.processCapture(frameOf(5));
  stage.processReverse(frameOf(5));
});

test('the canceller gets the settings (high-pass always on) and the delay hint, clamped to its range', () => {
  const made: EchoCancellerOptions[] = [];
  const canceller = new BreakingCanceller(10);
  const changes: EchoProtection[] = [];
  const stage = new EchoStage({ createCanceller: (options) => (made.push(options), canceller), onProtectionChange: (protection) => changes.push(protection) });
  assert.deepEqual(stage.open({ enabled: true, noiseSuppression: false, autoGainControl: true }, 52.4), { kind: 'canceller', delayHintMs: 52 });
  assert.deepEqual(made, [{ sampleRateHz: 24_000, noiseSuppression: false, highPassFilter: true, autoGainControl: true }]);
  stage.setDelayHintMs(52);
  assert.deepEqual(changes, [], 'an unchanged hint is no change');
  stage.setDelayHintMs(5_000);
  assert.deepEqual(changes, [{ kind: 'canceller', delayHintMs: 1_000 }]);
  assert.deepEqual(canceller.delays, [52, 1_000]);
});

test('a canceller that fails while running is closed, the gate takes over, the change is reported once, and frames keep flowing', () => {
  const canceller = new BreakingCanceller(3);
  const changes: EchoProtection[] = [];
  const stage = new EchoStage({ createCanceller: () => canceller, onProtectionChange: (protection) => changes.push(protection) });
  assert.equal(stage.open(DEFAULT_ECHO_CANCELLATION, 50).kind, 'canceller');
  for (let index = 0; index < 3; index++) {
    const frame = frameOf(700);
    stage.processReverse(frameOf(1));
    stage.processCapture(frame);
    assert.deepEqual(frame, frameOf(0), 'cancelled while it works');
  }
  assert.doesNotThrow(() => stage.processCapture(frameOf(700)));
  assert.equal(changes.length, 1);
  assert.equal(changes[0]!.kind, 'gate');
  assert.equal(changes[0]!.kind === 'gate' && changes[0]!.reason, 'unavailable');
  assert.match(changes[0]!.kind === 'gate' ? changes[0]!.message : '', /Echo cancellation stopped working \(processCapture: apmProcessStream failed: -11\)/);
  assert.deepEqual(stage.protection, changes[0]);
  assert.equal(canceller.closed, 1);
  assert.equal(stage.isCancelling, false);
  const after = frameOf(700);
  stage.processCapture(after);
  stage.processReverse(frameOf(1));
  assert.deepEqual(after, frameOf(700), 'frames pass untouched to the gate');
  assert.equal(canceller.reverses, 3, 'the failed canceller is not used again');
  assert.equal(changes.length, 1);
  stage.close();
  assert.equal(canceller.closed, 1, 'closed once');
  assert.equal(stage.protection, undefined);
});

test('a canceller whose close throws is dropped all the same, and reopening makes a new one', () => {
  let made = 0;
  const stage = new EchoStage({
    createCanceller: () => {
      made++;
      const canceller = new BreakingCanceller(100);
      canceller.close = () => {
        throw new Error('dispose refused');
      };
      return canceller;
    },
    onProtectionChange: () => {},
  });
  stage.open(DEFAULT_ECHO_CANCELLATION, 50);
  assert.doesNotThrow(() => stage.open(DEFAULT_ECHO_CANCELLATION, 50));
  assert.equal(made, 2);
  assert.doesNotThrow(() => stage.close());
  assert.equal(stage.isCancelling, false);
});

test('with the real WebRTC canceller the stage cancels (a frame of echo of a known reference comes out quieter)', () => {
  const stage = new EchoStage({ onProtectionChange: () => {} });
  const protection = stage.open({ ...DEFAULT_ECHO_CANCELLATION, noiseSuppression: false }, 0);
  assert.deepEqual(protection, { kind: 'canceller', delayHintMs: 0 });
  // Two seconds of noise played and heard at once, 6 dB lower: the echo must shrink.
  let seed = 1;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648) * 2 - 1;
  let inEnergy = 0;
  let outEnergy = 0;
  for (let index = 0; index < 200; index++) {
    const reference = new Int16Array(FRAME_SAMPLES);
    for (let sample = 0; sample < FRAME_SAMPLES; sample++) reference[sample] = Math.round(random() * 6_000);
    const microphone = reference.map((value) => value >> 1);
    stage.processReverse(reference);
    if (index >= 150) for (const value of microphone) inEnergy += value * value;
    stage.processCapture(microphone);
    if (index >= 150) for (const value of microphone) outEnergy += value * value;
  }
  stage.close();
  const removedDb = 10 * Math.log10(inEnergy / Math.max(outEnergy, 1));
  assert.ok(removedDb > 20, `removed ${removedDb.toFixed(1)} dB`);
});
