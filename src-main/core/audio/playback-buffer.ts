/**
 * The playback jitter buffer between the session's assistant audio and a speaker device.
 *
 * Assistant audio arrives in bursts at whatever rate and channel count the server speaks; the
 * device pulls fixed blocks at its own rate. Pushed audio is converted once to the device format
 * (band-limited resampling, channel up/down-mix) into a ring of Int16 interleaved samples that the
 * device's pulls read from. Only a little is converted ahead of the device (the start threshold
 * plus CONVERT_AHEAD_MS): a burst waits unconverted (playback-input-queue.ts) and each pull
 * converts about what it takes, so a long answer arriving at once never holds up the caller's
 * event loop, which also feeds the device. Nothing allocates per pull but that conversion.
 *
 * Rules (all measured on the device's clock, i.e. in pulled frames, so tests need no timers):
 * - Start: playback (first start, and again after an underrun) waits until `startThresholdMs` is
 *   queued, or the pushed audio is complete (`markItemEnded()`, or a new item's audio arrived so
 *   the earlier one is complete), or the device has already pulled `startTimeoutMs` of silence
 *   while audio was waiting. A short complete item therefore plays at once when the session
 *   marks it ended, and at worst after `startTimeoutMs` when it does not.
 * - Underrun: the queue ran dry mid-item (the item was not marked ended). Counted once per
 *   episode; the last real frames of the pull that ran dry fade out linearly over `fadeMs` (if
 *   that pull had fewer real frames, the fade finishes as a ramp of the last sample to zero), and
 *   the next start fades in over `fadeMs`. A complete item draining is not an underrun but gets
 *   the same fade-out, so the last sample never steps to zero.
 * - Overrun: more than `maxBufferedMs` queued drops the oldest audio, counted in `droppedMs`; if
 *   that audio was playing, the cut is crossfaded (ramp of the last sample out, fade-in of the new
 *   head).
 * - Played duration: frames actually copied to the device per item, never what was received.
 *   Barge-in (`interrupt`) drops the queue at once, ramps the last sample to zero over `fadeMs`
 *   (so the stop does not click) and ignores late audio for the dropped items until another item
 *   arrives.
 * - Channels: equal channel counts are resampled channel by channel; otherwise the input is
 *   averaged to mono and copied to every device channel.
 */
import { PlaybackInputQueue } from './playback-input-queue';
import { Resampler } from './resampler';

export const DEFAULT_START_THRESHOLD_MS = 50;
export const DEFAULT_START_TIMEOUT_MS = 100;
export const DEFAULT_MAX_BUFFERED_MS = 2000;
export const DEFAULT_FADE_MS = 5;
/** Converted audio kept ready beyond the start threshold (and the pull being served). */
export const CONVERT_AHEAD_MS = 40;
/** Items whose played duration stays queryable through `playedMs(itemId)` after they finish. */
const PLAYED_HISTORY_ITEMS = 16;
const INT16_SCALE = 32768;
const NO_BYTES = new Uint8Array(0);

export interface PlaybackBufferOptions {
  readonly deviceSampleRate: number;
  readonly deviceChannels: number;
  /** Default 50: playback starts once this much is queued (or the audio is complete). */
  readonly startThresholdMs?: number;
  /** Default 100: queued audio below the threshold starts anyway after the device waited this long. */
  readonly startTimeoutMs?: number;
  /** Default 2000: overrun bound; the oldest audio beyond it is dropped and counted. */
  readonly maxBufferedMs?: number;
  /** Default 5: fade-out into an underrun or a barge-in and fade-in out of it (0 disables). */
  readonly fadeMs?: number;
}

/** Assistant audio as the session receives it (an `AssistantAudioFrame` fits). */
export interface PlaybackInput {
  /** PCM16 little-endian, interleaved. */
  readonly pcm: Uint8Array;
  readonly sampleRate: number;
  readonly channels: number;
  readonly itemId: string | undefined;
}

export interface PlaybackStats {
  /** Times the queue ran dry in the middle of an item. */
  readonly underruns: number;
  /** Audio dropped by the overrun bound, in device milliseconds. */
  readonly droppedMs: number;
  /** Audio queued and not yet pulled, in milliseconds. */
  readonly bufferedMs: number;
  /** Milliseconds of the current (or last unfinished) item handed to the device. */
  readonly playedMsByCurrentItem: number;
}

export interface PlaybackInterruptionReport {
  readonly itemId: string;
  /** Whole milliseconds of that item the listener heard (rounded down, never negative). */
  readonly playedMs: number;
}

/** One resampler per converted channel for one input format, kept so a format can come back cheaply. */
interface Converter {
  readonly sampleRate: number;
  readonly channels: number;
  readonly resamplers: Resampler[];
}

function positive(name: string, value: number, allowZero = false): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new RangeError(`PlaybackBuffer: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${value}`);
  }
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`PlaybackBuffer: ${name} must be a positive integer, got ${value}`);
  return value;
}

function toInt16(value: number): number {
  const scaled = Math.round(value);
  return scaled > 32767 ? 32767 : scaled < -32768 ? -32768 : scaled;
}

export class PlaybackBuffer {
  readonly deviceSampleRate: number;
  readonly deviceChannels: number;

  private readonly startThresholdFrames: number;
  private readonly startTimeoutFrames: number;
  private readonly capacityFrames: number;
  private readonly fadeFrames: number;
  /** Converted frames wanted ready before a pull (beyond the pull itself). */
  private readonly aheadFrames: number;
  /** Pushed audio not converted yet. */
  private readonly pending = new PlaybackInputQueue();

  // Ring of interleaved device frames: `queuedFrames` frames starting at `readFrame`.
  private readonly ring: Int16Array;
  private readFrame = 0;
  private queuedFrames = 0;

  // Which item each queued frame belongs to: run lengths in queue order (a small growable ring).
  private segmentItems: (string | undefined)[] = new Array<string | undefined>(8);
  private segmentFrames: number[] = new Array<number>(8).fill(0);
  private segmentHead = 0;
  private segmentCount = 0;

  // Start/underrun state.
  private playing = false;
  private waitedFrames = 0;
  private fadeInDone: number;
  /** Ramp of `tailStart` to zero: frame k of `tailLength` (1-based) is tailStart * (1 - k / tailLength). */
  private readonly tailStart: Float32Array;
  private tailLength = 0;
  private tailPosition = 0;
  /** Per channel, the last sample value handed to the device. */
  private readonly lastOutput: Float32Array;

  // Played accounting.
  private hasCurrentItem = false;
  private currentItemId: string | undefined;
  private currentPlayedFrames = 0;
  private readonly playedHistory = new Map<string, number>();
  /** The item whose first frame the last pull handed over, and at which frame of that pull. */
  private startedInPull: { itemId: string | undefined; frameOffset: number } | undefined;

  // Input side.
  private readonly converters = new Map<string, Converter>();
  private converter: Converter | undefined;
  /** Samples went into `converter` since its last reset, so a flush owes a tail. */
  private converterDirty = false;
  private inputItemId: string | undefined;
  private inputEnded = false;
  private carry: Uint8Array = NO_BYTES;
  private ignoredItems: string[] = [];

  private lastLevelDbfs = -Infinity;
  private underrunCount = 0;
  private droppedFrames = 0;

  constructor(options: PlaybackBufferOptions) {
    this.deviceSampleRate = positiveInteger('deviceSampleRate', options.deviceSampleRate);
    this.deviceChannels = positiveInteger('deviceChannels', options.deviceChannels);
    const framesPerMs = this.deviceSampleRate / 1000;
    const maxBufferedMs = positive('maxBufferedMs', options.maxBufferedMs ?? DEFAULT_MAX_BUFFERED_MS);
    this.capacityFrames = Math.max(1, Math.round(maxBufferedMs * framesPerMs));
    const thresholdMs = positive('startThresholdMs', options.startThresholdMs ?? DEFAULT_START_THRESHOLD_MS, true);
    this.startThresholdFrames = Math.min(this.capacityFrames, Math.max(1, Math.round(thresholdMs * framesPerMs)));
    const timeoutMs = positive('startTimeoutMs', options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS, true);
    this.startTimeoutFrames = Math.round(timeoutMs * framesPerMs);
    this.fadeFrames = Math.round(positive('fadeMs', options.fadeMs ?? DEFAULT_FADE_MS, true) * framesPerMs);
    this.fadeInDone = this.fadeFrames;
    this.aheadFrames = this.startThresholdFrames + Math.round(CONVERT_AHEAD_MS * framesPerMs);
    this.ring = new Int16Array(this.capacityFrames * this.deviceChannels);
    this.tailStart = new Float32Array(this.deviceChannels);
    this.lastOutput = new Float32Array(this.deviceChannels);
  }

  /** Level of the last pulled block as the device got it (RMS dBFS; -Infinity for silence), for the echo gate and the meter. */
  get outputLevelDbfs(): number {
    return this.lastLevelDbfs;
  }

  /** Audio queued, being started or fading out. An underrun's silence is not playing. */
  isPlaying(): boolean {
    return this.queuedFrames > 0 || this.pending.hasAudio || this.tailPosition < this.tailLength;
  }

  /** Audio converted and ready for the device, ms; the rest of `stats.bufferedMs` waits unconverted. */
  get convertedMs(): number {
    return this.framesToMs(this.queuedFrames);
  }

  /** A snapshot (allocates; read it at UI rate, not per sample). */
  get stats(): PlaybackStats {
    return {
      underruns: this.underrunCount,
      droppedMs: this.framesToMs(this.droppedFrames),
      bufferedMs: this.framesToMs(this.queuedFrames) + this.pending.pendingMs,
      playedMsByCurrentItem: this.hasCurrentItem ? this.framesToMs(this.currentPlayedFrames) : 0,
    };
  }

  /**
   * The item whose very first frame the last pull handed to the device, with that frame's offset
   * in the pull (the first such item when two began in one pull); undefined when none began. What
   * the speaker reports as an item's first sample for the latency waterfall.
   */
  get lastPullItemStart(): { readonly itemId: string | undefined; readonly frameOffset: number } | undefined {
    return this.startedInPull;
  }

  /** Milliseconds of `itemId` handed to the device so far (the current item or one of the last few). */
  playedMs(itemId: string): number {
    if (this.hasCurrentItem && this.currentItemId === itemId) return this.framesToMs(this.currentPlayedFrames);
    return this.framesToMs(this.playedHistory.get(itemId) ?? 0);
  }

  /**
   * Queues assistant audio. Any rate and channel count; converted to the device format when the
   * device is about to need it (a short queue converts at once), so the bytes are read later and
   * must not be reused by the caller. A new item or format finishes the previous input stream first.
   * Audio of an item dropped by `interrupt` is ignored until a different item arrives.
   */
  push(frame: PlaybackInput): void {
    positiveInteger('frame.sampleRate', frame.sampleRate);
    positiveInteger('frame.channels', frame.channels);
    const itemId = frame.itemId;
    if (itemId !== undefined && this.ignoredItems.length > 0) {
      if (this.ignoredItems.includes(itemId)) return;
      this.ignoredItems = [];
    }
    if (this.pending.isEmpty && this.queuedFrames < this.aheadFrames) {
      this.convert(frame);
      return;
    }
    this.pending.pushAudio(frame);
    // Past the overrun bound the oldest audio goes, which only the converted queue can do.
    if (this.framesToMs(this.queuedFrames) + this.pending.pendingMs > this.framesToMs(this.capacityFrames)) this.convertPending(Infinity);
  }

  /** Converts one pushed frame into the ring. */
  private convert(frame: PlaybackInput): void {
    const itemId = frame.itemId;
    const converter = this.converter;
    const formatChanged = !converter || converter.sampleRate !== frame.sampleRate || converter.channels !== frame.channels;
    if (itemId !== this.inputItemId || formatChanged) this.finishInputStream();
    // A new item means the previous one is complete: if none of it is left to play, it is over.
    if (itemId !== this.inputItemId) this.finishCurrentItemIfDrained();
    if (formatChanged) this.converter = this.converterFor(frame.sampleRate, frame.channels);
    this.inputItemId = itemId;
    this.inputEnded = false;

    // Whole input frames only; a split frame waits for the rest of its bytes.
    const frameBytes = 2 * frame.channels;
    let bytes = frame.pcm;
    if (this.carry.length > 0) {
      const joined = new Uint8Array(this.carry.length + bytes.length);
      joined.set(this.carry, 0);
      joined.set(bytes, this.carry.length);
      bytes = joined;
    }
    const wholeBytes = bytes.length - (bytes.length % frameBytes);
    this.carry = wholeBytes < bytes.length ? bytes.slice(wholeBytes) : NO_BYTES;
    if (wholeBytes === 0) return;
    this.convertAndQueue(bytes, wholeBytes, frame.channels, itemId);
  }

  /** Converts waiting audio (and the ends of items between it) until `frames` are ready or none waits. */
  private convertPending(frames: number): void {
    while (this.queuedFrames < frames) {
      const entry = this.pending.shift();
      if (!entry) return;
      if (entry.kind === 'audio') this.convert(entry.input);
      else this.endInput(entry.itemId);
    }
  }

  /**
   * The pushed audio is complete for now (the response's audio is done): emits the resampler's
   * tail and lets a queue below the start threshold play. Ignored when `itemId` is given and is
   * not the item being received.
   */
  markItemEnded(itemId?: string): void {
    const waiting = this.pending.lastPendingItem;
    if (!waiting) {
      this.endInput(itemId);
      return;
    }
    if (itemId === undefined || itemId === waiting.itemId) this.pending.pushEnd(itemId);
  }

  private endInput(itemId: string | undefined): void {
    if (itemId !== undefined && itemId !== this.inputItemId) return;
    this.finishInputStream();
    this.inputEnded = true;
    this.finishCurrentItemIfDrained();
  }

  /**
   * The device asks for `frames` frames: fills `out` (at least frames * deviceChannels samples)
   * with audio or silence and returns how many frames were real audio. Allocation-free.
   */
  pull(out: Int16Array, frames: number): number {
    const channels = this.deviceChannels;
    if (!Number.isInteger(frames) || frames < 0 || out.length < frames * channels) {
      throw new RangeError(`PlaybackBuffer.pull: need an Int16Array of at least frames * ${channels} samples and an integer frame count, got ${out.length} for ${frames}`);
    }
    this.startedInPull = undefined;
    if (frames === 0) return 0;
    if (!this.pending.isEmpty) this.convertPending(frames + this.aheadFrames);

    if (!this.playing && this.queuedFrames > 0) {
      if (this.queuedFrames >= this.startThresholdFrames || this.inputEnded || this.waitedFrames >= this.startTimeoutFrames) {
        this.playing = true;
        this.waitedFrames = 0;
        this.fadeInDone = 0;
      }
    }

    const real = this.playing ? Math.min(this.queuedFrames, frames) : 0;
    // The queue empties in this pull: it ran dry mid-pull, or it held the last of an ended stream.
    const drains = this.playing && (real < frames || (this.inputEnded && real === this.queuedFrames));
    const fadeOut = drains ? Math.min(real, this.fadeFrames) : 0;
    const fadeOutFrom = real - fadeOut;
    const ring = this.ring;
    const capacity = this.capacityFrames;
    const fadeFrames = this.fadeFrames;
    let sumSquares = 0;
    let index = 0;

    // Real frames: ring samples with fade gains, plus any ramp still running (a crossfade).
    let ringFrame = this.readFrame;
    for (let frame = 0; frame < real; frame++) {
      let gain = 1;
      if (this.fadeInDone < fadeFrames) gain = ++this.fadeInDone / fadeFrames;
      if (frame >= fadeOutFrom) gain *= 1 - (frame - fadeOutFrom + 1) / fadeFrames;
      const tailGain = this.nextTailGain();
      let ringIndex = ringFrame * channels;
      for (let channel = 0; channel < channels; channel++, index++, ringIndex++) {
        const value = toInt16(ring[ringIndex]! * gain + this.tailStart[channel]! * tailGain);
        out[index] = value;
        sumSquares += value * value;
      }
      if (++ringFrame === capacity) ringFrame = 0;
    }
    if (real > 0) {
      this.readFrame = ringFrame;
      this.queuedFrames -= real;
      this.accountPlayed(real);
      for (let channel = 0; channel < channels; channel++) this.lastOutput[channel] = out[(real - 1) * channels + channel]!;
    }

    if (drains) {
      this.playing = false;
      if (this.inputEnded) this.finishCurrentItem();
      else this.underrunCount++;
      // Finish the fade-out as a ramp of the last sample when the pull had too few real frames.
      this.startTail(fadeFrames - fadeOut);
    } else if (!this.playing && this.queuedFrames > 0) {
      this.waitedFrames += frames;
    }

    // The rest: the ramp, then silence.
    for (let frame = real; frame < frames; frame++) {
      const tailGain = this.nextTailGain();
      if (tailGain === 0) {
        out.fill(0, index, frames * channels);
        index = frames * channels;
        break;
      }
      for (let channel = 0; channel < channels; channel++, index++) {
        const value = toInt16(this.tailStart[channel]! * tailGain);
        out[index] = value;
        sumSquares += value * value;
      }
    }
    if (real < frames) {
      for (let channel = 0; channel < channels; channel++) this.lastOutput[channel] = out[(frames - 1) * channels + channel]!;
    }

    this.lastLevelDbfs = sumSquares === 0 ? -Infinity : 20 * Math.log10(Math.sqrt(sumSquares / (frames * channels)) / INT16_SCALE);
    return real;
  }

  /**
   * Barge-in: drops everything queued at once and reports the item being played with how much
   * of it was heard: frames handed to the device, minus `deviceLatencyMs` still inside the device,
   * in whole milliseconds, never negative. If nothing of it was pulled yet but an item is queued,
   * that item is reported with 0. Undefined when nothing was playing or the audio had no item id.
   * The next pull ramps the last sample to zero over `fadeMs`, then silence.
   */
  interrupt(deviceLatencyMs = 0): PlaybackInterruptionReport | undefined {
    let report: PlaybackInterruptionReport | undefined;
    if (this.hasCurrentItem) {
      if (this.currentItemId !== undefined) {
        const heardMs = this.framesToMs(this.currentPlayedFrames) - Math.max(0, deviceLatencyMs);
        report = { itemId: this.currentItemId, playedMs: Math.max(0, Math.floor(heardMs)) };
      }
    } else if (this.segmentCount > 0) {
      const queuedItem = this.segmentItems[this.segmentHead];
      if (queuedItem !== undefined) report = { itemId: queuedItem, playedMs: 0 };
    } else {
      const waitingItem = this.pending.pendingItems()[0];
      if (waitingItem !== undefined) report = { itemId: waitingItem, playedMs: 0 };
    }

    // Late audio for anything dropped here is ignored until another item arrives.
    const ignored: string[] = [];
    const remember = (itemId: string | undefined): void => {
      if (itemId !== undefined && !ignored.includes(itemId)) ignored.push(itemId);
    };
    if (this.hasCurrentItem) remember(this.currentItemId);
    for (let offset = 0; offset < this.segmentCount; offset++) remember(this.segmentItems[(this.segmentHead + offset) % this.segmentItems.length]);
    remember(this.inputItemId);
    for (const waitingItem of this.pending.pendingItems()) remember(waitingItem);
    this.ignoredItems = ignored;
    this.pending.clear();

    this.finishCurrentItem();
    this.readFrame = 0;
    this.queuedFrames = 0;
    this.segmentHead = 0;
    this.segmentCount = 0;
    this.playing = false;
    this.waitedFrames = 0;
    this.fadeInDone = this.fadeFrames;
    this.startTail(this.fadeFrames);
    if (this.converter) for (const resampler of this.converter.resamplers) resampler.reset();
    this.converterDirty = false;
    this.carry = NO_BYTES;
    this.inputItemId = undefined;
    this.inputEnded = false;
    return report;
  }

  private framesToMs(frames: number): number {
    return (frames * 1000) / this.deviceSampleRate;
  }

  private converterFor(sampleRate: number, channels: number): Converter {
    const key = `${sampleRate}/${channels}`;
    let converter = this.converters.get(key);
    if (converter) {
      for (const resampler of converter.resamplers) resampler.reset();
    } else {
      const count = channels === this.deviceChannels ? channels : 1;
      const resamplers: Resampler[] = [];
      for (let channel = 0; channel < count; channel++) resamplers.push(new Resampler(sampleRate, this.deviceSampleRate));
      converter = { sampleRate, channels, resamplers };
      this.converters.set(key, converter);
    }
    return converter;
  }

  /** Ends the current input stream: its resampler tail is queued under its item, then reset. */
  private finishInputStream(): void {
    this.carry = NO_BYTES;
    const converter = this.converter;
    if (!converter || !this.converterDirty) return;
    const tails = converter.resamplers.map((resampler) => resampler.flush());
    for (const resampler of converter.resamplers) resampler.reset();
    this.converterDirty = false;
    this.queue(tails, this.inputItemId);
  }

  private convertAndQueue(bytes: Uint8Array, byteLength: number, channels: number, itemId: string | undefined): void {
    const converter = this.converter!;
    const frames = byteLength / (2 * channels);
    const view = new DataView(bytes.buffer, bytes.byteOffset, byteLength);
    const perChannel = converter.resamplers.length > 1;
    const inputs: Float32Array[] = [];
    for (let index = 0; index < converter.resamplers.length; index++) inputs.push(new Float32Array(frames));
    const mixScale = 1 / (channels * INT16_SCALE);
    for (let frame = 0, offset = 0; frame < frames; frame++) {
      if (perChannel) {
        for (let channel = 0; channel < channels; channel++, offset += 2) inputs[channel]![frame] = view.getInt16(offset, true) / INT16_SCALE;
      } else {
        let sum = 0;
        for (let channel = 0; channel < channels; channel++, offset += 2) sum += view.getInt16(offset, true);
        inputs[0]![frame] = sum * mixScale;
      }
    }
    const outputs = converter.resamplers.map((resampler, index) => resampler.process(inputs[index]!));
    this.converterDirty = true;
    this.queue(outputs, itemId);
  }

  /** Writes converted float frames (one array per device channel, or one for all) into the ring. */
  private queue(sources: Float32Array[], itemId: string | undefined): void {
    const first = sources[0];
    if (!first || first.length === 0) return;
    const channels = this.deviceChannels;
    let frames = first.length;
    let skip = 0;
    if (frames > this.capacityFrames) {
      skip = frames - this.capacityFrames;
      this.droppedFrames += skip;
      frames = this.capacityFrames;
    }
    const overflow = this.queuedFrames + frames - this.capacityFrames;
    if (overflow > 0) this.dropOldest(overflow);

    this.appendSegment(itemId, frames);
    let writeFrame = (this.readFrame + this.queuedFrames) % this.capacityFrames;
    const shared = sources.length !== channels;
    for (let frame = 0; frame < frames; frame++) {
      const base = writeFrame * channels;
      for (let channel = 0; channel < channels; channel++) {
        const source = shared ? first : sources[channel]!;
        this.ring[base + channel] = toInt16(source[skip + frame]! * INT16_SCALE);
      }
      if (++writeFrame === this.capacityFrames) writeFrame = 0;
    }
    this.queuedFrames += frames;
  }

  /** Overrun: drops the oldest queued frames (not played, so not counted for their item). */
  private dropOldest(count: number): void {
    this.droppedFrames += count;
    this.readFrame = (this.readFrame + count) % this.capacityFrames;
    this.queuedFrames -= count;
    let remaining = count;
    while (remaining > 0 && this.segmentCount > 0) {
      const head = this.segmentHead;
      const take = Math.min(remaining, this.segmentFrames[head]!);
      this.segmentFrames[head] = this.segmentFrames[head]! - take;
      remaining -= take;
      if (this.segmentFrames[head] === 0) this.popSegment();
    }
    if (this.playing) {
      // The cut would click: crossfade from the last sample to the new head.
      this.startTail(this.fadeFrames);
      this.fadeInDone = 0;
    }
  }

  private appendSegment(itemId: string | undefined, frames: number): void {
    const size = this.segmentItems.length;
    if (this.segmentCount > 0) {
      const last = (this.segmentHead + this.segmentCount - 1) % size;
      if (this.segmentItems[last] === itemId) {
        this.segmentFrames[last] = this.segmentFrames[last]! + frames;
        return;
      }
    }
    if (this.segmentCount === size) {
      const items: (string | undefined)[] = new Array<string | undefined>(size * 2);
      const counts = new Array<number>(size * 2).fill(0);
      for (let offset = 0; offset < size; offset++) {
        items[offset] = this.segmentItems[(this.segmentHead + offset) % size];
        counts[offset] = this.segmentFrames[(this.segmentHead + offset) % size]!;
      }
      this.segmentItems = items;
      this.segmentFrames = counts;
      this.segmentHead = 0;
    }
    const slot = (this.segmentHead + this.segmentCount) % this.segmentItems.length;
    this.segmentItems[slot] = itemId;
    this.segmentFrames[slot] = frames;
    this.segmentCount++;
  }

  private popSegment(): void {
    this.segmentItems[this.segmentHead] = undefined;
    this.segmentHead = (this.segmentHead + 1) % this.segmentItems.length;
    this.segmentCount--;
  }

  /** Credits `frames` pulled frames to the items at the head of the queue. */
  private accountPlayed(frames: number): void {
    let remaining = frames;
    while (remaining > 0 && this.segmentCount > 0) {
      const head = this.segmentHead;
      const itemId = this.segmentItems[head];
      if (!this.hasCurrentItem || this.currentItemId !== itemId) {
        this.finishCurrentItem();
        this.hasCurrentItem = true;
        this.currentItemId = itemId;
        this.currentPlayedFrames = itemId === undefined ? 0 : (this.playedHistory.get(itemId) ?? 0);
        // Its first frame (not a resumption after another item): once per item, so allocating is fine.
        if (this.currentPlayedFrames === 0 && !this.startedInPull) this.startedInPull = { itemId, frameOffset: frames - remaining };
      }
      const take = Math.min(remaining, this.segmentFrames[head]!);
      this.currentPlayedFrames += take;
      this.segmentFrames[head] = this.segmentFrames[head]! - take;
      remaining -= take;
      if (this.segmentFrames[head] === 0) this.popSegment();
    }
  }

  private finishCurrentItemIfDrained(): void {
    if (!this.hasCurrentItem) return;
    if (this.segmentCount > 0 && this.segmentItems[this.segmentHead] === this.currentItemId) return;
    this.finishCurrentItem();
  }

  /** The current item is over (finished, replaced or interrupted): keep its count for `playedMs`. */
  private finishCurrentItem(): void {
    if (!this.hasCurrentItem) return;
    const itemId = this.currentItemId;
    if (itemId !== undefined) {
      this.playedHistory.delete(itemId);
      this.playedHistory.set(itemId, this.currentPlayedFrames);
      if (this.playedHistory.size > PLAYED_HISTORY_ITEMS) {
        const oldest = this.playedHistory.keys().next().value;
        if (oldest !== undefined) this.playedHistory.delete(oldest);
      }
    }
    this.hasCurrentItem = false;
    this.currentItemId = undefined;
    this.currentPlayedFrames = 0;
  }

  /** Starts a ramp from the last sample handed to the device down to zero over `length` frames. */
  private startTail(length: number): void {
    this.tailStart.set(this.lastOutput);
    this.tailLength = length;
    this.tailPosition = 0;
  }

  private nextTailGain(): number {
    if (this.tailPosition >= this.tailLength) return 0;
    this.tailPosition++;
    return 1 - this.tailPosition / this.tailLength;
  }
}
