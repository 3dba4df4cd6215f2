// The room check, start to end: listen to the room for a moment, play the test sound, keep
// listening while it plays, and judge. Driven by the microphone's own 10 ms chunks (the engine's
// capture levels), not by wall-clock sleeps: "half a second of background" is 50 chunks however
// late the device delivers them. A watchdog ends the check when the microphone stops delivering.
//
// Timeline (PulseAudio, measured in test/e2e/room-check-pulse.e2e.test.ts): the first microphone
// chunk ~1 s after the open; SETTLE 0.2 s; BACKGROUND 0.5 s; the sound (3 s) reaches the
// microphone 0.15 to 0.8 s after it is written; the verdict about 5.1 s after the click.
import type { EchoProtection } from '../../src-shared/echo-cancellation';
import type { RoomCheckResult } from '../../src-shared/room-check';
import { ROOM_SOUND_SAMPLE_RATE_HZ, roomSoundPcm, roomSoundSamples } from './room-check-sound';
import { chunkPowers, findOnset, meanRawPower, measureRoom, ROOM_CHUNK_MS, type ChunkLevels } from './room-measure';
import { judgeRoom } from './room-verdict';

/** What the room check needs of the audio: levels from an open microphone, and a speaker. */
export interface RoomCheckPort {
  /** The microphone's levels before and after the canceller, one per 10 ms chunk; returns an unsubscribe. */
  onCaptureLevels(listener: (levels: ChunkLevels) => void): () => void;
  /** Which protection the microphone has; read when the measurement ends. */
  readonly echoProtection: EchoProtection | undefined;
  /** Hands the sound (24 kHz mono PCM16LE) to the speaker; resolves once it is written. */
  play(pcm: Uint8Array): Promise<void>;
}

export interface RoomCheckTiming {
  /** The first chunks of a fresh stream are skipped: device start-up, the noise suppressor's first estimate. */
  readonly settleMs: number;
  readonly backgroundMs: number;
  /** From writing the sound until it must have reached the microphone (an output that opens late, PulseAudio's buffers). */
  readonly maxDelayMs: number;
  /** After the sound, a little of the room's tail is recorded too. */
  readonly tailMs: number;
  /** No chunk for this long: the microphone is not delivering, the check ends with what it has. */
  readonly firstChunkTimeoutMs: number;
  readonly stallTimeoutMs: number;
}

export const ROOM_CHECK_TIMING: RoomCheckTiming = Object.freeze({
  settleMs: 200,
  backgroundMs: 500,
  // Measured on PulseAudio: 150 to 770 ms from writing the sound until the microphone heard it.
  maxDelayMs: 2_000,
  tailMs: 100,
  // The first buffer of a PulseAudio input arrives about 1 s after the open (toolchain.md).
  firstChunkTimeoutMs: 4_000,
  stallTimeoutMs: 1_500,
});

export interface RoomCheckOptions {
  readonly timing?: Partial<RoomCheckTiming>;
}

/** The sound and its per-chunk power, made once: the same 3 s on every check. */
let sound: { readonly pcm: Uint8Array; readonly chunkPower: readonly number[] } | undefined;
function testSound(): { readonly pcm: Uint8Array; readonly chunkPower: readonly number[] } {
  sound ??= { pcm: roomSoundPcm(), chunkPower: chunkPowers(roomSoundSamples(), ROOM_SOUND_SAMPLE_RATE_HZ) };
  return sound;
}

/**
 * Runs one room check on an open microphone. Resolves with the verdict (a microphone that stops
 * delivering gives 'inconclusive', not an error); rejects only when the sound cannot be played.
 */
export function runRoomCheck(port: RoomCheckPort, options: RoomCheckOptions = {}): Promise<RoomCheckResult> {
  const timing = { ...ROOM_CHECK_TIMING, ...options.timing };
  const { pcm, chunkPower } = testSound();
  const settleChunks = timing.settleMs / ROOM_CHUNK_MS;
  const backgroundChunks = timing.backgroundMs / ROOM_CHUNK_MS;
  const maxDelayChunks = timing.maxDelayMs / ROOM_CHUNK_MS;
  const tailChunks = timing.tailMs / ROOM_CHUNK_MS;

  return new Promise<RoomCheckResult>((resolve, reject) => {
    let phase = 'settle' as 'settle' | 'background' | 'handing-over' | 'during' | 'done';
    let settled = 0;
    const background: ChunkLevels[] = [];
    const during: ChunkLevels[] = [];
    let onset: number | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    let unsubscribe: (() => void) | undefined = undefined;

    const finish = (failure?: unknown) => {
      if (phase === 'done') return;
      phase = 'done';
      clearTimeout(watchdog);
      unsubscribe?.();
      if (failure !== undefined) {
        reject(failure instanceof Error ? failure : new Error(String(failure)));
        return;
      }
      const numbers = measureRoom({ background, during, playedChunkPower: chunkPower, maxDelayMs: timing.maxDelayMs });
      resolve(judgeRoom(numbers, port.echoProtection ?? null));
    };
    const armWatchdog = (ms: number) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => finish(), ms);
    };

    const enoughHeard = (): boolean => {
      if (onset === undefined && during.length <= maxDelayChunks + 1) {
        onset = findOnset(during, meanRawPower(background), timing.maxDelayMs);
      }
      const end = onset === undefined ? maxDelayChunks + chunkPower.length : onset + chunkPower.length + tailChunks;
      return during.length >= end;
    };

    const onChunk = (levels: ChunkLevels) => {
      if (phase === 'done') return;
      armWatchdog(timing.stallTimeoutMs);
      switch (phase) {
        case 'settle':
          if (++settled >= settleChunks) phase = 'background';
          return;
        case 'background':
          background.push(levels);
          if (background.length < backgroundChunks) return;
          phase = 'handing-over';
          // Chunks that arrive while the speaker opens are neither background nor sound: dropped.
          port.play(pcm).then(
            () => {
              if (phase === 'handing-over') phase = 'during';
            },
            (error: unknown) => finish(error),
          );
          return;
        case 'handing-over':
          return;
        case 'during':
          during.push(levels);
          if (enoughHeard()) finish();
          return;
      }
    };

    unsubscribe = port.onCaptureLevels(onChunk);
    if (phase === 'done') unsubscribe();
    else armWatchdog(timing.firstChunkTimeoutMs);
  });
}

