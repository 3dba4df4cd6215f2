// A room in software for the room check: what is written to the speaker reaches the microphone
// `delayMs` later, `couplingDb` quieter, over a background of seeded noise; the REAL WebRTC echo
// canceller (or none) sits between the microphone and the levels, fed the speaker signal as its
// reference, as the engine does. Chunks come as fast as the CPU makes them (not in real time).
import { createEchoCanceller, ECHO_CANCELLER_FRAME_SAMPLES, type EchoCanceller } from '../../src-main/adapters/audio/echo-canceller/echo-canceller';
import type { AudioEngineRequest } from '../../src-main/app/audio-controller';
import type { RoomCheckPort } from '../../src-main/app/room-check';
import type { ChunkLevels } from '../../src-main/app/room-measure';
import { pcm16leToFloat32, pcmLevels } from '../../src-main/core/audio/pcm';
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import { FakeAudioEngine } from '../support/fake-audio-engine';
import { seededNoise } from '../support/seeded-noise';

export interface SimulatedRoomOptions {
  /** How loud the echo is relative to what is played (negative); undefined: the microphone hears nothing of it. */
  readonly couplingDb: number | undefined;
  readonly delayMs: number;
  /** What the canceller is told the delay is (the engine's hint from stream latencies); default: the true delay. */
  readonly delayHintMs?: number;
  /** RMS of the room's own noise at the microphone; undefined: digital silence. */
  readonly backgroundDbfs: number | undefined;
  /** With the real canceller, or raw = cleaned (the gate). */
  readonly canceller: boolean;
  /** Stop delivering chunks after this many (a microphone that dies mid-check). */
  readonly stopAfterChunks?: number;
}

export interface SimulatedRoom extends RoomCheckPort {
  /** The chunks delivered so far. */
  readonly delivered: ChunkLevels[];
  /** The sounds handed to the speaker. */
  readonly played: Uint8Array[];
  readonly listening: boolean;
  close(): void;
}

const SAMPLE_RATE_HZ = 24_000;

export function simulatedRoom(options: SimulatedRoomOptions): SimulatedRoom {
  const canceller: EchoCanceller | undefined = options.canceller
    ? createEchoCanceller({ sampleRateHz: SAMPLE_RATE_HZ, noiseSuppression: true, highPassFilter: true, autoGainControl: false })
    : undefined;
  canceller?.setStreamDelayMs(options.delayHintMs ?? options.delayMs);
  const noise = seededNoise(7);
  const noiseAmplitude = options.backgroundDbfs === undefined ? 0 : 10 ** (options.backgroundDbfs / 20) * Math.sqrt(3);
  const couplingGain = options.couplingDb === undefined ? 0 : 10 ** (options.couplingDb / 20);
  const delaySamples = Math.round((options.delayMs * SAMPLE_RATE_HZ) / 1000);
  // Everything the speaker has played, sample by sample, starting with silence.
  let speakerHistory: Float32Array = new Float32Array(0);
  let speakerQueued = new Float32Array(0);
  let clockSamples = 0;
  let listener: ((levels: ChunkLevels) => void) | undefined;
  let timer: NodeJS.Immediate | undefined;
  const delivered: ChunkLevels[] = [];
  const played: Uint8Array[] = [];
  const reference = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
  const microphone = new Int16Array(ECHO_CANCELLER_FRAME_SAMPLES);
  const toPcm16 = (value: number) => Math.max(-32768, Math.min(32767, Math.round(value * 32768)));

  const tick = () => {
    timer = undefined;
    if (!listener) return;
    if (options.stopAfterChunks !== undefined && delivered.length >= options.stopAfterChunks) return;
    // The speaker plays the next 10 ms of what was handed to it (or silence).
    const next = new Float32Array(ECHO_CANCELLER_FRAME_SAMPLES);
    next.set(speakerQueued.subarray(0, ECHO_CANCELLER_FRAME_SAMPLES));
    speakerQueued = speakerQueued.subarray(Math.min(speakerQueued.length, ECHO_CANCELLER_FRAME_SAMPLES));
    const history = new Float32Array(speakerHistory.length + next.length);
    history.set(speakerHistory);
    history.set(next, speakerHistory.length);
    speakerHistory = history;
    for (let i = 0; i < ECHO_CANCELLER_FRAME_SAMPLES; i++) {
      const at = clockSamples + i - delaySamples;
      const echo = at >= 0 ? speakerHistory[at]! * couplingGain : 0;
      reference[i] = toPcm16(next[i]!);
      microphone[i] = toPcm16(echo + noiseAmplitude * noise());
    }
    clockSamples += ECHO_CANCELLER_FRAME_SAMPLES;
    const rawRmsDbfs = pcmLevels(microphone).rmsDbfs;
    canceller?.processReverse(reference);
    canceller?.processCapture(microphone);
    const cleanedRmsDbfs = pcmLevels(microphone).rmsDbfs;
    const levels = { rawRmsDbfs, cleanedRmsDbfs, capturedAtMs: (clockSamples / SAMPLE_RATE_HZ) * 1000 };
    delivered.push(levels);
    listener(levels);
    timer ??= setImmediate(tick);
  };

  const protection: EchoProtection = options.canceller
    ? { kind: 'canceller', delayHintMs: options.delayHintMs ?? options.delayMs }
    : { kind: 'gate', reason: 'turned-off', message: 'echo cancellation is turned off in Settings › Audio.' };

  return {
    delivered,
    played,
    get listening() {
      return listener !== undefined;
    },
    echoProtection: protection,
    onCaptureLevels(next) {
      listener = next;
      timer ??= setImmediate(tick);
      return () => {
        listener = undefined;
      };
    },
    async play(pcm) {
      played.push(pcm);
      const samples = pcm16leToFloat32(pcm);
      const queued = new Float32Array(speakerQueued.length + samples.length);
      queued.set(speakerQueued);
      queued.set(samples, speakerQueued.length);
      speakerQueued = queued;
    },
    close() {
      listener = undefined;
      if (timer) clearImmediate(timer);
      canceller?.close();
    },
  };
}


/** The engine double with capture levels: they come from the room, and only while the microphone is open. */
export class RoomEngine extends FakeAudioEngine {
  readonly room: SimulatedRoom;
  /** Chunks delivered while the microphone was closed (must stay 0). */
  chunksWhileClosed = 0;

  constructor(request: AudioEngineRequest, room: SimulatedRoom) {
    super(request);
    this.room = room;
    const write = this.speaker.write;
    this.speaker.write = (frame) => {
      write(frame);
      void room.play(frame.pcm);
    };
  }

  get echoProtection() {
    return this.room.echoProtection;
  }

  onCaptureLevels(listener: (levels: ChunkLevels) => void): () => void {
    return this.room.onCaptureLevels((levels) => {
      if (!this.microphoneOpen) this.chunksWhileClosed += 1;
      else listener(levels);
    });
  }
}
