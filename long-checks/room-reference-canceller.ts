/**
 * The same canceller (WebRTC AEC3, the app's settings) run after the fact, in lockstep, on what
 * the room's monitors recorded: the speaker monitor as the reference, the microphone monitor as
 * the capture, frame for frame at the same instant. The echo then lags its reference by exactly
 * the room's delay, with no scheduling jitter.
 *
 * It separates the room from the app: when this removes the echo and the live path does not, the
 * room was fine and the live path (reference timing, delay, capture scheduling) lost it; when this
 * fails too, the room itself glitched (an underrun in the loopback on a loaded machine).
 */
import { createEchoCanceller, ECHO_CANCELLER_FRAME_SAMPLES } from '../src-main/adapters/audio/echo-canceller/echo-canceller';
import { DEFAULT_ECHO_CANCELLATION } from '../src-shared/echo-cancellation';
import type { PulseMonitor } from '../test/support/pulse-monitor';
import { LevelTrack } from './room-levels';

/** Raw microphone and cleaned output, in 10 ms windows on the Date.now clock. */
export interface ReferenceRun {
  readonly raw: LevelTrack;
  readonly cleaned: LevelTrack;
}

export function cancelInLockstep(speaker: PulseMonitor, microphone: PulseMonitor, fromMs: number, toMs: number, delayHintMs: number): ReferenceRun {
  const canceller = createEchoCanceller({
    sampleRateHz: 24_000,
    noiseSuppression: DEFAULT_ECHO_CANCELLATION.noiseSuppression,
    highPassFilter: true,
    autoGainControl: DEFAULT_ECHO_CANCELLATION.autoGainControl,
  });
  const raw = new LevelTrack();
  const cleaned = new LevelTrack();
  try {
    canceller.setStreamDelayMs(delayHintMs);
    const frame = ECHO_CANCELLER_FRAME_SAMPLES;
    const reference = new Int16Array(frame);
    const capture = new Int16Array(frame);
    const first = Math.max(0, microphone.sampleAtTime(fromMs - performance.timeOrigin));
    const last = Math.min(microphone.sampleCount, microphone.sampleAtTime(toMs - performance.timeOrigin));
    // The speaker sample at the microphone's first instant; both advance together from there
    // (both monitors run on the same clock, so one mapping holds for the whole run).
    const speakerFirst = speaker.sampleAtTime(microphone.timeOfSample(first));
    for (let start = first; start + frame <= last; start += frame) {
      const speakerStart = speakerFirst + (start - first);
      for (let index = 0; index < frame; index++) {
        reference[index] = speaker.sample(speakerStart + index);
        capture[index] = microphone.sample(start + index);
      }
      const atMs = performance.timeOrigin + microphone.timeOfSample(start);
      raw.add(atMs, capture);
      canceller.processReverse(reference);
      canceller.processCapture(capture);
      cleaned.add(atMs, capture);
    }
  } finally {
    canceller.close();
  }
  return { raw, cleaned };
}
