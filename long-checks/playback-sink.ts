/**
 * The speaker side of the long checks: the core PlaybackBuffer (the jitter buffer that converts any
 * rate and channel count to the device format) behind the AudioSink interface, pulled by a timer
 * like a 48 kHz stereo device playing `speed` times faster than real time. The fuzz run pulls fast
 * so a storm's audio does not just pile up at the bound (and frames with odd rates, channel counts
 * and lengths reach the resamplers here, which is where an absurd sample rate once turned into a
 * huge allocation); the soak pulls at its compressed time, so an answer is "being spoken" (the
 * session is not quiet) for its compressed length. Keeps counts only.
 */
import type { AssistantAudioFrame, AudioSink, PlaybackInterruption } from '../src-main/core/audio/audio-io';
import { PlaybackBuffer } from '../src-main/core/audio/playback-buffer';

const DEVICE_SAMPLE_RATE_HZ = 48_000;
const DEVICE_CHANNELS = 2;
const PULL_EVERY_MS = 20;

export interface PlaybackSinkOptions {
  /** Real time per wall time: the device plays this many times faster than real time. */
  readonly speed: number;
  /** The buffer's overrun bound; the PlaybackBuffer's default when absent. */
  readonly maxBufferedMs?: number;
}

export class PlaybackSink implements AudioSink {
  private readonly buffer: PlaybackBuffer;
  private readonly pullFrames: number;
  private readonly out: Int16Array;
  private readonly timer: NodeJS.Timeout;
  framesWritten = 0;
  /** Assistant audio handed to the speaker, in ms of real time. */
  receivedMs = 0;

  constructor(options: PlaybackSinkOptions) {
    this.buffer = new PlaybackBuffer({ deviceSampleRate: DEVICE_SAMPLE_RATE_HZ, deviceChannels: DEVICE_CHANNELS, maxBufferedMs: options.maxBufferedMs });
    this.pullFrames = Math.round((DEVICE_SAMPLE_RATE_HZ / 1000) * PULL_EVERY_MS * options.speed);
    this.out = new Int16Array(this.pullFrames * DEVICE_CHANNELS);
    this.timer = setInterval(() => this.buffer.pull(this.out, this.pullFrames), PULL_EVERY_MS);
  }

  write(frame: AssistantAudioFrame): void {
    this.framesWritten++;
    this.receivedMs += (frame.pcm.byteLength / 2 / frame.channels / frame.sampleRate) * 1000;
    this.buffer.push(frame);
  }

  endItem(itemId: string | undefined): void {
    this.buffer.markItemEnded(itemId);
  }

  isPlaying(): boolean {
    return this.buffer.isPlaying();
  }

  interrupt(): PlaybackInterruption | undefined {
    return this.buffer.interrupt();
  }

  get droppedMs(): number {
    return this.buffer.stats.droppedMs;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
  }
}
