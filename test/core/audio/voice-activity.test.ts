import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VoiceActivityDetector, type VoiceActivity } from '../../../src-main/core/audio/voice-activity';

const FRAME_MS = 20;
const NOISE_DBFS = -60;

class Feeder {
  nowMs = 0;
  constructor(readonly vad: VoiceActivityDetector) {}
  frames(count: number, rmsDbfs: number): VoiceActivity[] {
    const out: VoiceActivity[] = [];
    for (let index = 0; index < count; index++) {
      out.push(this.vad.process(rmsDbfs, this.nowMs));
      this.nowMs += FRAME_MS;
    }
    return out;
  }
}

function indexOf(results: readonly VoiceActivity[], key: 'started' | 'stopped'): number {
  return results.findIndex((result) => result[key]);
}

describe('start', () => {
  test('speech starts on the third frame 12 dB above the learned noise floor', () => {
    const feeder = new Feeder(new VoiceActivityDetector());
    assert.ok(feeder.frames(50, NOISE_DBFS).every((result) => !result.speaking));
    assert.ok(Math.abs(feeder.vad.noiseFloorDbfs! - NOISE_DBFS) < 1e-9);
    const speech = feeder.frames(5, NOISE_DBFS + 20);
    assert.deepEqual(speech.map((result) => result.speaking), [false, false, true, true, true]);
    assert.equal(indexOf(speech, 'started'), 2);
    assert.equal(speech.filter((result) => result.started).length, 1, 'started is reported once');
  });

  test('two loud frames (a click) and frames less than 12 dB above the floor never start speech', () => {
    const feeder = new Feeder(new VoiceActivityDetector());
    feeder.frames(50, NOISE_DBFS);
    for (let round = 0; round < 5; round++) {
      assert.ok(feeder.frames(2, NOISE_DBFS + 30).every((result) => !result.speaking));
      feeder.frames(1, NOISE_DBFS);
    }
    assert.ok(feeder.frames(20, NOISE_DBFS + 11).every((result) => !result.speaking), '11 dB above is not speech');
  });

  test('the floor adapts: a noise that becomes steady stops counting as speech within seconds', () => {
    const feeder = new Feeder(new VoiceActivityDetector());
    feeder.frames(50, NOISE_DBFS);
    const fan = feeder.frames(250, NOISE_DBFS + 20); // 5 s of a fan 20 dB louder
    assert.equal(indexOf(fan, 'started'), 2, 'at first it sounds like speech');
    assert.ok(indexOf(fan, 'stopped') > 0, 'then the floor catches up and it stops');
    assert.equal(fan[fan.length - 1]!.speaking, false);
    feeder.frames(10, NOISE_DBFS);
    assert.ok(feeder.vad.noiseFloorDbfs! < NOISE_DBFS + 1, `the floor falls back fast: ${feeder.vad.noiseFloorDbfs}`);
  });

  test('silence (-Infinity, e.g. echo-gated frames) does not drag the floor down', () => {
    const feeder = new Feeder(new VoiceActivityDetector());
    feeder.frames(20, NOISE_DBFS);
    feeder.frames(50, -Infinity);
    assert.ok(Math.abs(feeder.vad.noiseFloorDbfs! - NOISE_DBFS) < 1e-9);
    assert.ok(feeder.frames(10, NOISE_DBFS + 6).every((result) => !result.speaking));
  });
});

describe('stop', () => {
  test('speech stops 300 ms after the last voiced frame, not before', () => {
    const feeder = new Feeder(new VoiceActivityDetector());
    feeder.frames(50, NOISE_DBFS);
    feeder.frames(20, NOISE_DBFS + 25);
    const lastVoicedAtMs = feeder.nowMs - FRAME_MS;
    const after = feeder.frames(20, NOISE_DBFS);
    const stoppedAt = indexOf(after, 'stopped');
    assert.equal(feeder.nowMs - 20 * FRAME_MS + stoppedAt * FRAME_MS - lastVoicedAtMs, 300);
    assert.ok(after.slice(0, stoppedAt).every((result) => result.speaking));
    assert.ok(after.slice(stoppedAt).every((result) => !result.speaking));
    assert.equal(after.filter((result) => result.stopped).length, 1);
  });

  test('pauses shorter than the hangover do not split an utterance', () => {
    const feeder = new Feeder(new VoiceActivityDetector());
    feeder.frames(50, NOISE_DBFS);
    const results = [
      ...feeder.frames(10, NOISE_DBFS + 25),
      ...feeder.frames(12, NOISE_DBFS), // 240 ms pause between words
      ...feeder.frames(10, NOISE_DBFS + 25),
    ];
    assert.equal(results.filter((result) => result.started).length, 1);
    assert.equal(results.filter((result) => result.stopped).length, 0);
    assert.ok(results.slice(2).every((result) => result.speaking));
  });

  test('reset() ends speech without a stop event and can forget the floor', () => {
    const vad = new VoiceActivityDetector({ hangoverMs: 100, minSpeechFrames: 1 });
    vad.process(NOISE_DBFS, 0);
    assert.equal(vad.process(-30, 20).started, true);
    vad.reset();
    assert.equal(vad.speaking, false);
    assert.ok(vad.noiseFloorDbfs !== undefined);
    vad.reset(true);
    assert.equal(vad.noiseFloorDbfs, undefined);
    assert.throws(() => new VoiceActivityDetector({ minSpeechFrames: 0 }), /minSpeechFrames/);
  });
});

describe('onset and per-frame minimum', () => {
  test('the onset is the first of the voiced frames that started speech, and is forgotten when speech stops', () => {
    const feeder = new Feeder(new VoiceActivityDetector());
    feeder.frames(50, NOISE_DBFS);
    const firstVoicedAtMs = feeder.nowMs;
    const speech = feeder.frames(3, NOISE_DBFS + 20);
    assert.equal(indexOf(speech, 'started'), 2);
    assert.equal(feeder.vad.speechOnsetMs, firstVoicedAtMs, 'two frames before speech was declared');
    assert.equal(feeder.vad.lastFrameVoiced, true);
    feeder.frames(20, NOISE_DBFS);
    assert.equal(feeder.vad.speaking, false);
    assert.equal(feeder.vad.speechOnsetMs, undefined);
    assert.equal(feeder.vad.lastFrameVoiced, false);
  });

  test('a frame under the minimum asked for is not voiced, but the floor still learns from it', () => {
    const vad = new VoiceActivityDetector();
    let nowMs = 0;
    for (let frame = 0; frame < 50; frame++, nowMs += FRAME_MS) vad.process(NOISE_DBFS, nowMs);
    for (let frame = 0; frame < 10; frame++, nowMs += FRAME_MS) assert.equal(vad.process(NOISE_DBFS + 20, nowMs, NOISE_DBFS + 25).speaking, false);
    assert.ok(vad.noiseFloorDbfs! > NOISE_DBFS, 'the louder frames moved the floor up');
    assert.equal(vad.process(NOISE_DBFS + 30, nowMs, NOISE_DBFS + 25).speaking, false, 'one frame is not speech');
  });
});
