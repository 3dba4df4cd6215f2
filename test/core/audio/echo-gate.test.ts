import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EchoGate } from '../../../src-main/core/audio/echo-gate';

const FRAME_MS = 20;
const PLAYBACK_DBFS = -20;
/** What the mic hears of the playback at the documented worst-case coupling (-6 dB). */
const ECHO_DBFS = PLAYBACK_DBFS - 6;

function frameOf(value: number): Int16Array {
  return new Int16Array(480).fill(value);
}

/** Feeds `frames` frames of one situation from `startMs`, returning the pass/bargeIn sequence. */
function feed(gate: EchoGate, startMs: number, frames: number, micDbfs: number, playbackDbfs: number): Array<{ pass: boolean; bargeIn: boolean }> {
  const out: Array<{ pass: boolean; bargeIn: boolean }> = [];
  for (let index = 0; index < frames; index++) out.push(gate.decide(micDbfs, playbackDbfs, startMs + index * FRAME_MS));
  return out;
}

describe('while the assistant speaks', () => {
  test('a mic signal equal to the playback at coupling level is suppressed and zeroed', () => {
    const gate = new EchoGate();
    for (let index = 0; index < 50; index++) {
      const frame = frameOf(1234);
      const decision = gate.process(frame, ECHO_DBFS, PLAYBACK_DBFS, index * FRAME_MS);
      assert.equal(decision.pass, false, `frame ${index}`);
      assert.equal(decision.bargeIn, false);
      assert.ok(frame.every((sample) => sample === 0), 'a suppressed frame is sent as silence');
    }
    assert.equal(gate.isUserTalkingOverPlayback, false);
    assert.equal(gate.expectedEchoDbfs, PLAYBACK_DBFS - 6 + 6);
  });

  test('echo up to the threshold (playback + coupling + margin) is still suppressed; just above it is not', () => {
    const gate = new EchoGate();
    assert.ok(feed(gate, 0, 10, PLAYBACK_DBFS, PLAYBACK_DBFS).every((decision) => !decision.pass), 'at the threshold');
    const above = feed(gate, 200, 3, PLAYBACK_DBFS + 0.5, PLAYBACK_DBFS);
    assert.deepEqual(above.map((decision) => decision.pass), [false, true, true]);
  });

  test('loud speech over the playback passes from its second frame, with one barge-in', () => {
    const gate = new EchoGate();
    feed(gate, 0, 10, ECHO_DBFS, PLAYBACK_DBFS);
    const speech = feed(gate, 200, 10, PLAYBACK_DBFS + 10, PLAYBACK_DBFS);
    assert.deepEqual(speech.map((decision) => decision.pass), [false, true, true, true, true, true, true, true, true, true]);
    assert.deepEqual(speech.map((decision) => decision.bargeIn), [false, true, false, false, false, false, false, false, false, false]);
    assert.equal(gate.isUserTalkingOverPlayback, true);
    const frame = frameOf(999);
    assert.equal(gate.process(frame, PLAYBACK_DBFS + 10, PLAYBACK_DBFS, 400).pass, true);
    assert.ok(frame.every((sample) => sample === 999), 'a passing frame is untouched');
  });

  test('a single loud frame (a click) never opens the gate', () => {
    const gate = new EchoGate();
    for (let index = 0; index < 20; index++) {
      const loud = index % 2 === 0;
      const decision = gate.decide(loud ? 0 : ECHO_DBFS, PLAYBACK_DBFS, index * FRAME_MS);
      assert.equal(decision.pass, false, `frame ${index}`);
    }
  });

  test('the talk-over ends when the user drops back to echo level, and a new one barges in again', () => {
    const gate = new EchoGate();
    feed(gate, 0, 3, PLAYBACK_DBFS + 10, PLAYBACK_DBFS);
    assert.equal(gate.isUserTalkingOverPlayback, true);
    assert.equal(gate.decide(ECHO_DBFS, PLAYBACK_DBFS, 60).pass, false);
    assert.equal(gate.isUserTalkingOverPlayback, false);
    const again = feed(gate, 80, 2, PLAYBACK_DBFS + 10, PLAYBACK_DBFS);
    assert.deepEqual(again, [{ pass: false, bargeIn: false }, { pass: true, bargeIn: true }]);
  });
});

describe('hangover after playback stops', () => {
  test('echo is suppressed for 250 ms after the last audible playback frame, then everything passes', () => {
    const gate = new EchoGate();
    feed(gate, 0, 10, ECHO_DBFS, PLAYBACK_DBFS); // playback until t = 180 ms
    const tail = feed(gate, 200, 8, ECHO_DBFS - 3, -Infinity); // t = 200 … 340
    assert.deepEqual(tail.map((decision) => decision.pass), [false, false, false, false, false, false, false, false]);
    // Active while less than 250 ms have passed since t = 180 (t < 430): released from t = 440.
    const later = feed(gate, 360, 6, ECHO_DBFS - 3, -Infinity); // t = 360 … 460
    assert.deepEqual(later.map((decision) => decision.pass), [false, false, false, false, true, true]);
    assert.equal(gate.isActive, false);
  });

  test('during the hangover the reference decays slowly (24 dB/s), so a fading tail stays covered', () => {
    const gate = new EchoGate();
    gate.decide(-60, PLAYBACK_DBFS, 0);
    gate.decide(-60, -Infinity, 200);
    assert.ok(Math.abs(gate.expectedEchoDbfs - (PLAYBACK_DBFS - 4.8)) < 1e-9, `expected echo ${gate.expectedEchoDbfs}`);
  });

  test('a quiet word right after a loud one is judged against the loud one (peak hold)', () => {
    const gate = new EchoGate();
    gate.decide(-60, -10, 0);
    // The loud syllable's echo (-16) arrives while the speaker already plays a quiet one (-30).
    assert.deepEqual(feed(gate, 20, 3, -16, -30).map((decision) => decision.pass), [false, false, false]);
  });

  test('without any playback the gate never interferes', () => {
    const gate = new EchoGate();
    const decisions = feed(gate, 0, 20, -30, -Infinity);
    assert.ok(decisions.every((decision) => decision.pass && !decision.bargeIn));
    assert.equal(gate.isActive, false);
  });

  test('options change the numbers; reset() forgets the playback', () => {
    const gate = new EchoGate({ couplingDb: -20, marginDb: 3, hangoverMs: 100, minConsecutiveFrames: 1 });
    assert.equal(gate.decide(PLAYBACK_DBFS - 16, PLAYBACK_DBFS, 0).pass, true, 'above -20 + -20 + 3 on the first frame');
    assert.equal(gate.decide(PLAYBACK_DBFS - 18, PLAYBACK_DBFS, 20).pass, false);
    gate.reset();
    assert.equal(gate.decide(PLAYBACK_DBFS - 18, -Infinity, 40).pass, true);
    assert.throws(() => new EchoGate({ minConsecutiveFrames: 0 }), /minConsecutiveFrames/);
  });
});
