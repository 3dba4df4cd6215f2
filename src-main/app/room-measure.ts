// The room check's arithmetic: from the microphone's 10 ms levels (raw: what the microphone
// hears; cleaned: after the echo canceller) before and during the test sound, how loud the echo
// is, how much of it the canceller removed and what is left. Pure: level series in, numbers out.
//
// Levels are averaged as power (not as dB), so a loud syllable weighs what it sounds like, and the
// background is taken out by power subtraction: a residual that is only the room's own noise is
// not counted as echo.
import { ROOM_LEVEL_FLOOR_DBFS, type RoomCheckNumbers } from '../../src-shared/room-check';

/** One 10 ms microphone chunk's levels (the engine's CaptureLevels has this shape). */
export interface ChunkLevels {
  readonly rawRmsDbfs: number;
  readonly cleanedRmsDbfs: number;
  readonly capturedAtMs: number;
}

export const ROOM_CHUNK_MS = 10;
/** AEC3 converged within 0.5 s on the synthetic room; the first second of the sound is not judged. */
export const CONVERGENCE_MS = 1_000;
/** The sound counts as heard when the microphone is this much louder than before it. */
export const HEARD_MARGIN_DB = 6;
/** What is left after the canceller counts as background while within this of the cleaned background. */
export const RESIDUAL_AT_BACKGROUND_DB = 3;
/** The onset is found on this much of the raw level, so one noisy chunk is not taken for the sound. */
const ONSET_WINDOW_MS = 100;
/** The last chunks of the sound are not judged: its release and the room's tail blur them. */
const END_MARGIN_MS = 50;
const FLOOR_POWER = 10 ** (ROOM_LEVEL_FLOOR_DBFS / 10);

export interface RoomRecording {
  /** Chunks before the sound (the room as it is). */
  readonly background: readonly ChunkLevels[];
  /** Chunks from the moment the sound was handed to the speaker. */
  readonly during: readonly ChunkLevels[];
  /** The sound's mean power (full scale = 1) in each of its 10 ms chunks, in order. */
  readonly playedChunkPower: readonly number[];
  /** How long after the hand-over the sound may first reach the microphone (device latency and opening). */
  readonly maxDelayMs: number;
}

const powerOf = (dbfs: number): number => (Number.isFinite(dbfs) ? Math.max(FLOOR_POWER, 10 ** (dbfs / 10)) : FLOOR_POWER);
const dbOf = (power: number): number => 10 * Math.log10(Math.max(FLOOR_POWER, power));
const round = (db: number): number => Math.round(db * 10) / 10;

function meanPower(chunks: readonly ChunkLevels[], pick: (chunk: ChunkLevels) => number): number {
  if (chunks.length === 0) return FLOOR_POWER;
  let sum = 0;
  for (const chunk of chunks) sum += powerOf(pick(chunk));
  return sum / chunks.length;
}

const raw = (chunk: ChunkLevels) => chunk.rawRmsDbfs;
const cleaned = (chunk: ChunkLevels) => chunk.cleanedRmsDbfs;

/** The mean raw power of these chunks (full scale = 1; floored, so never 0). */
export const meanRawPower = (chunks: readonly ChunkLevels[]): number => meanPower(chunks, raw);

/**
 * The first chunk (within maxDelayMs of the hand-over) from which the raw level stands
 * HEARD_MARGIN_DB over the background, itself and over the next ONSET_WINDOW_MS; undefined if none.
 */
export function findOnset(during: readonly ChunkLevels[], backgroundPower: number, maxDelayMs: number): number | undefined {
  const threshold = backgroundPower * 10 ** (HEARD_MARGIN_DB / 10);
  const window = ONSET_WINDOW_MS / ROOM_CHUNK_MS;
  const last = Math.min(during.length - window, maxDelayMs / ROOM_CHUNK_MS);
  for (let index = 0; index <= last; index++) {
    if (powerOf(during[index]!.rawRmsDbfs) <= threshold) continue;
    if (meanPower(during.slice(index, index + window), raw) > threshold) return index;
  }
  return undefined;
}

/** The numbers of RoomCheckNumbers from one recording. */
export function measureRoom(recording: RoomRecording): RoomCheckNumbers {
  const backgroundRaw = meanRawPower(recording.background);
  const backgroundCleaned = meanPower(recording.background, cleaned);
  const onset = findOnset(recording.during, backgroundRaw, recording.maxDelayMs);
  // Judged: the sound's chunks after the canceller's convergence, where the microphone hears them
  // (from the onset; without one, as if the sound arrived at once, to show what was there).
  const start = onset ?? 0;
  const soundChunks = recording.playedChunkPower.length;
  const from = start + CONVERGENCE_MS / ROOM_CHUNK_MS;
  const to = Math.min(recording.during.length, start + soundChunks - END_MARGIN_MS / ROOM_CHUNK_MS);
  const judged = recording.during.slice(from, Math.max(from, to));
  const played = recording.playedChunkPower.slice(from - start, Math.max(from, to) - start);
  const playedPower = played.length === 0 ? FLOOR_POWER : played.reduce((sum, power) => sum + power, 0) / played.length;
  const rawPower = meanPower(judged, raw);
  const cleanedPower = meanPower(judged, cleaned);

  const heard = onset !== undefined && judged.length > 0 && rawPower > backgroundRaw * 10 ** (HEARD_MARGIN_DB / 10);
  const echoDbfs = heard ? dbOf(rawPower - backgroundRaw) : null;
  const residualAtBackground = cleanedPower <= backgroundCleaned * 10 ** (RESIDUAL_AT_BACKGROUND_DB / 10);
  const residualEchoDbfs = !heard || residualAtBackground ? null : dbOf(cleanedPower - backgroundCleaned);
  // Hidden under the background, the residual is at most the background: the removal is at least this.
  const echoRemovedDb = echoDbfs === null ? null : echoDbfs - (residualEchoDbfs ?? dbOf(backgroundCleaned));
  return {
    playedDbfs: round(dbOf(playedPower)),
    backgroundDbfs: round(dbOf(backgroundRaw)),
    cleanedBackgroundDbfs: round(dbOf(backgroundCleaned)),
    echoDbfs: echoDbfs === null ? null : round(echoDbfs),
    heardDb: echoDbfs === null ? null : round(echoDbfs - dbOf(playedPower)),
    residualEchoDbfs: residualEchoDbfs === null ? null : round(residualEchoDbfs),
    echoRemovedDb: echoRemovedDb === null ? null : round(echoRemovedDb),
    residualAtBackground: heard && residualAtBackground,
    delayMs: heard ? onset * ROOM_CHUNK_MS : null,
    judgedMs: judged.length * ROOM_CHUNK_MS,
  };
}

/** The sound's mean power per 10 ms chunk (full scale = 1), for RoomRecording.playedChunkPower. */
export function chunkPowers(samples: Float32Array, sampleRateHz: number): number[] {
  const chunkSamples = (sampleRateHz * ROOM_CHUNK_MS) / 1000;
  const powers: number[] = [];
  for (let start = 0; start + chunkSamples <= samples.length; start += chunkSamples) {
    let sum = 0;
    for (let i = start; i < start + chunkSamples; i++) sum += samples[i]! ** 2;
    powers.push(sum / chunkSamples);
  }
  return powers;
}
