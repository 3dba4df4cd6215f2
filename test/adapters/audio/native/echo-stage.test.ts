// The echo stage in the audio host: the real canceller when it can run, the gate (with the reason
// in words) when it is turned off or cannot start, and a switch to the gate, reported once, when
// it fails while running. Failing cancellers are injected through the factory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ECHO_CANCELLATION, type EchoProtection } from '../../../../src-shared/echo-cancellation';
import { createEchoCanceller, EchoCancellerUnavailableError, type EchoCanceller, type EchoCancellerOptions } from '../../../../src-main/adapters/audio/echo-canceller/echo-canceller';
import { ALIGNED_DELAY_MS, EchoStage, TURNED_OFF_MESSAGE } from '../../../../src-main/adapters/audio/native/echo-stage';
import { after, erleDb, runRoom, standardScenario, type RoomScenario } from '../echo-canceller/synthetic-room';

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
  assert.deepEqual(stage.open({ enabled: true, noiseSuppression: false, autoGainControl: true }, 52.4), { kind: 'canceller', delayHintMs: 52, instance: 1 });
  assert.deepEqual(made, [{ sampleRateHz: 24_000, noiseSuppression: false, highPassFilter: true, autoGainControl: true }]);
  stage.setDelayHintMs(52);
  assert.deepEqual(changes, [], 'an unchanged hint is no change');
  stage.setDelayHintMs(5_000);
  assert.deepEqual(changes, [{ kind: 'canceller', delayHintMs: 1_000, instance: 1 }]);
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
  assert.deepEqual(protection, { kind: 'canceller', delayHintMs: 0, instance: 1 });
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

/** Runs the synthetic room through the stage, 10 ms at a time (speaker frame, then microphone frame); returns what came out. */
function runStageRoom(stage: EchoStage, scenario: RoomScenario): Float32Array {
  const frames = Math.floor(scenario.farEnd.length / FRAME_SAMPLES);
  const out = new Float32Array(frames * FRAME_SAMPLES);
  const reference = new Int16Array(FRAME_SAMPLES);
  const microphone = new Int16Array(FRAME_SAMPLES);
  const pcm16 = (value: number) => Math.max(-32_768, Math.min(32_767, Math.round(value)));
  for (let frame = 0; frame < frames; frame++) {
    const start = frame * FRAME_SAMPLES;
    for (let index = 0; index < FRAME_SAMPLES; index++) {
      reference[index] = pcm16(scenario.farEnd[start + index]!);
      microphone[index] = pcm16(scenario.echo[start + index]!);
    }
    stage.processReverse(reference);
    stage.processCapture(microphone);
    out.set(microphone, start);
  }
  return out;
}

/** The estimate takes about 2 s, AEC3 then re-converges (~2.5 s after the line moves): judged from 5 s on (no person talks here). */
const ALIGNED_SETTLE_S = 5;
const MIN_ALIGNED_ERLE_DB = 30;
/** On the synthetic room AEC3 by itself still finds 480 ms (62 dB), not 700 ms (1 dB); on PulseAudio it failed from ~450 ms. */
const AEC3_ALONE_MAX_DELAY_MS = 500;

for (const delayMs of [480, 700]) {
  test(`a ${delayMs} ms echo is removed by at least ${MIN_ALIGNED_ERLE_DB} dB once the stage has measured it${delayMs > AEC3_ALONE_MAX_DELAY_MS ? ', where AEC3 alone removes almost nothing' : ''} (both printed)`, (t) => {
    const scenario = standardScenario(delayMs);
    const judged = after([...scenario.farEndOnly, ...scenario.doubleTalk], ALIGNED_SETTLE_S);
    const changes: EchoProtection[] = [];
    const stage = new EchoStage({ onProtectionChange: (protection) => changes.push(protection) });
    stage.open({ ...DEFAULT_ECHO_CANCELLATION, noiseSuppression: false }, 50);
    const aligned = runStageRoom(stage, scenario);
    const lineMs = stage.referenceDelayMs;
    stage.close();
    const alignedDb = erleDb(scenario.echo, aligned, judged);
    const alone = createEchoCanceller({ sampleRateHz: 24_000, noiseSuppression: false, highPassFilter: true, autoGainControl: false });
    let aloneDb: number;
    try {
      aloneDb = erleDb(scenario.echo, runRoom(alone, scenario, false, 50), judged);
    } finally {
      alone.close();
    }
    t.diagnostic(`${delayMs} ms echo: removed ${alignedDb.toFixed(1)} dB with the measured delay (line ${lineMs} ms, reported ${JSON.stringify(changes)}), ${aloneDb.toFixed(1)} dB by AEC3 alone with a 50 ms hint`);
    assert.ok(alignedDb >= MIN_ALIGNED_ERLE_DB, `removed ${alignedDb.toFixed(1)} dB`);
    if (delayMs > AEC3_ALONE_MAX_DELAY_MS) assert.ok(aloneDb < alignedDb - 20, `AEC3 alone removed ${aloneDb.toFixed(1)} dB`);
    assert.equal(changes.at(-1)?.kind, 'canceller');
    const reported = changes.at(-1)?.kind === 'canceller' ? (changes.at(-1) as { delayHintMs: number }).delayHintMs : NaN;
    assert.ok(Math.abs(reported - delayMs) <= 10, `reported ${reported} ms for a ${delayMs} ms echo`);
    assert.ok(Math.abs(lineMs + ALIGNED_DELAY_MS - delayMs) <= 10, `line ${lineMs} ms`);
  });
}

test('a measured delay moves the delay line and the hint together; the reference restarting goes back to the computed hint', () => {
  const canceller = new BreakingCanceller(Infinity);
  const changes: EchoProtection[] = [];
  const stage = new EchoStage({ createCanceller: () => canceller, onProtectionChange: (protection) => changes.push(protection) });
  stage.open(DEFAULT_ECHO_CANCELLATION, 40);
  const scenario = standardScenario(600);
  runStageRoom(stage, scenario);
  assert.equal(stage.referenceDelayMs, 600 - ALIGNED_DELAY_MS);
  assert.deepEqual(changes, [{ kind: 'canceller', delayHintMs: 600, instance: 1 }], 'a move of the delay keeps the same canceller');
  assert.deepEqual(canceller.delays, [40, ALIGNED_DELAY_MS], 'the canceller is told only what remains after the line');
  stage.referenceRestarted();
  assert.equal(stage.referenceDelayMs, 0);
  assert.deepEqual(changes.at(-1), { kind: 'canceller', delayHintMs: 40, instance: 1 });
  assert.deepEqual(canceller.delays.at(-1), 40);
});

test('a burst of reference frames (an output filling its buffer) gets a fresh canceller; the same frames at real-time pace (a capture stall) do not', () => {
  for (const [label, stepMs, restarts] of [
    ['burst', 0, 1],
    ['capture stall', 10, 0],
  ] as const) {
    const made: BreakingCanceller[] = [];
    const changes: EchoProtection[] = [];
    let nowMs = 0;
    const stage = new EchoStage({ createCanceller: () => (made.push(new BreakingCanceller(Infinity)), made.at(-1)!), onProtectionChange: (protection) => changes.push(protection), now: () => nowMs });
    assert.deepEqual(stage.open(DEFAULT_ECHO_CANCELLATION, 70), { kind: 'canceller', delayHintMs: 70, instance: 1 });
    for (let index = 0; index < 20; index++) {
      nowMs += 10;
      stage.processReverse(frameOf(0));
      stage.processCapture(frameOf(0));
    }
    for (let index = 0; index < 45; index++) {
      nowMs += stepMs;
      stage.processReverse(frameOf(100));
    }
    stage.processCapture(frameOf(0));
    assert.equal(made.length, 1 + restarts, label);
    assert.equal(made[0]!.closed, restarts, `${label}: the old canceller is closed`);
    assert.deepEqual(made.at(-1)!.delays, [70], `${label}: the new canceller is told the delay`);
    assert.equal(made.at(-1)!.captures, restarts === 1 ? 1 : 21, `${label}: the frame goes through the current canceller`);
    assert.deepEqual(stage.protection, { kind: 'canceller', delayHintMs: 70, instance: 1 + restarts });
    // The app's barge-in detector hears of the new canceller: it has not converged yet.
    assert.deepEqual(changes, restarts === 1 ? [{ kind: 'canceller', delayHintMs: 70, instance: 2 }] : [], `${label}: reported to the app`);
    stage.close();
  }
});

test('every canceller a stage starts has a new instance number; reopening counts on', () => {
  const stage = new EchoStage({ createCanceller: () => new BreakingCanceller(Infinity), onProtectionChange: () => {} });
  assert.deepEqual(stage.open(DEFAULT_ECHO_CANCELLATION, 50), { kind: 'canceller', delayHintMs: 50, instance: 1 });
  stage.close();
  assert.deepEqual(stage.open(DEFAULT_ECHO_CANCELLATION, 50), { kind: 'canceller', delayHintMs: 50, instance: 2 });
  assert.equal(stage.open({ ...DEFAULT_ECHO_CANCELLATION, enabled: false }, 50).kind, 'gate');
  assert.deepEqual(stage.open(DEFAULT_ECHO_CANCELLATION, 50), { kind: 'canceller', delayHintMs: 50, instance: 3 });
  stage.close();
});

test('silence filled in for a device underrun never counts as a burst: the converged canceller is kept', () => {
  const made: BreakingCanceller[] = [];
  let nowMs = 0;
  const stage = new EchoStage({ createCanceller: () => (made.push(new BreakingCanceller(Infinity)), made.at(-1)!), onProtectionChange: () => {}, now: () => nowMs });
  stage.open(DEFAULT_ECHO_CANCELLATION, 70);
  for (let index = 0; index < 20; index++) {
    nowMs += 10;
    stage.processReverse(frameOf(0));
    stage.processCapture(frameOf(0));
  }
  for (let index = 0; index < 9; index++) stage.processReverse(frameOf(0), true); // an 82-90 ms underrun, filled at once
  stage.processReverse(frameOf(100));
  stage.processCapture(frameOf(0));
  assert.equal(made.length, 1, 'no fresh canceller');
  assert.equal(made[0]!.reverses, 30, 'the filled silence still reaches the canceller as reference');
  stage.close();
});

test('a speaker underrun the reference was realigned after is counted in the protection and reported', () => {
  const changes: EchoProtection[] = [];
  const stage = new EchoStage({ createCanceller: () => new BreakingCanceller(Infinity), onProtectionChange: (protection) => changes.push(protection) });
  stage.open(DEFAULT_ECHO_CANCELLATION, 60);
  stage.underrunFilled();
  stage.underrunFilled();
  assert.deepEqual(changes, [
    { kind: 'canceller', delayHintMs: 60, instance: 1, underruns: 1 },
    { kind: 'canceller', delayHintMs: 60, instance: 1, underruns: 2 },
  ]);
  stage.close();
  stage.underrunFilled();
  assert.equal(changes.length, 2, 'nothing is reported without a canceller');
});
