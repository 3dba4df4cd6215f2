import type { Disposable } from '../util/disposable';

/** 20 ms of microphone audio: PCM16 little-endian, mono, 24 kHz (480 samples, 960 bytes). */
export interface MicrophoneFrame {
  readonly pcm: Buffer;
  /** Milliseconds on the source's clock when the first sample was captured. */
  readonly capturedAtMs: number;
}

/** Where the microphone comes from: a WAV file, a live device (issue 3), a test. */
export interface AudioSource {
  start(onFrame: (frame: MicrophoneFrame) => void, onEnd: (error?: Error) => void): void;
  stop(): Promise<void>;
}

export interface AssistantAudioFrame {
  /** PCM16 little-endian, interleaved. */
  readonly pcm: Buffer;
  readonly sampleRate: number;
  readonly channels: number;
  readonly itemId: string | undefined;
}

export interface PlaybackInterruption {
  readonly itemId: string;
  /** How much of that item the listener actually heard. */
  readonly playedMs: number;
}

/**
 * The first sample of an item's audio: when it left Parley (handed to the sound server, past any
 * queue of ours) and when it is heard (epoch ms, fractional).
 */
export interface PlaybackStart {
  readonly itemId: string | undefined;
  readonly handedAt: number;
  readonly heardAt: number;
}

/** Where assistant audio goes: a speaker (issue 3), a WAV file, a test. */
export interface AudioSink {
  write(frame: AssistantAudioFrame): void;
  /** The item's audio is complete (optional: lets a jitter buffer start and flush at once). */
  endItem?(itemId: string | undefined): void;
  /** True while audio is still audible (queued or playing). */
  isPlaying(): boolean;
  /**
   * Barge-in: stop at once, drop what is queued, and report what was heard of the item being
   * played, if any. A speaker in another process answers asynchronously; silence must not wait
   * for the answer.
   */
  interrupt(): PlaybackInterruption | undefined | Promise<PlaybackInterruption | undefined>;
  /**
   * Optional: a sink that knows when each item's first sample reaches the device (the live
   * speaker) reports it here; the latency waterfall's last steps come from it. Returns an unsubscribe.
   */
  onPlaybackStart?(listener: (start: PlaybackStart) => void): () => void;
  close(): Promise<void>;
}

export type { Disposable };
