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
/**
 * AEC3 converged within 0.5 s on the synthetic room, but took 1-3 s on a PulseAudio loopback and
 * judging from 1 s failed a third of the checks under load (14 dB "removed" while still settling):
 * the first 2.5 s of the sound are not judged. A conversation's answers are longer than that.
 */
export const CONVERGENCE_MS = 2_500;
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

/** The judged stretch is cut into windows this long... */
const JUDGE_WINDOW_MS = 250;
/** ...and this share of them, those where the canceller did worst, is left out. */
const LEFT_OUT_WINDOW_SHARE = 0.25;
/** A window left out leaves at least 10 dB more of the echo than the typical (median) one. */
const LOST_MOMENT_FACTOR = 10;

/**
 * Mean raw and cleaned power over the judged chunks, leaving out those of the worst quarter of the
 * 250 ms windows where the canceller left 10 dB more than typical: what is left after the canceller in this room, not a moment when
 * it lost the echo. On a loaded machine the audio process now and then misses the device (an
 * underrun) and the canceller needs a second to find the echo again: that moment, a property of
 * the machine's load and not of the room, dominated a plain mean (14 dB "removed" against 58 in
 * the same room, a third of the checks in CI). Raw and cleaned use the same windows, so without a
 * canceller nothing is "removed".
 */
function judgedPowers(chunks: readonly ChunkLevels[]): { readonly raw: number; readonly cleaned: number } {
  const size = JUDGE_WINDOW_MS / ROOM_CHUNK_MS;
  const windows: { raw: number; cleaned: number }[] = [];
  for (let start = 0; start + size <= chunks.length; start += size) {
    const window = chunks.slice(start, start + size);
    windows.push({ raw: meanPower(window, raw), cleaned: meanPower(window, cleaned) });
  }
  if (windows.length < 4) return { raw: meanPower(chunks, raw), cleaned: meanPower(chunks, cleaned) };
  const leftIn = (window: { raw: number; cleaned: number }): number => window.cleaned / Math.max(window.raw, FLOOR_POWER);
  windows.sort((a, b) => leftIn(a) - leftIn(b));
  const typical = leftIn(windows[Math.floor(windows.length / 2)]!);
  const firstLeftOut = windows.length - Math.floor(windows.length * LEFT_OUT_WINDOW_SHARE);
  // Only a window far worse than the typical one is a lost moment (without a canceller none is).
  const kept = windows.filter((window, index) => index < firstLeftOut || leftIn(window) <= typical * LOST_MOMENT_FACTOR);
  return {
    raw: kept.reduce((sum, window) => sum + window.raw, 0) / kept.length,
    cleaned: kept.reduce((sum, window) => sum + window.cleaned, 0) / kept.length,
  };
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
  const { raw: rawPower, cleaned: cleanedPower } = judgedPowers(judged);

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
