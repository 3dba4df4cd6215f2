/**
 * The app's live audio path in the simulated room (test/support/pulse-room.ts): the real
 * NativeAudioEngine (audio host process, PortAudio on PulseAudio, the echo canceller when it is
 * on) feeding a real TalkModeController in hands-free, whose target records what would be sent
 * to the server and every local barge-in. The assistant's speech is written to engine.speaker as
 * the session would write the server's audio.
 *
 * Recorded, on the Date.now clock:
 *  - `raw`: what the microphone heard, per 10 ms chunk before the canceller (the engine's capture levels);
 *  - `sent`: every frame the talk controller handed to the session (echo removed, or silenced by
 *    the gate), by its capture time;
 *  - `silenced`: the capture times of frames the gate sent as silence;
 *  - `bargeIns`: when the controller called interruptPlayback.
 */
import { NativeAudioEngine } from '../src-main/adapters/audio/native/native-audio-engine';
import type { CapturedFrame } from '../src-main/core/audio/capture-pipeline';
import { TalkModeController, type TalkTarget } from '../src-main/core/audio/talk-mode';
import { DEFAULT_ECHO_CANCELLATION, type EchoCancellationSettings, type EchoProtection } from '../src-shared/echo-cancellation';
import type { SpeechAsset } from '../test/support/speech-assets';
import { LevelTrack } from './room-levels';

const FRAME_BYTES = 960; // 20 ms of 24 kHz mono PCM16
const CHUNK_MS = 10;
const CHUNK_SAMPLES = 240; // the host's 10 ms chunks at 24 kHz
const FULL_SCALE = 32_768;
const PROTECTION_WAIT_MS = 10_000;
const FIRST_FRAME_WAIT_MS = 10_000;

export interface RoomRigOptions {
  /** The canceller on (the default settings) or off (the echo gate protects the session). */
  readonly echoCancellation: boolean;
  /** Speech over the assistant must last this long before it stops it (the talk controller's option). */
  readonly minBargeInMs?: number;
  /** True: a barge-in stops the speaker (the dialogue). False: playback goes on (to measure double talk). */
  readonly stopOnBargeIn: boolean;
}

export class RoomRig {
  readonly engine: NativeAudioEngine;
  readonly talk: TalkModeController;
  readonly raw = new LevelTrack();
  readonly sent = new LevelTrack();
  readonly silenced: number[] = [];
  readonly bargeIns: number[] = [];
  /** Date.now of each speaker underrun the canceller's reference was realigned after. */
  readonly underrunsAtMs: number[] = [];
  /** interrupt() calls on the speaker that failed (the dialogue reports them). */
  readonly interruptFailures: string[] = [];
  private frameCapturedAtMs = 0;
  private frames = 0;
  private underrunInstance: number | undefined;
  private underrunsOfInstance = 0;
  private stopped = false;

  private constructor(private readonly options: RoomRigOptions) {
    const settings: EchoCancellationSettings = { ...DEFAULT_ECHO_CANCELLATION, enabled: options.echoCancellation };
    // As the app does: the talk controller follows every change of protection (a new canceller converges afresh).
    this.engine = new NativeAudioEngine({ echoCancellation: settings, onEchoProtection: (protection) => this.followProtection(protection) });
    this.engine.onCaptureLevels(({ rawRmsDbfs, capturedAtMs }) => {
      // A 10 ms chunk stamped with its last sample: its window starts 10 ms earlier.
      this.raw.addSum(capturedAtMs - CHUNK_MS, CHUNK_SAMPLES * FULL_SCALE * FULL_SCALE * 10 ** (rawRmsDbfs / 10), CHUNK_SAMPLES);
    });
    const target: TalkTarget = {
      sendAudio: (pcm) => {
        this.sent.add(this.frameCapturedAtMs, samplesOf(pcm));
        return true;
      },
      commitAudio: () => false,
      interruptPlayback: () => {
        this.bargeIns.push(Date.now());
        if (this.options.stopOnBargeIn) Promise.resolve().then(() => this.engine.speaker.interrupt()).catch((error: unknown) => this.interruptFailures.push(error instanceof Error ? error.message : String(error)));
      },
    };
    this.talk = new TalkModeController(target, { mode: 'hands-free', localBargeIn: true, minBargeInMs: options.minBargeInMs });
  }

  /** Starts the engine, the speaker and the microphone; resolves once frames flow and the protection is known. */
  static async start(options: RoomRigOptions): Promise<RoomRig> {
    const rig = new RoomRig(options);
    try {
      await rig.engine.start();
      await rig.engine.prepareSpeaker();
      let microphoneError: Error | undefined;
      rig.engine.microphone.start(
        (frame) => rig.onFrame(frame),
        (error) => (microphoneError = error ?? new Error('the microphone ended')),
      );
      const deadline = Date.now() + FIRST_FRAME_WAIT_MS;
      while (rig.frames === 0 && !microphoneError && Date.now() < deadline) await sleep(20);
      if (microphoneError) throw microphoneError;
      if (rig.frames === 0) throw new Error(`no microphone frame within ${FIRST_FRAME_WAIT_MS} ms`);
      // As the app does: the talk controller follows what protects the microphone.
      const protection = await rig.waitForProtection();
      rig.followProtection(protection);
      return rig;
    } catch (error) {
      await rig.stop();
      throw error;
    }
  }

  /** What protects the microphone (known once it has opened). */
  get protection(): EchoProtection | undefined {
    return this.engine.echoProtection;
  }

  /** Hands the whole line to the speaker now, in 20 ms frames, as the session does with the server's audio. Returns Date.now. */
  say(asset: SpeechAsset, itemId: string): number {
    const pcm = Buffer.from(asset.samples.buffer, asset.samples.byteOffset, asset.samples.byteLength);
    for (let offset = 0; offset < pcm.length; offset += FRAME_BYTES) {
      this.engine.speaker.write({ pcm: pcm.subarray(offset, offset + FRAME_BYTES), sampleRate: 24_000, channels: 1, itemId });
    }
    this.engine.speaker.endItem?.(itemId);
    return Date.now();
  }

  /** Microphone frames received so far. */
  get frameCount(): number {
    return this.frames;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const failures: string[] = [];
    for (const [part, close] of [
      ['microphone', () => this.engine.microphone.stop()],
      ['speaker', () => this.engine.speaker.close()],
      ['engine', () => this.engine.shutdown()],
    ] as const) {
      try {
        await close();
      } catch (error) {
        failures.push(`${part}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length > 0) throw new Error(`the room rig did not stop cleanly: ${failures.join('; ')}`);
  }

  private onFrame(frame: CapturedFrame): void {
    this.frames++;
    this.frameCapturedAtMs = frame.capturedAtMs;
    const disposition = this.talk.onMicrophoneFrame(frame, frame, this.engine.playbackLevelDbfs, Date.now());
    if (disposition === 'silenced') this.silenced.push(frame.capturedAtMs);
  }

  private followProtection(protection: EchoProtection): void {
    // Underruns are counted per canceller: a new instance starts from none.
    const instance = protection.kind === 'canceller' ? protection.instance : undefined;
    const underruns = protection.kind === 'canceller' ? (protection.underruns ?? 0) : 0;
    if (instance !== this.underrunInstance) this.underrunsOfInstance = 0;
    this.underrunInstance = instance;
    for (; this.underrunsOfInstance < underruns; this.underrunsOfInstance++) this.underrunsAtMs.push(Date.now());
    this.talk.setEchoProtection(protection.kind, protection.kind === 'canceller' ? protection : undefined);
  }

  private async waitForProtection(): Promise<EchoProtection> {
    const deadline = Date.now() + PROTECTION_WAIT_MS;
    while (this.protection === undefined && Date.now() < deadline) await sleep(20);
    if (this.protection === undefined) throw new Error(`the engine reported no echo protection within ${PROTECTION_WAIT_MS} ms`);
    return this.protection;
  }
}

/** PCM16LE as samples (copied when the bytes are not 2-byte aligned). */
function samplesOf(pcm: Buffer): Int16Array {
  if (pcm.byteOffset % 2 === 0) return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length >> 1);
  const samples = new Int16Array(pcm.length >> 1);
  for (let index = 0; index < samples.length; index++) samples[index] = pcm.readInt16LE(index * 2);
  return samples;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
