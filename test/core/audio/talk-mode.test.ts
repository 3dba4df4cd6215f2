import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { MicrophoneFrame } from '../../../src-main/core/audio/audio-io';
import type { PcmLevels } from '../../../src-main/core/audio/pcm';
import { TalkModeController, turnDetectionFor, type TalkMode, type TalkState, type TalkTarget } from '../../../src-main/core/audio/talk-mode';

const FRAME_MS = 20;
const SILENT = -Infinity;

class RecordingTarget implements TalkTarget {
  readonly calls: string[] = [];
  readonly sent: Buffer[] = [];
  sendAudio(pcm: Buffer): boolean {
    this.sent.push(pcm);
    this.calls.push(isSilence(pcm) ? 'send:silence' : 'send');
    return true;
  }
  commitAudio(): boolean {
    this.calls.push('commit');
    return true;
  }
  interruptPlayback(): void {
    this.calls.push('interrupt');
  }
  clearInputBuffer(): void {
    this.calls.push('clear');
  }
  take(): string[] {
    return this.calls.splice(0);
  }
}

function isSilence(pcm: Buffer): boolean {
  return pcm.every((byte) => byte === 0);
}

function micFrame(value = 1000): MicrophoneFrame {
  const pcm = Buffer.alloc(960);
  for (let index = 0; index < 480; index++) pcm.writeInt16LE(value, index * 2);
  return { pcm, capturedAtMs: 0 };
}

function levels(rmsDbfs: number): PcmLevels {
  return { rmsDbfs, peakDbfs: rmsDbfs + 3 };
}

/** Drives the controller with frames on a fake 20 ms clock. */
class Mic {
  nowMs = 0;
  constructor(readonly controller: TalkModeController) {}
  frames(count: number, micDbfs: number, playbackDbfs = SILENT): string[] {
    const out: string[] = [];
    for (let index = 0; index < count; index++) {
      out.push(this.controller.onMicrophoneFrame(micFrame(), levels(micDbfs), playbackDbfs, this.nowMs));
      this.nowMs += FRAME_MS;
    }
    return out;
  }
}

function setup(mode: TalkMode, options: { localBargeIn?: boolean } = {}) {
  const target = new RecordingTarget();
  const states: TalkState[] = [];
  const controller = new TalkModeController(target, { mode, ...options, onStateChange: (state) => states.push(state) });
  return { target, controller, states, mic: new Mic(controller) };
}

describe('push-to-talk', () => {
  test('sends frames only while the key is held, barges in on press and commits on release', () => {
    const { target, controller, mic } = setup('push-to-talk');
    assert.deepEqual(mic.frames(5, -30), ['idle', 'idle', 'idle', 'idle', 'idle']);
    assert.deepEqual(target.take(), []);

    controller.pressTalk();
    assert.equal(controller.talking, true);
    assert.deepEqual(target.take(), ['interrupt', 'clear']);
    assert.deepEqual(mic.frames(10, -30), Array(10).fill('sent'));
    controller.releaseTalk();
    assert.equal(controller.talking, false);
    assert.deepEqual(target.take(), [...Array(10).fill('send'), 'commit']);

    assert.deepEqual(mic.frames(3, -30), ['idle', 'idle', 'idle']);
    assert.deepEqual(target.take(), []);
  });

  test('key auto-repeat does not restart the turn, and a stray release does nothing', () => {
    const { target, controller, mic } = setup('push-to-talk');
    controller.releaseTalk();
    controller.pressTalk();
    mic.frames(6, -30);
    controller.pressTalk();
    controller.pressTalk();
    mic.frames(2, -30);
    controller.releaseTalk();
    controller.releaseTalk();
    assert.deepEqual(target.take(), ['interrupt', 'clear', ...Array(8).fill('send'), 'commit']);
  });

  test('a tap shorter than 100 ms is not committed (the server would reject it); the buffer is cleared', () => {
    const { target, controller, mic } = setup('push-to-talk');
    controller.pressTalk();
    mic.frames(4, -30);
    controller.releaseTalk();
    assert.deepEqual(target.take(), ['interrupt', 'clear', 'send', 'send', 'send', 'send', 'clear']);
  });

  test('the session runs without turn detection', () => {
    assert.equal(turnDetectionFor('push-to-talk'), 'none');
    assert.equal(turnDetectionFor('toggle'), 'none');
    assert.equal(turnDetectionFor('hands-free'), 'server_vad');
  });
});

describe('toggle', () => {
  test('a press starts talking, the next press stops and commits; key-up is ignored', () => {
    const { target, controller, mic, states } = setup('toggle');
    controller.pressTalk();
    controller.releaseTalk();
    assert.equal(controller.talking, true);
    mic.frames(6, -30);
    controller.pressTalk();
    controller.releaseTalk();
    assert.equal(controller.talking, false);
    assert.deepEqual(target.take(), ['interrupt', 'clear', ...Array(6).fill('send'), 'commit']);
    assert.deepEqual(
      states.map((state) => state.talking),
      [true, false],
    );
  });

  test('toggleTalk() (the tray) works the same in push-to-talk', () => {
    const { target, controller, mic } = setup('push-to-talk');
    controller.toggleTalk();
    mic.frames(5, -30);
    controller.toggleTalk();
    assert.deepEqual(target.take(), ['interrupt', 'clear', ...Array(5).fill('send'), 'commit']);
  });
});

describe('mute', () => {
  test('sends nothing in any mode, and unmuting resumes', () => {
    for (const mode of ['hands-free', 'push-to-talk', 'toggle'] as const) {
      const { target, controller, mic } = setup(mode);
      controller.setMuted(true);
      if (mode !== 'hands-free') controller.pressTalk();
      target.take();
      assert.deepEqual(mic.frames(10, -20, -20), Array(10).fill('muted'), mode);
      assert.deepEqual(target.take(), [], mode);
      controller.setMuted(false);
      assert.ok(mic.frames(3, -20).every((disposition) => disposition === 'sent'), mode);
    }
  });

  test('releasing a push-to-talk turn that was muted throughout commits nothing', () => {
    const { target, controller, mic } = setup('push-to-talk');
    controller.setMuted(true);
    controller.pressTalk();
    mic.frames(20, -30);
    controller.releaseTalk();
    assert.deepEqual(target.take(), ['interrupt', 'clear', 'clear']);
  });
});

describe('hands-free', () => {
  test('every frame is sent; echo of the assistant goes out as silence; speech over it passes', () => {
    const { target, mic } = setup('hands-free');
    assert.deepEqual(mic.frames(3, -40), ['sent', 'sent', 'sent']);
    assert.deepEqual(mic.frames(5, -26, -20), Array(5).fill('silenced'), 'echo at coupling level');
    assert.deepEqual(mic.frames(3, -5, -20), ['silenced', 'sent', 'sent'], 'loud speech over the assistant');
    const calls = target.take();
    assert.equal(calls.length, 11, 'no frame is dropped');
    assert.deepEqual(calls.slice(3, 9), Array(6).fill('send:silence'));
    assert.ok(!calls.includes('interrupt'), 'no local barge-in unless enabled (v2 uses speech_started)');
  });

  test('with localBargeIn, talking over the assistant interrupts it once; its echo never does', () => {
    const { target, mic } = setup('hands-free', { localBargeIn: true });
    mic.frames(50, -60); // learn the room
    mic.frames(50, -26, -20); // the assistant talks, the mic hears its echo
    assert.ok(!target.take().includes('interrupt'));
    mic.frames(10, -5, -20); // the user talks over it
    const calls = target.take();
    assert.equal(calls.filter((call) => call === 'interrupt').length, 1);
    // Gate open from the 2nd frame, detector sure on the 3rd passing frame: the 4th frame, 60 ms in.
    assert.equal(calls.indexOf('interrupt'), 3);
  });

  test('the talk key in hands-free stops the assistant', () => {
    const { target, controller } = setup('hands-free');
    controller.pressTalk();
    controller.releaseTalk();
    assert.equal(controller.talking, false);
    assert.deepEqual(target.take(), ['interrupt']);
  });
});

describe('mode switches', () => {
  test('switching away from push-to-talk mid-turn releases it; state changes are reported', () => {
    const { target, controller, mic, states } = setup('push-to-talk');
    controller.pressTalk();
    mic.frames(6, -30);
    controller.setMode('hands-free');
    assert.deepEqual(target.take(), ['interrupt', 'clear', ...Array(6).fill('send'), 'commit']);
    assert.equal(controller.mode, 'hands-free');
    assert.deepEqual(mic.frames(1, -30), ['sent']);
    controller.setMuted(true);
    assert.deepEqual(states, [
      { mode: 'push-to-talk', muted: false, talking: true },
      { mode: 'push-to-talk', muted: false, talking: false },
      { mode: 'hands-free', muted: false, talking: false },
      { mode: 'hands-free', muted: true, talking: false },
    ]);
    assert.deepEqual(controller.state, { mode: 'hands-free', muted: true, talking: false });
  });

  test('an unknown mode from the outside is refused with the valid names', () => {
    const { controller } = setup('hands-free');
    assert.throws(() => controller.setMode('walkie-talkie' as TalkMode), /hands-free, push-to-talk, toggle/);
  });
});
