// Hands-free with an echo canceller upstream: frames go out as they are, and the user talking over
// the assistant stops it once, about minBargeInMs after the voice began; a cough does not, the
// residual echo does not, and nothing happens while nothing plays. The gate path is unchanged.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MicrophoneFrame } from '../../../src-main/core/audio/audio-io';
import { TalkModeController, turnDetectionFor, type TalkTarget } from '../../../src-main/core/audio/talk-mode';
import { CANCELLER_CONVERGENCE_MS, RECOVERING_RESIDUAL_ECHO_DB, UNDERRUN_RECOVERY_MS } from '../../../src-main/core/audio/barge-in-detector';
import { DEFAULT_MIN_BARGE_IN_MS } from '../../../src-shared/echo-cancellation';

const FRAME_MS = 20;
const SILENT = -Infinity;
/** What a converged canceller leaves in the room: noise near -75 dBFS. */
const CLEAN_FLOOR_DBFS = -75;
const PLAYBACK_DBFS = -20;
const VOICE_DBFS = -30;

class RecordingTarget implements TalkTarget {
  readonly calls: string[] = [];
  readonly interruptsAtMs: number[] = [];
  nowMs = 0;
  sendAudio(pcm: Buffer): boolean {
    this.calls.push(pcm.every((byte) => byte === 0) ? 'send:silence' : 'send');
    return true;
  }
  commitAudio(): boolean {
    this.calls.push('commit');
    return true;
  }
  interruptPlayback(): void {
    this.calls.push('interrupt');
    this.interruptsAtMs.push(this.nowMs);
  }
}

function micFrame(): MicrophoneFrame {
  const pcm = Buffer.alloc(960);
  for (let index = 0; index < 480; index++) pcm.writeInt16LE(index % 2 === 0 ? 900 : -900, index * 2);
  return { pcm, capturedAtMs: 0 };
}

function setup(options: { minBargeInMs?: number; localBargeIn?: boolean } = {}) {
  const target = new RecordingTarget();
  const controller = new TalkModeController(target, { mode: 'hands-free', echoProtection: 'canceller', ...options });
  let nowMs = 0;
  const frames = (count: number, micDbfs: number, playbackDbfs = SILENT): string[] => {
    const out: string[] = [];
    for (let index = 0; index < count; index++) {
      target.nowMs = nowMs;
      out.push(controller.onMicrophoneFrame(micFrame(), { rmsDbfs: micDbfs, peakDbfs: micDbfs + 3 }, playbackDbfs, nowMs));
      nowMs += FRAME_MS;
    }
    return out;
  };
  return { target, controller, frames, now: () => nowMs };
}

/** The assistant talks for a while first (the canceller counts as converged after 1 s). */
function settled(options: { minBargeInMs?: number } = {}) {
  const stage = setup(options);
  stage.frames(75, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  stage.target.calls.length = 0;
  return stage;
}

test('300 ms of speech over the assistant barges in once, about 250 ms after the voice began', () => {
  const { target, frames, now } = settled();
  const onsetMs = now();
  frames(15, VOICE_DBFS, PLAYBACK_DBFS);
  frames(40, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  assert.equal(target.interruptsAtMs.length, 1, 'one barge-in');
  const latencyMs = target.interruptsAtMs[0]! - onsetMs;
  assert.ok(Math.abs(latencyMs + FRAME_MS - DEFAULT_MIN_BARGE_IN_MS) <= FRAME_MS, `the frame ending ${latencyMs + FRAME_MS} ms after the onset barges in`);
});

test('a 100 ms burst over the assistant (a cough) does not barge in, nor does one stray frame inside its hangover', () => {
  const { target, frames } = settled();
  frames(5, VOICE_DBFS + 6, PLAYBACK_DBFS);
  frames(12, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  // 360 ms after the cough began, still inside the detector's 300 ms hangover: not 360 ms of speech.
  frames(1, VOICE_DBFS + 6, PLAYBACK_DBFS);
  frames(40, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  assert.deepEqual(target.interruptsAtMs, []);
});

test('every frame is sent as it is, echo or not: the canceller already removed the echo', () => {
  const { target, frames } = settled();
  assert.deepEqual(frames(20, PLAYBACK_DBFS - 35, PLAYBACK_DBFS), Array(20).fill('sent'));
  assert.deepEqual(target.calls, Array(20).fill('send'));
});

test('no barge-in while nothing plays: the user simply speaks and the server hears the turn', () => {
  const { target, frames } = setup();
  frames(50, CLEAN_FLOOR_DBFS);
  frames(50, VOICE_DBFS);
  assert.deepEqual(target.interruptsAtMs, []);
});

test('after a barge-in it re-arms only when the speech has stopped', () => {
  const { target, frames } = settled();
  frames(40, VOICE_DBFS, PLAYBACK_DBFS);
  assert.equal(target.interruptsAtMs.length, 1, 'one barge-in for one long talk-over');
  frames(20, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS); // 400 ms: past the 300 ms hangover
  frames(20, VOICE_DBFS, PLAYBACK_DBFS);
  assert.equal(target.interruptsAtMs.length, 2, 'new speech, new barge-in');
});

test('residual echo that is loud for a canceller but far under the playback never barges in', () => {
  const { target, frames } = settled();
  // Every other frame 35 dB under the playback: more than 12 dB over the floor, so the bare VAD
  // would call it speech; the detector takes it for what the canceller left.
  for (let round = 0; round < 50; round++) {
    frames(1, PLAYBACK_DBFS - 35, PLAYBACK_DBFS);
    frames(1, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  }
  assert.deepEqual(target.interruptsAtMs, []);
});

test('in the first second of playback the canceller is converging: speech 25 dB under the playback does not barge in, 10 dB under does', () => {
  const quiet = setup();
  quiet.frames(10, CLEAN_FLOOR_DBFS);
  quiet.frames(20, PLAYBACK_DBFS - 25, PLAYBACK_DBFS);
  assert.deepEqual(quiet.target.interruptsAtMs, [], 'could be unconverged echo');
  const loud = setup();
  loud.frames(10, CLEAN_FLOOR_DBFS);
  loud.frames(20, PLAYBACK_DBFS - 10, PLAYBACK_DBFS);
  assert.equal(loud.target.interruptsAtMs.length, 1);
});

test('minBargeInMs is configurable and validated', () => {
  const { target, frames, now } = settled({ minBargeInMs: 500 });
  const onsetMs = now();
  frames(40, VOICE_DBFS, PLAYBACK_DBFS);
  assert.equal(target.interruptsAtMs.length, 1);
  assert.ok(Math.abs(target.interruptsAtMs[0]! + FRAME_MS - onsetMs - 500) <= FRAME_MS);
  assert.throws(() => new TalkModeController(new RecordingTarget(), { minBargeInMs: 50 }), /minBargeInMs/);
  assert.throws(() => new TalkModeController(new RecordingTarget(), { minBargeInMs: 250.5 }), /minBargeInMs/);
});

test('v1 (localBargeIn) with the canceller waits for minBargeInMs too', () => {
  const { target, frames } = settled({ localBargeIn: true } as { minBargeInMs?: number });
  frames(8, VOICE_DBFS, PLAYBACK_DBFS); // 160 ms: the gate path would have barged in by now
  assert.deepEqual(target.interruptsAtMs, []);
  frames(10, VOICE_DBFS, PLAYBACK_DBFS);
  assert.equal(target.interruptsAtMs.length, 1);
});

test('switching to the gate restores it exactly: echo goes out as silence, the detector is not used', () => {
  const { target, controller, frames } = settled();
  controller.setEchoProtection('gate');
  assert.equal(controller.echoProtection, 'gate');
  assert.deepEqual(frames(30, PLAYBACK_DBFS - 10, PLAYBACK_DBFS), Array(30).fill('silenced'));
  assert.deepEqual(target.interruptsAtMs, [], 'no local barge-in without localBargeIn on the gate path');
  assert.throws(() => controller.setEchoProtection('both' as 'gate'), /echo protection/);
});

test('turnDetectionFor: hands-free takes the chosen detection, push-to-talk and toggle none', () => {
  assert.equal(turnDetectionFor('hands-free'), 'server_vad');
  assert.equal(turnDetectionFor('hands-free', 'semantic_vad'), 'semantic_vad');
  assert.equal(turnDetectionFor('push-to-talk', 'semantic_vad'), 'none');
  assert.equal(turnDetectionFor('toggle', 'semantic_vad'), 'none');
});

test('a new canceller instance converges afresh: a voice 15 dB under the playback waits, the same instance does not', () => {
  const converged = CANCELLER_CONVERGENCE_MS / FRAME_MS + 10;
  const leaked = PLAYBACK_DBFS - 15;
  const same = setup();
  same.controller.setEchoProtection('canceller', { instance: 1 });
  same.frames(converged, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  same.controller.setEchoProtection('canceller', { instance: 1 }); // a move of the delay: the same canceller
  same.frames(20, leaked, PLAYBACK_DBFS);
  assert.equal(same.target.interruptsAtMs.length, 1, 'past convergence, 15 dB under the playback is a person');

  const restarted = setup();
  restarted.controller.setEchoProtection('canceller', { instance: 1 });
  restarted.frames(converged, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  restarted.controller.setEchoProtection('canceller', { instance: 2 }); // the audio process started a new canceller
  restarted.frames(20, leaked, PLAYBACK_DBFS);
  assert.deepEqual(restarted.target.interruptsAtMs, [], 'could be the new canceller’s unconverged echo');
});

test('a speaker underrun makes the allowance looser for a moment, then strict again', () => {
  // Between the recovering allowance and the strict one: what AEC3 left while it found the echo again in the room.
  const leaked = PLAYBACK_DBFS + RECOVERING_RESIDUAL_ECHO_DB - 3;
  const stage = setup();
  stage.controller.setEchoProtection('canceller', { instance: 1, underruns: 0 });
  stage.frames(CANCELLER_CONVERGENCE_MS / FRAME_MS + 10, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  stage.controller.setEchoProtection('canceller', { instance: 1, underruns: 1 }); // the reference was realigned
  stage.frames(20, leaked, PLAYBACK_DBFS);
  assert.deepEqual(stage.target.interruptsAtMs, [], 'echo leaking while the canceller finds it again is not the user');
  stage.frames(UNDERRUN_RECOVERY_MS / FRAME_MS, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  stage.frames(20, leaked, PLAYBACK_DBFS);
  assert.equal(stage.target.interruptsAtMs.length, 1, 'recovered: the same level is a person again');
});

test('the same underrun count again (another change of the protection) does not loosen the allowance', () => {
  const leaked = PLAYBACK_DBFS + RECOVERING_RESIDUAL_ECHO_DB - 3;
  const stage = setup();
  stage.controller.setEchoProtection('canceller', { instance: 1, underruns: 2 });
  stage.frames(CANCELLER_CONVERGENCE_MS / FRAME_MS + 10, CLEAN_FLOOR_DBFS, PLAYBACK_DBFS);
  stage.controller.setEchoProtection('canceller', { instance: 1, underruns: 2 }); // a move of the delay
  stage.frames(20, leaked, PLAYBACK_DBFS);
  assert.equal(stage.target.interruptsAtMs.length, 1);
});
