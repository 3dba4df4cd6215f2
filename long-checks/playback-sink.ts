/**
 * The speaker side for the fuzz run: the core PlaybackBuffer (the jitter buffer that converts any
 * rate and channel count to the device format) behind the AudioSink interface, pulled by a timer
 * like a 48 kHz stereo device would. Frames with odd rates, channel counts and lengths reach the
 * resamplers here, which is where an absurd sample rate once turned into a huge allocation.
 */
import type { AssistantAudioFrame, AudioSink, PlaybackInterruption } from '../src-main/core/audio/audio-io';
import { PlaybackBuffer } from '../src-main/core/audio/playback-buffer';

const DEVICE_SAMPLE_RATE_HZ = 48_000;
const DEVICE_CHANNELS = 2;
const PULL_EVERY_MS = 20;
/** The device pulls faster than real time so the storm's audio does not just pile up at the bound. */
const PULL_FRAMES = (DEVICE_SAMPLE_RATE_HZ / 1000) * PULL_EVERY_MS * 8;

export class PlaybackSink implements AudioSink {
  private readonly buffer = new PlaybackBuffer({ deviceSampleRate: DEVICE_SAMPLE_RATE_HZ, deviceChannels: DEVICE_CHANNELS });
  private readonly out = new Int16Array(PULL_FRAMES * DEVICE_CHANNELS);
  private readonly timer: NodeJS.Timeout;
  framesWritten = 0;
  framesPulled = 0;

  constructor() {
    this.timer = setInterval(() => {
      this.framesPulled += this.buffer.pull(this.out, PULL_FRAMES);
    }, PULL_EVERY_MS);
  }

  write(frame: AssistantAudioFrame): void {
    this.framesWritten++;
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
